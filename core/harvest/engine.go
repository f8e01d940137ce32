// Package harvest runs one harvest task: HWGW batches against one target,
// planned by core/hwgw.
//
// The Engine is a deterministic state machine (see DESIGN.md) speaking
// the task contract of core/task. It runs batches in the chunks of a
// growable allocation, one batch per chunk set: it fills the pipeline up
// to full overlap, then reshapes to larger batches, corrects the target
// when it drifts, and drains on a stop. It never reads a clock: time
// arrives in Ticks.
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
	level   float64 // the player's, the planner's

	task.Base[*part]

	mode    Mode
	step    stepFunc
	changed bool // the mode changed since the last Tick

	shape  shape
	plans  map[int]hwgw.Batch // one-chunk batches by cores, for the shape and level
	ref    *hwgw.Batch        // the shape's batch on a 1-core host
	fitted fitMemo

	chunks  []*chunk // sorted by host, then size
	batches []*batch // in flight, by slot

	nextBatch int64
	slotted   bool  // a slot was given out
	anchor    int64 // the first slot: every slot is anchor + k·Period
	lastSlot  int64

	reason Reason // why the engine is rebalancing
	landed int64
}

var _ task.Engine = (*Engine)(nil)

// chunk is one chunk of the allocation.
type chunk struct {
	host    string
	size    ram.Amount
	cores   int
	batch   *batch // the batch running in it; nil when idle
	release int64  // the Release giving it back; 0 while kept
}

func (c *chunk) idle() bool { return c.batch == nil && c.release == 0 }

// batch is a started batch.
type batch struct {
	id         int64
	slot       int64 // when its hack lands (or would), ms
	plan       hwgw.Batch
	chunks     []*chunk
	parts      []*part // in landing order
	starting   int     // parts whose start awaits its result
	open       int     // parts not yet exited or failed to start
	correction bool
	failed     bool // a part failed to start: the target may be off when it lands
}

// land is when op lands, ms.
func (b *batch) land(op hwgw.Op, spacing int64) int64 { return b.slot + int64(op)*spacing }

// part is one worker process of a batch.
type part struct {
	b       *batch
	pid     task.Pid // 0 while starting, or when its start failed
	op      hwgw.Op
	host    string
	threads int
}

// shape is the allocation's chunk size and count and the batch they hold.
type shape struct {
	size  ram.Amount // chunk size
	per   int        // chunks per batch
	count int        // batches wanted
	hack  int        // hack threads of a batch on 1-core hosts
	split bool       // batches divided over chunks
}

func (s shape) desired() int         { return s.count * s.per }
func (s shape) batchRAM() ram.Amount { return s.size.Times(s.per) }
func (s shape) total() ram.Amount    { return s.size.Times(s.desired()) }

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
	e := &Engine{
		Base:      task.NewBase[*part](c.Task),
		cfg:       c,
		planner:   p,
		level:     c.Player.Hacking,
		nextBatch: 1,
	}
	s, ok := e.initialShape()
	if !ok {
		return nil, wrap(ErrBadConfig, "max chunk "+c.MaxChunk.String()+" cannot hold one batch's grow")
	}
	e.mode, e.step = ModeFilling, stepFilling
	e.applyShape(s)
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
		e.applyHeld(ev)
	case task.Started:
		e.started(ev, pt)
	case task.Exited:
		e.partDone(pt)
	case task.Refused:
		e.refused(ev)
		return
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
	e.level, e.planner = t.Hacking, p
	e.cfg.Player.Hacking = t.Hacking
	if e.mode == ModeDraining || e.mode == ModeDone {
		return
	}
	e.refit()
}

// started records a worker's pid; a failed start leaves its batch short.
// Once every part of a batch has its result, the log says which pid runs
// which landing.
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
	if ev.Pid == 0 {
		b.failed = true
		e.Logf("exec failed batch=" + itoa(b.id) + " op=" + pt.op.String() + " host=" + pt.host)
		e.partDone(pt)
	}
}

// partDone counts a part off; the last one lands the batch and frees its
// chunks.
func (e *Engine) partDone(pt *part) {
	b := pt.b
	b.open--
	if b.open > 0 {
		return
	}
	i := slices.Index(e.batches, b)
	e.batches = slices.Delete(e.batches, i, i+1)
	for _, c := range b.chunks {
		c.batch = nil // a chunk the allocator took back is simply forgotten
	}
	if !b.correction {
		e.landed++
	}
	l := "landed batch=" + itoa(b.id) + " slot=" + itoa(b.slot)
	if b.failed {
		l += " short"
	}
	e.Logf(l)
}
