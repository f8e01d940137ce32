package scenario

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"ramfarm/harness/world"
)

// Draw is a scenario's drawn events: ranges that EventsFor turns into
// timed events from a run's seed, so that the policies are compared on
// many timelines of RAM jumps and not tuned to one.
type Draw struct {
	Programs     []DrawProgram
	ProgramOrder ProgramOrder
	Servers      []DrawServers
	Home         []DrawHome // in rising RAM, reached in this order
}

// ProgramOrder says whether drawn programs may arrive out of list order.
type ProgramOrder int

const (
	// OrderListed sorts the drawn times, so the programs arrive in list
	// order; their spans must rise in list order.
	OrderListed ProgramOrder = iota
	// OrderDrawn keeps each program's own drawn time: where spans
	// overlap, the order varies from seed to seed.
	OrderDrawn
)

func (o ProgramOrder) String() string {
	if o == OrderDrawn {
		return "drawn"
	}
	return "listed"
}

// Span is a range of game time, both ends included.
type Span struct{ From, To time.Duration }

// DrawProgram is a program acquired at a time drawn from Span.
type DrawProgram struct {
	Program string
	Span    Span
}

// DrawServers is one purchase of servers at a time drawn from Span: a
// count drawn from Count (both ends included) and one RAM drawn from RAM.
type DrawServers struct {
	Span   Span
	Count  [2]int
	RAM    []float64
	Prefix string
	Funded bool
}

// DrawHome is home doubled up to RAM GB at a time drawn from Span.
type DrawHome struct {
	Span   Span
	RAM    float64
	Funded bool
}

// drawStream picks the PCG stream of the draws ("draw"), apart from the
// streams the harness seeds from the same run seed.
const drawStream = 0x64726177

// EventsFor returns the run's events for seed: the file's events and the
// draw section's, in time order (ties in file order, the file's events
// first). The same seed always gives the same events.
func (s *Scenario) EventsFor(seed uint64) []TimedEvent {
	out := slices.Clone(s.Events)
	if s.Draw == nil {
		return out
	}
	out = append(out, s.Draw.expand(seed)...)
	slices.SortStableFunc(out, func(a, b TimedEvent) int { return cmp.Compare(a.At, b.At) })
	return out
}

// expand draws every item in a fixed order (programs, servers, home), so
// each seed gives one timeline.
func (d *Draw) expand(seed uint64) []TimedEvent {
	rng := rand.New(rand.NewPCG(seed, drawStream))
	var out []TimedEvent
	for i, at := range drawTimes(rng, spansOf(d.Programs), d.ProgramOrder == OrderListed) {
		out = append(out, TimedEvent{At: at, Source: fmt.Sprintf("draw.programs[%d]", i), Event: Acquire{d.Programs[i].Program}})
	}
	for i, b := range d.Servers {
		at := b.Span.draw(rng)
		count := b.Count[0] + rng.IntN(b.Count[1]-b.Count[0]+1)
		ram := b.RAM[rng.IntN(len(b.RAM))]
		out = append(out, TimedEvent{At: at, Source: fmt.Sprintf("draw.servers[%d]", i),
			Event: Buy{Count: count, RAM: ram, Prefix: b.Prefix, Funded: b.Funded}})
	}
	for i, at := range drawTimes(rng, spansOf(d.Home), true) {
		h := d.Home[i]
		out = append(out, TimedEvent{At: at, Source: fmt.Sprintf("draw.home[%d]", i),
			Event: UpgradeHome{RAM: h.RAM, Funded: h.Funded}})
	}
	return out
}

// spansOf lists the spans of draw items.
func spansOf[T interface{ span() Span }](items []T) []Span {
	out := make([]Span, len(items))
	for i, it := range items {
		out[i] = it.span()
	}
	return out
}

func (p DrawProgram) span() Span { return p.Span }
func (h DrawHome) span() Span    { return h.Span }

