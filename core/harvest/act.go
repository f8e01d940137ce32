package harvest

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// startBatches starts a batch in every idle chunk set of the current
// size, if now is a moment to start. The chunk count (the depth) bounds
// the batches in flight; while old batches still hold chunks of another
// size, new ones start beside them at once: a later start could only get
// a later slot, and the chunk is held either way.
func (e *Engine) startBatches() {
	if !e.safe(e.Now()) {
		return
	}
	for {
		set := e.idleChunks(e.shape.per)
		if set == nil {
			return
		}
		plan, pieces, ok := e.planFor(set)
		if !ok {
			e.Logf("no batch fits chunks " + describeChunks(set))
			return
		}
		e.launch(plan, set, pieces, false)
	}
}

// idleChunks is n idle chunks of the current size, most cores first, or
// nil if fewer are idle; n 0 means all of them.
func (e *Engine) idleChunks(n int) []*chunk {
	var set []*chunk
	for _, c := range e.chunks {
		if c.idle() && c.size == e.shape.size && !e.Leaving(c.host) {
			set = append(set, c)
		}
	}
	if len(set) == 0 || len(set) < n {
		return nil
	}
	slices.SortStableFunc(set, func(a, b *chunk) int { return cmp.Compare(b.cores, a.cores) })
	if n > 0 {
		set = set[:n]
	}
	return set
}

func minCores(set []*chunk) int {
	c := set[0].cores
	for _, x := range set {
		c = min(c, x.cores)
	}
	return max(c, 1)
}

func capsOf(set []*chunk) []ram.Amount {
	caps := make([]ram.Amount, len(set))
	for i, c := range set {
		caps[i] = c.size
	}
	return caps
}

// planFor plans the batch for a chunk set and places it. A one-chunk batch
// takes as many hack threads as its host's cores leave room for; a
// divided one keeps the shape's hack threads, with fewer grow and weaken
// threads where every chunk has more cores.
func (e *Engine) planFor(set []*chunk) (hwgw.Batch, []hwgw.Piece, bool) {
	p := e.planner
	cores := minCores(set)
	var b hwgw.Batch
	if e.shape.split {
		b = p.Batch(e.shape.hack, cores, true)
	} else {
		var ok bool
		if b, ok = e.singlePlan(cores); !ok {
			return b, nil, false
		}
	}
	pieces, ok := p.Pack(b.Threads, capsOf(set))
	if !ok && cores > 1 && e.shape.split {
		b = p.Batch(e.shape.hack, 1, true)
		pieces, ok = p.Pack(b.Threads, capsOf(set))
	}
	return b, pieces, ok
}

