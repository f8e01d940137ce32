package selector

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

// The property test drives the engine the way the selector daemon does,
// over a model of the game: targets that get rooted and change, hosts
// whose RAM jumps, task processes that heartbeat, hang, finish, crash and
// obey commands (some of which are lost to full ports), launches that
// fail, vacate requests, and selector restarts (the processes keep
// running). After every step:
//
//   - no target ever has two live tasks, in the engine's books or in the
//     world: at every Launch the shell runs, in order, no process that
//     still answers works on that target;
//   - every task the engine launched is still starting within the
//     heartbeat timeout, heartbeating, or gone, killed (requeued) or
//     failed with a backoff between the base and the cap;
//   - nothing launches during grace after a (re)start;
//   - no launch and no cap asks for more RAM than the hosts held at the
//     engine's last look;
//   - Step never returns an error on well-formed input.

type pproc struct {
	pid      Pid
	kind     Kind
	target   string
	host     string
	alive    bool
	hung     bool // never heartbeats
	stopping bool
	held     ram.Amount
	cap      ram.Amount
	prio     int
	beat     int64 // last heartbeat
}

type phost struct {
	name     string
	usable   ram.Amount
	cordoned bool
}

// plaunch is a Launch of the current engine and how it ended, if it did.
type plaunch struct {
	target string
	pid    Pid
	ended  string
}

type pworld struct {
	t     *testing.T
	rng   *rand.Rand
	cfg   Config
	e     *Engine
	trace []any // the last events and commands, described on failure

	now      int64
	hacking  float64
	targets  []Target
	hosts    []*phost
	procs    map[Pid]*pproc
	nextPid  Pid
	launches map[int64]*plaunch
	graceEnd int64 // -1 until the engine learns the time
	launched int   // Launch commands run, all engines
	restarts int
}

const beatEvery = 3000 // below the grace and the timeout: 10 s

func newWorld(t *testing.T, seed uint64, policy Policy) *pworld {
	w := &pworld{
		t: t, rng: rand.New(rand.NewPCG(seed, 0x5e1ec7)), hacking: 10,
		cfg:   Config{Policy: policy, MaxStarting: 3},
		procs: map[Pid]*pproc{}, nextPid: 100,
	}
	for i := range 8 {
		tg := Target{
			Host: "t" + strconv.Itoa(i), MoneyMax: float64(1+w.rng.IntN(100)) * 1e6, MinSecurity: float64(1 + w.rng.IntN(10)),
			Growth: float64(1 + w.rng.IntN(60)), RequiredHacking: float64(1 + w.rng.IntN(40)), Rooted: w.rng.IntN(2) == 0,
		}
		tg.Security = tg.MinSecurity + float64(w.rng.IntN(3))
		tg.BaseSecurity = tg.Security
		tg.MoneyAvailable = tg.MoneyMax * float64(w.rng.IntN(3)) / 2
		w.targets = append(w.targets, tg)
	}
	w.hosts = []*phost{{name: "home", usable: 32 * ram.GB}, {name: "pserv-0", usable: 16 * ram.GB}, {name: "pserv-1"}}
	w.restart()
	return w
}

func (w *pworld) fail(format string) {
	w.t.Helper()
	var tail []string
	for _, x := range w.trace {
		switch x := x.(type) {
		case Event:
			tail = append(tail, DescribeEvent(x))
		case Command:
			tail = append(tail, "  "+DescribeCommand(x))
		case string:
			tail = append(tail, x)
		}
	}
	w.t.Fatalf("%s\nlast steps:\n%s\nstate:\n%s", format, strings.Join(tail, "\n"), strings.Join(describeState(w.e), "\n"))
}

