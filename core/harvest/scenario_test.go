package harvest

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
	"ramfarm/core/task"
	"ramfarm/internal/scenariotest"
	"ramfarm/internal/testservers"
)

// The scenario files (run by internal/scenariotest) play the shell, the
// allocator and the game around the engine (see world): workers land at
// the time the game's formulas give, the target changes by the game's
// outcome functions, and every rule the engine must keep (landing order,
// operations started at min security, nothing released under a running
// worker, no overcommit) is checked on the way. A broken rule prints a
// "VIOLATION" line and fails the test whatever the expectation says.
func TestEngine_Step_scenarios(t *testing.T) {
	scenariotest.Run(t, func(t *testing.T) func(string) []string { return (&world{t: t}).run })
}

// world is the engine's surroundings: the shell's loop, an allocator that
// grants chunks on hosts in name order, and the game's target, player and
// workers.
type world struct {
	t *testing.T
	e *Engine

	target formulas.Server
	player formulas.Player
	bn     formulas.BitNode
	roll   float64 // every hack's Math.random()
	now    int64

	hosts []fhost // sorted by name
	alloc falloc

	workers   []*worker // running, by start order
	nextPid   task.Pid
	failExecs int // the next StartOps fail
	cmdLand   map[int64]float64

	lastLand  float64
	lastBatch int64
	lastOp    hwgw.Op
	landings  int
}

type fhost struct {
	name    string
	max     ram.Amount
	cores   int
	claimed ram.Amount
	// cordoned: being vacated, the allocator grants nothing there.
	cordoned bool
}

// falloc is the allocator: one growable allocation.
type falloc struct {
	size     ram.Amount
	desired  int
	held     map[chunkKey]int
	seq      int64
	answered int64
	queue    []task.Command
	ended    bool
	dirty    bool
}

// chunkKey groups the allocator's chunks by host and size.
type chunkKey struct {
	host string
	size ram.Amount
}

type worker struct {
	pid     task.Pid
	op      hwgw.Op
	batch   int64
	host    string
	threads int
	ram     ram.Amount
	land    float64
}

func (w *world) host(name string) *fhost {
	for i := range w.hosts {
		if w.hosts[i].name == name {
			return &w.hosts[i]
		}
	}
	return nil
}

func (w *world) violation(rule string) string { return scenariotest.Violation(w.t, w.now, rule) }

func (w *world) run(cmd string) []string {
	fields := strings.Fields(cmd)
	a := scenariotest.ParseArgs(fields[1:])
	if fields[0] != "config" && fields[0] != "host" && w.e == nil {
		w.t.Fatalf("%q before config", cmd)
	}
	switch fields[0] {
	case "config":
		return w.config(a)
	case "host":
		name := fields[1]
		h := fhost{name: name, max: a.RAM(w.t, "max", 0), cores: int(a.Int(w.t, "cores", 1))}
		if old := w.host(name); old != nil {
			old.max, old.cores = h.max, h.cores
		} else {
			w.hosts = append(w.hosts, h)
			slices.SortFunc(w.hosts, func(x, y fhost) int { return cmp.Compare(x.name, y.name) })
		}
		w.alloc.dirty = true
		return nil
	case "cap":
		return w.step(task.SetCap{RAM: a.RAM(w.t, "ram", 0)})
	case "prio":
		return w.step(task.SetPriority{Priority: int(a.Int(w.t, "prio", 0))})
	case "stop":
		return w.step(task.Stop{})
	case "leave":
		// The selector's vacate: the allocator cordons the host, the
		// task is asked to leave it.
		w.host(fields[1]).cordoned = true
		return w.step(task.Leave{Host: fields[1]})

	case "level":
		w.player.Hacking = a.Float(w.t, "to", w.player.Hacking)
		return nil
	case "perturb":
		w.target.MoneyAvailable = a.Float(w.t, "money", w.target.MoneyAvailable)
		w.target.HackDifficulty = a.Float(w.t, "security", w.target.HackDifficulty)
		return nil
	case "fail-exec":
		w.failExecs = int(a.Int(w.t, "count", 1))
		return nil
	case "kill":
		// Someone else kills the running workers of a batch (those of
		// one op, or all): they end without their landed message, and
		// the shell's next round hears of it.
		op := a["op"]
		out, n := w.end(func(wk *worker) bool {
			return wk.batch == a.Int(w.t, "batch", 0) && (op == "" || wk.op.String() == op)
		})
		if n == 0 {
			w.t.Fatalf("%q: no such worker running", cmd)
		}
		return out
	case "tick":
		return w.loop(a.Int(w.t, "now", w.now), true)
	case "run":
		out := w.runUntil(a.Int(w.t, "until", w.now), a.Int(w.t, "every", 0), a.Has("beats"))
		if a.Has("quiet") { // the summary alone
			out = out[len(out)-1:]
		}
		return out
	case "state":
		return w.state()
	}
	w.t.Fatalf("unknown command %q", cmd)
	return nil
}

