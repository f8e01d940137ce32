// Package soak runs ramfarm in the emulated game while the game does what
// games do to it: scripts killed, daemons restarted, workers that die the
// moment they start, ports filled and written with garbage, foreign
// scripts taking RAM, servers upgraded, deleted, re-bought smaller or
// shrunk, RAM arriving in bursts. Each run draws its faults from its seed
// and checks ramfarm's invariants on every sample (check.go); a violation
// names the seed and the faults before it, so `ramfarm soak --seed S`
// replays it exactly.
package soak

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness"
	"ramfarm/harness/memdreport"
	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
	"ramfarm/jsglue"
	"ramfarm/scenarios"
)

// Options configure one fault run.
type Options struct {
	Wasm []byte // core.wasm
	Seed uint64 // draws the network (a "game" network), the faults and the game's rolls
	// Scenario is the run without faults; nil loads the shipped "soak".
	Scenario *scenario.Scenario
	// Duration overrides the scenario's length when positive.
	Duration time.Duration
	// FaultEvery is the mean game time between two faults (default 12 s).
	FaultEvery time.Duration
	// Kinds are the faults drawn from; nil draws from every kind.
	Kinds []Kind
	// WasmCache keeps the compiled module between runs of one process.
	WasmCache wazero.CompilationCache
	// Trace, if set, receives every script log line and every fault.
	Trace func(string)
}

// Outcome is one run's result.
type Outcome struct {
	Seed       uint64
	Faults     []Fault // applied, in order
	Violations []Violation
	Recoveries []Recovery
	SimSeconds float64
	Wall       time.Duration
}

// Fault is one fault applied to the game.
type Fault struct {
	AtMs float64
	Kind Kind
	What string // which process, host or port, and how long
}

func (f Fault) String() string { return fmt.Sprintf("%s %s: %s", clock(f.AtMs), f.Kind, f.What) }

// Violation is an invariant found broken.
type Violation struct {
	AtMs      float64
	Invariant string
	Detail    string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s %s: %s", clock(v.AtMs), v.Invariant, v.Detail)
}

// Recovery is how long the system took to work again after a fault: its
// daemons running and its tasks using at least 80 % of the RAM they used
// before it (or of what is usable now, if less). OK is false when the run
// ended first.
type Recovery struct {
	Kind Kind
	Ms   float64
	OK   bool
}

const (
	sampleMs   = 1000
	reportPort = 997 // where the checker reads memd's reports; no script uses it
	memdScript = "ramfarm/memd.js"
	startJS    = "ramfarm/start.js"
	ramfarmDir = "ramfarm/"
	workerDir  = "ramfarm/w/"
)

// The daemons every healthy run has.
var daemons = []string{memdScript, "ramfarm/discover.js", "ramfarm/selector.js"}

// The scripts the faults run as a foreign player would: garbage writes
// one value to a port (kinds a JSON text cannot carry are built in JS),
// hog holds RAM for a while.
const (
	garbageJS = "soak/garbage.js"
	hogJS     = "soak/hog.js"
)

var foreignFiles = map[string]string{
	garbageJS: `/** @param {NS} ns */
export async function main(ns) {
  const [port, kind] = ns.args;
  let v;
  if (kind === "cyclic") {
    v = { t: "alloc", rid: 1, reply: 777 };
    v.self = v;
  } else if (kind === "bigint") {
    v = { t: "release", rid: 2n, pid: 1n, alloc: 1n, reply: 777 };
  } else if (kind === "huge") {
    v = { t: "claim", rid: 3, reply: 777, pad: "x".repeat(1 << 20) };
  } else if (kind === "deep") {
    v = { t: "alloc", rid: 4, reply: 777 };
    for (let i = 0; i < 100; i++) v = { t: "alloc", rid: 4, reply: 777, x: v };
  } else {
    v = JSON.parse(kind);
  }
  ns.tryWritePort(port, v);
}`,
	hogJS: `/** @param {NS} ns */
export async function main(ns) {
  await ns.sleep(ns.args[0]);
}`,
}

// Run runs one seeded fault run to its end. A panic in the run (the
// harness's or the checker's bug) is an error naming the seed.
func Run(opts Options) (out Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("soak: seed %d: panic: %v", opts.Seed, p)
		}
	}()
	return run(opts)
}

