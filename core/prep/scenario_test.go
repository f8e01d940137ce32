package prep

import (
	"math"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/internal/describe"
	"ramfarm/core/ram"
	"ramfarm/core/task"
	"ramfarm/internal/scenariotest"
)

// Scenario files (run by internal/scenariotest): the scenario plays the shell (the loop of jsglue/lib/task.js), the
// memory daemon (one allocation, grown on hosts in name order at each
// tick) and the game (workers land at the time the formulas give and
// change the target by the game's outcome functions). Every rule the
// engine must keep (no start beyond the chunks held, no release under a
// claim, nothing left held or running when it finishes) is checked on the
// way: a broken rule prints a "VIOLATION" line and fails the test
// whatever the expectation says.
//
// Commands:
//
//	config kind=till|sow security= min= [money= max= growth=] [level=] [cap=GB] [prio=] [fixed] [heartbeat=ms]
//	host NAME max=GB      a host appears (or changes size); granted at the next tick
//	drop NAME             a host disappears: its workers die, its chunks are lost
//	cordon NAME           the allocator grants nothing more on a host (the selector's doing, before a leave)
//	msg prio|cap|stop|leave [prio=] [ram=GB] [host=]   a selector message, read at the next round
//	fail-exec [count=]    the next execs fail
//	round                 one round of the shell's loop now
//	run until=ms          the system runs: the allocator ticks and the shell loops each second, the shell also wakes at each landing
//	state                 the engine and the world
func TestEngine_Step_scenarios(t *testing.T) { scenariotest.Run(t, newWorld) }

// world is the engine's surroundings.
type world struct {
	t *testing.T
	e *Engine

	target formulas.Server
	player formulas.Player
	now    int64

	hosts []*fhost // sorted by name
	alloc *falloc  // nil until the Alloc, and again once released

	procs     []*gproc   // running workers, by start order
	dead      []task.Pid // workers that ended and the shell has not reported
	landed    []task.Pid // those of them that wrote their landed message
	nextPid   task.Pid
	failExecs int

	// The shell's state between rounds.
	events   []task.Event // results and messages for the next round
	stepped  int64        // the last snapshot seq stepped
	answered int64        // the last Alloc, Resize or Release the allocator answered
	told     int64        // the answered id last stepped with a snapshot
	finished *task.Finished
}

type fhost struct {
	name     string
	max      ram.Amount
	cores    int
	cordoned bool // the allocator grants nothing more here
}

// falloc is the memory daemon's one allocation: chunks per host, and the
// claims of workers it has not yet seen die.
type falloc struct {
	size     ram.Amount
	desired  int
	held     map[string]int
	claims   map[task.Pid]claim
	seq      int64
	changed  bool
	growable bool
}

type claim struct {
	host string
	ram  ram.Amount
}

type gproc struct {
	pid     task.Pid
	action  hwgw.Action
	host    string
	threads int
	land    int64
}

func (w *world) host(name string) *fhost {
	for _, h := range w.hosts {
		if h.name == name {
			return h
		}
	}
	return nil
}

func newWorld(t *testing.T) func(string) []string { return (&world{t: t}).run }

// cores is a host's cores as a snapshot names them: 0 (unsaid) for one,
// as the memory daemon's wire leaves them out.
func (w *world) cores(name string) int {
	if h := w.host(name); h != nil && h.cores > 1 {
		return h.cores
	}
	return 0
}

func (w *world) violation(rule string) string { return scenariotest.Violation(w.t, w.now, rule) }

