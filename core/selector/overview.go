package selector

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"ramfarm/core/internal/describe"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// What the selector tells a monitor (ramfarm/status.js): the RAM as the
// memory daemon accounts it, every task with its allocation, the money
// the tasks' hack workers took, and the last RAM jump. The engine keeps
// what only time shows (the income over the last minute, when a jump came
// and when it was put to work) as Observes pass; Status asks for it.

// Status asks for an Overview, sent to Reply with Rid echoed. Anyone may
// ask; it changes nothing.
type Status struct {
	Rid   int64
	Reply Port
}

func (Status) isEvent() {}

// Holding is a task's allocation as the memory daemon's report shows it
// (not its seat: the one-chunk allocation its own script runs in).
type Holding struct {
	Pid     Pid        // the owner
	Chunk   ram.Amount // the size of the chunks it asks for now
	Chunks  int        // chunks held, of every size
	Desired int        // chunks of Chunk it wants
	Held    ram.Amount // RAM held, every size
}

// Overview answers Status: what ramfarm is doing, as of Now.
type Overview struct {
	ID    int64
	Rid   int64
	Reply Port
	Now   int64 // game time, ms
	Since int64 // when the engine first learned the time: Earned counts from there
	// RAM on the worker hosts: Hosts of them have usable RAM; Idle is
	// allocated but claimed by no running worker or script.
	Hosts                   int
	Usable, Allocated, Idle ram.Amount
	Tasks                   []TaskView // by phase (till, sow, harvest), then target
	Earned                  float64    // money the hack workers took, in all
	Income                  float64    // money per second over the last IncomeWindow
	Jump                    Jump
}

// TaskView is one task in an Overview.
type TaskView struct {
	Pid    Pid // 0 while launching
	Kind   Kind
	Target string
	State  string // launching, starting, running or stopping
	// Its allocation: Chunks held of Desired chunks of Chunk; Held and
	// Want in GB (Want = Desired × Chunk). From the memory daemon's
	// report when it lists the task, else from the task's heartbeat.
	Chunk           ram.Amount
	Chunks, Desired int
	Held, Want      ram.Amount
	Earned          float64 // what its hack workers took
}

// Jump is the last sudden rise of usable RAM, and how fast the tasks
// took it: Absorbed is the time, ms, from At until the allocated RAM grew
// by JumpAbsorbed of the new RAM (-1 while it has not); Left is the new
// RAM not allocated yet. At is 0 when no jump was seen.
type Jump struct {
	At       int64
	GB       ram.Amount
	Absorbed int64
	Left     ram.Amount
}

const (
	// JumpMin is the least rise of usable RAM between two Observes that
	// counts as a jump; less is noise (a foreign script ending).
	JumpMin = 2 * ram.GB
	// JumpAbsorbed is the share of a jump's RAM that, once allocated,
	// counts as absorbed (the simulation's measure too).
	JumpAbsorbed = 0.9
	// IncomeWindow is the time, ms, over which Income is averaged.
	IncomeWindow = 60 * 1000
)

// ledger is the engine's memory for Overviews.
type ledger struct {
	since  int64
	banked float64 // what tasks that are gone earned
	// samples of the money earned in all, oldest first, reaching back
	// just past IncomeWindow.
	samples []sample
	// The RAM as of the last Observe, and the last jump.
	usable, allocated ram.Amount
	jump              Jump
	jumpBase          ram.Amount // allocated RAM just before the jump
}

type sample struct {
	now   int64
	total float64
}

// earned is the money every task earned, gone ones included.
func (e *Engine) earned() float64 {
	total := e.ledger.banked
	for _, t := range e.tasks {
		total += t.earned
	}
	return total
}

