package memory

import "ramfarm/core/ram"

// Placement. Hosts are compared by class (which sort of server an option
// prefers), then by cores for core-dependent work, then best fit (the
// smallest free RAM that fits, keeping large holes for large chunks), then
// by name. Every scan walks hosts in name order, so the result never
// depends on map order.

// class ranks a host for o; lower goes first.
func class(h *host, o Options) int {
	switch {
	case o.LongRunning:
		// Ordinary servers first: the player's own machines stay free
		// for short work.
		switch h.kind {
		case HostDefault:
			return 0
		case HostPurchased:
			return 1
		case HostHacknet:
			return 2
		}
		return 3
	case o.Seat:
		switch h.kind {
		case HostHome:
			return 0
		case HostDefault:
			return 1
		case HostPurchased:
			return 2
		}
		return 3
	case o.CoreDependent:
		return 0 // cores decide
	case h.kind == HostHome:
		return 1 // home last: the player works there
	}
	return 0
}

// better reports whether x is preferred to y for o. Ties keep y, which
// came first in name order.
func better(x, y *host, o Options) bool {
	if cx, cy := class(x, o), class(y, o); cx != cy {
		return cx < cy
	}
	if o.CoreDependent && x.cores != y.cores {
		return x.cores > y.cores
	}
	return x.free() < y.free()
}

// pick finds the preferred host with at least need free for a, among the
// hosts a already uses if onlyHeld. It refreshes the bound maxFree.
func (e *Engine) pick(a *alloc, need ram.Amount, onlyHeld bool) *host {
	var best *host
	var top ram.Amount
	for _, h := range e.hostList {
		f := h.free()
		top = max(top, f)
		if f < need || (onlyHeld && a.heldOn(h.name) == 0) {
			continue
		}
		if best == nil || better(h, best, a.opts) {
			best = h
		}
	}
	e.maxFree = top
	return best
}

// place grants a up to n more chunks of its current size and returns how
// many it placed. A contiguous allocation goes to one host when one can
// hold all n (a host it already uses first); otherwise chunks spread,
// each host taking as many as fit before the next is chosen.
func (e *Engine) place(a *alloc, n int) int {
	size := a.size
	if n <= 0 || size > e.maxFree {
		return 0
	}
	if a.opts.Contiguous && n > 1 {
		if need := size.Times(n); need <= e.maxFree {
			var h *host
			if len(a.held) > 0 {
				h = e.pick(a, need, true)
			}
			if h == nil {
				h = e.pick(a, need, false)
			}
			if h != nil {
				a.grant(h, size, n)
				return n
			}
		}
	}
	placed := 0
	for placed < n && size <= e.maxFree {
		h := e.pick(a, size, false)
		if h == nil {
			break
		}
		k := min(int(h.free()/size), n-placed)
		a.grant(h, size, k)
		placed += k
	}
	return placed
}

// room is how many chunks of size fit across all hosts, counting no
// further than n.
func (e *Engine) room(size ram.Amount, n int) int {
	sum := 0
	if size > e.maxFree {
		return 0
	}
	for _, h := range e.hostList {
		if sum += int(h.free() / size); sum >= n {
			return n
		}
	}
	return sum
}
