// Package harness is the emulated game: it joins the world model
// (servers, processes, the player), the netscript ports, the static RAM
// calculator and the shared JS realm on one virtual clock, and gives every
// script process its own ns object. The scripts it runs are the files a
// player copies into the game, the module they load is the real
// core.wasm, and hours of game time run in seconds, deterministically.
package harness

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/dop251/goja"
	"github.com/tetratelabs/wazero"

	"ramfarm/gamedata"
	"ramfarm/harness/jsrt"
	"ramfarm/harness/ports"
	"ramfarm/harness/ramcalc"
	"ramfarm/harness/vclock"
	"ramfarm/harness/world"
)

// Config configures a Game. Seed drives every random draw the game makes
// (hack rolls, the realm's crypto.getRandomValues).
type Config struct {
	Seed uint64
	// PortCapacity is Settings.MaxPortCapacity (default 50).
	PortCapacity int
	// Trace, if set, receives every log line of every process and the
	// terminal as it is written, prefixed with the game time.
	Trace func(line string)
	// WasmCache, if set, keeps compiled WebAssembly between games: a
	// process running many games compiles core.wasm once.
	WasmCache wazero.CompilationCache
	// FreezeAfter is the most wall time one run of JavaScript may take
	// (between two clock events, or inside one call from outside the
	// game) before the game counts as frozen (ErrFrozen); 0 selects
	// DefaultFreezeAfter, a negative value never checks.
	FreezeAfter time.Duration
	// Release is the game release the emulator plays (the gamedata
	// table): which ns functions exist and what they cost, and the
	// behaviours that changed. "" is gamedata.Latest.
	Release gamedata.Release
	// FullPath makes every process's ns object in full as it starts,
	// rather than each group of functions on its script's first read of
	// one: the slow path the fast one must match (see TestFastPath).
	FullPath bool
	// Fetch downloads a URL for ns.wget: the HTTP status and body. Nil
	// selects a GET with a 30 s timeout.
	Fetch func(url string) (status int, body string, err error)
}

// Game is one emulated game. It is single-threaded: drive it from one
// goroutine with Run* and read it between runs.
type Game struct {
	cfg   Config
	rel   gamedata.Release
	rules map[string]bool // rel's behaviours, asked on every hack, scan, ...
	shape nsShape
	// removedTouched is each "script: name" of a removed ns name a
	// script read, in first-read order.
	removedTouched []string
	Clock          *vclock.Loop
	World          *world.World
	Ports          *ports.Registry
	realm          *jsrt.Realm
	ram            *ramcalc.Calculator
	rng            *rand.Rand

	procs    map[int64]*process
	onStarts []func(pid int64, host, script string)
	onExits  []func(pid int64, host, script string, reason world.ExitReason)
	onNoRAMs []func(script, host string, need, free float64)
	onWrites []func(port int64, m PortMessage)
	ramCache map[ramKey]ramEntry
	terminal []string
	faults   []error
	stats    HackStats

	cpu   cpuMeter
	nsIdx *nsIndex // every ns object's shape, from the first one made

	freeze   *freezeGuard
	frozen   error
	lastCall nsCall // the latest ns call, for the report of a freeze
}

// nsCall is one ns function call: which process called which function.
type nsCall struct {
	p  *process
	fn string
}

// New builds an empty game: no servers yet (build a network into
// Game.World, or use a scenario).
func New(cfg Config) (*Game, error) {
	g := &Game{
		cfg:      cfg,
		Clock:    vclock.New(),
		rng:      rand.New(rand.NewPCG(cfg.Seed, 0x6861636b)), // "hack"
		procs:    map[int64]*process{},
		ramCache: map[ramKey]ramEntry{},
		cpu:      cpuMeter{by: map[string]*CPUUse{}},
	}
	rel, err := gamedata.ParseRelease(string(cfg.Release))
	if err != nil {
		return nil, err
	}
	g.rel, g.rules, g.shape = rel, rel.Behaviours(), shapeOf(rel)
	calc, err := ramcalc.NewFor(rel)
	if err != nil {
		return nil, err
	}
	g.ram = calc
	realm, err := jsrt.New(jsrt.Config{
		Clock:     clockAdapter{g.Clock},
		Files:     filesAdapter{g},
		Seed:      cfg.Seed,
		WasmCache: cfg.WasmCache,
		Console:   func(l jsrt.Level, s string) { g.logTerminal("console." + l.String() + ": " + s) },
	})
	if err != nil {
		return nil, err
	}
	g.realm = realm
	g.freeze = newFreezeGuard(cfg.FreezeAfter, func() { realm.VM().Interrupt(ErrFrozen) })
	g.Clock.SetAfterEach(realm.Settle)
	pr, err := ports.New(ports.Config{Capacity: cfg.PortCapacity, Clone: g.clone, Wrote: g.portWrote})
	if err != nil {
		return nil, err
	}
	g.Ports = pr
	w, err := world.New(world.Config{
		RAMOf:         g.scriptRAM,
		Now:           g.Clock.Now,
		OnStart:       g.onStart,
		OnExit:        g.onExit,
		OnAtExitError: func(p *world.Process, id string, err error) { g.logf(p.Pid, "atExit %q failed: %v", id, err) },
		OnNoRAM:       g.noRAM,
	})
	if err != nil {
		return nil, err
	}
	g.World = w
	return g, nil
}

