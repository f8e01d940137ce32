package harvest

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
	"ramfarm/core/task"
	"ramfarm/internal/modetest"
)

// TestEngine_transitions lists the moves between modes; any other
// panics.
func TestEngine_transitions(t *testing.T) {
	// Filling and rebalancing move between themselves and to draining; a
	// refused allocation ends the task in any mode.
	but := func(m Mode) []Mode {
		return slices.DeleteFunc([]Mode{ModeFilling, ModeRebalancing, ModeDraining, ModeDone}, func(x Mode) bool { return x == m })
	}
	become := map[Mode]func(*Engine){
		ModeFilling:     (*Engine).becomeFilling,
		ModeRebalancing: func(e *Engine) { e.becomeRebalancing(ReasonDrift) },
		ModeDraining:    (*Engine).becomeDraining,
		ModeDone:        func(e *Engine) { e.becomeDone(task.ReasonStopped) },
	}
	modetest.Check(t, ModeDone, map[Mode][]Mode{
		ModeFilling:     but(ModeFilling),
		ModeRebalancing: but(ModeRebalancing),
		ModeDraining:    {ModeDone},
	}, canBecome, func(from, to Mode) {
		e := newEngine(t, Config{})
		e.mode = from
		become[to](e)
		if e.mode != to {
			t.Errorf("%s -> %s: mode %s", from, to, e.mode)
		}
	})
}

// newEngine is an engine on joesguns at level 100, with cfg's other
// fields.
func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	cfg.Model = model(t, "joesguns", 100)
	cfg.Period = 10000
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestNew_config(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		err  string // "" for success
	}{
		{"defaults", Config{}, ""},
		{"fraction above 1", Config{Fraction: 1.5}, "fraction 1.5 is outside [0, 1]"},
		{"max fraction nan", Config{MaxFraction: math.NaN()}, "max fraction NaN is outside [0, 1]"},
		{"negative cap", Config{Task: task.Config{Cap: -1}}, "cap -0.01GB is out of range"},
		{"fixed without cap", Config{Task: task.Config{Fixed: true}}, "a fixed task needs a cap: the RAM it asks for"},
		{"negative gain", Config{SizeGain: -0.1}, "size gain -0.1 is negative"},
		{"negative guard", Config{Guard: -1}, "guard -1ms is negative"},
		{"guard too wide", Config{Guard: 25}, "guard 25ms leaves no window within spacing 50ms"},
		{"money tolerance 1", Config{MoneyTolerance: 1}, "tolerances must be finite and non-negative, money below 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Model = model(t, "joesguns", 100)
			e, err := New(tt.cfg)
			switch {
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case tt.err != "" && (!errors.Is(err, ErrBadConfig) || !strings.HasSuffix(err.Error(), tt.err)):
				t.Fatalf("err %v, want %q", err, tt.err)
			case tt.err == "":
				c := e.cfg
				if c.MaxFraction != 0.9 || c.SizeGain != 0.25 || c.Guard != 10 || c.SecurityTolerance != 1e-6 ||
					c.MoneyTolerance != 0.01 || c.Task.Heartbeat != task.DefaultHeartbeat || c.Fraction != 0 {
					t.Errorf("defaults: %+v", c)
				}
			}
		})
	}
	// A fixed task asks once for what its cap holds, and no more.
	fixed := Config{Task: task.Config{Cap: 100 * ram.GB, Fixed: true}}
	fixed.Model = model(t, "joesguns", 100)
	e, err := New(fixed)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := e.Ready().Commands[0].(task.Alloc)
	if !ok || !a.Shrinkable || a.Growable || a.Size.Times(a.Count) > 100*ram.GB || a.Count < e.shape.threads() {
		t.Errorf("fixed: %s, shape %s", task.DescribeCommand(e.Ready().Commands[0]), e.shape)
	}
	// A model error comes through New too.
	if _, err := New(Config{}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("empty model: %v", err)
	}
}