// launch starts a planned batch at the next free landing slot: one
// Start per piece, all starting now.
func (e *Engine) launch(plan hwgw.Batch, set []*chunk, pieces []hwgw.Piece, correction bool) {
	spacing := e.cfg.Spacing
	slot := e.nextSlot(float64(e.Now()) + float64(e.cfg.Guard) + plan.Lead)
	b := &batch{id: e.nextBatch, slot: slot, plan: plan, correction: correction}
	e.nextBatch++
	used := make([]bool, len(set))
	for _, pc := range pieces {
		c := set[pc.Bin]
		used[pc.Bin] = true
		land := b.land(pc.Op, spacing)
		pt := &part{b: b, op: pc.Op, host: c.host, threads: pc.Threads}
		b.parts = append(b.parts, pt)
		b.open++
		b.starting++
		e.Start(pt, task.Start{
			Action: pc.Op.Action(), Host: c.host, Threads: pc.Threads,
			RAM:   e.planner.PerThread()[pc.Op].Times(pc.Threads),
			Batch: b.id, Op: pc.Op,
			Delay:    float64(land-e.Now()) - plan.Duration[pc.Op],
			Duration: plan.Duration[pc.Op],
			Land:     float64(land),
		})
	}
	for i, c := range set {
		if used[i] {
			c.batch = b
			b.chunks = append(b.chunks, c)
		}
	}
	e.batches = append(e.batches, b)
	kind := "batch"
	if correction {
		kind = "correction"
	}
	t := plan.Threads
	e.Logf("start " + kind + "=" + itoa(b.id) + " slot=" + itoa(slot) + " threads=" + strconv.Itoa(t[hwgw.OpHack]) + "/" +
		strconv.Itoa(t[hwgw.OpWeaken1]) + "/" + strconv.Itoa(t[hwgw.OpGrow]) + "/" + strconv.Itoa(t[hwgw.OpWeaken2]) +
		" cores=" + strconv.Itoa(plan.Cores) + " chunks=" + describeChunks(b.chunks))
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
	for _, b := range e.batches { // by slot: the rest land later
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
	return len(e.batches) == 0 || now < e.batches[0].slot-e.cfg.Guard
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
// and security and runs it in the idle chunks of the current size: the
// whole correction if it fits, else the largest grow that fits with its
// weakens, else as much of the first weaken as fits. Corrections repeat
// until an observation shows the target back.
func (e *Engine) startCorrection() {
	set := e.idleChunks(0)
	if set == nil {
		return
	}
	p := e.planner
	cores, caps := minCores(set), capsOf(set)
	b := p.CorrectionUpTo(e.Money(), e.Security(), cores, -1)
	pieces, ok := p.Pack(b.Threads, caps)
	if !ok {
		fits := func(g int) bool {
			_, ok := p.Pack(p.CorrectionUpTo(e.Money(), e.Security(), cores, g-1).Threads, caps)
			return ok
		}
		// largestWhere counts from 1; g-1 grow threads maps 1 to none.
		if g, found := largestWhere(b.Threads[hwgw.OpGrow]+1, fits); found {
			b = p.CorrectionUpTo(e.Money(), e.Security(), cores, g-1)
		} else {
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
		}
		pieces, ok = p.Pack(b.Threads, caps)
		if !ok {
			return
		}
	}
	e.Logf("correcting (" + e.reason.String() + "): money=" + strconv.FormatFloat(e.Money(), 'f', -1, 64) +
		" security=" + strconv.FormatFloat(e.Security(), 'f', -1, 64) +
		" weaken=" + strconv.Itoa(b.Threads[hwgw.OpWeaken1]+b.Threads[hwgw.OpWeaken2]) + " grow=" + strconv.Itoa(b.Threads[hwgw.OpGrow]))
	e.launch(b, set, pieces, true)
}

// releaseSurplus gives back idle chunks the shape does not want: chunks of
// other sizes, and chunks of its size beyond its count (fewest cores
// first). Chunks with a batch wait for it to land.
func (e *Engine) releaseSurplus() {
	kept := 0
	for _, c := range e.chunks {
		if c.size == e.shape.size && c.release == 0 && !e.Leaving(c.host) {
			kept++
		}
	}
	surplus := kept - e.shape.desired()
	var out []*chunk
	for _, c := range e.chunks {
		if c.idle() && (c.size != e.shape.size || e.Leaving(c.host)) {
			out = append(out, c)
		}
	}
	if surplus > 0 {
		idle := slices.Clone(e.chunks)
		slices.SortStableFunc(idle, func(a, b *chunk) int { return cmp.Compare(a.cores, b.cores) })
		for _, c := range idle {
			if surplus == 0 {
				break
			}
			if c.idle() && c.size == e.shape.size && !e.Leaving(c.host) {
				out = append(out, c)
				surplus--
			}
		}
	}
	slices.SortStableFunc(out, cmpChunk)
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && cmpChunk(out[i], out[j]) == 0 {
			j++
		}
		id := e.Release(out[i].host, out[i].size, j-i)
		for _, c := range out[i:j] {
			c.release = id
		}
		i = j
	}
}

// status is what the heartbeat says: what the task holds and wants, the
// income of the batches in flight, the chunk size and the mode.
func (e *Engine) status() task.Status {
	var held ram.Amount
	for _, c := range e.chunks {
		held += c.size
	}
	ref := e.refPlan()
	mps := 0.0
	if busy := ref.Busy(); busy > 0 {
		mps = ref.Money * float64(len(e.batches)) / (busy / 1000)
	}
	return task.Status{Held: held, Want: e.Want(), Rate: mps, Chunk: e.shape.size, Mode: e.mode.String()}
}

// Want is the most RAM the task could use: the depth in batches of the
// largest batch MaxFraction and MaxChunk allow (on 1-core hosts), at most
// the budget; without a budget it never reshapes, so it wants its current
// shape. The selector counts what a task wants and lacks as RAM it waits
// for, so a task at full overlap still claims the RAM that would grow its
// batches. A draining task wants nothing.
func (e *Engine) Want() ram.Amount {
	if e.mode == ModeDraining || e.mode == ModeDone {
		return 0
	}
	w := e.shape.total()
	if e.Cap() == 0 {
		return w
	}
	m := e.cfg.MaxChunk
	fits := func(h int) bool { _, ok := e.shapeFor(h, m); return ok }
	if h, ok := largestWhere(e.planner.HackThreads(e.cfg.MaxFraction), fits); ok {
		s, _ := e.shapeFor(h, m)
		w = max(w, s.batchRAM().Times(e.planner.Depth()))
	}
	return min(w, e.Cap())
}

// wake is the latest time the engine wants a Tick for its batches, if
// any: now when its mode changed since the last Tick (the heartbeat says
// so at once), else the next moment a batch in flight starts or ends a
// landing window. Base adds the next heartbeat.
func (e *Engine) wake() (w int64, has bool) {
	if e.changed {
		return e.Now(), true
	}
	g, s := e.cfg.Guard, e.cfg.Spacing
	for _, b := range e.batches {
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

func describeChunks(cs []*chunk) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.host + ":" + c.size.String()
		if c.cores > 1 {
			parts[i] += ":" + strconv.Itoa(c.cores) + "c"
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func describeShape(s shape) string {
	d := strconv.Itoa(s.count) + "x"
	if s.per > 1 {
		d += strconv.Itoa(s.per) + "x"
	}
	return d + s.size.String() + " hack=" + strconv.Itoa(s.hack)
}
