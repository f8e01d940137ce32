package task

import (
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"

	"ramfarm/core/hwgw"
	"ramfarm/core/internal/describe"
	"ramfarm/core/internal/detail"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// Base is the part of a task's lifecycle every engine keeps alike: the
// contract checks, the observations, the selector's word (priority, cap,
// stop, hosts to leave), the allocation as the allocator has it, the
// workers starting and running (W is the engine's record of one), command
// ids, the outbox and the heartbeat. An engine embeds it, checks and
// applies every event through Accept, and decides the rest on Ticks.
type Base[W any] struct {
	cfg Config

	ticked   bool  // a Tick arrived
	ticks    int64 // Ticks so far: the shell's rounds
	now      int64
	money    float64
	security float64

	prio     int
	cap      ram.Amount
	stopping bool
	leaving  map[string]bool

	// The allocation as the allocator has it.
	asked    bool // the Alloc was given
	held     bool // a snapshot arrived: the allocation exists
	seq      int64
	answered int64
	size     ram.Amount
	count    int // the allocator's desired count
	askPrio  int

	starting map[int64]W // by Start ID
	running  map[Pid]W

	// The failure rule (failures.go): each start's host until its
	// result, each running worker's host and landing, each host's run.
	startHost map[int64]workerLife
	lives     map[Pid]*workerLife
	failures  map[string]*hostFailures
	givenUp   []string
	// lost: the Exited being applied is a worker's loss, not its end
	// (see Lost).
	lost bool

	// earned is the money the task's hack workers reported taking, in all.
	earned float64

	beat   Heartbeat // the last one sent
	beatAt int64
	beaten bool

	nextID   int64
	finished bool
	out      Ready
}

// NewBase is the Base of a task started with c, which Validate returned.
func NewBase[W any](c Config) Base[W] {
	return Base[W]{
		cfg:       c,
		prio:      c.Priority,
		cap:       c.Cap,
		leaving:   map[string]bool{},
		starting:  map[int64]W{},
		running:   map[Pid]W{},
		startHost: map[int64]workerLife{},
		lives:     map[Pid]*workerLife{},
		failures:  map[string]*hostFailures{},
		nextID:    1,
	}
}

// Now is the game time of the last Tick, ms.
func (b *Base[W]) Now() int64 { return b.now }

// Ticked reports whether a Tick arrived.
func (b *Base[W]) Ticked() bool { return b.ticked }

// Money and Security are the target's, as the last Tick saw them.
func (b *Base[W]) Money() float64    { return b.money }
func (b *Base[W]) Security() float64 { return b.security }

// Priority and Cap are the selector's word the task applies.
func (b *Base[W]) Priority() int   { return b.prio }
func (b *Base[W]) Cap() ram.Amount { return b.cap }

// Fixed reports whether the task asked once and never grows.
func (b *Base[W]) Fixed() bool { return b.cfg.Fixed }

// Round reports whether the task runs one round of work and ends.
func (b *Base[W]) Round() bool { return b.cfg.Round }

// Stopping reports whether the selector asked the task to stop.
func (b *Base[W]) Stopping() bool { return b.stopping }

// Leaving reports whether the task is moving off host.
func (b *Base[W]) Leaving(host string) bool { return b.leaving[host] }

// Holding reports whether the allocation exists: a snapshot arrived.
func (b *Base[W]) Holding() bool { return b.held }

// Desired is the allocator's desired count, as its last snapshot said
// (for a fixed task: what it granted).
func (b *Base[W]) Desired() int { return b.count }

// Answered is the last command the allocator answered.
func (b *Base[W]) Answered() int64 { return b.answered }

// Earned is the money the task's hack workers reported taking since it
// started (their Landed results).
func (b *Base[W]) Earned() float64 { return b.earned }

// Finished reports whether the task gave its Finished.
func (b *Base[W]) Finished() bool { return b.finished }

// Accept checks ev, first by the rules of every task and then by the
// engine's own check (nil for none), and applies what every task shares.
// It returns the event to step (nil when there is nothing more to do: the
// task finished, or the snapshot is old news) and, for a Started or an
// Exited, the engine's record of the worker. An error means the event
// broke the contract, and nothing changed.
func (b *Base[W]) Accept(ev Event, check func(Event) error) (Event, W, error) {
	var w W
	ev, err := deref(ev)
	if err != nil {
		return nil, w, err
	}
	if b.finished {
		return nil, w, nil
	}
	if err := b.check(ev); err != nil {
		return nil, w, err
	}
	if check != nil {
		if err := check(ev); err != nil {
			return nil, w, err
		}
	}
	switch ev := ev.(type) {
	case Tick:
		b.ticked, b.now, b.money, b.security = true, ev.Now, ev.Money, ev.Security
		b.ticks++
	case Held:
		if b.held && (ev.Seq < b.seq || (ev.Seq == b.seq && ev.Answered <= b.answered)) {
			return nil, w, nil
		}
		b.held, b.seq, b.count = true, ev.Seq, ev.Desired
		b.answered = max(b.answered, ev.Answered)
	case Started:
		w = b.starting[ev.Cmd]
		delete(b.starting, ev.Cmd)
		life := b.startHost[ev.Cmd]
		delete(b.startHost, ev.Cmd)
		if ev.Pid != 0 {
			b.running[ev.Pid] = w
			b.lives[ev.Pid] = &life
		} else {
			b.failed(life.host, "could not start")
		}
	case Exited:
		w = b.running[ev.Pid]
		delete(b.running, ev.Pid)
		b.Emit(Unclaim{ID: b.ID(), Pid: ev.Pid})
		b.lost = false
		if l := b.lives[ev.Pid]; l != nil {
			delete(b.lives, ev.Pid)
			b.exited(l)
		}
	case Landed:
		if l := b.lives[ev.Pid]; l != nil {
			l.landed = true
			if l.hack {
				b.earned += ev.Result // a looping worker lands again and again
			}
		}
		return nil, w, nil // the engines hear of the work by the target
	case SetPriority:
		b.prio = ev.Priority
	case SetCap:
		b.cap = ev.RAM
		if b.cfg.Fixed && (b.cap == 0 || b.cap > b.cfg.Cap) {
			b.cap = b.cfg.Cap
		}
	case Stop:
		b.stopping = true
	case Leave:
		if !b.leaving[ev.Host] {
			b.leaving[ev.Host] = true
			b.Logf("leaving " + ev.Host)
		}
	}
	return ev, w, nil
}

// Handle is an engine's Step: Accept with the engine's check, then apply
// what the event means to the engine (with the worker's record for a
// Started or an Exited), and after a Tick the heartbeat from status.
func (b *Base[W]) Handle(ev Event, check func(Event) error, apply func(Event, W), status func() Status) error {
	ev, w, err := b.Accept(ev, check)
	if err != nil || ev == nil {
		return err
	}
	apply(ev, w)
	if _, ok := ev.(Tick); ok && !b.finished {
		b.AfterTick(status())
	}
	return nil
}

// check rejects an event that breaks the contract of every task.
func (b *Base[W]) check(ev Event) error {
	bad := func(s string) error { return detail.Wrap(ErrBadEvent, s) }
	switch ev := ev.(type) {
	case Tick:
		switch {
		case b.ticked && ev.Now < b.now:
			return detail.Wrap(ErrTimeBackward, itoa(ev.Now)+" < "+itoa(b.now))
		case !finite(ev.Money) || ev.Money < 0:
			return bad("money " + ftoa(ev.Money) + " is invalid")
		case !finite(ev.Security) || ev.Security < 1 || ev.Security > 100:
			return bad("security " + ftoa(ev.Security) + " is outside [1, 100]")
		case ev.Hacking != 0 && (!finite(ev.Hacking) || ev.Hacking < 1):
			return bad("hacking level " + ftoa(ev.Hacking) + " is below 1")
		}
	case Held:
		if !b.asked {
			return detail.Wrap(ErrUnexpected, "a snapshot before the allocation was asked for")
		}
		switch {
		case ev.Seq < 1 || ev.Desired < 0:
			return bad("seq " + itoa(ev.Seq) + " is below 1 or desired " + strconv.Itoa(ev.Desired) + " is negative")
		case ev.Answered < 0 || ev.Answered >= b.nextID:
			return bad("answered " + itoa(ev.Answered) + " is no command of this task")
		}
		type key struct {
			host string
			size ram.Amount
		}
		seen := map[key]bool{}
		for _, c := range ev.Chunks {
			k := key{c.Host, c.Size}
			switch {
			case c.Host == "":
				return bad("chunk has no host")
			case c.Size <= 0 || c.Size > ram.Max:
				return bad("chunk size " + c.Size.String() + " on " + c.Host + " is out of range")
			case c.Count < 0 || c.Cores < 0:
				return bad("chunk count or cores on " + c.Host + " is negative")
			case seen[k]:
				return bad("chunks " + c.Size.String() + " on " + c.Host + " are listed twice")
			}
			seen[k] = true
		}
	case Refused:
		if !b.asked || b.held {
			return detail.Wrap(ErrUnexpected, "no allocation request awaits an answer")
		}
	case Started:
		if _, ok := b.starting[ev.Cmd]; !ok {
			return detail.Wrap(ErrUnknownCmd, "no Start "+itoa(ev.Cmd)+" awaits its result")
		}
		if ev.Pid < 0 {
			return bad("pid " + itoa(int64(ev.Pid)) + " is negative")
		}
		if _, dup := b.running[ev.Pid]; dup && ev.Pid != 0 {
			return bad("pid " + itoa(int64(ev.Pid)) + " is already running")
		}
	case Exited:
		if _, ok := b.running[ev.Pid]; !ok {
			return detail.Wrap(ErrUnknownPid, itoa(int64(ev.Pid)))
		}
	case Landed:
		if !finite(ev.Result) || ev.Result < 0 {
			return bad("result " + ftoa(ev.Result) + " of pid " + itoa(int64(ev.Pid)) + " is negative or not finite")
		}
	case SetCap:
		if ev.RAM < 0 || ev.RAM > ram.Max {
			return bad("cap " + ev.RAM.String() + " is out of range")
		}
	case Leave:
		if ev.Host == "" {
			return bad("leave names no host")
		}
	}
	return nil
}

// ID takes the next command id.
func (b *Base[W]) ID() int64 {
	id := b.nextID
	b.nextID++
	return id
}

// Emit queues a command; Logf a log line.
func (b *Base[W]) Emit(c Command) { b.out.Commands = append(b.out.Commands, c) }
func (b *Base[W]) Logf(s string)  { b.out.Logs = append(b.out.Logs, s) }

// Ready returns what the engine wants done since the last Advance, with
// Wake from the engine's own deadline (see Wake). It does not clear
// anything: Advance does.
func (b *Base[W]) Ready(own int64, has bool) Ready {
	rd := b.out
	rd.Wake = b.Wake(own, has)
	return rd
}

// HasReady reports whether Ready has commands or logs.
func (b *Base[W]) HasReady() bool { return len(b.out.Commands) > 0 || len(b.out.Logs) > 0 }

// Advance tells the engine that the shell did everything Ready returned.
func (b *Base[W]) Advance() { b.out = Ready{} }

// Start gives a Start for worker w (its ID filled in) and returns the ID;
// the worker counts as starting until its Started.
func (b *Base[W]) Start(w W, s Start) int64 {
	s.ID = b.ID()
	b.starting[s.ID] = w
	b.startHost[s.ID] = workerLife{host: s.Host, hack: s.Action == hwgw.ActionHack, at: b.now}
	b.Emit(s)
	return s.ID
}

// Kill ends a running worker whose work is no longer needed. Its Exited
// is no loss (Lost) and no failure of its host: the task ended it.
func (b *Base[W]) Kill(pid Pid) {
	if l := b.lives[pid]; l != nil {
		l.killed = true
	}
	b.Emit(Kill{ID: b.ID(), Pid: pid})
}

// Lost reports whether the Exited being applied lost its worker's work:
// it ended without its landed message and not by the task's Kill (it was
// killed by someone else, or it died). An engine replaces that work.
func (b *Base[W]) Lost() bool { return b.lost }

// Busy is the number of workers starting or running.
func (b *Base[W]) Busy() int { return len(b.starting) + len(b.running) }

// Workers is every worker starting or running: the starting ones in start
// order, then the running ones by pid.
func (b *Base[W]) Workers() iter.Seq[W] {
	return func(yield func(W) bool) {
		for _, id := range stable.Keys(b.starting) {
			if !yield(b.starting[id]) {
				return
			}
		}
		for _, pid := range stable.Keys(b.running) {
			if !yield(b.running[pid]) {
				return
			}
		}
	}
}

// Ask tells the allocator the allocation's chunk size and desired count,
// at the applied priority: the first time with the Alloc, later with a
// Resize when anything differs from what the allocator has.
func (b *Base[W]) Ask(size ram.Amount, count int) {
	switch {
	case !b.asked:
		b.Emit(Alloc{ID: b.ID(), Size: size, Count: count, Priority: b.prio, Growable: !b.cfg.Fixed, Shrinkable: b.cfg.Fixed})
		b.asked = true
	case size != b.size || count != b.count || b.prio != b.askPrio:
		b.Emit(Resize{ID: b.ID(), Size: size, Count: count, Priority: b.prio})
	default:
		return
	}
	b.size, b.count, b.askPrio = size, count, b.prio
}

// Release gives back count chunks of size on host and returns the
// command's ID.
func (b *Base[W]) Release(host string, size ram.Amount, count int) int64 {
	id := b.ID()
	b.Emit(Release{ID: id, Host: host, Size: size, Count: count})
	return id
}

// ForgetLeft drops a Leave once occupied says nothing of the task is left
// on its host, so that the host is used again when the allocator grants
// there later (after an upgrade).
func (b *Base[W]) ForgetLeft(occupied func(host string) bool) {
	for host := range b.leaving {
		if !occupied(host) {
			delete(b.leaving, host)
		}
	}
}

// Finish ends the task: with kill, every running worker is killed first
// (by pid); the allocation goes back whole, and Finished says why. Every
// event after it is ignored.
func (b *Base[W]) Finish(r Reason, kill bool) {
	if kill {
		for _, pid := range stable.Keys(b.running) {
			b.Emit(Kill{ID: b.ID(), Pid: pid})
		}
	}
	if b.held {
		b.Emit(Release{ID: b.ID()})
	}
	b.starting, b.running = map[int64]W{}, map[Pid]W{}
	b.startHost, b.lives = map[int64]workerLife{}, map[Pid]*workerLife{}
	b.Emit(Finished{ID: b.ID(), Reason: r, Earned: b.earned})
	b.Logf("finished: " + r.String())
	b.finished = true
}

// Status is what an engine reports in its heartbeat; the selector's word
// it applies comes from Base.
type Status struct {
	Held   ram.Amount
	Want   ram.Amount
	Capped bool
	Rate   float64
	Chunk  ram.Amount
	Mode   string
}

// AfterTick ends the engine's handling of a Tick: a new priority reaches
// the allocator if the engine's own Ask did not carry it, and the
// heartbeat goes out when what it says changed (the rate and the money
// earned aside: they move with every batch) or when one is due.
func (b *Base[W]) AfterTick(s Status) {
	if b.finished {
		return
	}
	if b.held && b.prio != b.askPrio {
		b.Ask(b.size, b.count)
	}
	h := Heartbeat{Held: s.Held, Want: s.Want, Capped: s.Capped, Cap: b.cap, Priority: b.prio, Rate: s.Rate, Chunk: s.Chunk,
		Stopping: b.stopping, Mode: s.Mode, GaveUp: slices.Clone(b.givenUp), Earned: b.earned}
	last := b.beat
	last.ID, last.Rate, last.Earned = 0, h.Rate, h.Earned
	if b.beaten && sameBeat(h, last) && b.now < b.beatAt+b.cfg.Heartbeat {
		return
	}
	h.ID = b.ID()
	b.beat, b.beatAt, b.beaten = h, b.now, true
	b.Emit(h)
}

// Wake is the latest time the engine wants its next Tick: own (the
// engine's own deadline, if it has one), the next heartbeat, or with
// workers running the next Look, whichever comes first; now when no Tick
// arrived yet, and 0 once finished.
func (b *Base[W]) Wake(own int64, has bool) int64 {
	switch {
	case b.finished:
		return 0
	case !b.ticked:
		return b.now
	}
	w := b.beatAt + b.cfg.Heartbeat
	if has {
		w = min(w, own)
	}
	if b.Busy() > 0 {
		w = min(w, b.now+Look)
	}
	return w
}

// Look is the longest a task with workers running waits between two
// Ticks, ms. The shell finds a worker's death at a round (see Event), so
// a lost worker is replaced within Look of its death; a round costs the
// shell one isRunning per worker, which a second apart is nothing.
const Look = 1000

// Move is the log line of an engine's move between modes. A move the
// engine's own table does not allow is a bug in the engine: it panics,
// naming the engine.
func Move[M interface{ String() string }](engine string, from, to M, allowed bool) string {
	if !allowed {
		panic(engine + ": impossible transition " + from.String() + " -> " + to.String())
	}
	return "mode " + from.String() + " -> " + to.String()
}

// String is the reason's stable name.
func (r Reason) String() string {
	return describe.Name([]string{ReasonReady: "ready", ReasonStopped: "stopped", ReasonRefused: "refused", ReasonNoRoom: "no-room"},
		int(r), "reason")
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
func itoa(n int64) string   { return strconv.FormatInt(n, 10) }

// String is the state Base keeps, as one line: scenario tests print it,
// and tests compare it to show that a refused event changed nothing.
func (b *Base[W]) String() string {
	l := describe.New("task").I("now", b.now).Fixed("money", b.money, -1).Fixed("security", b.security, -1).
		N("prio", b.prio).R("cap", b.cap).T("stopping", b.stopping)
	if len(b.leaving) > 0 {
		l.S("leaving", strings.Join(stable.Keys(b.leaving), ","))
	}
	l.T("asked", b.asked).T("held", b.held).I("seq", b.seq).I("answered", b.answered).R("size", b.size).
		N("desired", b.count).N("ask-prio", b.askPrio).N("starting", len(b.starting)).N("running", len(b.running)).
		I("next-id", b.nextID).T("finished", b.finished)
	if b.earned != 0 {
		l.Fixed("earned", b.earned, -1)
	}
	for _, c := range b.out.Commands {
		l.S("cmd", DescribeCommand(c))
	}
	return l.String()
}

// sameBeat reports whether two heartbeats say the same: every field
// (Heartbeat holds a slice, so == cannot compare it).
func sameBeat(a, b Heartbeat) bool {
	return a.ID == b.ID && a.Held == b.Held && a.Want == b.Want && a.Capped == b.Capped && a.Cap == b.Cap &&
		a.Priority == b.Priority && a.Rate == b.Rate && a.Chunk == b.Chunk && a.Stopping == b.Stopping && a.Mode == b.Mode &&
		a.Earned == b.Earned && slices.Equal(a.GaveUp, b.GaveUp)
}
