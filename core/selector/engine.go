// Package selector is the task selector: it decides which targets to till,
// sow and harvest, launches the tasks that do it, and decides how RAM is
// spent between them. Its RAM policy is the point of ramfarm: new RAM
// first grows the running tasks furthest along and worth most per GB.
//
// The Engine is a deterministic state machine (see DESIGN.md): the
// selector daemon steps it with observations, Ticks, task messages and
// the results of its launches, runs the Commands in Ready, calls Advance,
// and steps the results.
//
// Tasks are processes named by pid. They report heartbeats, and a new
// selector adopts them from those alone; during Config.Grace after it
// first learns the time it launches nothing, so a task still running for
// a target is never duplicated. A target has at most one task process at
// a time: a replacement launches only once the old process is gone or
// killed.
//
// The selector steers allocations through the tasks: the memory daemon
// lets only an allocation's owner resize it, so SetPriority and Resize go
// to the task, which forwards them as a memory Resize. Every command to a
// task is level-triggered: the task's heartbeats echo the priority and
// cap it applied, and the engine repeats a command until they match.
//
// Vacating a host: Vacate{host} makes the engine send Cordon{host, On} to
// the memory daemon (grant nothing more there) and Leave{host} to every
// task (release the chunks there as their work lands; the growable
// allocation grows back elsewhere), repeated every Resend; it answers
// Vacated{host} once the memory status shows the host cordoned with
// nothing allocated. The host stays cordoned until Reopen{host}.
package selector

import (
	"cmp"
	"slices"

	"ramfarm/core/ram"
)

// Engine is the task selector. It is not safe for concurrent use.
type Engine struct {
	cfg   Config
	model Model
	// decide is the policy's step function, installed by New.
	decide func()

	now      int64
	clocked  bool // now holds a real time
	graceEnd int64

	observed bool // an Observe arrived: targets and RAM are known
	hacking  float64
	targets  map[string]*target
	seen     []*target // targets in the latest Observe, sorted by host
	hosts    []HostRAM // the latest status, sorted by host
	seats    map[Pid]string
	usable   ram.Amount

	tasks    []*task // every task not gone, oldest first
	byPid    map[Pid]*task
	byLaunch map[int64]*task
	killed   map[Pid]int64 // pid -> kill time, to ignore late messages

	vacating   map[string]*vacate
	quarantine map[string]int64 // host -> when its cordon for dying workers ends

	// PolicyRestart: jumped is set by an Observe whose usable RAM jumped;
	// hold stops launches until the killed tasks' allocations are gone.
	jumped, hold, holdSeen bool
	holdSince              int64

	// PolicyReplan: daemon.js's target caps.
	caps replanCaps

	// What Overviews tell: the tasks' allocations as the memory daemon
	// last listed them, and the money and RAM over time.
	holdings map[Pid]Holding
	ledger   ledger

	nextID int64
	out    Ready
}

// vacate is a host being emptied.
type vacate struct {
	replies []Port
	done    bool
}

// New builds an Engine from cfg.
func New(cfg Config) (*Engine, error) {
	c, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	e := &Engine{
		cfg: c, model: c.model(),
		targets:    map[string]*target{},
		byPid:      map[Pid]*task{},
		byLaunch:   map[int64]*task{},
		killed:     map[Pid]int64{},
		vacating:   map[string]*vacate{},
		quarantine: map[string]int64{},
		caps:       newReplanCaps(),
	}
	switch c.Policy {
	case PolicyGrow:
		e.decide = e.decideGrow
	case PolicyGreedy:
		e.decide = e.decideGreedy
	case PolicyRestart:
		e.decide = e.decideRestart
	case PolicyReplan:
		e.decide = e.decideReplan
	}
	return e, nil
}

// Step applies one event. It returns an error only when the shell broke
// the contract; then nothing changed. Pointers to events are accepted.
func (e *Engine) Step(ev Event) error {
	switch ev := ev.(type) {
	case nil:
		return ErrNilEvent
	case Observe:
		return e.stepObserve(ev)
	case *Observe:
		return stepPtr(ev, e.stepObserve)
	case Tick:
		return e.stepTick(ev)
	case *Tick:
		return stepPtr(ev, e.stepTick)
	case Launched:
		return e.stepLaunched(ev)
	case *Launched:
		return stepPtr(ev, e.stepLaunched)
	case Heartbeat:
		return e.stepHeartbeat(ev)
	case *Heartbeat:
		return stepPtr(ev, e.stepHeartbeat)
	case Exit:
		return e.stepExit(ev)
	case *Exit:
		return stepPtr(ev, e.stepExit)
	case Vacate:
		return e.stepVacate(ev)
	case *Vacate:
		return stepPtr(ev, e.stepVacate)
	case Reopen:
		return e.stepReopen(ev)
	case *Reopen:
		return stepPtr(ev, e.stepReopen)
	case Status:
		return e.stepStatus(ev)
	case *Status:
		return stepPtr(ev, e.stepStatus)
	}
	return ErrUnknownEvent
}