func run(opts Options) (Outcome, error) {
	sc := opts.Scenario
	if sc == nil {
		var err error
		if sc, err = Scenario(); err != nil {
			return Outcome{}, err
		}
	}
	sc = sc.WithSeed(opts.Seed)
	if opts.Duration > 0 {
		sc.Duration = opts.Duration
	}
	if opts.FaultEvery <= 0 {
		opts.FaultEvery = 12 * time.Second
	}
	kinds := opts.Kinds
	if kinds == nil {
		kinds = Kinds()
	}
	started := time.Now()
	r := &runner{opts: opts, kinds: kinds, out: Outcome{Seed: opts.Seed},
		rng:       rand.New(rand.NewPCG(opts.Seed, 0x736f616b)), // "soak"
		ended:     map[int64]float64{},
		scripts:   map[int64]string{},
		lastDeath: map[string]float64{},
		asking:    map[letterKey]request{},
		dying:     map[string]float64{},
		dyingOn:   map[string]float64{},
		excused:   map[string]float64{},
		over:      map[string]int{},
		unfreed:   map[string]int{},
		offSince:  map[string]float64{},
	}
	g, err := harness.New(harness.Config{Seed: opts.Seed, Trace: opts.Trace, WasmCache: opts.WasmCache, Release: sc.Release})
	if err != nil {
		return Outcome{}, err
	}
	defer g.Close()
	r.g = g
	g.OnStart(r.started)
	g.OnExit(r.exited)
	g.OnNoRAM(r.noRAM)
	g.OnPortWrite(r.portWrote)
	r.rd = memdreport.Reader{G: g, Port: reportPort}
	if err := sc.Setup(g.World); err != nil {
		return Outcome{}, err
	}
	if err := g.Install("home", jsglue.Files(opts.Wasm)); err != nil {
		return Outcome{}, err
	}
	if err := g.Install("home", foreignFiles); err != nil {
		return Outcome{}, err
	}
	for _, s := range sc.Scripts {
		if _, err := g.Exec(s.Script, s.Host, s.Threads, s.Args...); err != nil {
			return Outcome{}, fmt.Errorf("soak: start %s: %w", s.Script, err)
		}
	}
	sc.Schedule(g.Clock, g.World, opts.Seed, func(ev scenario.TimedEvent, err error) {
		if err != nil {
			r.violate("scenario", fmt.Sprintf("event %s failed: %v", ev, err))
		}
	})
	end := float64(sc.Duration.Milliseconds())
	r.schedule(end)
	for g.Now() < end {
		if err := g.RunFor(min(sampleMs, end-g.Now())); err != nil {
			r.violate("clock", err.Error())
			break
		}
		r.check()
	}
	for _, f := range g.Faults() {
		r.violate("harness", f.Error())
	}
	r.finishRecoveries()
	r.out.SimSeconds = g.Now() / 1000
	r.out.Wall = time.Since(started)
	return r.out, nil
}

// Scenario is the shipped "soak" scenario.
func Scenario() (*scenario.Scenario, error) {
	b, ok := scenarios.Get("soak")
	if !ok {
		return nil, errors.New("soak: the soak scenario is not shipped")
	}
	return scenario.Parse(b)
}

// runner is one run's state: the game, the faults in force, and what the
// checker remembers between samples.
type runner struct {
	g     *harness.Game
	opts  Options
	kinds []Kind
	rng   *rand.Rand
	rd    memdreport.Reader
	out   Outcome

	// ended is when each ramfarm process ended, ms; scripts what each
	// ramfarm process runs (or ran).
	ended   map[int64]float64
	scripts map[int64]string
	// lastDeath is when a ramfarm process last ended on each host.
	lastDeath map[string]float64
	// asking are the requests written to the memory daemon's port that
	// name a reply port and a request id, not yet answered there.
	asking map[letterKey]request
	// dying are hosts, dyingOn targets, where ramfarm's workers die the
	// moment they start, until the time given (ms).
	dying, dyingOn map[string]float64
	// excused are hosts where a fault (a foreign script's RAM, a
	// server deleted or shrunk) may make ramfarm's starts fail for lack
	// of RAM, until the time given (ms): the game changed under a plan.
	excused map[string]float64
	// player is set while the runner itself starts a script, as the player
	// would: its refusals are not ramfarm's.
	player bool

	memd     int64   // the memory daemon's pid, 0 while none runs
	memdFrom float64 // when it (re)started, ms
	asked    *asked  // the report request in flight
	last     *memdreport.Report
	// before is the last report of the memory daemon that was killed, and
	// beforeLive the pids alive when it was taken: checked against the
	// first report of its successor.
	before *memdreport.Report
	// allocOwner is every allocation id ever reported, with its owner;
	// portHolder every port ever leased, with its last holder.
	allocOwner, portHolder map[int64]int64

	// over counts the consecutive samples each host was overcommitted,
	// unfreed those where it held claims no live process explains.
	over, unfreed map[string]int

	recovering []*recovering
	// offSince is when each target under harvest was first seen off on
	// every sample since (-1 once said).
	offSince map[string]float64
}

