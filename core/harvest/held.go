package harvest

import (
	"cmp"
	"slices"
	"strconv"

	"ramfarm/core/internal/stable"
	"ramfarm/core/task"
)

// applyHeld reconciles the hosts with an allocation snapshot. Chunks given
// back count until a snapshot reflects their Release (its Answered is at
// least the Release's id). Beyond that, more chunks on a host than the
// engine keeps are new; fewer mean the allocator took some back: the
// workers there run on (a batch is never interrupted), there is just
// less to give back when they land. Chunks of another size (none are
// asked for) are not the engine's to use.
func (e *Engine) applyHeld(h task.Held) {
	got := map[string]task.Chunk{}
	for _, c := range h.Chunks {
		if c.Size == e.size {
			got[c.Host] = c
		}
	}
	for name := range got {
		e.host(name)
	}
	for _, x := range e.hosts {
		x.gone = slices.DeleteFunc(x.gone, func(r release) bool { return r.id <= e.Answered() })
		counted := x.held
		for _, r := range x.gone {
			counted += r.count
		}
		c := got[x.name]
		switch n := c.Count - counted; {
		case n > 0:
			x.held += n
			e.Logf("granted " + strconv.Itoa(n) + " on " + x.name)
		case n < 0:
			lost := min(-n, x.held)
			x.held -= lost
			e.Logf("lost " + strconv.Itoa(lost) + " on " + x.name)
		}
		if c.Count > 0 {
			x.cores = max(1, c.Cores)
		}
	}
	e.prune()
	// A host left and emptied is usable again: the allocator grants
	// there only once it is reopened.
	e.ForgetLeft(func(name string) bool {
		i, ok := e.find(name)
		return ok && (e.hosts[i].held > 0 || e.hosts[i].busy > 0)
	})
}

// find returns the index of name in hosts, or where it would go.
func (e *Engine) find(name string) (int, bool) {
	return slices.BinarySearchFunc(e.hosts, name, func(h *host, n string) int { return cmp.Compare(h.name, n) })
}

// host returns the entry for name, creating it.
func (e *Engine) host(name string) *host {
	i, ok := e.find(name)
	if !ok {
		e.hosts = stable.Insert(e.hosts, i, &host{name: name, cores: 1})
	}
	return e.hosts[i]
}

// prune forgets hosts where nothing is held, running or on its way back.
func (e *Engine) prune() {
	e.hosts = slices.DeleteFunc(e.hosts, func(h *host) bool { return h.held == 0 && h.busy == 0 && len(h.gone) == 0 })
}
