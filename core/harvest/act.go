package harvest

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"ramfarm/core/hwgw"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// startBatches starts batches of the shape, up to its count in flight, if
// now is a moment to start and the idle chunks hold them. Chunks that no
// batch of the shape will ever use start smaller batches while landing
// slots are free: fillers, each the largest that fits. Those are the
// chunks held beyond the whole batches they make, counting that each
// batch's grow needs a host of its own (the allocator holds fewer than
// the shape asks, or holds them on hosts too small for its grows), and
// idle chunks enough in count for a batch of the shape that the packing
// cannot place. Chunks a landing batch frees are its successor's, never a
// filler's.
func (e *Engine) startBatches() {
	if !e.safe(e.Now()) {
		return
	}
	for e.inFlight() < e.shape.count && e.try(e.shape.hack, false) {
	}
	depth, per := e.planner.Depth(), e.shape.threads()
	if e.shape.hack <= 1 || per == 0 {
		return
	}
	spare := e.held()
	spare -= min(e.shape.count, spare/per, e.growHosts(e.shape.plan)) * per
	for _, b := range e.flight {
		if b.filler {
			spare -= batchThreads(b.plan)
		}
	}
	if idle := e.idleChunks(); e.inFlight() < e.shape.count && idle >= per {
		// Chunks enough for one more batch of the shape that the packing
		// cannot place (scattered over hosts that each hold a few, too
		// few for its grow): they idle until fillers take them. The
		// batches in flight free what their successors need.
		spare = max(spare, idle)
	}
	for len(e.flight) < depth {
		// The thread count bounds the size cheaply; only sizes within it
		// are packed (the idle chunks may be too scattered for them).
		most := largestWhere(e.shape.hack-1, func(h int) bool { return batchThreads(e.sizes.of(h)) <= spare })
		if batchThreads(e.sizes.of(most)) > spare {
			return
		}
		packs := func(h int) bool {
			_, _, _, ok := e.placement(h)
			return ok
		}
		h := largestWhere(most, packs)
		if !e.try(h, true) {
			return
		}
		spare -= batchThreads(e.flight[len(e.flight)-1].plan)
	}
}

// idleChunks is the chunks no worker uses, on hosts new work may use.
func (e *Engine) idleChunks() int {
	n := 0
	for _, h := range e.hosts {
		if !e.Blocked(h.name) {
			n += h.spare(e.size)
		}
	}
	return n
}

// growHosts is how many batches of plan the held chunks could run at once
// counting only their grows: each takes its grow threads whole on one
// host.
func (e *Engine) growHosts(plan hwgw.Batch) int {
	g := plan.Threads[hwgw.OpGrow]
	if g == 0 {
		return math.MaxInt
	}
	n := 0
	for _, h := range e.hosts {
		if !e.Leaving(h.name) {
			n += h.held / g
		}
	}
	return n
}

// try starts a batch of hack threads if the idle chunks hold it.
func (e *Engine) try(hack int, filler bool) bool {
	plan, bins, pieces, ok := e.placement(hack)
	if !ok {
		return false
	}
	e.launch(plan, bins, pieces, false)
	e.flight[len(e.flight)-1].filler = filler
	return true
}