func (w *world) config(a scenariotest.Args) []string {
	name := a["target"]
	w.target = testservers.Server(w.t, name)
	w.player = formulas.NewPlayer(a.Float(w.t, "level", 100))
	w.bn = formulas.BN1()
	w.roll = a.Float(w.t, "roll", 0)
	cfg := Config{
		Model: hwgw.Model{Target: w.target, Player: w.player, BitNode: w.bn, Spacing: a.Int(w.t, "spacing", 0),
			Period: a.Int(w.t, "period", 0), GrowSafety: int(a.Int(w.t, "grow-safety", 0))},
		Fraction: a.Float(w.t, "fraction", 0), MaxFraction: a.Float(w.t, "max-fraction", 0),
		Guard: a.Int(w.t, "guard", 0),
		Task: task.Config{Cap: a.RAM(w.t, "cap", 0), Priority: int(a.Int(w.t, "prio", 0)), Fixed: a.Has("fixed"), Round: a.Has("round"),
			Heartbeat: a.Int(w.t, "heartbeat", 1000)},
	}
	e, err := New(cfg)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	w.e = e
	w.alloc = falloc{held: map[chunkKey]int{}}
	w.nextPid = 1000
	w.cmdLand = map[int64]float64{}
	w.now = 0
	p := e.Planner()
	return []string{"depth=" + strconv.Itoa(p.Depth()) + " hack%=" + strconv.FormatFloat(p.HackPercent(), 'g', 6, 64) +
		" shape=" + e.shape.String()}
}

func (w *world) step(ev task.Event) []string {
	if err := w.e.Step(ev); err != nil {
		return []string{"error: " + err.Error()}
	}
	return nil
}

// runUntil runs the shell's loop at each wake-up (or every ms, whichever
// is sooner) up to until, printing only what is not routine: logs and
// commands other than Start, Unclaim and the pids log (and Heartbeat,
// unless beats).
func (w *world) runUntil(until, every int64, beats bool) []string {
	var out []string
	for {
		next := w.e.Ready().Wake
		if every > 0 && (next == 0 || w.now+every < next) {
			next = w.now + every
		}
		if next <= w.now {
			next = w.now + 1
		}
		if next > until || next == 0 {
			break
		}
		for _, l := range w.loop(next, false) {
			if beats || !strings.HasPrefix(l, "Heartbeat") {
				out = append(out, l)
			}
		}
	}
	if w.now < until {
		out = append(out, w.loop(until, false)...)
	}
	return append(out, w.summary())
}

// loop is one pass of the shell's loop at now: land the workers due,
// let the allocator answer and grow, tick, and perform Ready.
func (w *world) loop(now int64, verbose bool) []string {
	if now < w.now {
		w.t.Fatalf("time goes back: %d < %d", now, w.now)
	}
	w.now = now
	var out []string
	out = append(out, w.land()...)
	out = append(out, w.allocate()...)
	if r := w.step(task.Tick{Now: now, Money: w.target.MoneyAvailable, Security: w.target.HackDifficulty, Hacking: w.player.Hacking}); r != nil {
		return append(out, r...)
	}
	rd := w.e.Ready()
	w.e.Advance()
	for _, c := range rd.Commands {
		out = append(out, w.perform(c, verbose)...)
	}
	for _, l := range rd.Logs {
		if verbose || !strings.HasPrefix(l, "pids ") {
			out = append(out, "log: "+l)
		}
	}
	if verbose {
		out = append(out, "wake: "+strconv.FormatInt(rd.Wake, 10))
	}
	return out
}