// run runs one command: config and host shape the world, the others need
// an engine.
func (w *world) run(cmd string) []string {
	fields := strings.Fields(cmd)
	a := scenariotest.ParseArgs(fields[1:])
	switch fields[0] {
	case "config":
		return w.config(a)
	case "host":
		h := &fhost{name: fields[1], max: a.RAM(w.t, "max", 0), cores: int(a.Int(w.t, "cores", 1))}
		if old := w.host(h.name); old != nil {
			old.max, old.cores = h.max, h.cores
		} else {
			w.hosts = append(w.hosts, h)
			slices.SortFunc(w.hosts, func(x, y *fhost) int { return strings.Compare(x.name, y.name) })
		}
		return nil
	}
	if w.e == nil {
		w.t.Fatalf("%q before config", cmd)
	}
	switch fields[0] {
	case "drop":
		return w.drop(fields[1])
	case "kill":
		// Someone else kills the task's workers (on host, or all): they
		// end without their landed message.
		w.procs = slices.DeleteFunc(w.procs, func(p *gproc) bool {
			if a["host"] == "" || p.host == a["host"] {
				w.dead = append(w.dead, p.pid)
				return true
			}
			return false
		})
		return nil
	case "cordon":
		w.host(fields[1]).cordoned = true
		return nil
	case "msg":
		switch fields[1] {
		case "prio":
			w.events = append(w.events, task.SetPriority{Priority: int(a.Int(w.t, "prio", 0))})
		case "cap":
			w.events = append(w.events, task.SetCap{RAM: a.RAM(w.t, "ram", 0)})
		case "stop":
			w.events = append(w.events, task.Stop{})
		case "leave":
			w.events = append(w.events, task.Leave{Host: a["host"]})
		default:
			w.t.Fatalf("unknown message %q", fields[1])
		}
		return nil
	case "fail-exec":
		w.failExecs = int(a.Int(w.t, "count", 1))
		return nil
	case "round":
		return w.round(true)
	case "run":
		return w.runUntil(a.Int(w.t, "until", w.now))
	case "state":
		return w.state()
	}
	w.t.Fatalf("unknown command %q", cmd)
	return nil
}

func (w *world) config(a scenariotest.Args) []string {
	w.target = formulas.Server{
		HackDifficulty: a.Float(w.t, "security", 5), MinDifficulty: a.Float(w.t, "min", 1), BaseDifficulty: a.Float(w.t, "security", 5),
		MoneyMax: a.Float(w.t, "max", 0), MoneyAvailable: a.Float(w.t, "money", 0), ServerGrowth: a.Float(w.t, "growth", 0),
		RequiredHackingSkill: 1, HasAdminRights: true,
	}
	w.player = formulas.NewPlayer(a.Float(w.t, "level", 100))
	cfg := Config{Kind: scenariotest.Enum(w.t, a, "kind", KindTill, KindTill, KindSow), Target: w.target,
		Task: task.Config{Cap: a.RAM(w.t, "cap", 0), Priority: int(a.Int(w.t, "prio", 0)), Fixed: a.Has("fixed"), Round: a.Has("round"),
			Heartbeat: a.Int(w.t, "heartbeat", 600000)}}
	e, err := New(cfg)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	*w = world{t: w.t, e: e, target: w.target, player: w.player, nextPid: 100}
	return []string{"chunk=" + e.ChunkSize().String()}
}

// drop removes a host: the game kills its processes and the allocator
// loses its chunks there.
func (w *world) drop(name string) []string {
	w.hosts = slices.DeleteFunc(w.hosts, func(h *fhost) bool { return h.name == name })
	w.procs = slices.DeleteFunc(w.procs, func(p *gproc) bool {
		if p.host == name {
			w.dead = append(w.dead, p.pid)
			return true
		}
		return false
	})
	if a := w.alloc; a != nil && a.held[name] > 0 {
		delete(a.held, name)
		a.changed = true
	}
	return nil
}

// runUntil runs the system: the allocator ticks and the shell loops on
// every whole second; workers land at their time and the shell wakes for
// each (its landed message). It prints what is not routine: each round's
// output under its time, and a summary at the end.
func (w *world) runUntil(until int64) []string {
	var out []string
	for w.finished == nil {
		next := (w.now/1000 + 1) * 1000
		for _, p := range w.procs {
			next = min(next, p.land)
		}
		if next > until {
			break
		}
		w.now = next
		if w.now%1000 == 0 {
			w.tick()
		}
		w.land()
		lines := w.round(false)
		if len(lines) > 0 {
			out = append(out, "@"+itoa(w.now))
			out = append(out, lines...)
		}
	}
	if w.finished == nil {
		w.now = max(w.now, until)
	}
	return append(out, w.summary())
}

// land completes every worker due now.
func (w *world) land() {
	w.procs = slices.DeleteFunc(w.procs, func(p *gproc) bool {
		if p.land > w.now {
			return false
		}
		cores := 1.0
		if h := w.host(p.host); h != nil {
			cores = float64(h.cores)
		}
		switch p.action {
		case hwgw.ActionGrow:
			w.target = formulas.GrowOutcome(w.target, float64(p.threads), w.player, cores, formulas.BN1()).Server
		case hwgw.ActionWeaken:
			w.target = formulas.WeakenOutcome(w.target, float64(p.threads), w.player, cores, formulas.BN1()).Server
		}
		w.dead = append(w.dead, p.pid)
		w.landed = append(w.landed, p.pid)
		return true
	})
}