// placement plans a batch of hack threads for the hosts new work may
// start on and places it there (hwgw.Planner.Place), each operation's
// threads counted for the cores of the hosts it lands on. The grow goes
// whole to a host with the most cores whose idle RAM holds it (the count
// for those cores), the most tightly among those: a grow is where cores
// save most, and the hosts with more room keep it for the next batch's.
// The hack and weakens take the others, least idle RAM first, the grow's
// host last; Place sends the hack to the fewest cores and the weakens to
// the most. It returns the batch as placed, the hosts its pieces' bins
// name, and the pieces; false if it does not fit.
func (e *Engine) placement(hack int) (hwgw.Batch, []*host, []hwgw.Piece, bool) {
	var open []*host
	for _, h := range e.hosts {
		if !e.Blocked(h.name) && h.idle(e.size) > 0 {
			open = append(open, h)
		}
	}
	if len(open) == 0 {
		return hwgw.Batch{}, nil, nil, false
	}
	stable.Sort(open, func(a, b *host) int { return cmp.Compare(a.idle(e.size), b.idle(e.size)) })
	per := e.planner.PerThread()[hwgw.OpGrow]
	var grow *host
	var plan hwgw.Batch
	for _, h := range open {
		b := e.sizes.at(hack, h.cores)
		if h.idle(e.size) >= per.Times(b.Threads[hwgw.OpGrow]) && (grow == nil || h.cores > grow.cores) {
			grow, plan = h, b
		}
	}
	if grow == nil {
		return hwgw.Batch{}, nil, nil, false
	}
	bins := []*host{grow}
	room := []hwgw.Bin{{Room: grow.idle(e.size), Cores: grow.cores}}
	for _, h := range open {
		if h != grow {
			bins = append(bins, h)
			room = append(room, hwgw.Bin{Room: h.idle(e.size), Cores: h.cores})
		}
	}
	placed, pieces, ok := e.planner.Place(plan, room)
	return placed, bins, pieces, ok
}

// bins are the hosts new work may start on, in the order the placement
// rule fills them (the grow whole into the first), with the RAM each
// offers: a correction's, planned for 1-core hosts (corrections are rare,
// and cores only make their grow and weakens stronger than planned). The grow of g threads goes to the host whose idle RAM holds it
// most tightly, and the other operations to the hosts with the least idle
// RAM first, that host last: the hosts that can still take a grow keep
// room for the next batch's. Without a host for the grow, no bins.
func (e *Engine) bins(g int) ([]*host, []ram.Amount) {
	need := e.planner.PerThread()[hwgw.OpGrow].Times(g)
	var grow *host
	var others []*host
	for _, h := range e.hosts {
		if e.Blocked(h.name) || h.idle(e.size) == 0 {
			continue
		}
		others = append(others, h)
		if g > 0 && h.idle(e.size) >= need && (grow == nil || h.idle(e.size) < grow.idle(e.size)) {
			grow = h
		}
	}
	if g > 0 && grow == nil {
		return nil, nil
	}
	stable.Sort(others, func(a, b *host) int { return cmp.Compare(a.idle(e.size), b.idle(e.size)) })
	var bins []*host
	var caps []ram.Amount
	if grow != nil {
		bins, caps = append(bins, grow), append(caps, need)
	}
	for _, h := range others {
		if h != grow {
			bins, caps = append(bins, h), append(caps, h.idle(e.size))
		}
	}
	if grow != nil {
		bins, caps = append(bins, grow), append(caps, grow.idle(e.size)-need)
	}
	return bins, caps
}

// launch starts a planned batch at the next free landing slot: one Start
// per piece, all starting now.
func (e *Engine) launch(plan hwgw.Batch, bins []*host, pieces []hwgw.Piece, correction bool) {
	slot := e.nextSlot(float64(e.Now()) + float64(e.cfg.Guard) + plan.Lead)
	b := &batch{id: e.nextBatch, slot: slot, plan: plan, correction: correction}
	e.nextBatch++
	per := e.planner.PerThread()
	var where []string
	for _, pc := range pieces {
		h := bins[pc.Bin]
		pt := &part{b: b, op: pc.Op, host: h, threads: pc.Threads, ram: per[pc.Op].Times(pc.Threads)}
		b.parts = append(b.parts, pt)
		e.startPart(pt, plan.Duration[pc.Op])
		where = append(where, pc.Op.String()+":"+h.name+"x"+strconv.Itoa(pc.Threads))
	}
	e.flight = append(e.flight, b)
	kind := "batch"
	if correction {
		kind = "correction"
	}
	t := plan.Threads
	e.Logf("start " + kind + "=" + itoa(b.id) + " slot=" + itoa(slot) + " threads=" + strconv.Itoa(t[hwgw.OpHack]) + "/" +
		strconv.Itoa(t[hwgw.OpWeaken1]) + "/" + strconv.Itoa(t[hwgw.OpGrow]) + "/" + strconv.Itoa(t[hwgw.OpWeaken2]) +
		" on " + strings.Join(where, " "))
}

