package prep

import (
	"math"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
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
// what it was granted). It sets want and returns the threads in flight
// and the grow threads still to start. Work is planned for 1-core hosts:
// the allocation's snapshot carries no cores, and more cores only make
// the same threads do more, which the game caps at min security and max
// money.
func (e *Engine) plan() (weakenIn, growIn, growLeft int) {
	weakenIn, growIn = e.inFlight()
	growLeft = max(0, e.growNeeded()-growIn)
	weakenLeft := max(0, e.weakenFor(growIn+growLeft)-weakenIn)
	all := weakenIn + growIn + growLeft + weakenLeft
	e.want = e.limit(all)
	e.capped = e.want < all
	return weakenIn, growIn, growLeft
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
	weakenIn, growIn, growLeft := e.plan()
	e.resize(e.want)
	free := 0
	for _, h := range e.hosts {
		if e.usable(h) {
			free += h.idle()
		}
	}
	free = min(free, max(0, e.want-weakenIn-growIn))
	w, g := e.split(free, weakenIn, growIn, growLeft)
	e.place(hwgw.ActionWeaken, w)
	e.place(hwgw.ActionGrow, g)
	e.releaseIdle(e.want)
}

// split divides free chunks between weaken and grow threads. Weaken comes
// first: any security not already covered by weakens in flight, then as
// many grow threads as fit with the weakens that cancel their rise. So
// security stays near min, and a grow lands at the security it was
// planned for, unless chunks are short (then grows land a little higher
// and grow less; the next observation asks for the rest).
func (e *Engine) split(free, weakenIn, growIn, growLeft int) (weaken, grow int) {
	need := func(g int) int { return max(0, e.weakenFor(growIn+g)-weakenIn) }
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

// place starts n threads of action in idle chunks, host by host in name
// order, one worker per host.
func (e *Engine) place(action hwgw.Action, n int) {
	per := e.cfg.WeakenRAM
	if action == hwgw.ActionGrow {
		per = e.cfg.GrowRAM
	}
	for _, h := range e.hosts {
		if n == 0 {
			return
		}
		k := min(h.idle(), n)
		if k == 0 || !e.usable(h) {
			continue
		}
		e.Start(&worker{action: action, host: h.name, threads: k},
			task.Start{Action: action, Host: h.name, Threads: k, RAM: per.Times(k)})
		h.busy += k
		n -= k
		e.Logf("start " + action.String() + " x" + itoa(int64(k)) + " on " + h.name)
	}
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
