// Package discovery is the network daemon's brain: from what a scan of
// the network shows, it decides which servers to open and nuke, which
// workers the memory daemon must hear about, and which servers are hack
// targets, and keeps the target subscribers informed.
//
// The Engine is a deterministic state machine (see DESIGN.md): the daemon
// steps it with a Scan per tick and with Subscribe messages, performs
// Ready (opens, nukes, then sends), reports each outcome as a Result or a
// Delivered, and calls Advance. The daemon should step those outcomes at
// once rather than at its next tick: a nuke that worked is registered as
// a worker when its Result is stepped, so a new program's servers reach
// the memory daemon in the same tick that first saw the program. The
// engine never answers a failed Delivered with a new send before the next
// Scan, so a daemon that keeps stepping outcomes until there are none
// always stops.
package discovery

import (
	"strconv"
)

// Engine is the discovery engine. It is not safe for concurrent use.
type Engine struct {
	memd      Port
	walkEvery int64

	walked   bool // a full scan was stepped
	walkedAt int64

	level    int
	programs ProgramSet
	scanned  bool // a Scan was stepped: the target list means something
	now      int64

	servers map[string]*server
	order   []*server // as the last scan listed them

	seq          int64    // version of the target list
	targets      []Target // the list as last published
	targetsNow   int64
	targetsLevel int

	subs    map[subKey]*sub
	subList []*sub // sorted by pid, then port

	nextID  int64
	actions map[int64]action  // opens and nukes in flight
	sends   map[int64]sendRec // sends in flight

	out          Ready
	watchChanged bool
}

// New builds an Engine from cfg.
func New(cfg Config) (*Engine, error) {
	c, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return &Engine{
		memd:      c.MemdPort,
		walkEvery: c.WalkEvery,
		servers:   map[string]*server{},
		subs:      map[subKey]*sub{},
		actions:   map[int64]action{},
		sends:     map[int64]sendRec{},
	}, nil
}

// Step applies one event. It returns an error only when the shell broke
// the contract; then nothing changed. Pointers to events are accepted too.
func (e *Engine) Step(ev Event) error {
	switch ev := ev.(type) {
	case nil:
		return ErrNilEvent
	case Scan:
		return e.stepScan(ev)
	case *Scan:
		return stepPtr(ev, e.stepScan)
	case Subscribe:
		return e.stepSubscribe(ev)
	case *Subscribe:
		return stepPtr(ev, e.stepSubscribe)
	case Delivered:
		return e.stepDelivered(ev)
	case *Delivered:
		return stepPtr(ev, e.stepDelivered)
	case Result:
		return e.stepResult(ev)
	case *Result:
		return stepPtr(ev, e.stepResult)
	}
	return ErrUnknownEvent
}

func stepPtr[T any](p *T, step func(T) error) error {
	if p == nil {
		return ErrNilEvent
	}
	return step(*p)
}

// HasReady reports whether Ready has anything to do. Ready.Walk is a
// standing wish, not a command, and does not count.
func (e *Engine) HasReady() bool {
	return len(e.out.Opens)+len(e.out.Nukes)+len(e.out.Sends)+len(e.out.Logs) > 0 || e.watchChanged
}

// Ready returns what the engine wants done since the last Advance. It does
// not clear anything: call Advance once it is done, with no Step between
// Ready and Advance.
func (e *Engine) Ready() Ready {
	rd := e.out
	rd.Walk = e.wantWalk()
	if e.watchChanged {
		rd.Watch = e.watched()
	}
	return rd
}

// Advance tells the engine that the shell did everything Ready returned.
func (e *Engine) Advance() {
	e.out = Ready{}
	e.watchChanged = false
}

func (e *Engine) id() int64 {
	e.nextID++
	return e.nextID
}

func (e *Engine) logf(line string) { e.out.Logs = append(e.out.Logs, line) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
