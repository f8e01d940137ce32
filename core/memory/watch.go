package memory

import (
	"slices"

	"ramfarm/core/internal/stable"
)

// watchSet is the set of pids whose death the daemon must report, with a
// reference count per pid (a pid may own allocations, wait on a request
// and be owed a reply at once), and the pids that entered or left it
// since the daemon last took it. A worker claimed and unclaimed between
// two Advances leaves no trace, so Ready.Watch stays nil.
type watchSet struct {
	refs  map[Pid]int
	pids  []Pid        // the keys of refs, sorted
	delta map[Pid]bool // toggled on every entry and exit
}

func (w *watchSet) add(p Pid) {
	if w.refs[p]++; w.refs[p] == 1 {
		i, _ := slices.BinarySearch(w.pids, p)
		w.pids = stable.Insert(w.pids, i, p)
		w.toggle(p)
	}
}

func (w *watchSet) remove(p Pid) {
	if w.refs[p] <= 0 {
		return
	}
	if w.refs[p]--; w.refs[p] == 0 {
		delete(w.refs, p)
		if i, ok := slices.BinarySearch(w.pids, p); ok {
			w.pids = slices.Delete(w.pids, i, i+1)
		}
		w.toggle(p)
	}
}

func (w *watchSet) toggle(p Pid) {
	if w.delta[p] {
		delete(w.delta, p)
	} else {
		w.delta[p] = true
	}
}

// changed is a copy of the set if it changed since the last advance, else
// nil; an empty set that is news is an empty, non-nil slice.
func (w *watchSet) changed() []Pid {
	if len(w.delta) == 0 {
		return nil
	}
	return append(make([]Pid, 0, len(w.pids)), w.pids...)
}

func (w *watchSet) advance() { clear(w.delta) }
