// Package harvest runs one harvest task: HWGW batches against one target,
// planned by core/hwgw.
//
// The Engine is a deterministic state machine (see DESIGN.md) speaking
// the task contract of core/task. Its allocation is counted in threads:
// one chunk is one thread of the larger worker, as a till's or a sow's,
// so any host with room for a thread takes part and nothing is lost to
// chunks too large for the RAM between others. A batch takes the chunks
// its threads need wherever they are idle: its grow whole on one host,
// its hack and weakens divided over hosts as they come (core/hwgw's
// placement rule), its grow and weaken threads counted for the cores of
// the hosts they land on (the allocator's snapshots say them): the grow
// goes to the most cores that hold it, the hack to the fewest, so a
// batch takes fewer chunks than the 1-core plan its allocation is sized
// by, and the rest serve smaller batches. The engine adds batches up to full overlap, then makes
// them larger; when its RAM cannot hold full overlap it runs the batch
// size that earns most per GB. A new size applies to the batches it
// starts from then on; those in flight keep theirs, so nothing is
// reshaped or interrupted. It corrects the target when it drifts and
// drains on a stop. It never reads a clock: time arrives in Ticks.
//
// Landing order is the invariant everything else serves. Every batch gets
// a landing slot on one grid, strictly later than every earlier batch's,
// and its four operations land Spacing ms apart within the slot; Period ≥
// 4·Spacing keeps batches from interleaving. The game times an operation
// from the security at its call, so operations start only when the
// target is at min security: never within Guard ms of a landing that
// raises it or lowers it back.
package harvest

