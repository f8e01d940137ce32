package harvest

import (
	"strconv"

	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
)

// shape is the batches the engine runs: hack threads each, and how many
// in flight. The allocation wants a chunk per thread of them.
type shape struct {
	hack  int
	count int
	plan  hwgw.Batch // the batch of hack threads, planned for division over hosts
}

func (s shape) threads() int   { return batchThreads(s.plan) }
func (s shape) desired() int   { return s.count * s.threads() }
func (s shape) String() string { return strconv.Itoa(s.count) + "x hack=" + strconv.Itoa(s.hack) }

func batchThreads(b hwgw.Batch) int {
	n := 0
	for _, t := range b.Threads {
		n += t
	}
	return n
}

// sizes plans batches by hack threads for one planner: the engine asks
// about the same few sizes on every cap and level it meets.
type sizes struct {
	p     *hwgw.Planner
	plans map[int]hwgw.Batch
	on    map[[2]int]hwgw.Batch // by hack threads and the grow host's cores
}

func newSizes(p *hwgw.Planner) sizes {
	return sizes{p: p, plans: map[int]hwgw.Batch{}, on: map[[2]int]hwgw.Batch{}}
}

// at is the batch of h hack threads whose grow runs on a host with cores
// cores, its weakens to be divided over hosts by their cores
// (hwgw.Planner.On).
func (z sizes) at(h, cores int) hwgw.Batch {
	k := [2]int{h, cores}
	b, ok := z.on[k]
	if !ok {
		b = z.p.On(h, cores)
		z.on[k] = b
	}
	return b
}

// of is the batch of h hack threads, planned on 1-core hosts for division
// over hosts: its weakens carry the margin divided parts need. It sizes
// the shape and the allocation: a batch placed on hosts with more cores
// takes fewer threads (at), never more.
func (z sizes) of(h int) hwgw.Batch {
	b, ok := z.plans[h]
	if !ok {
		b = z.p.Batch(h, 1, true)
		z.plans[h] = b
	}
	return b
}

// steps lists the hack threads worth trying up to hi: every count to 8,
// then a quarter more each step, and hi itself. A few dozen plans cover
// any range.
func steps(hi int) []int {
	var out []int
	for h := 1; h <= hi; h = max(h+1, h+h/4) {
		out = append(out, h)
	}
	if len(out) == 0 || out[len(out)-1] != hi {
		out = append(out, hi)
	}
	return out
}

// budget is the chunks the task may hold: its cap (for a fixed task, what
// it was granted), or 0 for no limit.
func (e *Engine) budget() int {
	if e.Fixed() && e.Holding() {
		return e.Desired()
	}
	if e.Cap() == 0 {
		return 0
	}
	return int(e.Cap() / e.size)
}

// choose is the shape for the budget. Without one, batches of Fraction at
// full overlap. With one that holds full overlap of the smallest batch,
// full overlap of the largest batch it holds: batches grow in number
// first, then in size. With less, the batch size whose batches, as many
// as the budget holds, earn most: RAM too small to fill the pipeline is
// best spent on the batches that waste least of it on rounding (a hack
// thread needs its grow and weaken threads, whatever its size). The
// current size stays unless another earns SizeGain more, or it no longer
// fits.
//
// A batch's grow runs whole on one host, so no size is chosen whose grow
// the largest host held cannot take.
func (e *Engine) choose() shape {
	z, depth := e.sizes, e.planner.Depth()
	hi := e.planner.HackThreads(e.cfg.MaxFraction)
	if g := e.largestHost(); g > 0 {
		hi = largestWhere(hi, func(h int) bool { return z.of(h).Threads[hwgw.OpGrow] <= g })
	}
	b := e.budget()
	mk := func(h, count int) shape { return shape{hack: h, count: count, plan: z.of(h)} }
	if b == 0 {
		return mk(min(hi, e.planner.HackThreads(e.cfg.Fraction)), depth)
	}
	if depth*batchThreads(z.of(1)) <= b {
		h := largestWhere(hi, func(h int) bool { return depth*batchThreads(z.of(h)) <= b })
		return mk(h, depth)
	}
	count := func(h int) int { return min(depth, b/batchThreads(z.of(h))) }
	earns := func(h int) float64 { return float64(count(h)) * z.of(h).Money }
	best := 0
	for _, h := range steps(hi) {
		if count(h) == 0 {
			break
		}
		if best == 0 || earns(h) > earns(best) {
			best = h
		}
	}
	if best == 0 {
		return mk(1, 0) // not even one batch fits
	}
	if cur := e.shape.hack; cur > 0 && cur <= hi && count(cur) > 0 && earns(best) < earns(cur)*(1+e.cfg.SizeGain) {
		best = cur
	}
	return mk(best, count(best))
}

// largestHost is the most chunks held on one host the task may start work
// on, or 0 before any are held.
func (e *Engine) largestHost() int {
	n := 0
	for _, h := range e.hosts {
		if !e.Leaving(h.name) {
			n = max(n, h.held)
		}
	}
	return n
}

// setShape makes s the shape and tells the allocator what it wants. A
// fixed allocation is not asked for more than it was granted, and is
// asked for less when the shape needs less: releaseSurplus gives back
// what the shape does not use, and the allocator would otherwise grant it
// straight back.
func (e *Engine) setShape(s shape) {
	if e.shape.hack != 0 && (s.hack != e.shape.hack || s.count != e.shape.count) {
		e.Logf("shape " + e.shape.String() + " -> " + s.String())
	}
	e.shape = s
	want := s.desired()
	switch {
	case e.Fixed() && e.Holding():
		want = min(want, e.Desired())
	case want == 0 && !e.Holding():
		want = 1 // the allocator takes no request for less than one chunk
	}
	e.Ask(e.size, want)
}

// largestWhere is the largest h in [1, hi] for which ok holds (ok is
// monotone), or 1.
func largestWhere(hi int, ok func(int) bool) int {
	l, h := 1, hi
	for l < h {
		mid := l + (h-l+1)/2
		if ok(mid) {
			l = mid
		} else {
			h = mid - 1
		}
	}
	return l
}

// Want is the most RAM the task could use: full overlap of the largest
// batch MaxFraction allows, at most the cap. Without a cap it asks for
// its shape and nothing more. A draining task wants nothing.
func (e *Engine) Want() ram.Amount {
	if e.mode >= ModeDraining {
		return 0
	}
	if e.Cap() == 0 {
		return e.size.Times(e.shape.desired())
	}
	hi := e.planner.HackThreads(e.cfg.MaxFraction)
	w := e.size.Times(e.planner.Depth() * batchThreads(e.sizes.of(hi)))
	return min(w, e.Cap())
}