// asked is a report request and what the game held when it was made.
type asked struct {
	at       float64
	chunkRAM map[string]float64 // RAM of ramfarm's processes in chunks, by host
}

func (r *runner) now() float64 { return r.g.Now() }

func (r *runner) trace(line string) {
	if r.opts.Trace != nil {
		r.opts.Trace(clock(r.now()) + " soak: " + line)
	}
}

func (r *runner) violate(invariant, detail string) {
	v := Violation{AtMs: r.now(), Invariant: invariant, Detail: detail}
	r.out.Violations = append(r.out.Violations, v)
	r.trace("VIOLATION " + v.String())
}

// exec starts a script as the player would.
func (r *runner) exec(script, host string, threads int64, args ...any) int64 {
	r.player = true
	defer func() { r.player = false }()
	pid, err := r.g.Exec(script, host, threads, args...)
	if err != nil {
		return 0
	}
	return pid
}

// started is told of every script as it begins: a worker on a host or
// for a target where workers die at once ends there, before its main runs.
func (r *runner) started(pid int64, host, script string) {
	if strings.HasPrefix(script, ramfarmDir) {
		r.scripts[pid] = script
	}
	if !strings.HasPrefix(script, workerDir) {
		return
	}
	now := r.now()
	var target string
	if p := r.g.World.Process(pid); p != nil {
		target, _ = firstArg(p.Args)
	}
	if r.dying[host] > now || r.dyingOn[target] > now {
		r.g.Kill(pid)
	}
}

func (r *runner) exited(pid int64, host, script string, reason world.ExitReason) {
	if !strings.HasPrefix(script, ramfarmDir) {
		return
	}
	r.ended[pid] = r.now()
	r.lastDeath[host] = r.now()
	if pid == r.memd {
		r.memd = 0
	}
	if reason == world.ExitCrashed {
		logs := r.g.Logs(pid)
		r.violate("no crash", fmt.Sprintf("%s (pid %d on %s) crashed: %s", script, pid, host,
			strings.Join(logs[max(0, len(logs)-3):], " | ")))
	}
}

// noRAM is told of every start refused for lack of RAM. Those of
// ramfarm's scripts that run outside the chunks (the memory daemon, in the
// player's reserve on home) are the player's to make room for: start.js
// says so in an ERROR.
func (r *runner) noRAM(script, host string, need, free float64) {
	if r.player || !strings.HasPrefix(script, ramfarmDir) || slices.Contains(outsideChunks, script) || r.excused[host] > r.now() {
		return
	}
	r.violate("no exec fails for lack of RAM", fmt.Sprintf("%s on %s needed %.2f GB, %.2f GB free", script, host, need, free))
}

func firstArg(args []any) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	s, ok := args[0].(string)
	return s, ok
}

// ramfarmProcs lists ramfarm's live processes of the given scripts
// (every script when none is given), in pid order.
func (r *runner) ramfarmProcs(scripts ...string) []*world.Process {
	var out []*world.Process
	for _, s := range r.g.World.Servers() {
		ps, _ := r.g.World.PS(s.Hostname)
		for _, p := range ps {
			if !strings.HasPrefix(p.Filename, ramfarmDir) {
				continue
			}
			if len(scripts) > 0 && !slices.ContainsFunc(scripts, func(x string) bool {
				return x == p.Filename || strings.HasSuffix(x, "/") && strings.HasPrefix(p.Filename, x)
			}) {
				continue
			}
			if proc := r.g.World.Process(p.Pid); proc != nil {
				out = append(out, proc)
			}
		}
	}
	slices.SortFunc(out, func(a, b *world.Process) int { return int(a.Pid - b.Pid) })
	return out
}

func clock(ms float64) string {
	s := int64(ms / 1000)
	return fmt.Sprintf("[%d:%02d:%02d.%03d]", s/3600, s/60%60, s%60, int64(ms)%1000)
}