// dump is the engine's state as text, for "nothing changed" checks.
func dump(e *Engine) string {
	var b strings.Builder
	b.WriteString(e.mode.String() + " " + e.shape.String() + " " + e.Base.String() + "\n")
	for _, h := range e.hosts {
		b.WriteString(h.name + " " + itoa(int64(h.held)) + " " + h.busy.String() + " " + itoa(int64(h.cores)) + "\n")
	}
	for _, bt := range e.flight {
		b.WriteString("batch " + itoa(bt.id) + " open " + itoa(int64(bt.open)) + "\n")
	}
	return b.String()
}

// running returns an engine with one batch started on alpha, which holds
// just its threads (pids 101..104) at now=100.
func running(t *testing.T) *Engine {
	t.Helper()
	e := newEngine(t, Config{Fraction: 0.01})
	must(t, e, task.Tick{Now: 0, Money: 62500000, Security: 5})
	must(t, e, task.Held{Seq: 1, Answered: 1, Chunks: []task.Chunk{{Host: "alpha", Size: e.size, Count: e.shape.threads(), Cores: 1}}})
	must(t, e, task.Tick{Now: 100, Money: 62500000, Security: 5})
	rd := e.Ready()
	e.Advance()
	pid := task.Pid(101)
	for _, c := range rd.Commands {
		if s, ok := c.(task.Start); ok {
			must(t, e, task.Started{Cmd: s.ID, Pid: pid})
			pid++
		}
	}
	if pid != 105 {
		t.Fatalf("started %d workers: %v", pid-101, rd.Commands)
	}
	return e
}

func must(t *testing.T, e *Engine, ev task.Event) {
	t.Helper()
	if err := e.Step(ev); err != nil {
		t.Fatalf("%s: %v", task.DescribeEvent(ev), err)
	}
}