// tick is the allocator's tick: claims of dead workers end, and the
// allocation grows on hosts in name order.
func (w *world) tick() {
	a := w.alloc
	if a == nil {
		return
	}
	for pid := range a.claims {
		if !w.running(pid) {
			delete(a.claims, pid)
		}
	}
	w.grow()
}

func (w *world) grow() {
	a := w.alloc
	for _, h := range w.hosts {
		total := 0
		for _, n := range a.held {
			total += n
		}
		if total >= a.desired {
			break
		}
		if h.cordoned {
			continue
		}
		free := int((h.max - a.size.Times(a.held[h.name])) / a.size)
		if k := min(free, a.desired-total); k > 0 {
			a.held[h.name] += k
			a.changed = true
		}
	}
}

func (w *world) running(pid task.Pid) bool {
	return slices.ContainsFunc(w.procs, func(p *gproc) bool { return p.pid == pid })
}

// round is one pass of the shell's loop, as jsglue/lib/task.js runs it:
// exits, the newest snapshot, a tick; then the commands. It goes round
// again at once while commands had results or a snapshot changed.
func (w *world) round(verbose bool) []string {
	var out []string
	for first := true; first || len(w.events) > 0 || w.news(); first = false {
		if w.finished != nil {
			break
		}
		evs := w.events
		w.events = nil
		slices.Sort(w.landed)
		for _, pid := range w.landed {
			evs = append(evs, task.Landed{Pid: pid})
		}
		w.landed = nil
		slices.Sort(w.dead)
		for _, pid := range w.dead {
			evs = append(evs, task.Exited{Pid: pid})
		}
		w.dead = nil
		if w.news() {
			w.stepped, w.told = w.alloc.seq, w.answered
			h := w.alloc.snapshot(w.cores)
			h.Answered = w.answered
			evs = append(evs, h)
		}
		evs = append(evs, task.Tick{Now: w.now, Money: w.target.MoneyAvailable, Security: w.target.HackDifficulty})
		for _, ev := range evs {
			switch ev.(type) {
			case task.Held, task.Refused, task.SetPriority, task.SetCap, task.Stop, task.Leave:
				out = append(out, task.DescribeEvent(ev))
			default:
				if verbose {
					out = append(out, task.DescribeEvent(ev))
				}
			}
			if err := w.e.Step(ev); err != nil {
				out = append(out, "error: "+err.Error())
			}
		}
		rd := w.e.Ready()
		for _, c := range rd.Commands {
			out = append(out, w.perform(c)...)
		}
		w.e.Advance()
		for _, l := range rd.Logs {
			out = append(out, "log: "+l)
		}
	}
	return out
}

// news reports whether the shell has a snapshot to step: a new one, or an
// answer since the last.
func (w *world) news() bool {
	return w.alloc != nil && (w.alloc.seqAfter() != w.stepped || w.answered != w.told)
}

// seqAfter is the snapshot number with any pending change counted.
func (a *falloc) seqAfter() int64 {
	if a.changed {
		a.seq++
		a.changed = false
	}
	return a.seq
}

// snapshot is the allocation's Held, each host's chunks with its cores,
// as the memory daemon sends them.
func (a *falloc) snapshot(cores func(string) int) task.Held {
	h := task.Held{Seq: a.seq, Desired: a.desired}
	var hosts []string
	for name, n := range a.held {
		if n > 0 {
			hosts = append(hosts, name)
		}
	}
	slices.Sort(hosts)
	for _, name := range hosts {
		h.Chunks = append(h.Chunks, task.Chunk{Host: name, Size: a.size, Count: a.held[name], Cores: cores(name)})
	}
	return h
}

func (a *falloc) claimedOn(host string) ram.Amount {
	var c ram.Amount
	for _, cl := range a.claims {
		if cl.host == host {
			c += cl.ram
		}
	}
	return c
}