// Release is the game release the emulator plays.
func (g *Game) Release() gamedata.Release { return g.rel }

// rule reports whether a behaviour of the release table is in effect.
func (g *Game) rule(behaviour string) bool {
	on, ok := g.rules[behaviour]
	if !ok {
		panic("harness: no behaviour " + behaviour + " in the release table")
	}
	return on
}

// RemovedTouched lists each ns name the release removed that a script
// read ("script: name"): on the game itself it would be undefined there.
func (g *Game) RemovedTouched() []string { return g.removedTouched }

func (g *Game) touchRemoved(script, name string) {
	if k := script + ": " + name; !slices.Contains(g.removedTouched, k) {
		g.removedTouched = append(g.removedTouched, k)
	}
}

// Close frees the realm and its WebAssembly runtime.
func (g *Game) Close() error { return g.realm.Close() }

// Now is the game time in ms.
func (g *Game) Now() float64 { return g.Clock.Now() }

// RunUntil runs the game until game time t (ms). It stops early and
// returns the error if the JS realm broke (a stack overflow) or the game
// froze (ErrFrozen).
func (g *Game) RunUntil(t float64) error {
	for {
		if g.frozen != nil {
			return g.frozen
		}
		next, ok := g.Clock.NextAt()
		if !ok || next > t {
			break
		}
		g.guarded(func() { g.Clock.Step() })
		if err := g.realm.Err(); err != nil && g.frozen == nil {
			return err
		}
	}
	if g.frozen != nil {
		return g.frozen
	}
	g.Clock.RunUntil(t)
	return nil
}

// RunFor runs the game for d ms of game time.
func (g *Game) RunFor(d float64) error { return g.RunUntil(g.Now() + d) }

// Faults lists harness-level failures seen so far (a script whose module
// could not load, an ns misuse the harness could not map to game
// behaviour). Tests assert it stays empty.
func (g *Game) Faults() []error { return g.faults }

// Install writes files (path → text) onto host, as a player copying the
// bundle does.
func (g *Game) Install(host string, files map[string]string) error {
	s := g.World.Server(host)
	if s == nil {
		return fmt.Errorf("harness: install: no server %q", host)
	}
	for name, text := range files {
		s.WriteFile(strings.TrimPrefix(name, "/"), text)
	}
	return nil
}

// Exec starts a script from outside the game, as the terminal's run does.
// It returns the pid, or an error if the game refused.
func (g *Game) Exec(script, host string, threads int64, args ...any) (int64, error) {
	pid, err := g.World.Exec(script, host, world.ExecOptions{Threads: float64(threads)}, args)
	if err != nil {
		return 0, err
	}
	if pid == 0 {
		return 0, fmt.Errorf("harness: exec %s on %s: the game refused (missing file, no root, not enough RAM, or RAM not computable)", script, host)
	}
	return pid, nil
}

// Kill kills a process as the terminal's kill does.
func (g *Game) Kill(pid int64) bool { return g.KillPids(pid) == 1 }

// KillPids kills every process of pids in one go, as one script's loop of
// kills does, and says how many it killed. The kills are one task: their
// atExit handlers run JS, and what those wake (a port waiter) runs once
// every process is gone, as in the game.
func (g *Game) KillPids(pids ...int64) int {
	n := 0
	g.guarded(func() {
		err := g.realm.InJS(func() {
			for _, pid := range pids {
				if g.World.Kill(pid) {
					n++
				}
			}
		})
		if err != nil {
			g.fault(fmt.Errorf("harness: kill %v: %w", pids, err))
		}
	})
	return n
}

