package harvest

import (
	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
)

// shapeFor is the shape of a batch of hack threads on 1-core hosts: one
// chunk of its RAM, or, when that is more than maxChunk (0: no limit),
// as many chunks of maxChunk as the placement rule takes. It is false
// when the batch's grow alone does not fit maxChunk. The count is left
// to the caller.
func (e *Engine) shapeFor(hack int, maxChunk ram.Amount) (shape, bool) {
	p := e.planner
	b := p.Batch(hack, 1, false)
	if maxChunk == 0 || b.RAM <= maxChunk {
		return shape{size: b.RAM, per: 1, hack: b.Threads[hwgw.OpHack]}, true
	}
	sb := p.Batch(hack, 1, true)
	n, ok := p.BinsNeeded(sb.Threads, maxChunk)
	if !ok {
		return shape{}, false
	}
	return shape{size: maxChunk, per: n, hack: hack, split: true}, true
}

// largestWhere is the largest h in [1, hi] for which ok holds, found by
// bisection (ok is monotone but for packing granularity) and then checked
// downward, so the answer always satisfies ok.
func largestWhere(hi int, ok func(int) bool) (int, bool) {
	if hi < 1 || !ok(1) {
		return 0, false
	}
	l, h := 1, hi
	for l < h {
		mid := l + (h-l+1)/2
		if ok(mid) {
			l = mid
		} else {
			h = mid - 1
		}
	}
	for l > 1 && !ok(l) {
		l--
	}
	return l, true
}

// countFor is how many batches of s the task wants: the depth, or fewer
// when the budget cannot hold that many (at least one).
func (e *Engine) countFor(s shape) int {
	c := e.planner.Depth()
	if e.Cap() > 0 && s.batchRAM() > 0 {
		c = min(c, max(1, int(e.Cap()/s.batchRAM())))
	}
	return c
}

// initialShape is the shape of Config.Fraction's batch, made smaller
// where MaxChunk cannot hold its grow or the budget cannot hold it.
func (e *Engine) initialShape() (shape, bool) {
	m := e.cfg.MaxChunk
	h, ok := largestWhere(e.planner.HackThreads(e.cfg.Fraction), func(h int) bool {
		_, ok := e.shapeFor(h, m)
		return ok
	})
	if !ok {
		return shape{}, false
	}
	s, _ := e.shapeFor(h, m)
	s.count = e.planner.Depth()
	if e.Cap() > 0 && s.total() > e.Cap() {
		if t, ok := e.fitShape(); ok {
			return t, true
		}
	}
	return s, true
}

// fitShape is the shape with the largest batches (at most MaxFraction)
// of which the depth fits the budget; when not even the smallest batch
// fits that many times, fewer of the smallest.
func (e *Engine) fitShape() (shape, bool) {
	if f := e.fitted; f.planner == e.planner && f.budget == e.Cap() {
		return f.s, f.ok
	}
	s, ok := e.fitShapeNow()
	e.fitted = fitMemo{planner: e.planner, budget: e.Cap(), s: s, ok: ok}
	return s, ok
}

// fitMemo remembers the last fitShape: the engine asks on every tick,
// and the answer changes only with the budget or the level.
type fitMemo struct {
	planner *hwgw.Planner
	budget  ram.Amount
	s       shape
	ok      bool
}

func (e *Engine) fitShapeNow() (shape, bool) {
	p := e.planner
	m := e.cfg.MaxChunk
	perBatch := e.Cap() / ram.Amount(p.Depth())
	hi := p.HackThreads(e.cfg.MaxFraction)
	var s shape
	found := false
	if m == 0 || perBatch <= m {
		if b, ok := p.Fit(perBatch, 1, e.cfg.MaxFraction); ok {
			s, found = shape{size: b.RAM, per: 1, hack: b.Threads[hwgw.OpHack]}, true
		}
	} else if h, ok := largestWhere(hi, func(h int) bool {
		s, ok := e.shapeFor(h, m)
		return ok && s.batchRAM() <= perBatch
	}); ok {
		s, _ = e.shapeFor(h, m)
		found = true
	}
	if !found {
		var ok bool
		if s, ok = e.shapeFor(1, m); !ok {
			return shape{}, false
		}
	}
	s.count = e.countFor(s)
	return s, true
}

