// Package prep runs one till or sow task: the weaken threads that take a
// target to min security (till), or the grow threads that take it to max
// money and the weaken threads that keep it at min security (sow).
//
// The Engine is a deterministic state machine (see DESIGN.md) speaking
// the task contract of core/task. It asks for a growable allocation sized
// to all the work at once, starts work in every chunk it holds, and
// starts more in each chunk that arrives or frees up. Workers do one
// operation each and exit; the next observation of the target decides
// what the freed chunk does next, so the task steers by what the game
// reports, not by what it predicted. A worker killed or dead is the same
// to it: the round that hears of its end frees its chunks, and that
// round's Tick starts the work still needed in them, so a player's kill
// costs the task at most a round (task.Look); only workers that die at
// start hold a host off (core/task/failures.go). It never reads a clock:
// time arrives in Ticks.
package prep

import (
	"cmp"
	"slices"

	"ramfarm/core/hwgw"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// Engine runs one till or sow task. It is not safe for concurrent use.
type Engine struct {
	task.Base[*worker]

	cfg     Config
	planner *hwgw.Planner
	size    ram.Amount // chunk size: one thread of either worker

	mode Mode
	step stepFunc

	hosts  []*host // sorted by name
	want   int     // threads the task would run, within its cap
	capped bool    // the cap holds fewer threads than the work
}

var _ task.Engine = (*Engine)(nil)

// host is what the task holds and runs on one host, in chunks (= threads).
type host struct {
	name  string
	cores int // as the allocator's last snapshot said; 1 before it says
	held  int
	busy  int // chunks under workers running or starting
}

func (h *host) idle() int { return max(0, h.held-h.busy) }

// worker is one worker process, started or starting.
type worker struct {
	pid     task.Pid // 0 while starting
	action  hwgw.Action
	host    string
	threads int
	// worth is its threads' work counted in threads on a 1-core host, the
	// unit the task plans in: more on a host with more cores.
	worth float64
}

// look is how often the engine wants to look at its target, ms: workers
// tell the task when they land, but a message may be lost, and a look
// shows the target's state.
const look = 1000

// New builds an Engine for cfg. Its first Tick asks for the allocation
// (or finishes at once if the target is already ready).
func New(cfg Config) (*Engine, error) {
	c, m, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	p, err := hwgw.NewPlanner(m)
	if err != nil {
		return nil, badConfig(err)
	}
	return &Engine{
		Base:    task.NewBase[*worker](c.Task),
		cfg:     c,
		planner: p,
		size:    max(c.WeakenRAM, c.GrowRAM),
		mode:    ModeIdle,
		step:    stepIdle,
	}, nil
}

// Mode is what the engine is doing now.
func (e *Engine) Mode() Mode { return e.mode }

// ChunkSize is the allocation's chunk size: one thread.
func (e *Engine) ChunkSize() ram.Amount { return e.size }

// Step applies one event (see task.Engine).
func (e *Engine) Step(ev task.Event) error { return e.Handle(ev, e.check, e.apply, e.status) }

// apply is what an accepted event means to a till or sow: a snapshot
// says what is held where, a worker's result or exit settles its chunks;
// then the mode decides.
func (e *Engine) apply(ev task.Event, w *worker) {
	if h, ok := ev.(task.Held); ok {
		e.applyHeld(h)
	}
	if w != nil {
		e.settle(ev, w)
	}
	e.step(e, ev)
}

// status is what the heartbeat says.
func (e *Engine) status() task.Status {
	return task.Status{Held: e.size.Times(e.totalHeld()), Want: e.size.Times(e.want), Capped: e.capped, Chunk: e.size,
		Mode: e.mode.String()}
}

// check rejects what only a till or sow cannot take: chunks of another
// size than its one thread.
func (e *Engine) check(ev task.Event) error {
	if h, ok := ev.(task.Held); ok {
		for _, c := range h.Chunks {
			if c.Size != e.size {
				return wrap(task.ErrBadEvent, "chunks of "+c.Size.String()+" on "+c.Host+", the allocation's are "+e.size.String())
			}
		}
	}
	return nil
}

// Ready returns what the engine wants done since the last Advance.
func (e *Engine) Ready() task.Ready { return e.Base.Ready(e.Now()+look, true) }

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

// applyHeld takes the allocator's word on what is held where. Chunks it
// took back under running workers simply leave those hosts without idle
// chunks: the workers finish, and there is nothing to give back.
func (e *Engine) applyHeld(h task.Held) {
	got := map[string]int{}
	for _, c := range h.Chunks {
		got[c.Host] = c.Count
		e.host(c.Host).cores = max(1, c.Cores)
	}
	for _, x := range e.hosts {
		if n := got[x.name]; n != x.held {
			if n > x.held {
				e.Logf("granted " + itoa(int64(n-x.held)) + " on " + x.name)
			} else {
				e.Logf("lost " + itoa(int64(x.held-n)) + " on " + x.name)
			}
			x.held = n
		}
	}
	e.prune()
}

// prune forgets hosts where nothing is held or running.
func (e *Engine) prune() {
	e.hosts = slices.DeleteFunc(e.hosts, func(h *host) bool {
		return h.held == 0 && h.busy == 0
	})
}

// settle frees the chunks of a worker that exited or failed to start (the
// Base keeps new work off its host for a while).
func (e *Engine) settle(ev task.Event, w *worker) {
	s, started := ev.(task.Started)
	if started {
		if w.pid = s.Pid; w.pid != 0 {
			return
		}
	}
	h := e.host(w.host)
	h.busy -= w.threads
	if started {
		e.Logf("exec failed: " + w.action.String() + " x" + itoa(int64(w.threads)) + " on " + w.host)
	}
}

// flight is the work running or starting, per action: its threads
// (chunks), and what they are worth on 1-core hosts.
type flight struct {
	weaken, grow           int
	weakenWorth, growWorth float64
}

// inFlight counts the work running or starting.
func (e *Engine) inFlight() flight {
	var f flight
	for w := range e.Workers() {
		if w.action == hwgw.ActionGrow {
			f.grow += w.threads
			f.growWorth += w.worth
		} else {
			f.weaken += w.threads
			f.weakenWorth += w.worth
		}
	}
	return f
}

// totalHeld is the chunks held on every host.
func (e *Engine) totalHeld() int {
	n := 0
	for _, h := range e.hosts {
		n += h.held
	}
	return n
}