// OnStart adds fn to the hooks that run as each script begins: after
// exec has returned its pid and the game would call its main, before
// main runs, in the order added. A hook may end the process (Kill): the
// script then never runs, as one that dies the moment it starts (a
// missing ns call, a crash in its first line), while its starter holds a
// pid that is gone by its next look. It is the harness's seam for fault
// injection (harness/soak) and tests; the hooks see every process,
// ramfarm's daemons included, and pick by host and script.
func (g *Game) OnStart(fn func(pid int64, host, script string)) {
	g.onStarts = append(g.onStarts, fn)
}

// OnExit adds fn to the hooks told of each process's end, after the
// game's own bookkeeping, in the order added: a fault injector's or a
// checker's view of the process table.
func (g *Game) OnExit(fn func(pid int64, host, script string, reason world.ExitReason)) {
	g.onExits = append(g.onExits, fn)
}

// OnNoRAM adds fn to the hooks told of each start refused for lack of
// RAM: the script, the host, and the GB it needed and found free.
func (g *Game) OnNoRAM(fn func(script, host string, need, free float64)) {
	g.onNoRAMs = append(g.onNoRAMs, fn)
}

// PortMessage is what an item written to a port says, as far as
// ramfarm's protocol reads it: its type tag, request id, sender pid and
// reply port, where the item is an object holding them as a string and
// numbers ("" and 0 otherwise).
type PortMessage struct {
	T               string
	Rid, Pid, Reply int64
}

// OnPortWrite adds fn to the hooks told of every item a write puts in a
// port, by a script or from outside: a checker's view of the requests and
// answers that pass.
func (g *Game) OnPortWrite(fn func(port int64, m PortMessage)) {
	g.onWrites = append(g.onWrites, fn)
}

func (g *Game) portWrote(n int64, v any) {
	if len(g.onWrites) == 0 {
		return
	}
	var m PortMessage
	if o, ok := v.(*goja.Object); ok {
		if x := o.Get("t"); x != nil {
			if t, ok := x.Export().(string); ok {
				m.T = t
			}
		}
		num := func(k string) int64 {
			if x := o.Get(k); x != nil {
				if f, ok := x.Export().(int64); ok {
					return f
				}
				if f, ok := x.Export().(float64); ok && f == float64(int64(f)) {
					return int64(f)
				}
			}
			return 0
		}
		m.Rid, m.Pid, m.Reply = num("rid"), num("pid"), num("reply")
	}
	for _, fn := range g.onWrites {
		fn(n, m)
	}
}

func (g *Game) noRAM(script, host string, need, free float64) {
	for _, fn := range g.onNoRAMs {
		fn(script, host, need, free)
	}
}

// Terminal returns the terminal's lines (tprint, uncaught errors).
func (g *Game) Terminal() []string { return g.terminal }

// Logs returns a process's log lines (print), alive or dead.
func (g *Game) Logs(pid int64) []string {
	if p := g.procs[pid]; p != nil {
		return p.logs
	}
	return nil
}

// TailOpened reports whether a process opened its tail window (ns.tail,
// ns.ui.openTail).
func (g *Game) TailOpened(pid int64) bool {
	p := g.procs[pid]
	return p != nil && p.tail
}

// TrapCoreStep makes the next step of the core module by process pid
// trap (jsrt's Realm.TrapAfter): the first call of its instance's step
// export after one of pid's ns calls, with no other process's ns call
// between (a script steps its engine in the turn it observed the game
// in). It is for tests of a daemon's trap path.
func (g *Game) TrapCoreStep(pid int64) {
	g.realm.TrapAfter(func(export string) bool {
		if export != "rf_step" || g.lastCall.p == nil || g.lastCall.p.Pid != pid {
			return false
		}
		g.realm.TrapAfter(nil)
		return true
	})
}

// Exited reports how a process ended, if it did.
func (g *Game) Exited(pid int64) (world.ExitReason, bool) {
	p := g.procs[pid]
	if p == nil || !p.dead {
		return 0, false
	}
	return p.reason, true
}

func (g *Game) logTerminal(line string) {
	line = stamp(g.Now()) + " " + line
	g.terminal = append(g.terminal, line)
	if g.cfg.Trace != nil {
		g.cfg.Trace(line)
	}
}

// event records a game event (a process starting or ending, a hack, grow
// or weaken landing) in the trace: the run's event log.
func (g *Game) event(line string) {
	if g.cfg.Trace != nil {
		g.cfg.Trace(stamp(g.Now()) + " " + line)
	}
}