// drawTimes draws one time from each span. inOrder sorts them, so the
// i-th item gets the i-th earliest time; with spans whose ends both rise
// in list order that time is still inside the i-th span (at least i of
// the times are at most its To, and the rest at least its From).
func drawTimes(rng *rand.Rand, spans []Span, inOrder bool) []time.Duration {
	out := make([]time.Duration, len(spans))
	for i, sp := range spans {
		out[i] = sp.draw(rng)
	}
	if inOrder {
		slices.Sort(out)
	}
	return out
}

// draw picks a time in the span, a whole number of seconds after From.
func (sp Span) draw(rng *rand.Rand) time.Duration {
	return sp.From + time.Duration(rng.Int64N(int64((sp.To-sp.From)/time.Second)+1))*time.Second
}

// Contains reports whether t is within the span.
func (sp Span) Contains(t time.Duration) bool { return t >= sp.From && t <= sp.To }

func parseDraw(top *object, s *Scenario) (*Draw, error) {
	o, err := top.object("draw")
	if err != nil || o == nil {
		return nil, err
	}
	if err := o.allow("programs", "programOrder", "servers", "home"); err != nil {
		return nil, err
	}
	d := &Draw{}
	if d.Programs, err = parseDrawPrograms(o, s); err != nil {
		return nil, err
	}
	var order string
	if err := o.str("programOrder", &order); err != nil {
		return nil, err
	}
	switch {
	case order == "drawn":
		d.ProgramOrder = OrderDrawn
	case order == "listed" || !o.has("programOrder"):
		if err := rising(o, "programs", spansOf(d.Programs)); err != nil {
			return nil, err
		}
	default:
		return nil, o.bad("programOrder", `want "listed" or "drawn", got %q`, order)
	}
	if o.has("programOrder") && len(d.Programs) == 0 {
		return nil, o.bad("programOrder", "there are no programs to order")
	}
	if d.Servers, err = parseDrawServers(o, s); err != nil {
		return nil, err
	}
	if d.Home, err = parseDrawHome(o, s); err != nil {
		return nil, err
	}
	if len(d.Programs)+len(d.Servers)+len(d.Home) == 0 {
		return nil, &Error{o.path, ErrMissingKey, `give "programs", "servers" or "home"`}
	}
	return d, nil
}

// items reads the list key of the draw section as objects allowing the
// given keys and requiring from, to and the given required ones.
func items(o *object, key string, required []string, optional ...string) ([]*object, error) {
	raws, err := o.list(key)
	if err != nil {
		return nil, err
	}
	out := make([]*object, len(raws))
	for i, raw := range raws {
		it, err := parseObject(fmt.Sprintf("%s[%d]", o.at(key), i), raw)
		if err != nil {
			return nil, err
		}
		req := append([]string{"from", "to"}, required...)
		if err := firstErr(it.allow(append(req, optional...)...), it.require(req...)); err != nil {
			return nil, err
		}
		out[i] = it
	}
	return out, nil
}

func parseDrawPrograms(o *object, s *Scenario) ([]DrawProgram, error) {
	objs, err := items(o, "programs", []string{"program"})
	if err != nil {
		return nil, err
	}
	owned := append([]string{"NUKE.exe"}, s.Start.Programs...)
	out := make([]DrawProgram, len(objs))
	for i, it := range objs {
		p := &out[i]
		if err := firstErr(it.str("program", &p.Program), it.span(s.Duration, &p.Span)); err != nil {
			return nil, err
		}
		switch {
		case !slices.Contains(world.ProgramNames(), p.Program):
			return nil, it.bad("program", "%q is not a program of the game", p.Program)
		case slices.Contains(owned, p.Program):
			return nil, it.bad("program", "%q is owned at the start", p.Program)
		case slices.ContainsFunc(out[:i], func(q DrawProgram) bool { return q.Program == p.Program }):
			return nil, it.bad("program", "%q is drawn twice", p.Program)
		}
		for _, e := range s.Events {
			if a, ok := e.Event.(Acquire); ok && a.Program == p.Program {
				return nil, it.bad("program", "%q is acquired by %s already", p.Program, e.Source)
			}
		}
	}
	return out, nil
}