func (w *pworld) restart() {
	e, err := New(w.cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	w.e, w.launches, w.graceEnd = e, map[int64]*plaunch{}, -1
	w.record("-- selector restarts")
	w.restarts++
}

func (w *pworld) step(ev Event) {
	w.t.Helper()
	w.record(ev)
	if err := w.e.Step(ev); err != nil {
		w.fail("step: " + err.Error())
	}
	if _, timed := ev.(Tick); timed || isObserve(ev) {
		if w.graceEnd < 0 {
			w.graceEnd = w.now + w.e.cfg.Grace
		}
	}
	w.check(ev)
	w.drain()
}

func (w *pworld) record(x any) {
	if len(w.trace) >= 60 {
		w.trace = slices.Delete(w.trace, 0, 20)
	}
	w.trace = append(w.trace, x)
}

func isObserve(ev Event) bool { _, ok := ev.(Observe); return ok }

// drain runs Ready the way the shell does: every command in order, then
// Advance, then the launch results.
func (w *pworld) drain() {
	rd := w.e.Ready()
	w.e.Advance()
	network := w.e.usable // what the hosts held at the engine's last look
	var results []Launched
	for _, c := range rd.Commands {
		w.record(c)
		if l, ok := c.(Launch); ok && l.RAM > network {
			w.fail("launch asks for " + l.RAM.String() + " of the hosts' " + network.String())
		}
		if r, ok := c.(Resize); ok && r.RAM > network {
			w.fail("cap of " + r.RAM.String() + " above the hosts' " + network.String())
		}
		if r, ok := c.(Resize); ok && r.RAM <= 0 {
			w.fail("cap of 0: the task would be uncapped")
		}
		lost := w.rng.IntN(10) == 0 // a full port
		switch c := c.(type) {
		case Launch:
			if w.graceEnd < 0 || w.now < w.graceEnd {
				w.fail("launch during grace")
			}
			for _, p := range w.procs {
				if p.alive && !p.hung && !p.stopping && p.target == c.Target {
					w.fail("launch for " + c.Target + " while pid " + itoa(int64(p.pid)) + " works on it")
				}
			}
			w.launched++
			l := &plaunch{target: c.Target}
			w.launches[c.ID] = l
			if w.rng.IntN(5) == 0 {
				results = append(results, Launched{ID: c.ID, Reason: "exec failed"})
				continue
			}
			w.nextPid++
			p := &pproc{pid: w.nextPid, kind: c.Kind, target: c.Target, host: "home", alive: true, hung: w.rng.IntN(8) == 0,
				cap: c.RAM, prio: c.Priority, beat: w.now}
			w.procs[p.pid] = p
			l.pid = p.pid
			results = append(results, Launched{ID: c.ID, OK: true, Pid: p.pid})
		case Kill:
			if p := w.procs[c.Pid]; p != nil {
				p.alive = false
				w.end(p.pid, "killed")
			}
		case Stop:
			if p := w.procs[c.Pid]; p != nil && !lost {
				p.stopping = true
			}
		case SetPriority:
			if p := w.procs[c.Pid]; p != nil && !lost {
				p.prio = c.Priority
			}
		case Resize:
			if p := w.procs[c.Pid]; p != nil && !lost {
				p.cap = c.RAM
			}
		case Leave:
			if p := w.procs[c.Pid]; p != nil && !lost && p.host == c.Host {
				p.host = "home"
			}
		case Cordon:
			for _, h := range w.hosts {
				if h.name == c.Host {
					h.cordoned = c.On
				}
			}
		}
	}
	for _, r := range results {
		if !r.OK {
			w.launches[r.ID].ended = "failed"
		}
		w.step(r)
	}
	w.account()
}

// end records how a launch of the current engine ended.
func (w *pworld) end(pid Pid, how string) {
	for _, l := range w.launches {
		if l.pid == pid && l.ended == "" {
			l.ended = how
		}
	}
}

// check asserts the engine's books after an event.
func (w *pworld) check(ev Event) {
	e := w.e
	live := map[string]int{}
	for _, t := range e.tasks {
		switch {
		case t.state == stGone:
			w.fail("gone task " + t.name() + " kept")
		case t.pid > 0 && e.byPid[t.pid] != t:
			w.fail("task " + t.name() + " not indexed by pid")
		case t.state == stLaunching && e.byLaunch[t.launch] != t:
			w.fail("task " + t.name() + " not indexed by launch")
		}
		if t.live() {
			if live[t.tgt.host]++; live[t.tgt.host] > 1 {
				w.fail("two live tasks for " + t.tgt.host)
			}
		}
		if t.live() && t.tgt.task != t {
			w.fail("live task " + t.name() + " is not its target's")
		}
	}
	for _, g := range e.targets {
		if g.task != nil && !slices.Contains(e.tasks, g.task) {
			w.fail("target " + g.host + " points at a forgotten task")
		}
		if g.fails > 0 && (g.until-e.now > e.cfg.BackoffCap) {
			w.fail("target " + g.host + " backs off beyond the cap")
		}
	}
	// After a pass, nothing waits longer than the timeout.
	if _, tick := ev.(Tick); tick || isObserve(ev) {
		limit := e.cfg.HeartbeatTimeout
		for _, t := range e.tasks {
			waited := e.now - t.heard
			if t.state == stLaunching || t.state == stStarting {
				waited = e.now - t.since
			}
			if waited > limit {
				w.fail("task " + t.name() + " waited " + itoa(waited) + "ms")
			}
		}
	}
	if l, ok := ev.(Launched); ok && !l.OK {
		if g := e.targets[w.launches[l.ID].target]; g.fails == 0 || g.until <= e.now {
			w.fail("failed launch " + itoa(l.ID) + " without a backoff")
		}
	}
}

// account asserts, once the shell ran Ready, that every launch is known
// to the engine until it ends, and forgotten once it has.
func (w *pworld) account() {
	e := w.e
	for _, id := range slices.Sorted(maps.Keys(w.launches)) {
		l := w.launches[id]
		known := e.byLaunch[id] != nil || (l.pid > 0 && e.byPid[l.pid] != nil && e.byPid[l.pid].launch == id)
		if l.ended == "" && !known {
			w.fail("launch " + itoa(id) + " forgotten while its process runs")
		}
		if l.ended != "" {
			if known {
				w.fail("launch " + itoa(id) + " " + l.ended + " but still known")
			}
			delete(w.launches, id)
		}
	}
}

// advance moves time and lets the world act: processes grow, report,
// finish, crash and exit; then the engine gets a Tick or an Observe.
func (w *pworld) advance() {
	w.now += int64(w.rng.IntN(1500))
	for _, pid := range slices.Sorted(maps.Keys(w.procs)) {
		p := w.procs[pid]
		if !p.alive {
			delete(w.procs, pid)
			continue
		}
		if p.hung {
			continue
		}
		p.held = min(p.cap, p.held+ram.Amount(w.rng.IntN(2000)))
		switch r := w.rng.IntN(100); {
		case p.stopping && r < 30, !p.stopping && r < 3:
			p.alive = false
			done := !p.stopping && r < 2
			w.end(pid, "exited")
			w.step(Exit{Pid: pid, Done: done})
			continue
		}
		if w.now-p.beat >= beatEvery || w.rng.IntN(4) == 0 {
			p.beat = w.now
			w.step(Heartbeat{Pid: pid, Port: Port(10000 + pid), Kind: p.kind, Target: p.target, Held: p.held, Want: p.cap,
				Cap: p.cap, Priority: p.prio, Rate: float64(p.held), Stopping: p.stopping})
		}
	}
	if w.rng.IntN(2) == 0 {
		w.step(Tick{Now: w.now})
		return
	}
	w.step(w.observe())
}

func (w *pworld) observe() Observe {
	ev := Observe{Now: w.now, Hacking: w.hacking, Targets: slices.Clone(w.targets)}
	for _, h := range w.hosts {
		var alloc ram.Amount
		for _, p := range w.procs {
			if p.alive && p.host == h.name {
				alloc += p.held
			}
		}
		ev.Hosts = append(ev.Hosts, HostRAM{Host: h.name, Usable: h.usable, Allocated: min(alloc, h.usable), Cordoned: h.cordoned})
	}
	return ev
}

// act is one random thing happening.
func (w *pworld) act() {
	switch r := w.rng.IntN(100); {
	case r < 70:
		w.advance()
	case r < 76: // a RAM jump, or a host shrinking
		h := w.hosts[w.rng.IntN(len(w.hosts))]
		h.usable = ram.Amount(w.rng.IntN(512)) * ram.GB
	case r < 80: // a target is rooted, drifts, or the player levels up
		tg := &w.targets[w.rng.IntN(len(w.targets))]
		tg.Rooted = true
		tg.Security = tg.MinSecurity + float64(w.rng.IntN(2))
		w.hacking += float64(w.rng.IntN(5))
	case r < 83:
		w.step(Vacate{Host: w.hosts[1+w.rng.IntN(2)].name, Reply: 500})
	case r < 85:
		w.step(Reopen{Host: w.hosts[1+w.rng.IntN(2)].name})
	case r < 86:
		w.restart()
	default:
		w.advance()
	}
}

func TestEngine_property(t *testing.T) {
	seeds, steps := 40, 1500
	if testing.Short() {
		seeds, steps = 8, 500
	}
	for _, policy := range []Policy{PolicyGrow, PolicyGreedy, PolicyRestart, PolicyReplan} {
		launched, restarts := 0, 0
		for seed := range seeds {
			w := newWorld(t, uint64(seed), policy)
			for range steps {
				w.act()
			}
			launched += w.launched
			restarts += w.restarts
		}
		if launched == 0 || restarts <= seeds {
			t.Errorf("%s: %d launches and %d restarts: the model exercises too little", policy, launched, restarts)
		}
		t.Logf("%s: %d launches, %d engine starts", policy, launched, restarts)
	}
}