// A level the target cannot be hacked at, or a result or exit of no
// part in flight, is an error and changes nothing (core/task checks the
// rest of the contract).
func TestEngine_Step_errors(t *testing.T) {
	tests := []struct {
		name string
		ev   task.Event
		err  error
	}{
		{"level below required", task.Tick{Now: 200, Money: 1, Security: 5, Hacking: 9}, task.ErrBadEvent},
		{"level inf", task.Tick{Now: 200, Money: 1, Security: 5, Hacking: math.Inf(1)}, task.ErrBadEvent},
		{"started again", task.Started{Cmd: 2, Pid: 500}, task.ErrUnknownCmd},
		{"exited unknown", task.Exited{Pid: 999}, task.ErrUnknownPid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := running(t)
			before := dump(e)
			if err := e.Step(tt.ev); !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if after := dump(e); after != before {
				t.Errorf("state changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// Pointers to events are stepped like the events.
func TestEngine_Step_pointers(t *testing.T) {
	e := running(t)
	for _, ev := range []task.Event{&task.SetCap{}, &task.Held{Seq: 2, Answered: 1, Chunks: []task.Chunk{{Host: "alpha", Size: e.size, Count: e.shape.threads()}}},
		&task.Exited{Pid: 101}, &task.Tick{Now: 200, Money: 62500000, Security: 5}, &task.Stop{}} {
		must(t, e, ev)
	}
	if e.Mode() != ModeDraining || !e.HasReady() {
		t.Errorf("mode %s, ready %v", e.Mode(), e.HasReady())
	}
	e.Advance()
	if e.HasReady() {
		t.Errorf("ready after Advance: %v", e.Ready())
	}
	pid := task.Pid(104)
	if err := e.Step(&task.Started{Cmd: 99, Pid: pid}); !errors.Is(err, task.ErrUnknownCmd) {
		t.Errorf("err %v", err)
	}
}

// The allocator taking back the chunks under a running batch does not
// interrupt it: the batch lands, and there is nothing to give back.
func TestEngine_Held_takenBack(t *testing.T) {
	e := running(t)
	must(t, e, task.Held{Seq: 2, Answered: 1})
	if e.held() != 0 || len(e.flight) != 1 {
		t.Fatalf("held %d, batches %d", e.held(), len(e.flight))
	}
	for pid := task.Pid(101); pid <= 104; pid++ {
		must(t, e, task.Exited{Pid: pid})
	}
	e.Advance()
	must(t, e, task.Tick{Now: 200000, Money: 62500000, Security: 5})
	for _, c := range e.Ready().Commands {
		if _, ok := c.(task.Release); ok {
			t.Errorf("released %s", task.DescribeCommand(c))
		}
	}
}

// Chunks given back count as held on their host until a snapshot answers
// the Release; a snapshot that answers it without them is the allocator
// having taken them; one that answers it with them still there means it
// refused, and they are the engine's again.
func TestEngine_Held_answered(t *testing.T) {
	e := running(t)
	n := e.shape.threads()
	snap := func(seq, answered int64, alpha, beta int) task.Held {
		h := task.Held{Seq: seq, Answered: answered, Chunks: []task.Chunk{{Host: "alpha", Size: e.size, Count: alpha}}}
		if beta > 0 {
			h.Chunks = append(h.Chunks, task.Chunk{Host: "beta", Size: e.size, Count: beta})
		}
		return h
	}
	e.shape.count = 1 // one batch: the 3 chunks on beta are more than it wants
	must(t, e, snap(2, 1, n, 3))
	e.Advance()
	must(t, e, task.Tick{Now: 200, Money: 62500000, Security: 5})
	var rel task.Release
	for _, c := range e.Ready().Commands {
		if r, ok := c.(task.Release); ok {
			rel = r
		}
	}
	if rel.Host != "beta" || rel.Count != 3 {
		t.Fatalf("release %+v", rel)
	}
	e.Advance()
	beta := func() *host { i, _ := e.find("beta"); return e.hosts[i] }
	must(t, e, snap(3, rel.ID-1, n, 3))
	if h := beta(); h.held != 0 || len(h.gone) != 1 {
		t.Fatalf("before the answer: held %d, going %v", h.held, h.gone)
	}
	must(t, e, snap(4, rel.ID, n, 3))
	if h := beta(); h.held != 3 || len(h.gone) != 0 {
		t.Fatalf("refused release: held %d, going %v", h.held, h.gone)
	}
	must(t, e, snap(5, rel.ID, n, 0))
	if _, ok := e.find("beta"); ok || e.held() != n {
		t.Fatalf("after the allocator took them: held %d", e.held())
	}
}

// The shape for a budget: full overlap of the smallest batch or more
// holds the largest batches of which the depth fits; less, the size whose
// batches, as many as fit, earn most; and a switch only for a gain.
func TestEngine_choose(t *testing.T) {
	e := newEngine(t, Config{})
	z, depth := e.sizes, e.planner.Depth()
	t1 := batchThreads(z.of(1))
	earns := func(h, b int) float64 { return float64(min(depth, b/batchThreads(z.of(h)))) * z.of(h).Money }
	for _, tt := range []struct {
		name  string
		cap   int // chunks
		check func(s shape) bool
	}{
		{"full overlap of the smallest", depth * t1, func(s shape) bool { return s.hack == 1 && s.count == depth }},
		{"room for larger batches at full overlap", 10 * depth * t1, func(s shape) bool {
			return s.count == depth && s.desired() <= 10*depth*t1 && depth*batchThreads(z.of(s.hack+1)) > 10*depth*t1
		}},
		{"less than full overlap", depth * t1 / 2, func(s shape) bool {
			for _, h := range steps(e.planner.HackThreads(0.9)) {
				if earns(h, depth*t1/2) > earns(s.hack, depth*t1/2)*1.25 {
					return false
				}
			}
			return s.count >= 1 && s.desired() <= depth*t1/2
		}},
		{"not one batch", t1 - 1, func(s shape) bool { return s.count == 0 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.shape = shape{}
			must(t, e, task.SetCap{RAM: e.size.Times(tt.cap)})
			if !tt.check(e.shape) {
				t.Errorf("cap %d chunks: shape %s (%d threads)", tt.cap, e.shape, e.shape.threads())
			}
		})
	}
	// A size that earns less than SizeGain more is no reason to switch.
	b := depth * t1 / 2
	e.shape = shape{}
	must(t, e, task.SetCap{RAM: e.size.Times(b)})
	best := e.shape.hack
	for _, h := range steps(e.planner.HackThreads(0.9)) {
		if h != best && earns(h, b) > 0 && earns(h, b)*1.25 > earns(best, b) {
			e.shape = shape{hack: h, count: 1, plan: z.of(h)}
			must(t, e, task.SetCap{RAM: e.size.Times(b + 1)})
			if e.shape.hack != h {
				t.Errorf("switched from %d to %d hack threads for less than the gain", h, e.shape.hack)
			}
			break
		}
	}
	// A batch's grow runs whole on one host: held hosts bound its size.
	must(t, e, task.SetCap{RAM: e.size.Times(10 * depth * t1)})
	must(t, e, task.Tick{Now: 0, Money: 62500000, Security: 5})
	must(t, e, task.Held{Seq: 1, Answered: 1, Chunks: []task.Chunk{{Host: "a", Size: e.size, Count: 10}, {Host: "b", Size: e.size, Count: 10}}})
	if g := e.shape.plan.Threads[hwgw.OpGrow]; g > 10 {
		t.Errorf("a grow of %d threads, on hosts of 10 chunks", g)
	}
}

// The slot grid: the first slot anchors it, later ones are on it and
// always after the last.
func TestEngine_nextSlot(t *testing.T) {
	e := newEngine(t, Config{}) // period 10000
	got := []int64{
		e.nextSlot(1000.5),  // anchor 1001
		e.nextSlot(500),     // before the anchor: after the last
		e.nextSlot(25000),   // on the grid
		e.nextSlot(31001),   // exactly a slot
		e.nextSlot(31001.2), // the next one
	}
	if want := []int64{1001, 11001, 31001, 41001, 51001}; !slices.Equal(got, want) {
		t.Errorf("slots %v, want %v", got, want)
	}
}

// Operations start only in the windows between a batch's landings that
// leave the target at min security.
func TestEngine_safe(t *testing.T) {
	e := newEngine(t, Config{}) // spacing 50, guard 10
	e.flight = []*batch{{slot: 1000}}
	for _, tt := range []struct {
		now  int64
		safe bool
	}{{989, true}, {990, false}, {1060, false}, {1061, true}, {1089, true}, {1090, false}, {1160, false}, {1161, false}, {5000, false}} {
		if got := e.safe(tt.now); got != tt.safe {
			t.Errorf("now %d: safe %v, want %v", tt.now, got, tt.safe)
		}
	}
	e.flight = nil
	if !e.safe(0) || !e.quiet(0) {
		t.Error("nothing in flight is not safe")
	}
}

func TestMode_String(t *testing.T) {
	tests := []struct{ got, want string }{
		{ModeFilling.String() + " " + ModeRebalancing.String() + " " + ModeDraining.String() + " " + ModeDone.String(),
			"filling rebalancing draining done"},
		{Mode(7).String() + " " + Reason(7).String(), "mode7 reason7"},
		{ReasonNone.String() + " " + ReasonDrift.String() + " " + ReasonLost.String(), "none drift lost"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
	}
}

// Want is the current shape without a budget, full overlap of the
// largest batch within one, and nothing once draining.
func TestEngine_Want(t *testing.T) {
	e := newEngine(t, Config{})
	if got, want := e.Want(), e.size.Times(e.shape.desired()); got != want {
		t.Errorf("no budget: want %s, wanted %s", got, want)
	}
	big := e.size.Times(e.planner.Depth() * batchThreads(e.sizes.of(e.planner.HackThreads(0.9))))
	for _, tt := range []struct {
		budget, want ram.Amount
	}{
		{big * 2, big},
		{big / 2, big / 2},
	} {
		must(t, e, task.SetCap{RAM: tt.budget})
		if got := e.Want(); got != tt.want {
			t.Errorf("budget %s: want %s, wanted %s", tt.budget, got, tt.want)
		}
	}
	must(t, e, task.Stop{})
	if got := e.Want(); got != 0 {
		t.Errorf("draining: want %s", got)
	}
}

// A fixed harvest asks once, shrinkable; refused, it finishes holding
// nothing, whatever mode the answer finds it in.
func TestEngine_refused(t *testing.T) {
	e := newEngine(t, Config{Task: task.Config{Cap: 100 * ram.GB, Fixed: true}})
	if a, ok := e.Ready().Commands[0].(task.Alloc); !ok || a.Growable || !a.Shrinkable {
		t.Fatalf("first command %s", task.DescribeCommand(e.Ready().Commands[0]))
	}
	e.Advance()
	must(t, e, task.Stop{})
	e.Advance()
	must(t, e, task.Refused{Reason: "no room"})
	var got []string
	for _, c := range e.Ready().Commands {
		got = append(got, task.DescribeCommand(c))
	}
	if want := []string{"Finished id=3 reason=refused"}; !slices.Equal(got, want) || e.Mode() != ModeDone {
		t.Errorf("after the refusal: %q in mode %s, want %q", got, e.Mode(), want)
	}
}

// A fixed harvest granted less than it asked keeps no chunk the allocator
// would grant straight back: whatever it releases beyond its batches, it
// first asks for that much less. (It gave back 2 of 336 chunks and kept
// asking for 336; the allocator regranted them at once, and the two
// traded them forever at one instant of game time.)
func TestEngine_fixedGivesUpWhatItReleases(t *testing.T) {
	for _, short := range []int{1, 2, 3, 5, 8, 13} {
		e := newEngine(t, Config{Task: task.Config{Cap: 200 * ram.GB, Fixed: true}})
		a := e.Ready().Commands[0].(task.Alloc)
		e.Advance()
		granted := a.Count - short
		must(t, e, task.Tick{Now: 0, Money: 62500000, Security: 5})
		e.Advance()
		must(t, e, task.Held{Seq: 1, Answered: a.ID, Desired: granted,
			Chunks: []task.Chunk{{Host: "alpha", Size: a.Size, Count: granted, Cores: 1}}})
		must(t, e, task.Tick{Now: 100, Money: 62500000, Security: 5})
		asked, released := granted, 0
		for _, c := range e.Ready().Commands {
			switch c := c.(type) {
			case task.Resize:
				asked = c.Count
			case task.Release:
				released += c.Count
			}
		}
		if asked > granted || (released > 0 && asked > granted-released) {
			t.Errorf("granted %d of %d: asks for %d and releases %d (%s)", granted, a.Count, asked, released, e.shape)
		}
	}
}

// Idle chunks enough in count for a batch of the shape that the packing
// cannot place, because no host has room for its grow, start fillers
// instead of idling. Here harakiri-sushi's batches (grow 73 of 114
// threads) hold two hosts of 114 chunks each; other work keeps 50 busy on
// each, so 128 chunks idle, 64 per host: no grow fits.
func TestEngine_fillersInScatteredChunks(t *testing.T) {
	cfg := Config{Model: model(t, "harakiri-sushi", 145), Task: task.Config{Cap: 399 * ram.GB}}
	cfg.Period = 2000
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	must(t, e, task.Tick{Now: 0, Money: 100e6, Security: 5})
	a := e.Ready().Commands[0].(task.Alloc)
	e.Advance()
	if e.shape.count != 2 || e.shape.threads() != 114 || e.shape.plan.Threads[hwgw.OpGrow] != 73 {
		t.Fatalf("shape %s of %d threads", e.shape, e.shape.threads())
	}
	must(t, e, task.Held{Seq: 1, Answered: a.ID, Desired: a.Count, Chunks: []task.Chunk{
		{Host: "alpha", Size: a.Size, Count: 114, Cores: 1}, {Host: "beta", Size: a.Size, Count: 114, Cores: 1}}})
	for _, h := range e.hosts {
		h.busy = a.Size.Times(50)
	}
	must(t, e, task.Tick{Now: 100, Money: 100e6, Security: 5})
	fillers := 0
	for _, b := range e.flight {
		if !b.filler {
			t.Errorf("a batch of the shape started: %v", b.plan.Threads)
		}
		fillers++
	}
	if fillers == 0 || e.idleChunks() >= e.shape.plan.Threads[hwgw.OpGrow] {
		t.Errorf("%d fillers, %d chunks still idle", fillers, e.idleChunks())
	}
}