// startPart starts a part of a batch now, its operation running dur ms
// so that it lands in its place: its RAM is busy from now on.
func (e *Engine) startPart(pt *part, dur float64) {
	b := pt.b
	land := b.land(pt.op, e.cfg.Spacing)
	pt.host.busy += pt.ram
	b.open++
	b.starting++
	e.Start(pt, task.Start{
		Action: pt.op.Action(), Host: pt.host.name, Threads: pt.threads, RAM: pt.ram,
		Batch: b.id, Op: pt.op,
		Delay:    float64(land-e.Now()) - dur,
		Duration: dur,
		Land:     float64(land),
	})
}

// nextSlot is the first slot on the grid at or after earliest and after
// every slot given out: landings never go out of order.
func (e *Engine) nextSlot(earliest float64) int64 {
	t := int64(math.Ceil(earliest))
	if !e.slotted {
		e.slotted, e.anchor, e.lastSlot = true, t, t
		return t
	}
	period := e.cfg.Period
	slot := e.anchor + ceilDiv(t-e.anchor, period)*period
	if slot <= e.lastSlot {
		slot = e.lastSlot + period
	}
	e.lastSlot = slot
	return slot
}

func ceilDiv(n, d int64) int64 {
	if n <= 0 {
		return -(-n / d)
	}
	return (n + d - 1) / d
}

// safe reports whether operations may start at now: no batch in flight
// is within Guard of a landing or between a landing that raised security
// and the weaken that lowers it. A batch late to report its landings
// keeps it unsafe.
func (e *Engine) safe(now int64) bool {
	g, s := e.cfg.Guard, e.cfg.Spacing
	for _, b := range e.flight { // by slot: the rest land later
		if now < b.slot-g {
			break
		}
		if !(now > b.slot+s+g && now < b.slot+2*s-g) {
			return false
		}
	}
	return true
}

// quiet reports whether the target should be at min security and max
// money at now: no batch in flight has begun to land.
func (e *Engine) quiet(now int64) bool {
	return len(e.flight) == 0 || now < e.flight[0].slot-e.cfg.Guard
}

// off reports whether the last observation is away from min security or
// max money by more than the tolerances.
func (e *Engine) off() bool {
	t := e.cfg.Target
	return e.Security() > t.MinDifficulty+e.cfg.SecurityTolerance || e.Money() < t.MoneyMax*(1-e.cfg.MoneyTolerance)
}

// drifted reports whether the target is off when it should not be.
func (e *Engine) drifted() bool { return e.quiet(e.Now()) && e.off() }

// startCorrection plans a batch without a hack from the observed money
// and security and runs it in the idle chunks: the whole correction if it
// fits, else the largest grow that fits with its weakens, else as much of
// the first weaken as fits. Corrections repeat until an observation shows
// the target back.
func (e *Engine) startCorrection() {
	p := e.planner
	money, sec := e.Money(), e.Security()
	try := func(g int) (hwgw.Batch, []*host, []hwgw.Piece, bool) {
		b := p.CorrectionUpTo(money, sec, 1, g)
		bins, caps := e.bins(b.Threads[hwgw.OpGrow])
		pieces, ok := p.Pack(b.Threads, caps)
		return b, bins, pieces, ok
	}
	b, bins, pieces, ok := try(-1)
	if !ok {
		fits := func(g int) bool { _, _, _, ok := try(g - 1); return ok }
		// largestWhere counts from 1; g-1 grow threads maps 1 to none.
		if g := largestWhere(b.Threads[hwgw.OpGrow]+1, fits); fits(g) {
			b, bins, pieces, _ = try(g - 1)
		} else {
			var caps []ram.Amount
			bins, caps = e.bins(0)
			room := 0
			for _, c := range caps {
				room += int(c / p.Model().WeakenRAM)
			}
			w := min(room, b.Threads[hwgw.OpWeaken1])
			if w == 0 {
				e.Logf("no room to correct the target")
				return
			}
			b = p.WithThreads(b, [hwgw.NumOps]int{hwgw.OpWeaken1: w})
			if pieces, ok = p.Pack(b.Threads, caps); !ok {
				return
			}
		}
	}
	e.Logf("correcting (" + e.reason.String() + "): money=" + strconv.FormatFloat(money, 'f', -1, 64) +
		" security=" + strconv.FormatFloat(sec, 'f', -1, 64) +
		" weaken=" + strconv.Itoa(b.Threads[hwgw.OpWeaken1]+b.Threads[hwgw.OpWeaken2]) + " grow=" + strconv.Itoa(b.Threads[hwgw.OpGrow]))
	e.launch(b, bins, pieces, true)
}