// perform carries out a command as the shell and the daemon would; its
// result goes into the next round's events.
func (w *world) perform(c task.Command) []string {
	out := []string{task.DescribeCommand(c)}
	a := w.alloc
	switch c := c.(type) {
	case task.Alloc:
		w.answered = c.ID
		if a != nil {
			return append(out, w.violation("a second Alloc"))
		}
		w.alloc = &falloc{size: c.Size, desired: c.Count, held: map[string]int{}, claims: map[task.Pid]claim{}, growable: c.Growable}
		w.grow()
		held := 0
		for _, n := range w.alloc.held {
			held += n
		}
		if !c.Growable {
			if held == 0 {
				w.alloc = nil
				w.events = append(w.events, task.Refused{Reason: "no room for " + itoa(int64(c.Count)) + "x" + c.Size.String()})
				return out
			}
			w.alloc.desired = held
		}
		w.alloc.changed = true
	case task.Resize:
		w.answered = c.ID
		if c.Size != a.size {
			return append(out, w.violation("a reshape to "+c.Size.String()))
		}
		if c.Count < 0 {
			return append(out, w.violation("negative count"))
		}
		a.desired = c.Count
		w.grow()
		a.changed = true
	case task.Release:
		w.answered = c.ID
		if c.Host == "" {
			w.alloc = nil
			return out
		}
		switch {
		case a.held[c.Host] < c.Count:
			return append(out, w.violation("release of "+itoa(int64(c.Count))+" on "+c.Host+", held "+itoa(int64(a.held[c.Host]))))
		case a.size.Times(a.held[c.Host]-c.Count) < a.claimedOn(c.Host):
			return append(out, w.violation("release on "+c.Host+" under claims"))
		}
		a.held[c.Host] -= c.Count
		a.changed = true
	case task.Unclaim:
		delete(a.claims, c.Pid)
	case task.Start:
		need := c.RAM
		if a.claimedOn(c.Host)+need > a.size.Times(a.held[c.Host]) {
			out = append(out, w.violation("start of "+need.String()+" on "+c.Host+" beyond the chunks held"))
		}
		if w.failExecs > 0 {
			w.failExecs--
			w.events = append(w.events, task.Started{Cmd: c.ID})
			return out
		}
		s := w.target
		d := formulas.WeakenTime(s, w.player, formulas.BN1())
		if c.Action == hwgw.ActionGrow {
			d = formulas.GrowTime(s, w.player, formulas.BN1())
		}
		w.nextPid++
		w.procs = append(w.procs, &gproc{pid: w.nextPid, action: c.Action, host: c.Host, threads: c.Threads, land: w.now + int64(math.Ceil(d*1000))})
		a.claims[w.nextPid] = claim{host: c.Host, ram: need}
		w.events = append(w.events, task.Started{Cmd: c.ID, Pid: w.nextPid})
	case task.Kill:
		if !w.running(c.Pid) {
			out = append(out, w.violation("kill of pid "+itoa(int64(c.Pid))+", not running"))
		}
		w.procs = slices.DeleteFunc(w.procs, func(p *gproc) bool { return p.pid == c.Pid })
	case task.Finished:
		if w.alloc != nil {
			out = append(out, w.violation("finished holding an allocation"))
		}
		if len(w.procs) > 0 {
			out = append(out, w.violation("finished with "+itoa(int64(len(w.procs)))+" workers running"))
		}
		w.finished = &c
	}
	return out
}

func (w *world) summary() string {
	l := describe.New("at "+itoa(w.now)+":").S("mode", w.e.Mode().String()).
		Fixed("security", w.target.HackDifficulty, 3).Fixed("money", w.target.MoneyAvailable, 0)
	threads := 0
	for _, p := range w.procs {
		threads += p.threads
	}
	l.N("workers", len(w.procs)).N("threads", threads)
	if a := w.alloc; a != nil {
		held := 0
		for _, n := range a.held {
			held += n
		}
		l.N("held", held).N("desired", a.desired)
	}
	return l.String()
}

func (w *world) state() []string {
	out := []string{w.summary()}
	e := w.e
	out = append(out, "engine: want="+itoa(int64(e.want))+" desired="+itoa(int64(e.Desired()))+" prio="+itoa(int64(e.Priority()))+" cap="+e.Cap().String())
	for _, h := range e.hosts {
		l := "host " + h.name + " held=" + itoa(int64(h.held)) + " busy=" + itoa(int64(h.busy))
		if at := e.RetryAt(h.name); at > 0 {
			l += " retry-at=" + itoa(at)
		}
		if e.Leaving(h.name) {
			l += " leaving"
		}
		out = append(out, l)
	}
	for wk := range e.Workers() {
		if wk.pid != 0 {
			out = append(out, "worker "+itoa(int64(wk.pid))+" "+wk.action.String()+" x"+itoa(int64(wk.threads))+" on "+wk.host)
		}
	}
	return out
}