func (g *Game) logf(pid int64, format string, a ...any) {
	g.log(pid, fmt.Sprintf(format, a...))
}

func (g *Game) log(pid int64, line string) {
	p := g.procs[pid]
	if p == nil {
		return
	}
	p.logs = append(p.logs, line)
	if g.cfg.Trace != nil {
		g.cfg.Trace(stamp(g.Now()) + " [" + p.Filename + " " + itoa(pid) + "] " + line)
	}
}

// stamp formats game time as the simulation prints it: [mm:ss.mmm].
func stamp(ms float64) string {
	t := int64(ms)
	return fmt.Sprintf("[%02d:%02d.%03d]", t/60000, t/1000%60, t%1000)
}

func itoa(n int64) string { return fmt.Sprint(n) }

func (g *Game) fault(err error) {
	g.faults = append(g.faults, err)
	g.logTerminal("harness fault: " + err.Error())
}

// clone copies a port value the way the game does: structuredClone for
// objects, primitives as they are.
func (g *Game) clone(v any) (any, error) {
	jv, ok := v.(goja.Value)
	if !ok {
		return v, nil
	}
	if _, isObj := jv.(*goja.Object); !isObj {
		return jv, nil
	}
	c, err := g.realm.StructuredClone(jv)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ramKey and ramEntry cache static RAM per script text: a script's RAM
// depends on its text and on the texts of the files it imports, so the
// entry remembers every script text on the server when it was computed.
type ramKey struct{ host, file string }

type ramEntry struct {
	files map[string]string
	ram   float64
	ok    bool
}

func (g *Game) scriptRAM(host, file string) (float64, bool) {
	s := g.World.Server(host)
	if s == nil {
		return 0, false
	}
	files := map[string]string{}
	for _, name := range s.FileNames() {
		if strings.HasSuffix(name, ".js") {
			files[name], _ = s.File(name)
		}
	}
	key := ramKey{host, file}
	if e, hit := g.ramCache[key]; hit && sameFiles(e.files, files) {
		return e.ram, e.ok
	}
	res, err := g.ram.ScriptRAM(file, files)
	e := ramEntry{files: files, ram: res.RAM, ok: err == nil}
	g.ramCache[key] = e
	return e.ram, e.ok
}

// sameFiles compares two snapshots of script texts. Unchanged texts share
// their backing bytes, so the comparison is a pointer check per file.
func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// ScriptRAM is the RAM per thread the game charges for file on host.
func (g *Game) ScriptRAM(host, file string) (float64, error) {
	ram, ok := g.scriptRAM(host, file)
	if !ok {
		return 0, errors.New("harness: RAM of " + host + "/" + file + " cannot be computed")
	}
	return ram, nil
}

type clockAdapter struct{ l *vclock.Loop }

func (c clockAdapter) Now() float64 { return c.l.Now() }
func (c clockAdapter) After(ms float64, fn func()) int64 {
	return int64(c.l.After(ms, fn))
}
func (c clockAdapter) Cancel(id int64) bool { return c.l.Cancel(vclock.TimerID(id)) }

type filesAdapter struct{ g *Game }

func (f filesAdapter) Read(host, path string) (string, bool) {
	s := f.g.World.Server(host)
	if s == nil {
		return "", false
	}
	return s.File(path)
}

// WritePortJSON writes a JSON value to port n with tryWrite, as a script
// would write the parsed object. It reports whether the port had room.
func (g *Game) WritePortJSON(n int64, js string) (bool, error) {
	vm := g.realm.VM()
	parse, _ := goja.AssertFunction(vm.Get("JSON").(*goja.Object).Get("parse"))
	v, err := parse(goja.Undefined(), vm.ToValue(js))
	if err != nil {
		return false, err
	}
	var ok bool
	g.guarded(func() { ok, err = g.Ports.TryWrite(n, v) }) // a waiting script runs now
	return ok, err
}

// ReadPortJSON reads port n and returns the item as JSON, or "" when the
// port is empty.
func (g *Game) ReadPortJSON(n int64) (string, error) {
	v := g.Ports.Read(n)
	if s, ok := v.(string); ok && s == ports.NullPortData {
		return "", nil
	}
	jv, ok := v.(goja.Value)
	if !ok {
		jv = g.realm.VM().ToValue(v)
	}
	vm := g.realm.VM()
	stringify, _ := goja.AssertFunction(vm.Get("JSON").(*goja.Object).Get("stringify"))
	out, err := stringify(goja.Undefined(), jv)
	if err != nil {
		return "", err
	}
	return out.String(), nil
}
