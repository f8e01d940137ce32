package harness

import (
	"errors"
	"fmt"
	"math"

	"github.com/dop251/goja"

	"ramfarm/core/formulas"
	"ramfarm/harness/jsrt"
	"ramfarm/harness/ports"
	"ramfarm/harness/vclock"
	"ramfarm/harness/world"
)

// process is a running script as the JS layer sees it: its ns object, the
// timers its ns calls are waiting on, its log, and its dynamic RAM use.
type process struct {
	*world.Process
	g      *Game
	timers map[vclock.TimerID]struct{}
	waits  map[*ports.Waiter]*portWait
	logs   []string
	tail   bool // its tail window was opened
	dead   bool
	reason world.ExitReason
	cpu    *CPUUse // its script file's record in the CPU meter, once it has one

	// The game's dynamic RAM check: the first call of each ns function adds
	// its cost; exceeding the RAM the script was started with kills it.
	dynRAM  float64
	charged map[string]bool

	// bn is the BitNode's multipliers when the script started: its hack,
	// grow and weaken use them.
	bn formulas.BitNode
}

// portWait is a process's pending nextWrite on one port.
type portWait struct {
	promise *goja.Promise
	resolve func(any) error
}

// ErrScriptDeath is what an ns call of a killed script throws; the game
// throws its own ScriptDeath object the same way, to unwind the script.
var ErrScriptDeath = errors.New("ScriptDeath: the script was killed")

func (g *Game) onStart(p *world.Process) {
	proc := &process{
		Process: p,
		g:       g,
		timers:  map[vclock.TimerID]struct{}{},
		waits:   map[*ports.Waiter]*portWait{},
		dynRAM:  world.BaseRAM,
		charged: map[string]bool{},
	}
	g.procs[p.Pid] = proc
	g.event(fmt.Sprintf("start pid %d %s on %s, %d threads, args %v", p.Pid, p.Filename, p.Host, p.Threads, p.Args))
	// The game compiles the module and calls main asynchronously: exec
	// returns the pid first.
	g.Clock.After(0, func() { g.startScript(proc) })
}

func (g *Game) startScript(p *process) {
	g.switchTo(p)
	for _, fn := range g.onStarts {
		if p.dead {
			return
		}
		fn(p.Pid, p.Host, p.Filename)
	}
	if p.dead {
		return
	}
	exports, err := g.realm.LoadModule(p.Host, p.Filename)
	if err != nil {
		g.logTerminal(fmt.Sprintf("%s on %s could not start: %v", p.Filename, p.Host, err))
		g.World.Exit(p.Pid, world.ExitCrashed)
		return
	}
	ns := g.newNS(p)
	err = g.realm.CallMain(exports, ns, func(_ goja.Value, err error) {
		if p.dead {
			return
		}
		if err != nil {
			if !errors.Is(err, ErrScriptDeath) && !isScriptDeath(err) {
				g.logTerminal(fmt.Sprintf("%s on %s (pid %d) crashed: %v", p.Filename, p.Host, p.Pid, err))
				p.log("crashed: " + err.Error())
			}
			g.World.Exit(p.Pid, world.ExitCrashed)
			return
		}
		g.World.Exit(p.Pid, world.ExitFinished)
	})
	if err != nil {
		g.logTerminal(fmt.Sprintf("%s on %s could not start: %v", p.Filename, p.Host, err))
		g.World.Exit(p.Pid, world.ExitCrashed)
	}
}

func isScriptDeath(err error) bool {
	var je *jsrt.JSError
	if errors.As(err, &je) && je.Value != nil {
		return je.Value.String() == "Error: "+ErrScriptDeath.Error() || je.Value.String() == "GoError: "+ErrScriptDeath.Error()
	}
	return false
}

func (g *Game) onExit(p *world.Process, reason world.ExitReason) {
	proc := g.procs[p.Pid]
	if proc == nil {
		return
	}
	proc.dead, proc.reason = true, reason
	g.event(fmt.Sprintf("exit pid %d %s (%s)", p.Pid, p.Filename, reason))
	// Pending sleeps and hack/grow/weaken calls never complete: their
	// promises stay pending forever, as a killed script's do in the game.
	for id := range proc.timers {
		g.Clock.Cancel(id)
	}
	proc.timers = nil
	for _, pw := range proc.waits {
		pw.promise, pw.resolve = nil, nil
	}
	proc.waits = nil
	for _, fn := range g.onExits {
		fn(p.Pid, p.Host, p.Filename, reason)
	}
}

func (p *process) log(line string) { p.g.log(p.Pid, line) }

// after schedules fn on the virtual clock as one of the process's pending
// ns waits; killing the process cancels it.
func (p *process) after(ms float64, fn func()) {
	var id vclock.TimerID
	id = p.g.Clock.After(ms, func() {
		delete(p.timers, id)
		if !p.dead {
			p.g.switchTo(p)
			fn()
		}
	})
	p.timers[id] = struct{}{}
}

// charge applies the game's dynamic RAM check for the ns function name.
func (p *process) charge(name string) error {
	if p.charged[name] {
		return nil
	}
	p.charged[name] = true
	cost, ok := p.g.ram.FuncCost(name)
	if !ok || cost == 0 {
		return nil
	}
	p.dynRAM += cost
	if p.dynRAM > p.RAMPerThread*(1+1e-14) && !nearlyEqual(p.dynRAM, p.RAMPerThread) {
		msg := fmt.Sprintf("RAM USAGE: dynamic RAM usage calculated to be greater than RAM allocation (%s > %s) after calling %s",
			fmtGB(p.dynRAM), fmtGB(p.RAMPerThread), name)
		p.g.logTerminal(p.Filename + " on " + p.Host + ": " + msg)
		p.g.World.Exit(p.Pid, world.ExitCrashed)
		return errors.New(msg)
	}
	return nil
}

func nearlyEqual(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func fmtGB(x float64) string { return fmt.Sprintf("%.2fGB", x) }
