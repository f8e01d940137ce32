// Package prep runs one till or sow task: the weaken threads that take a
// target to min security (till), or the grow threads that take it to max
// money and the weaken threads that keep it at min security (sow).
//
// The Engine is a deterministic state machine (see DESIGN.md). It asks for
// a growable allocation sized to all the work at once, starts work in
// every chunk it holds, and starts more in each chunk that arrives or
// frees up. Workers do one operation each and exit; the next observation
// of the target decides what the freed chunk does next, so the task
// steers by what the game reports, not by what it predicted. It never
// reads a clock: time arrives in Observe events.
package prep

import (
	"cmp"
	"slices"

	"ramfarm/core/hwgw"
	"ramfarm/core/internal/detail"
	"ramfarm/core/ram"
)

// Engine runs one till or sow task. It is not safe for concurrent use.
type Engine struct {
	cfg     Config
	planner *hwgw.Planner
	size    ram.Amount // chunk size: one thread of either worker

	mode Mode
	step stepFunc

	observed bool
	now      int64
	money    float64
	security float64

	hosts    []*host // sorted by name
	workers  map[Pid]*worker
	starting map[int64]*worker // by Start ID
	seq      int64             // last snapshot stepped
	held     bool              // a snapshot arrived: the allocation exists

	prio    int
	cap     ram.Amount
	asked   int // desired count the allocator has
	askPrio int // priority the allocator has
	want    int // threads the task would run, within its cap
	leaving map[string]bool

	beat   Heartbeat // the last one sent
	beatAt int64
	beaten bool

	nextID int64
	out    Ready
}

// host is what the task holds and runs on one host, in chunks (= threads).
type host struct {
	name    string
	held    int
	busy    int   // chunks under workers running or starting
	retryAt int64 // no start before this: an exec failed here
}

func (h *host) idle() int { return max(0, h.held-h.busy) }

// worker is one worker process, started or starting.
type worker struct {
	op      Op
	host    string
	threads int
}

// New builds an Engine for cfg. Its first Observe asks for the allocation
// (or finishes at once if the target is already ready).
func New(cfg Config) (*Engine, error) {
	c, m, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	p, err := hwgw.NewPlanner(m)
	if err != nil {
		return nil, wrap(ErrBadConfig, detail.Of(err))
	}
	return &Engine{
		cfg:      c,
		planner:  p,
		size:     max(c.WeakenRAM, c.GrowRAM),
		mode:     ModeIdle,
		step:     stepIdle,
		workers:  map[Pid]*worker{},
		starting: map[int64]*worker{},
		prio:     c.Priority,
		cap:      c.Cap,
		leaving:  map[string]bool{},
		nextID:   1,
	}, nil
}

// Mode is what the engine is doing now.
func (e *Engine) Mode() Mode { return e.mode }

// ChunkSize is the allocation's chunk size: one thread.
func (e *Engine) ChunkSize() ram.Amount { return e.size }

// Step applies one event. It returns an error only when the shell broke
// the contract; then nothing changed. Once done, every event is ignored:
// the shell stops, and late snapshots or exits change nothing.
func (e *Engine) Step(ev Event) error {
	if ev == nil {
		return ErrNilEvent
	}
	if e.mode == ModeDone {
		return nil
	}
	if err := e.check(ev); err != nil {
		return err
	}
	switch ev := ev.(type) {
	case Observe:
		e.observed, e.now, e.money, e.security = true, ev.Now, ev.Money, ev.Security
	case Held:
		if ev.Seq <= e.seq {
			return nil
		}
		e.applyHeld(ev)
	case Started:
		e.started(ev)
	case Exited:
		e.exited(ev)
	case SetPriority:
		e.prio = ev.Priority
	case SetCap:
		e.cap = ev.RAM
	case Leave:
		e.leaving[ev.Host] = true
	}
	e.step(e, ev)
	if _, ok := ev.(Observe); ok && e.mode != ModeDone {
		e.heartbeat()
	}
	return nil
}

// check rejects a malformed or out-of-turn event before anything changes.
func (e *Engine) check(ev Event) error {
	bad := func(s string) error { return wrap(ErrBadEvent, s) }
	switch ev := ev.(type) {
	case Observe:
		switch {
		case e.observed && ev.Now < e.now:
			return wrap(ErrTimeBackward, itoa(ev.Now)+" < "+itoa(e.now))
		case !finite(ev.Money) || ev.Money < 0:
			return bad("money " + ftoa(ev.Money) + " is invalid")
		case !finite(ev.Security) || ev.Security < 1 || ev.Security > 100:
			return bad("security " + ftoa(ev.Security) + " is outside [1, 100]")
		}
	case Held:
		if e.mode == ModeIdle {
			return wrap(ErrUnexpected, "a snapshot before the allocation was asked for")
		}
		if ev.Seq < 1 || ev.Desired < 0 {
			return bad("seq " + itoa(ev.Seq) + " is below 1 or desired " + itoa(int64(ev.Desired)) + " is negative")
		}
		seen := map[string]bool{}
		for _, c := range ev.Chunks {
			switch {
			case c.Host == "":
				return bad("chunk has no host")
			case c.Size != e.size:
				return bad("chunks of " + c.Size.String() + " on " + c.Host + ", the allocation's are " + e.size.String())
			case c.Count < 0:
				return bad("chunk count on " + c.Host + " is negative")
			case seen[c.Host]:
				return bad("chunks on " + c.Host + " are listed twice")
			}
			seen[c.Host] = true
		}
	case Refused:
		if (e.mode != ModeAsking && e.mode != ModeStopping) || e.held {
			return wrap(ErrUnexpected, "no allocation request awaits an answer")
		}
	case Started:
		if _, ok := e.starting[ev.Cmd]; !ok {
			return wrap(ErrUnknownCmd, "no Start "+itoa(ev.Cmd)+" awaits its result")
		}
		if ev.Pid < 0 {
			return bad("pid " + itoa(int64(ev.Pid)) + " is negative")
		}
		if _, dup := e.workers[ev.Pid]; dup && ev.Pid != 0 {
			return bad("pid " + itoa(int64(ev.Pid)) + " is already running")
		}
	case Exited:
		if _, ok := e.workers[ev.Pid]; !ok {
			return wrap(ErrUnknownPid, itoa(int64(ev.Pid)))
		}
	case SetCap:
		if ev.RAM < 0 || ev.RAM > ram.Max {
			return bad("cap " + ev.RAM.String() + " is out of range")
		}
	case Leave:
		if ev.Host == "" {
			return bad("leave names no host")
		}
	case SetPriority, Stop:
	default:
		return ErrUnknownEvent
	}
	return nil
}