// budgetReshape moves to the budget's shape when the task holds more than
// the budget, when only the count of the same chunks differs (a budget
// too small for the depth grows batch by batch), or, with grow, when the
// budget's batches are larger by ReshapeGain. It reports whether the
// shape changed.
func (e *Engine) budgetReshape(grow bool) bool {
	if e.Cap() == 0 {
		return false
	}
	t, ok := e.fitShape()
	cur := e.shape
	switch {
	case !ok || t == cur:
		return false
	case cur.total() > e.Cap():
		e.Logf("reshape down: " + describeShape(cur) + " exceeds budget " + e.Cap().String())
	case t.size == cur.size && t.per == cur.per:
		e.Logf("budget " + e.Cap().String() + " holds " + describeShape(t))
	case grow && t.hack > cur.hack && float64(t.batchRAM()) >= float64(cur.batchRAM())*(1+e.cfg.ReshapeGain):
		e.Logf("reshape up: budget " + e.Cap().String() + " holds " + describeShape(t))
	default:
		return false
	}
	e.applyShape(t)
	return true
}

// refit keeps the chunk shape at a new level and fits the largest batch
// into it; if not even one hack thread fits any more, it reshapes to the
// smallest batch.
func (e *Engine) refit() {
	p, s := e.planner, e.shape
	hi := p.HackThreads(e.cfg.MaxFraction)
	var ok bool
	if !s.split {
		var b hwgw.Batch
		if b, ok = p.Fit(s.size, 1, e.cfg.MaxFraction); ok {
			s.hack = b.Threads[hwgw.OpHack]
		}
	} else {
		s.hack, ok = largestWhere(hi, func(h int) bool {
			n, ok := p.BinsNeeded(p.Batch(h, 1, true).Threads, s.size)
			return ok && n <= s.per
		})
	}
	if !ok {
		if s, ok = e.shapeFor(1, e.cfg.MaxChunk); !ok {
			// Not even the smallest batch fits a chunk the budget allows:
			// keep the chunks and plan the smallest batch into them.
			s = e.shape
			s.hack = 1
		}
	}
	s.count = e.countFor(s)
	resize := s.size != e.shape.size
	e.applyShape(s)
	if resize && e.mode == ModeFilling {
		e.becomeReshaping()
	}
}

// applyShape makes s the current shape and asks the allocator for its
// chunks when their size or count changed (the first shape asks for the
// allocation). Only then: a fixed allocation's desired count is what it
// was granted, and asking for more would grow it.
func (e *Engine) applyShape(s shape) {
	old := e.shape
	e.shape, e.plans, e.ref = s, nil, nil
	if old.size != s.size || old.desired() != s.desired() || old == (shape{}) {
		e.Ask(s.size, s.desired())
	}
}

// full reports whether the task holds every chunk its shape wants and no
// others: full overlap.
func (e *Engine) full() bool {
	n := 0
	for _, c := range e.chunks {
		if c.size != e.shape.size {
			return false
		}
		if c.release == 0 {
			n++
		}
	}
	return n >= e.shape.desired()
}

// hasOldChunks reports whether chunks of another size are still held.
func (e *Engine) hasOldChunks() bool {
	for _, c := range e.chunks {
		if c.size != e.shape.size {
			return true
		}
	}
	return false
}

// singlePlan is the largest one-chunk batch for the shape's chunk on a
// host with cores cores.
func (e *Engine) singlePlan(cores int) (hwgw.Batch, bool) {
	if b, ok := e.plans[cores]; ok {
		return b, true
	}
	b, ok := e.planner.Fit(e.shape.size, cores, e.cfg.MaxFraction)
	if !ok {
		return b, false
	}
	if e.plans == nil {
		e.plans = map[int]hwgw.Batch{}
	}
	e.plans[cores] = b
	return b, true
}

// refPlan is the shape's batch on 1-core hosts, for heartbeats.
func (e *Engine) refPlan() hwgw.Batch {
	if e.ref == nil {
		var b hwgw.Batch
		if e.shape.split {
			b = e.planner.Batch(e.shape.hack, 1, true)
		} else {
			b, _ = e.singlePlan(1)
		}
		e.ref = &b
	}
	return *e.ref
}
