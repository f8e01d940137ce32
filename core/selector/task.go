package selector

import "ramfarm/core/ram"

// state is where a task is in its life. Every change goes through become,
// which panics on a transition the engine must never make.
type state uint8

const (
	stLaunching state = iota // Launch issued, Launched not stepped yet
	stStarting               // running, no heartbeat yet
	stRunning                // heartbeating
	stStopping               // asked to stop; still holds RAM until it exits
	stGone                   // exited, killed or never started
)

// may reports whether a task in state s may become to.
func (s state) may(to state) bool {
	switch s {
	case stLaunching:
		return to == stStarting || to == stGone
	case stStarting:
		return to == stRunning || to == stGone
	case stRunning:
		return to == stStopping || to == stGone
	case stStopping:
		return to == stGone
	}
	return false
}

func (s state) String() string {
	switch s {
	case stLaunching:
		return "launching"
	case stStarting:
		return "starting"
	case stRunning:
		return "running"
	case stStopping:
		return "stopping"
	case stGone:
		return "gone"
	}
	return "state" + itoa(int64(s))
}

// task is one task process, from its launch to its end.
type task struct {
	chunk  ram.Amount // size of its chunks, from its heartbeat (0: unknown)
	launch int64      // the Launch command's id; 0 for an adopted task
	born   int64      // when it was launched (or adopted)
	pid    Pid
	port   Port
	kind   Kind
	tgt    *target
	state  state
	since  int64 // when it entered its state
	heard  int64 // its last heartbeat
	// doomed: killed before its pid was known; killed when Launched says.
	doomed bool
	// asked: its end was requested (Stop or Kill), so it is no failure.
	asked bool
	// round: it runs one round and ends (PolicyReplan); worked: a
	// heartbeat showed it got RAM. A round that worked and ended is no
	// failure either; one that never got RAM is.
	round, worked bool

	held, want ram.Amount // from its heartbeats
	wantsMore  bool       // its heartbeat said capped
	cap        ram.Amount // the most RAM the engine lets it hold
	prio       int        // the priority the engine wants it at
	// keep: a harvest shrunk for a preparation keeps this much (half of
	// what it held when first shrunk), however often it is shrunk again,
	// until its cap is raised.
	keep   ram.Amount
	rate   float64
	earned float64 // from its heartbeats: what its hack workers took
	// What the task last reported applying, what the engine last sent
	// and when, for resending until they agree.
	gotCap              ram.Amount
	gotPrio             int
	sentCap             ram.Amount
	sentPrio            int
	capAt, prioAt, stop int64
	left                map[string]int64 // host -> last Leave sent
}

func (t *task) become(s state, now int64) {
	if t.state.may(s) {
		t.state, t.since = s, now
		return
	}
	panic("selector: task " + itoa(int64(t.pid)) + " cannot go from " + t.state.String() + " to " + s.String())
}

// name is how logs name the task: by pid once it has one.
func (t *task) name() string {
	id := "pid=" + itoa(int64(t.pid))
	if t.pid == 0 {
		id = "launch=" + itoa(t.launch)
	}
	return id + " " + t.kind.String() + " " + t.tgt.host
}

// live reports whether the task counts as its target's worker: it is
// neither stopping nor gone.
func (t *task) live() bool { return t.state < stStopping }

// unmet is the RAM the task still waits for. A task not heard from yet
// waits for all of its cap; a non-growable task asked once and never
// waits again.
func (t *task) unmet(growable bool) ram.Amount {
	switch t.state {
	case stLaunching, stStarting:
		return t.cap
	case stRunning:
		if growable {
			return max(0, min(t.want, t.cap)-t.held)
		}
	}
	return 0
}

// capped reports whether the task would use more RAM than its cap allows,
// as its heartbeats say.
func (t *task) capped() bool { return t.cap > 0 && t.wantsMore }

// releasing is the RAM the task is on its way to give back: all of it
// when stopping, whatever exceeds its cap when shrinking.
func (t *task) releasing() ram.Amount {
	switch t.state {
	case stStopping:
		return t.held
	case stRunning:
		return max(0, t.held-t.cap)
	}
	return 0
}

// target is one server the selector may work on.
type target struct {
	host  string
	obs   Target
	seen  bool    // listed in the latest Observe
	phase Kind    // KindNone until known; only ever moves forward
	value float64 // Worth: money per GB·s over the horizon, preparation counted
	yield float64 // harvest money per GB·s at the RAM pool's size, once prepared
	// past: its preparation outlasts the horizon (see Worth). Such a
	// target takes only RAM no other task wants: it makes no room.
	past  bool
	rank  int                   // 1 = least valuable seen target; 0 unseen
	task  *task                 // its one task process, stopping included
	fails int                   // failed launches in a row
	until int64                 // no launch before this (backoff)
	needs [KindHarvest + 1]need // Need per kind, until the next Observe
	// valued is what value was computed from: a new estimate runs only
	// when the target, the hacking level or the pool changed.
	valued valueKey
}

type valueKey struct {
	moneyMax, minSecurity, growth, required, hacking float64
	pool                                             ram.Amount
}

// need is a cached result of Need.
type need struct {
	ok          bool
	least, most ram.Amount
}

// advance moves the target's phase forward to k; it never moves back.
func (g *target) advance(k Kind) bool {
	if k > g.phase {
		g.phase = k
		return true
	}
	return false
}