// Ready returns what the engine wants done since the last Advance. It
// does not clear anything: call Advance once it is done.
func (e *Engine) Ready() Ready { return e.out }

// HasReady reports whether Ready has commands or logs.
func (e *Engine) HasReady() bool { return len(e.out.Commands) > 0 || len(e.out.Logs) > 0 }

// Advance tells the engine that the shell did everything Ready returned.
func (e *Engine) Advance() { e.out = Ready{} }

func (e *Engine) emit(c Command) { e.out.Commands = append(e.out.Commands, c) }
func (e *Engine) logf(s string)  { e.out.Logs = append(e.out.Logs, s) }

func (e *Engine) id() int64 {
	id := e.nextID
	e.nextID++
	return id
}

// find returns the index of name in hosts, or where it would go.
func (e *Engine) find(name string) (int, bool) {
	return slices.BinarySearchFunc(e.hosts, name, func(h *host, n string) int { return cmp.Compare(h.name, n) })
}

// host returns the entry for name, creating it.
func (e *Engine) host(name string) *host {
	i, ok := e.find(name)
	if !ok {
		e.hosts = slices.Insert(e.hosts, i, &host{name: name})
	}
	return e.hosts[i]
}

// applyHeld takes the allocator's word on what is held where. Chunks it
// took back under running workers simply leave those hosts without idle
// chunks: the workers finish, and there is nothing to give back.
func (e *Engine) applyHeld(h Held) {
	e.seq, e.held, e.asked = h.Seq, true, h.Desired
	got := map[string]int{}
	for _, c := range h.Chunks {
		got[c.Host] = c.Count
		e.host(c.Host)
	}
	for _, x := range e.hosts {
		if n := got[x.name]; n != x.held {
			if n > x.held {
				e.logf("granted " + itoa(int64(n-x.held)) + " on " + x.name)
			} else {
				e.logf("lost " + itoa(int64(x.held-n)) + " on " + x.name)
			}
			x.held = n
		}
	}
	e.prune()
}

// prune forgets hosts where nothing is held or running.
func (e *Engine) prune() {
	e.hosts = slices.DeleteFunc(e.hosts, func(h *host) bool {
		return h.held == 0 && h.busy == 0 && h.retryAt <= e.now
	})
}

// started records a worker's pid; a failed exec frees its chunks and
// keeps new work off that host for a while.
func (e *Engine) started(ev Started) {
	w := e.starting[ev.Cmd]
	delete(e.starting, ev.Cmd)
	if ev.Pid != 0 {
		e.workers[ev.Pid] = w
		return
	}
	h := e.host(w.host)
	h.busy -= w.threads
	h.retryAt = e.now + e.cfg.RetryAfter
	e.logf("exec failed: " + w.op.String() + " x" + itoa(int64(w.threads)) + " on " + w.host)
}

// exited frees a worker's chunks; its claim ends first.
func (e *Engine) exited(ev Exited) {
	w := e.workers[ev.Pid]
	delete(e.workers, ev.Pid)
	e.host(w.host).busy -= w.threads
	e.emit(Unclaim{ID: e.id(), Pid: ev.Pid})
}

// inFlight counts the threads running or starting, per op.
func (e *Engine) inFlight() (weaken, grow int) {
	count := func(w *worker) {
		if w.op == OpGrow {
			grow += w.threads
		} else {
			weaken += w.threads
		}
	}
	for _, w := range e.workers {
		count(w)
	}
	for _, w := range e.starting {
		count(w)
	}
	return weaken, grow
}

// totalHeld is the chunks held on every host.
func (e *Engine) totalHeld() int {
	n := 0
	for _, h := range e.hosts {
		n += h.held
	}
	return n
}

// heartbeat sends the task's state when it changed or is due.
func (e *Engine) heartbeat() {
	b := Heartbeat{
		Held:     e.size.Times(e.totalHeld()),
		Want:     e.size.Times(e.want),
		Cap:      e.cap,
		Priority: e.prio,
		Stopping: e.mode == ModeStopping,
	}
	last := e.beat
	last.ID = 0
	if e.beaten && b == last && e.now < e.beatAt+e.cfg.Heartbeat {
		return
	}
	b.ID = e.id()
	e.beat, e.beatAt, e.beaten = b, e.now, true
	e.emit(b)
}