// releaseSurplus gives back idle chunks beyond what the shape wants, from
// the hosts with the fewest cores and then the least idle RAM first (the
// RAM left stays together), and every idle chunk on a host being left.
// Chunks under running workers wait for them to land.
func (e *Engine) releaseSurplus() {
	want := e.shape.desired()
	if e.mode >= ModeDraining {
		want = 0
	}
	kept := e.held()
	for _, h := range e.hosts {
		if e.Leaving(h.name) {
			if n := h.spare(e.size); n > 0 {
				e.giveBack(h, n)
				kept -= n
			}
		}
	}
	if kept <= want {
		return
	}
	order := slices.Clone(e.hosts)
	stable.Sort(order, func(a, b *host) int {
		return cmp.Or(cmp.Compare(a.cores, b.cores), cmp.Compare(a.idle(e.size), b.idle(e.size)))
	})
	for _, h := range order {
		if kept <= want {
			return
		}
		if n := min(h.spare(e.size), kept-want); n > 0 && !e.Leaving(h.name) {
			e.giveBack(h, n)
			kept -= n
		}
	}
}

func (e *Engine) giveBack(h *host, n int) {
	h.held -= n
	h.gone = append(h.gone, release{id: e.Release(h.name, e.size, n), count: n})
}

// status is what the heartbeat says: what the task holds and wants, the
// income of the batches in flight, the chunk size and the mode.
func (e *Engine) status() task.Status {
	mps := 0.0
	if busy := e.shape.plan.Busy(); busy > 0 {
		mps = e.shape.plan.Money * float64(e.inFlight()) / (busy / 1000)
	}
	w := e.Want()
	return task.Status{Held: e.size.Times(e.held()), Want: min(w, e.size.Times(e.shape.desired())), Capped: w >= e.Cap() && e.Cap() > 0,
		Rate: mps, Chunk: e.size, Mode: e.mode.String()}
}

// wake is the latest time the engine wants a Tick for its batches, if
// any: now when its mode changed since the last Tick (the heartbeat says
// so at once), else the next moment a batch in flight starts or ends a
// landing window, or a lost part's replacement is too late (lost.go).
// Base adds the next heartbeat and, with workers running, the next look.
func (e *Engine) wake() (w int64, has bool) {
	if e.changed {
		return e.Now(), true
	}
	g, s := e.cfg.Guard, e.cfg.Spacing
	for _, b := range e.flight {
		for _, pt := range b.lost {
			if t := e.deadline(pt) + 1; !has || t < w {
				w, has = t, true
			}
		}
	}
	for _, b := range e.flight {
		for _, t := range [...]int64{b.slot - g, b.slot + s + g + 1, b.slot + 2*s - g, b.slot + 3*s + g + 1} {
			if t > e.Now() {
				if !has || t < w {
					w, has = t, true
				}
				break
			}
		}
		if b.slot-g > e.Now() { // by slot: the rest come later
			break
		}
	}
	return w, has
}