import (
	"slices"

	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// Engine runs one harvest task. It is not safe for concurrent use.
type Engine struct {
	cfg     Config
	planner *hwgw.Planner
	level   float64    // the player's, the planner's
	size    ram.Amount // the chunk: one thread of the larger worker

	task.Base[*part]

	mode    Mode
	step    stepFunc
	changed bool // the mode changed since the last Tick

	shape  shape
	sizes  sizes // batch plans by hack threads, for the planner
	hosts  []*host
	flight []*batch // batches in flight, by slot
	landed int64

	nextBatch int64
	slotted   bool  // a slot was given out
	anchor    int64 // the first slot: every slot is anchor + k·Period
	lastSlot  int64

	reason Reason // why the engine is rebalancing
}

var _ task.Engine = (*Engine)(nil)

// host is what the allocation holds on one host and what runs there.
type host struct {
	name  string
	cores int
	held  int        // chunks held and kept
	busy  ram.Amount // RAM of the workers starting or running here
	// gone are chunks given back, by the Release that gave them: the
	// allocator's snapshots count them until they reflect it.
	gone []release
}

type release struct {
	id    int64
	count int
}

// idle is the RAM held here that no worker uses.
func (h *host) idle(size ram.Amount) ram.Amount { return max(0, size.Times(h.held)-h.busy) }

// spare is the chunks here no worker uses: what can be given back.
func (h *host) spare(size ram.Amount) int { return int(h.idle(size) / size) }

// batch is a started batch.
type batch struct {
	id         int64
	slot       int64 // when its hack lands (or would), ms
	plan       hwgw.Batch
	parts      []*part // in landing order
	starting   int     // parts whose start awaits its result
	open       int     // parts not yet exited or failed to start
	correction bool
	filler     bool    // smaller than the shape's, in chunks its batches left idle
	failed     bool    // a part was lost after its hack landed: the target may be off when it lands
	lost       []*part // parts lost and not yet replaced (see lost.go)
	cancelled  bool    // its hack will not land: the rest was killed
}

// land is when op lands, ms.
func (b *batch) land(op hwgw.Op, spacing int64) int64 { return b.slot + int64(op)*spacing }

// part is one worker process of a batch.
type part struct {
	b       *batch
	pid     task.Pid // 0 while starting, or when its start failed
	op      hwgw.Op
	host    *host
	threads int
	ram     ram.Amount
	done    bool // exited, or failed to start
	lost    bool // its work was lost (lost.go)
}

// New builds an Engine for cfg. Its first Ready asks for the allocation
// (an Alloc with ID 1).
func New(cfg Config) (*Engine, error) {
	c, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	p, err := hwgw.NewPlanner(c.Model)
	if err != nil {
		return nil, badConfig(err)
	}
	m := p.Model()
	e := &Engine{
		Base:      task.NewBase[*part](c.Task),
		cfg:       c,
		planner:   p,
		level:     c.Player.Hacking,
		size:      max(m.HackRAM, m.GrowRAM, m.WeakenRAM),
		nextBatch: 1,
	}
	e.sizes = newSizes(p)
	e.mode, e.step = ModeFilling, stepFilling
	e.setShape(e.choose())
	return e, nil
}

// Mode is what the engine is doing now.
func (e *Engine) Mode() Mode { return e.mode }

// Planner is the planner for the player's current level.
func (e *Engine) Planner() *hwgw.Planner { return e.planner }

// Step applies one event (see task.Engine).
func (e *Engine) Step(ev task.Event) error { return e.Handle(ev, e.check, e.apply, e.status) }

// apply is what an accepted event means to a harvest. A Tick ends with
// giving back the chunks the shape does not want.
func (e *Engine) apply(ev task.Event, pt *part) {
	switch ev := ev.(type) {
	case task.Tick:
		e.observe(ev)
	case task.Held:
		before := e.largestHost()
		e.applyHeld(ev)
		if e.largestHost() != before && e.mode < ModeDraining {
			e.setShape(e.choose()) // what one host holds bounds the batch's grow
		}
	case task.SetCap:
		if e.mode < ModeDraining {
			e.setShape(e.choose())
		}
	case task.Started:
		e.started(ev, pt)
	case task.Exited:
		if e.Lost() {
			e.lose(pt)
		}
		e.partDone(pt)
	case task.Refused:
		e.refused(ev)
		return
	}
	if _, ok := ev.(task.Tick); ok {
		e.recover()
	}
	e.step(e, ev)
	if _, ok := ev.(task.Tick); ok && !e.Finished() {
		e.releaseSurplus()
		e.changed = false
	}
}

// check rejects a level the target cannot be hacked at.
func (e *Engine) check(ev task.Event) error {
	if t, ok := ev.(task.Tick); ok && t.Hacking != 0 && t.Hacking < e.cfg.Target.RequiredHackingSkill {
		return wrap(task.ErrBadEvent, "hacking level "+ftoa(t.Hacking)+" is below the target's required skill")
	}
	return nil
}

// Ready returns what the engine wants done since the last Advance.
func (e *Engine) Ready() task.Ready { return e.Base.Ready(e.wake()) }

// observe takes a Tick's level: a new one replans.
func (e *Engine) observe(t task.Tick) {
	if t.Hacking == 0 || t.Hacking == e.level {
		return
	}
	m := e.cfg.Model
	m.Player.Hacking = t.Hacking
	p, err := hwgw.NewPlanner(m)
	if err != nil {
		return // check rejected every level hwgw.NewPlanner would
	}
	e.Logf("level " + ftoa(e.level) + " -> " + ftoa(t.Hacking) + " depth " + itoa(int64(e.planner.Depth())) + " -> " + itoa(int64(p.Depth())))
	e.level, e.planner, e.sizes = t.Hacking, p, newSizes(p)
	e.cfg.Player.Hacking = t.Hacking
	if e.mode < ModeDraining {
		e.setShape(e.choose())
	}
}

// started records a worker's pid; a failed start loses its part (see
// lose), and a start into a cancelled batch is killed at once. Once every
// part of a batch has its result, the log says which pid runs which
// landing.
func (e *Engine) started(ev task.Started, pt *part) {
	b := pt.b
	pt.pid = ev.Pid
	if b.starting--; b.starting == 0 {
		l := "pids batch=" + itoa(b.id)
		for _, p := range b.parts {
			l += " " + p.op.String() + ":" + itoa(int64(p.pid))
		}
		e.Logf(l)
	}
	switch {
	case ev.Pid == 0:
		e.Logf("exec failed batch=" + itoa(b.id) + " op=" + pt.op.String() + " host=" + pt.host.name)
		e.lose(pt)
		e.partDone(pt)
	case b.cancelled:
		e.Kill(ev.Pid)
	}
}

// partDone counts a part off and frees its RAM; the last one lands the
// batch, unless a lost part of it awaits its replacement.
func (e *Engine) partDone(pt *part) {
	pt.host.busy -= pt.ram
	pt.done = true
	b := pt.b
	b.open--
	e.settle(b)
}

// settle ends a batch in flight with no part open and none to replace.
func (e *Engine) settle(b *batch) {
	if b.open > 0 || len(b.lost) > 0 {
		return
	}
	i := slices.Index(e.flight, b)
	e.flight = slices.Delete(e.flight, i, i+1)
	l := "landed batch=" + itoa(b.id) + " slot=" + itoa(b.slot)
	switch {
	case b.cancelled:
		l = "cancelled batch=" + itoa(b.id) + " ended"
	case !b.correction:
		e.landed++
	}
	if b.failed {
		l += " short"
	}
	e.Logf(l)
}

// held is the chunks the engine keeps, on every host.
func (e *Engine) held() int {
	n := 0
	for _, h := range e.hosts {
		n += h.held
	}
	return n
}

// inFlight counts the batches in flight, corrections aside.
func (e *Engine) inFlight() int {
	n := 0
	for _, b := range e.flight {
		if !b.correction && !b.filler {
			n++
		}
	}
	return n
}