func stepPtr[T any](p *T, step func(T) error) error {
	if p == nil {
		return ErrNilEvent
	}
	return step(*p)
}

// HasReady reports whether Ready has anything to do.
func (e *Engine) HasReady() bool { return len(e.out.Commands) > 0 || len(e.out.Logs) > 0 }

// Ready returns what the engine wants done since the last Advance. It
// clears nothing: call Advance once it is done, with no Step between.
func (e *Engine) Ready() Ready { return e.out }

// Advance tells the engine that the shell did everything Ready returned.
func (e *Engine) Advance() { e.out = Ready{} }

// TaskInfo is one task as the engine sees it, for monitors.
type TaskInfo struct {
	Launch   int64 // the Launch id; 0 if adopted from heartbeats
	Pid      Pid   // 0 until Launched
	Kind     Kind
	Target   string
	Heard    bool // it has sent a heartbeat
	Stopping bool
	Held     ram.Amount
	Cap      ram.Amount
	Priority int
	Rate     float64
}

// Tasks lists every task not gone, oldest first.
func (e *Engine) Tasks() []TaskInfo {
	out := make([]TaskInfo, 0, len(e.tasks))
	for _, t := range e.tasks {
		out = append(out, TaskInfo{
			Launch: t.launch, Pid: t.pid, Kind: t.kind, Target: t.tgt.host,
			Heard: t.state >= stRunning, Stopping: t.state == stStopping,
			Held: t.held, Cap: t.cap, Priority: t.prio, Rate: t.rate,
		})
	}
	return out
}

func (e *Engine) emit(c Command)   { e.out.Commands = append(e.out.Commands, c) }
func (e *Engine) logf(line string) { e.out.Logs = append(e.out.Logs, line) }

func (e *Engine) id() int64 {
	e.nextID++
	return e.nextID
}

// target returns the target named host, creating it unseen.
func (e *Engine) target(host string) *target {
	g := e.targets[host]
	if g == nil {
		g = &target{host: host}
		e.targets[host] = g
	}
	return g
}

// remove forgets a task that ended.
func (e *Engine) remove(t *task) {
	t.become(stGone, e.now)
	e.ledger.banked += t.earned
	if i := slices.Index(e.tasks, t); i >= 0 {
		e.tasks = slices.Delete(e.tasks, i, i+1)
	}
	if t.pid > 0 && e.byPid[t.pid] == t {
		delete(e.byPid, t.pid)
	}
	if t.launch > 0 && e.byLaunch[t.launch] == t {
		delete(e.byLaunch, t.launch)
	}
	if t.tgt.task == t {
		t.tgt.task = nil
	}
}

// kill ends a task that does not answer, or that PolicyRestart replans.
// One not launched yet dies the moment its pid is known.
func (e *Engine) kill(t *task, why string) {
	t.asked = true
	if t.state == stLaunching {
		t.doomed = true
		e.logf("doom " + t.name() + ": " + why)
		return
	}
	e.emit(Kill{ID: e.id(), Pid: t.pid})
	e.killed[t.pid] = e.now
	e.logf("kill " + t.name() + ": " + why)
	e.remove(t)
}

// stop asks a heartbeating task to finish.
func (e *Engine) stop(t *task, why string) {
	t.asked = true
	t.become(stStopping, e.now)
	t.stop = e.now
	e.emit(Stop{ID: e.id(), Pid: t.pid, Port: t.port})
	e.logf("stop " + t.name() + ": " + why)
}

// fail records a failed launch: the target waits BackoffBase, doubled for
// each failure in a row, at most BackoffCap. Other targets still launch.
func (e *Engine) fail(t *task, why string) {
	g := t.tgt
	g.fails++
	delay := e.cfg.BackoffBase
	for i := 1; i < g.fails && delay < e.cfg.BackoffCap; i++ {
		delay += min(delay, e.cfg.BackoffCap-delay) // doubles, without overflow
	}
	g.until = e.now + delay
	e.logf("fail " + t.kind.String() + " " + g.host + ": " + why + "; retry in " + itoa(delay) + "ms")
	e.remove(t)
}

// open reports whether the memory daemon may grant on h: it is neither
// cordoned nor being vacated.
func (e *Engine) open(h HostRAM) bool { return !h.Cordoned && e.vacating[h.Host] == nil }

// pool is the RAM the memory daemon can grant: usable and free RAM on
// hosts not cordoned, and everything allocated anywhere.
func (e *Engine) pool() (usable, free, allocated ram.Amount) {
	for _, h := range e.hosts {
		allocated += h.Allocated
		if !e.open(h) {
			continue
		}
		usable += h.Usable
		free += max(0, h.Usable-h.Allocated)
	}
	return usable, free, allocated
}

func byHost(a, b *target) int { return cmp.Compare(a.host, b.host) }
