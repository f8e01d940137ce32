package portalloc

import (
	"cmp"
	"slices"

	"ramfarm/core/internal/stable"
	"ramfarm/core/proc"
)

// Persistence: the memory daemon saves the engine's State with the memory
// allocator's, and a daemon started again restores it, so no port is
// leased twice across a restart: every lease keeps its owner, the ports
// below Next that are not leased stay free or parked, and letters not
// known to have arrived are sent again on the first Tick (a client that
// sees an answer twice ignores the second by rid).

// State is everything the engine must remember across a restart.
type State struct {
	Next    proc.Port   // the lowest port never handed out
	Free    []proc.Port // ports handed back below Next, sorted
	Leases  []Lease     // sorted by pid, each pid's ports in lease order
	Letters []Letter    // replies not known to have arrived, in send order
}

// Lease is one leased port.
type Lease struct {
	Port proc.Port
	Pid  proc.Pid
}

// Letter is a reply to Pid on Port not yet seen to arrive.
type Letter struct {
	Port proc.Port
	Pid  proc.Pid
	Msg  Reply
}

// Export returns the engine's State.
func (e *Engine) Export() State {
	s := State{Next: e.next, Free: append([]proc.Port(nil), e.free...)}
	stable.Sort(s.Free, cmp.Compare[proc.Port])
	for _, pid := range stable.Keys(e.ports) {
		for _, p := range e.ports[pid] {
			s.Leases = append(s.Leases, Lease{Port: p, Pid: pid})
		}
	}
	for _, id := range stable.Keys(e.sends) {
		if l := e.sends[id]; !l.dropped {
			s.Letters = append(s.Letters, Letter{Port: l.port, Pid: l.pid, Msg: l.msg})
		}
	}
	for _, l := range e.retry {
		s.Letters = append(s.Letters, Letter{Port: l.port, Pid: l.pid, Msg: l.msg})
	}
	return s
}

// Restore loads s into an engine that has stepped nothing yet. It checks
// all of s first and returns ErrBadState, changing nothing, when s does
// not fit the engine's range or could not have come from an engine. A
// port below Next that is neither free nor leased was parked for a letter
// on its way to it: it stays parked while a restored letter is owed to
// it, and is free otherwise.
func (e *Engine) Restore(s State) error {
	if e.nextSend != 0 || len(e.owner) > 0 || e.next != e.first {
		return wrap(ErrBadState, "the engine is not fresh")
	}
	bad := func(detail string) error { return wrap(ErrBadState, detail) }
	if s.Next < e.first || s.Next > e.last+1 {
		return bad("next port " + itoa(int64(s.Next)) + " is outside " + itoa(int64(e.first)) + ".." + itoa(int64(e.last)))
	}
	taken := map[proc.Port]bool{}
	for _, p := range s.Free {
		if p < e.first || p >= s.Next || taken[p] {
			return bad("free port " + itoa(int64(p)) + " is out of range or listed twice")
		}
		taken[p] = true
	}
	for _, l := range s.Leases {
		if l.Port < e.first || l.Port >= s.Next || taken[l.Port] || l.Pid <= 0 {
			return bad("leased port " + itoa(int64(l.Port)) + " is out of range, listed twice or has no owner")
		}
		taken[l.Port] = true
	}
	for _, l := range s.Letters {
		if !l.Port.Valid() || l.Msg == nil {
			return bad("a letter is malformed")
		}
	}
	e.next = s.Next
	for _, l := range s.Leases {
		e.owner[l.Port] = l.Pid
		e.ports[l.Pid] = append(e.ports[l.Pid], l.Port)
	}
	// The dead daemon's letters are owed again: sent on the next Tick.
	for _, l := range s.Letters {
		lt := &letter{port: l.Port, pid: l.Pid, msg: l.Msg}
		if e.managed(l.Port) {
			e.busy[l.Port]++
		}
		if l.Pid > 0 {
			lt.failed = true
			e.retryPids[l.Pid]++
		}
		e.retry = append(e.retry, lt)
	}
	for p := e.first; p < s.Next; p++ {
		switch {
		case taken[p] && !slices.Contains(s.Free, p):
		case e.busy[p] > 0:
			e.parked[p] = true
		default:
			e.release(p)
		}
	}
	e.watchDirty = true
	e.logf("restored " + itoa(int64(len(s.Leases))) + " leased ports, next " + itoa(int64(s.Next)))
	return nil
}