// land completes, in landing order, every worker due by now.
func (w *world) land() []string {
	var due, rest []*worker
	for _, wk := range w.workers {
		if wk.land <= float64(w.now) {
			due = append(due, wk)
		} else {
			rest = append(rest, wk)
		}
	}
	slices.SortStableFunc(due, func(a, b *worker) int { return cmp.Compare(a.land, b.land) })
	w.workers = rest
	var out []string
	for _, wk := range due {
		if wk.land < w.lastLand || (wk.batch < w.lastBatch) || (wk.batch == w.lastBatch && wk.op < w.lastOp) {
			out = append(out, w.violation("landing out of order: batch "+itoa(wk.batch)+" "+wk.op.String()+
				" after batch "+itoa(w.lastBatch)+" "+w.lastOp.String()))
		}
		w.lastLand, w.lastBatch, w.lastOp = wk.land, wk.batch, wk.op
		w.landings++
		h := w.host(wk.host)
		cores := float64(h.cores)
		switch wk.op.Action() {
		case hwgw.ActionHack:
			w.target = formulas.HackOutcome(w.target, w.player, float64(wk.threads), w.roll, w.bn).Server
		case hwgw.ActionGrow:
			w.target = formulas.GrowOutcome(w.target, float64(wk.threads), w.player, cores, w.bn).Server
		case hwgw.ActionWeaken:
			w.target = formulas.WeakenOutcome(w.target, float64(wk.threads), w.player, cores, w.bn).Server
		}
		h.claimed -= wk.ram
		// The worker writes its landed message, then ends.
		if r := w.step(task.Landed{Pid: wk.pid}); r != nil {
			out = append(out, r...)
		}
		if r := w.step(task.Exited{Pid: wk.pid}); r != nil {
			out = append(out, r...)
		}
	}
	return out
}

// end ends the running workers match picks, without landing, and steps
// their exits; n is how many.
func (w *world) end(match func(*worker) bool) (out []string, n int) {
	w.workers = slices.DeleteFunc(w.workers, func(wk *worker) bool {
		if !match(wk) {
			return false
		}
		w.host(wk.host).claimed -= wk.ram
		n++
		out = append(out, w.step(task.Exited{Pid: wk.pid})...)
		return true
	})
	return out, n
}

// allocate applies queued Resizes and Releases, grows the allocation on
// hosts in name order, and steps the snapshot if it changed.
func (w *world) allocate() []string {
	a := &w.alloc
	if a.ended {
		return nil
	}
	var out []string
	for _, c := range a.queue {
		switch c := c.(type) {
		case task.Alloc:
			a.size, a.desired, a.answered, a.dirty = c.Size, c.Count, c.ID, true
		case task.Resize:
			a.size, a.desired, a.answered, a.dirty = c.Size, c.Count, c.ID, true
		case task.Release:
			a.answered, a.dirty = c.ID, true
			if c.Host == "" {
				a.ended = true
				a.held = map[chunkKey]int{}
				for _, h := range w.hosts {
					if h.claimed > 0 {
						out = append(out, w.violation("allocation ended with workers on "+h.name))
					}
				}
				continue
			}
			k := chunkKey{c.Host, c.Size}
			if a.held[k] < c.Count {
				out = append(out, w.violation("release of "+strconv.Itoa(c.Count)+"x"+c.Size.String()+" on "+c.Host+" not held"))
				continue
			}
			a.held[k] -= c.Count
			if h := w.host(c.Host); w.heldOn(c.Host) < h.claimed {
				out = append(out, w.violation("release on "+c.Host+" under running workers"))
			}
		}
	}
	a.queue = nil
	if a.ended {
		return out
	}
	for i := range w.hosts {
		h := &w.hosts[i]
		for !h.cordoned && a.size > 0 && a.held[chunkKey{h.name, a.size}] < a.desired && w.count() < a.desired && w.heldOn(h.name)+a.size <= h.max {
			a.held[chunkKey{h.name, a.size}]++
			a.dirty = true
		}
	}
	if !a.dirty {
		return out
	}
	a.dirty = false
	a.seq++
	ev := task.Held{Seq: a.seq, Answered: a.answered, Desired: a.desired}
	keys := make([]chunkKey, 0, len(a.held))
	for k, n := range a.held {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y chunkKey) int {
		if c := cmp.Compare(x.host, y.host); c != 0 {
			return c
		}
		return cmp.Compare(x.size, y.size)
	})
	for _, k := range keys {
		ev.Chunks = append(ev.Chunks, task.Chunk{Host: k.host, Size: k.size, Count: a.held[k], Cores: w.host(k.host).cores})
	}
	out = append(out, task.DescribeEvent(ev))
	return append(out, w.step(ev)...)
}