func parseDrawServers(o *object, s *Scenario) ([]DrawServers, error) {
	objs, err := items(o, "servers", []string{"ram", "prefix"}, "count", "funded")
	if err != nil {
		return nil, err
	}
	bought := 0 // the most servers the run can buy, so far
	for _, e := range s.Events {
		if b, ok := e.Event.(Buy); ok {
			bought += b.Count
		}
	}
	out := make([]DrawServers, len(objs))
	for i, it := range objs {
		b := &out[i]
		b.Count = [2]int{1, 1}
		if err := firstErr(
			it.span(s.Duration, &b.Span),
			it.intRange("count", 1, world.PurchasedServerLimit, &b.Count),
			it.choices("ram", &b.RAM),
			it.str("prefix", &b.Prefix),
			it.boolean("funded", &b.Funded),
		); err != nil {
			return nil, err
		}
		for j, r := range b.RAM {
			if !powerOf2(r, 1, world.PurchasedServerMaxRAM) {
				return nil, it.bad(ramAt(it, j), "want a power of 2 from 1 to %d GB, got %v", world.PurchasedServerMaxRAM, r)
			}
		}
		if err := checkPrefix(it, b.Prefix); err != nil {
			return nil, err
		}
		if bought += b.Count[1]; bought > world.PurchasedServerLimit {
			return nil, it.bad("count", "up to %d servers bought by the events and draws so far, more than the limit of %d",
				bought, world.PurchasedServerLimit)
		}
	}
	return out, nil
}

// ramAt names one of the ram choices, or ram itself when a single
// number was given.
func ramAt(o *object, j int) string {
	if o.isList("ram") {
		return fmt.Sprintf("ram[%d]", j)
	}
	return "ram"
}

func parseDrawHome(o *object, s *Scenario) ([]DrawHome, error) {
	objs, err := items(o, "home", []string{"ram"}, "funded")
	if err != nil {
		return nil, err
	}
	if len(objs) > 0 {
		for _, e := range s.Events {
			if u, ok := e.Event.(UpgradeHome); ok && u.RAM > 0 {
				return nil, &Error{o.at("home"), ErrBadValue, fmt.Sprintf("%s upgrades home RAM too; give home's RAM steps in one place", e.Source)}
			}
		}
	}
	out := make([]DrawHome, len(objs))
	below, of := s.Start.HomeRAM, "start.homeRam's"
	for i, it := range objs {
		h := &out[i]
		if err := firstErr(it.span(s.Duration, &h.Span), it.number("ram", &h.RAM), it.boolean("funded", &h.Funded)); err != nil {
			return nil, err
		}
		if !powerOf2(h.RAM, 8, world.HomeMaxRAM) {
			return nil, it.bad("ram", "want a power of 2 from 8 to %d GB, got %v", world.HomeMaxRAM, h.RAM)
		}
		if h.RAM <= below {
			return nil, it.bad("ram", "want more than %s %v GB, got %v", of, below, h.RAM)
		}
		below, of = h.RAM, fmt.Sprintf("draw.home[%d]'s", i)
	}
	if err := rising(o, "home", spansOf(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// rising checks that the spans of the list key start and end no earlier
// than the one before, as drawing them in list order needs.
func rising(o *object, key string, spans []Span) error {
	for i := 1; i < len(spans); i++ {
		prev, sp := spans[i-1], spans[i]
		at, before := fmt.Sprintf("%s[%d]", o.at(key), i), fmt.Sprintf("%s[%d]", o.at(key), i-1)
		switch {
		case sp.From < prev.From:
			return &Error{at + ".from", ErrOrder, fmt.Sprintf("%v is before %s's %v; drawn in list order, spans must not start earlier than the one before", sp.From, before, prev.From)}
		case sp.To < prev.To:
			return &Error{at + ".to", ErrOrder, fmt.Sprintf("%v is before %s's %v; drawn in list order, spans must not end earlier than the one before", sp.To, before, prev.To)}
		}
	}
	return nil
}