// account updates the ledger on an Observe (after the hosts were taken):
// a money sample, and the jump.
func (e *Engine) account(first bool) {
	l := &e.ledger
	l.samples = append(l.samples, sample{e.now, e.earned()})
	// Keep the newest sample at or before the window's start.
	drop := 0
	for drop+1 < len(l.samples) && l.samples[drop+1].now <= e.now-IncomeWindow {
		drop++
	}
	l.samples = slices.Delete(l.samples, 0, drop)

	var usable, allocated ram.Amount
	for _, h := range e.hosts {
		usable += h.Usable
		allocated += h.Allocated
	}
	// RAM arriving while none was known is the start, not a jump.
	if !first && l.usable > 0 && usable-l.usable >= JumpMin {
		l.jump = Jump{At: e.now, GB: usable - l.usable, Absorbed: -1}
		l.jumpBase = l.allocated
	}
	if j := &l.jump; j.At > 0 {
		j.Left = max(0, l.jumpBase+j.GB-allocated)
		if j.Absorbed < 0 && float64(allocated-l.jumpBase) >= JumpAbsorbed*float64(j.GB) {
			j.Absorbed = e.now - j.At
		}
	}
	l.usable, l.allocated = usable, allocated
}

// income is the money per second over the samples.
func (l *ledger) income(now int64, total float64) float64 {
	if len(l.samples) == 0 || now <= l.samples[0].now {
		return 0
	}
	return (total - l.samples[0].total) * 1000 / float64(now-l.samples[0].now)
}

// adopted counts money a task earned before this engine knew it as made
// before the samples, so that it is no income.
func (l *ledger) adopted(earned float64) {
	for i := range l.samples {
		l.samples[i].total += earned
	}
}

func (e *Engine) stepStatus(ev Status) error {
	if !ev.Reply.Valid() {
		return wrap(ErrBadReply, "status answers to port "+itoa(int64(ev.Reply)))
	}
	if ev.Rid < 0 {
		return wrap(ErrBadRequest, "status rid "+itoa(ev.Rid)+" is negative")
	}
	e.emit(e.overview(ev))
	return nil
}

// overview is the answer to ev, as of now.
func (e *Engine) overview(ev Status) Overview {
	total := e.earned()
	o := Overview{ID: e.id(), Rid: ev.Rid, Reply: ev.Reply, Now: e.now, Since: e.ledger.since, Earned: total,
		Income: e.ledger.income(e.now, total), Jump: e.ledger.jump}
	for _, h := range e.hosts {
		if h.Usable > 0 {
			o.Hosts++
		}
		o.Usable += h.Usable
		o.Allocated += h.Allocated
		o.Idle += max(0, h.Allocated-h.Claimed)
	}
	o.Tasks = make([]TaskView, 0, len(e.tasks))
	for _, t := range e.tasks {
		v := TaskView{Pid: t.pid, Kind: t.kind, Target: t.tgt.host, State: t.state.String(), Earned: t.earned,
			Chunk: t.chunk, Held: t.held, Want: t.want}
		if a, ok := e.holdings[t.pid]; ok && t.pid > 0 {
			v.Chunk, v.Chunks, v.Desired, v.Held = a.Chunk, a.Chunks, a.Desired, a.Held
			v.Want = a.Chunk.Times(a.Desired)
		} else if t.chunk > 0 {
			v.Chunks, v.Desired = int(t.held/t.chunk), int(t.want/t.chunk)
		}
		o.Tasks = append(o.Tasks, v)
	}
	stable.Sort(o.Tasks, func(a, b TaskView) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Target, b.Target), cmp.Compare(a.Pid, b.Pid))
	})
	return o
}

func (Overview) isCommand() {}

// describeOverview is an Overview's stable one-line text.
func describeOverview(o Overview) string {
	ts := make([]string, len(o.Tasks))
	for i, t := range o.Tasks {
		ts[i] = t.Kind.String() + ":" + t.Target + ":" + t.State + ":" + itoa(int64(t.Chunks)) + "/" + itoa(int64(t.Desired)) + "x" +
			t.Chunk.String() + ":" + t.Held.String() + "/" + t.Want.String() + ":$" + strconv.FormatFloat(t.Earned, 'f', -1, 64)
	}
	l := describe.New("Overview").I("id", o.ID).I("rid", o.Rid).I("reply", int64(o.Reply)).I("now", o.Now).I("since", o.Since).
		N("hosts", o.Hosts).R("usable", o.Usable).R("allocated", o.Allocated).R("idle", o.Idle).
		S("tasks", "["+strings.Join(ts, " ")+"]").F("earned", o.Earned).F("income", o.Income)
	if o.Jump.At > 0 {
		l.I("jump-at", o.Jump.At).R("jump", o.Jump.GB).I("absorbed", o.Jump.Absorbed).R("left", o.Jump.Left)
	}
	return l.String()
}