// count is the chunks of the current size held.
func (w *world) count() int {
	n := 0
	for k, c := range w.alloc.held {
		if k.size == w.alloc.size {
			n += c
		}
	}
	return n
}

func (w *world) heldOn(host string) ram.Amount {
	var r ram.Amount
	for k, n := range w.alloc.held {
		if k.host == host {
			r += k.size.Times(n)
		}
	}
	return r
}

// perform carries out one command as the shell and the game would.
func (w *world) perform(c task.Command, verbose bool) []string {
	var out []string
	switch c.(type) {
	case task.Start, task.Unclaim:
		if verbose {
			out = append(out, task.DescribeCommand(c))
		}
	default:
		out = append(out, task.DescribeCommand(c))
	}
	switch c := c.(type) {
	case task.Start:
		if w.failExecs > 0 {
			w.failExecs--
			out = append(out, "exec failed: "+task.DescribeCommand(c))
			return append(out, w.step(task.Started{Cmd: c.ID})...)
		}
		h := w.host(c.Host)
		if h.claimed+c.RAM > w.heldOn(c.Host) {
			out = append(out, w.violation("overcommit on "+c.Host))
		}
		s := w.target
		dur := 0.0
		switch c.Op.Action() {
		case hwgw.ActionHack:
			dur = formulas.Millis(formulas.HackTime(s, w.player, w.bn))
		case hwgw.ActionGrow:
			dur = formulas.Millis(formulas.GrowTime(s, w.player, w.bn))
		default:
			dur = formulas.Millis(formulas.WeakenTime(s, w.player, w.bn))
		}
		if math.Abs(dur-c.Duration) > 1e-6 {
			out = append(out, w.violation("batch "+itoa(c.Batch)+" "+c.Op.String()+" runs "+ftoa(dur)+"ms, planned "+
				ftoa(c.Duration)+"ms (security "+ftoa(s.HackDifficulty)+")"))
		}
		if c.Delay < 0 {
			out = append(out, w.violation("negative delay"))
		}
		land := formulas.DelayMs(dur/1000, c.Delay) + float64(w.now)
		if math.Abs(land-c.Land) > 1e-6 {
			out = append(out, w.violation("lands at "+ftoa(land)+", planned "+ftoa(c.Land)))
		}
		h.claimed += c.RAM
		pid := w.nextPid
		w.nextPid++
		w.workers = append(w.workers, &worker{pid: pid, op: c.Op, batch: c.Batch, host: c.Host, threads: c.Threads, ram: c.RAM, land: land})
		out = append(out, w.step(task.Started{Cmd: c.ID, Pid: pid})...)
	case task.Alloc, task.Resize, task.Release:
		w.alloc.queue = append(w.alloc.queue, c)
	case task.Kill:
		// ns.kill: the shell reports the exit at once.
		ended, _ := w.end(func(wk *worker) bool { return wk.pid == c.Pid })
		out = append(out, ended...)
	}
	return out
}

func (w *world) summary() string {
	e := w.e
	return "at " + itoa(w.now) + ": mode=" + e.mode.String() + " shape=" + e.shape.String() +
		" in-flight=" + strconv.Itoa(len(e.flight)) + " landed=" + itoa(e.landed) + " ops-landed=" + strconv.Itoa(w.landings) +
		" target=" + strconv.FormatFloat(w.target.MoneyAvailable, 'f', -1, 64) + "/" + strconv.FormatFloat(w.target.HackDifficulty, 'f', -1, 64)
}

// state prints the engine's view: mode, shape, hosts and batches.
func (w *world) state() []string {
	e := w.e
	out := []string{w.summary()}
	for _, h := range e.hosts {
		l := "host " + h.name + " held=" + strconv.Itoa(h.held) + " busy=" + h.busy.String() + " cores=" + strconv.Itoa(h.cores)
		for _, r := range h.gone {
			l += " releasing=" + strconv.Itoa(r.count) + "@" + itoa(r.id)
		}
		out = append(out, l)
	}
	for _, b := range e.flight {
		out = append(out, "batch "+itoa(b.id)+" slot="+itoa(b.slot)+" open="+strconv.Itoa(b.open))
	}
	return out
}
