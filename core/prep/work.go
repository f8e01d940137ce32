package prep

import (
	"cmp"
	"math"
	"slices"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/internal/stable"
	"ramfarm/core/task"
)

// ready reports whether the target is where the task takes it.
func (e *Engine) ready() bool {
	t := e.cfg.Target
	if e.Security() > math.Max(t.MinDifficulty, 1)+e.cfg.SecurityTolerance {
		return false
	}
	return e.cfg.Kind == KindTill || e.Money() >= t.MoneyMax*(1-e.cfg.MoneyTolerance)
}

// growNeeded is the grow threads that take the observed money to max at
// min security (0 for a till). Grow threads in flight are part of it:
// their growth is not in the observed money yet.
func (e *Engine) growNeeded() int {
	if e.cfg.Kind != KindSow {
		return 0
	}
	return e.planner.Sow(e.Money(), 1).Grow
}

// weakenFor is the weaken threads that take the target to min security
// from the observed security plus what grow threads not yet landed will
// add (every thread counted, as Planner.Sow does). Weaken threads in
// flight are part of it.
func (e *Engine) weakenFor(grow int) int {
	rise := 2 * formulas.ServerFortifyAmount * float64(grow)
	return e.planner.Till(e.Security()+rise, 1).Weaken
}

// plan sizes the task from the last observation: the work in flight plus
// what still has to start, within the cap (and, for a fixed task, within
// what it was granted). It sets want and returns the work in flight and
// the grow threads still to start. Work is planned in threads of 1-core
// hosts, and work in flight counts for what it is worth there (a worker
// on a host with more cores does more: see layout); what is left to
// start is asked for as 1-core threads, as the allocator decides where
// the chunks go, and chunks the work then does not need go back.
func (e *Engine) plan() (in flight, growLeft int) {
	in = e.inFlight()
	growLeft = max(0, int(math.Ceil(float64(e.growNeeded())-in.growWorth)))
	weakenLeft := max(0, int(math.Ceil(float64(e.weakenFor(in.grow+growLeft))-in.weakenWorth)))
	all := in.weaken + in.grow + growLeft + weakenLeft
	e.want = e.limit(all)
	e.capped = e.want < all
	return in, growLeft
}

// limit caps a thread count by the cap and a fixed task's grant.
func (e *Engine) limit(n int) int {
	if c := e.Cap(); c > 0 {
		n = min(n, int(c/e.size))
	}
	if e.Fixed() && e.Holding() {
		n = min(n, e.Desired())
	}
	return n
}

// work keeps the allocation sized to the work, starts work in every free
// chunk, and gives back chunks the work no longer needs.
func (e *Engine) work() {
	e.forgetLeft()
	in, growLeft := e.plan()
	e.resize(e.want)
	free := 0
	for _, h := range e.hosts {
		if e.usable(h) {
			free += h.idle()
		}
	}
	free = min(free, max(0, e.want-in.weaken-in.grow))
	w, g := e.split(free, in, growLeft)
	ws := e.layout(hwgw.ActionWeaken, w, nil)
	gs := e.layout(hwgw.ActionGrow, g, ws)
	// The weakens cancel every grow thread's security: on hosts with more
	// cores the grow takes fewer threads than split counted, and so do
	// the weakens that go with it.
	if w2 := e.weakenNeed(in, threads(gs)); g > 0 && w2 < w {
		ws = e.layout(hwgw.ActionWeaken, w2, nil)
		gs = e.layout(hwgw.ActionGrow, g, ws)
	}
	e.start(hwgw.ActionWeaken, ws)
	e.start(hwgw.ActionGrow, gs)
	e.releaseIdle(e.want)
}

// weakenNeed is the weaken work, in 1-core threads, that takes the target
// to min security once the work in flight and grow more grow threads
// land, beyond the weakens in flight.
func (e *Engine) weakenNeed(in flight, grow int) int {
	return max(0, int(math.Ceil(float64(e.weakenFor(in.grow+grow))-in.weakenWorth)))
}

// split divides free chunks between weaken and grow threads. Weaken comes
// first: any security not already covered by weakens in flight, then as
// many grow threads as fit with the weakens that cancel their rise. So
// security stays near min, and a grow lands at the security it was
// planned for, unless chunks are short (then grows land a little higher
// and grow less; the next observation asks for the rest).
func (e *Engine) split(free int, in flight, growLeft int) (weaken, grow int) {
	need := func(g int) int { return e.weakenNeed(in, g) }
	if growLeft+need(growLeft) <= free {
		return need(growLeft), growLeft
	}
	if need(0) >= free {
		return free, 0
	}
	lo, hi := 0, growLeft // lo fits, hi does not
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if mid+need(mid) <= free {
			lo = mid
		} else {
			hi = mid
		}
	}
	return need(lo), lo
}

// usable reports whether new work may start on h.
func (e *Engine) usable(h *host) bool { return !e.Blocked(h.name) }

// slot is threads of one worker laid out on a host, and their worth in
// 1-core threads.
type slot struct {
	h     *host
	k     int
	worth float64
}

func threads(ss []slot) int {
	n := 0
	for _, s := range ss {
		n += s.k
	}
	return n
}

// layout places the work of n 1-core threads of action in idle chunks
// (less those before already took), one worker per host, the hosts with
// the most cores first (then by name): grow and weaken are stronger
// there, so the same work takes fewer threads (FACTS.md §2.6, §2.8). A
// weaken thread on c cores is worth 1 + (c−1)/16 threads on one; a
// grow's worth is the ratio of the threads the game's formula needs to
// take the observed money to max on one core and on c cores. Each host
// takes the fewest threads that cover what is left, as many as it holds.
func (e *Engine) layout(action hwgw.Action, n int, before []slot) []slot {
	if n <= 0 {
		return nil
	}
	order := slices.Clone(e.hosts)
	stable.Sort(order, func(a, b *host) int { return cmp.Compare(b.cores, a.cores) })
	var out []slot
	left := float64(n)
	for _, h := range order {
		if left <= 0 {
			break
		}
		idle := h.idle()
		for _, s := range before {
			if s.h == h {
				idle -= s.k
			}
		}
		if idle <= 0 || !e.usable(h) {
			continue
		}
		// One c-core thread is worth num/den 1-core threads; with whole
		// numbers both ways, left·den/num is exact where it is whole.
		num, den := e.worth(action, h.cores)
		k := min(idle, int(math.Ceil(left*float64(den)/float64(num))))
		worth := float64(k) * float64(num) / float64(den)
		out = append(out, slot{h: h, k: k, worth: worth})
		left -= worth
	}
	return out
}

// start starts the workers of a layout.
func (e *Engine) start(action hwgw.Action, ss []slot) {
	per := e.cfg.WeakenRAM
	if action == hwgw.ActionGrow {
		per = e.cfg.GrowRAM
	}
	for _, s := range ss {
		e.Start(&worker{action: action, host: s.h.name, threads: s.k, worth: s.worth},
			task.Start{Action: action, Host: s.h.name, Threads: s.k, RAM: per.Times(s.k)})
		s.h.busy += s.k
		l := "start " + action.String() + " x" + itoa(int64(s.k)) + " on " + s.h.name
		if s.h.cores > 1 {
			l += " (" + itoa(int64(s.h.cores)) + " cores)"
		}
		e.Logf(l)
	}
}

// worth is what one thread of action on a host with cores cores does, in
// threads on a 1-core host, as the ratio num/den: exactly the core bonus
// for a weaken; for a grow, the threads the target's growth to max money
// from the observed money needs on one core over those it needs on cores
// (the additive $1 per thread makes that a little less than the bonus
// when the target is nearly empty).
func (e *Engine) worth(action hwgw.Action, cores int) (num, den int) {
	if cores <= 1 {
		return 1, 1
	}
	if action == hwgw.ActionGrow {
		one, many := e.planner.Sow(e.Money(), 1).Grow, e.planner.Sow(e.Money(), cores).Grow
		if one > 0 && many > 0 {
			return one, many
		}
	}
	return 15 + cores, 16 // 1 + (cores−1)/16
}

// resize tells the allocator a new desired count or priority, once it
// answered the Alloc.
func (e *Engine) resize(count int) {
	if e.Holding() {
		e.Ask(e.size, count)
	}
}

// releaseIdle gives back idle chunks: all of them on hosts being left,
// and elsewhere whatever is held beyond keep.
func (e *Engine) releaseIdle(keep int) {
	for _, h := range e.hosts {
		if e.Leaving(h.name) {
			e.release(h, h.idle())
		}
	}
	surplus := e.totalHeld() - keep
	for _, h := range e.hosts {
		if surplus <= 0 {
			break
		}
		if !e.Leaving(h.name) {
			k := min(h.idle(), surplus)
			e.release(h, k)
			surplus -= k
		}
	}
}

func (e *Engine) release(h *host, n int) {
	if n <= 0 {
		return
	}
	h.held -= n
	e.Release(h.name, e.size, n)
	e.Logf("release " + itoa(int64(n)) + " on " + h.name)
}

// forgetLeft drops a Leave once nothing of the task is on its host, so
// that the host is used again when the allocator grants there later
// (after an upgrade).
func (e *Engine) forgetLeft() {
	e.ForgetLeft(func(name string) bool {
		i, ok := e.find(name)
		return ok && (e.hosts[i].held > 0 || e.hosts[i].busy > 0)
	})
}
