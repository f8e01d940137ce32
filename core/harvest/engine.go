// Package harvest runs one harvest task: HWGW batches against one target,
// planned by core/hwgw.
//
// The Engine is a deterministic state machine (see DESIGN.md) that runs
// batches in the chunks of a growable allocation, one batch per chunk
// set: it fills the pipeline up to full overlap, then reshapes to larger
// batches, corrects the target when it drifts, and drains on shutdown. It
// never reads a clock: time arrives in Ticks.
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
	"cmp"
	"ramfarm/core/hwgw"
	"ramfarm/core/internal/detail"
	"slices"

	"ramfarm/core/ram"
)

// Engine runs one harvest task. It is not safe for concurrent use.
type Engine struct {
	cfg     Config
	planner *hwgw.Planner
	level   float64

	mode Mode
	step stepFunc

	ticked   bool  // a Tick has arrived
	now      int64 // ms, from the last Tick
	money    float64
	security float64

	shape  shape
	budget Budget
	plans  map[int]hwgw.Batch // one-chunk batches by cores, for the shape and level
	ref    *hwgw.Batch        // the shape's batch on a 1-core host
	fitted fitMemo

	chunks   []*chunk        // sorted by host, then size
	leaving  map[string]bool // hosts being vacated: no new batch there
	batches  []*batch        // in flight, by slot
	starting map[int64]*part
	running  map[Pid]*part
	answered int64

	nextID    int64
	nextBatch int64
	slotted   bool  // a slot was given out
	anchor    int64 // the first slot: every slot is anchor + k·Period
	lastSlot  int64

	reason  Reason // why the engine is rebalancing
	beatAt  int64
	beatDue bool
	landed  int64

	out Ready
}

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
	open       int // parts not yet exited or failed to start
	correction bool
	failed     bool // a part failed to start: the target may be off when it lands
}

// land is when op lands, ms.
func (b *batch) land(op hwgw.Op, spacing int64) int64 { return b.slot + int64(op)*spacing }

// part is one worker process of a batch.
type part struct {
	b       *batch
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
// (a Resize with ID 1).
func New(cfg Config) (*Engine, error) {
	c, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	p, err := hwgw.NewPlanner(c.Model)
	if err != nil {
		return nil, wrap(ErrBadConfig, detail.Of(err))
	}
	e := &Engine{
		cfg:       c,
		planner:   p,
		level:     c.Player.Hacking,
		starting:  map[int64]*part{},
		running:   map[Pid]*part{},
		leaving:   map[string]bool{},
		nextID:    1,
		nextBatch: 1,
		beatDue:   true,
		budget:    Budget{RAM: c.Budget, MaxChunk: c.MaxChunk},
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

// Step applies one event. It returns an error only when the shell broke
// the contract; then nothing changed.
func (e *Engine) Step(ev Event) error {
	ev, err := deref(ev)
	if err != nil {
		return err
	}
	if err := e.check(ev); err != nil {
		return err
	}
	switch ev := ev.(type) {
	case Tick:
		e.observe(ev)
	case Held:
		e.applyHeld(ev)
	case Budget:
		e.budget = ev
	case Started:
		e.started(ev)
	case Exited:
		e.exited(ev)
	case Leave:
		if !e.leaving[ev.Host] {
			e.leaving[ev.Host] = true
			e.logf("leaving " + ev.Host)
		}
	}
	e.step(e, ev)
	if _, ok := ev.(Tick); ok && e.mode != ModeDone {
		e.releaseSurplus()
		if e.beatDue || e.now >= e.beatAt+e.cfg.Heartbeat {
			e.heartbeat()
		}
	}
	return nil
}

func deref(ev Event) (Event, error) {
	switch p := ev.(type) {
	case nil:
		return nil, ErrNilEvent
	case *Tick:
		if p != nil {
			return *p, nil
		}
	case *Held:
		if p != nil {
			return *p, nil
		}
	case *Budget:
		if p != nil {
			return *p, nil
		}
	case *Started:
		if p != nil {
			return *p, nil
		}
	case *Exited:
		if p != nil {
			return *p, nil
		}
	case *Shutdown:
		if p != nil {
			return *p, nil
		}
	case *Leave:
		if p != nil {
			return *p, nil
		}
	case Tick, Held, Budget, Started, Exited, Shutdown, Leave:
		return ev, nil
	default:
		return nil, ErrUnknownEvent
	}
	return nil, ErrNilEvent
}

// check rejects a malformed event before anything changes.
func (e *Engine) check(ev Event) error {
	bad := func(s string) error { return wrap(ErrBadEvent, s) }
	switch ev := ev.(type) {
	case Tick:
		switch {
		case e.ticked && ev.Now < e.now:
			return wrap(ErrTimeBackward, itoa(ev.Now)+" < "+itoa(e.now))
		case !finite(ev.Money) || ev.Money < 0:
			return bad("money " + ftoa(ev.Money) + " is invalid")
		case !finite(ev.Security) || ev.Security < 1 || ev.Security > 100:
			return bad("security " + ftoa(ev.Security) + " is outside [1, 100]")
		case ev.Hacking != 0 && (!finite(ev.Hacking) || ev.Hacking < e.cfg.Target.RequiredHackingSkill || ev.Hacking < 1):
			return bad("hacking level " + ftoa(ev.Hacking) + " is below 1 or the target's required skill")
		}
	case Held:
		if ev.Answered < 0 || ev.Answered >= e.nextID {
			return bad("answered " + itoa(ev.Answered) + " is no command of this engine")
		}
		seen := map[chunkKey]bool{}
		for _, c := range ev.Chunks {
			k := chunkKey{c.Host, c.Size}
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
	case Budget:
		if ev.RAM < 0 || ev.RAM > ram.Max || ev.MaxChunk < 0 || ev.MaxChunk > ram.Max {
			return bad("budget is out of range")
		}
	case Started:
		if _, ok := e.starting[ev.Cmd]; !ok {
			return wrap(ErrUnknownCmd, "no StartOp "+itoa(ev.Cmd)+" awaits its result")
		}
		if ev.Pid < 0 {
			return bad("pid " + itoa(int64(ev.Pid)) + " is negative")
		}
		if _, dup := e.running[ev.Pid]; dup && ev.Pid != 0 {
			return bad("pid " + itoa(int64(ev.Pid)) + " is already running")
		}
	case Exited:
		if _, ok := e.running[ev.Pid]; !ok {
			return wrap(ErrUnknownPid, itoa(int64(ev.Pid)))
		}
	case Leave:
		if ev.Host == "" {
			return bad("leave names no host")
		}
	}
	return nil
}

// HasReady reports whether Ready has commands or logs.
func (e *Engine) HasReady() bool { return len(e.out.Commands) > 0 || len(e.out.Logs) > 0 }

// Ready returns what the engine wants done since the last Advance. It
// does not clear anything: call Advance once it is done.
func (e *Engine) Ready() Ready {
	rd := e.out
	rd.Wake = e.wake()
	return rd
}

// Advance tells the engine that the shell did everything Ready returned.
func (e *Engine) Advance() { e.out = Ready{} }

func (e *Engine) emit(c Command) { e.out.Commands = append(e.out.Commands, c) }
func (e *Engine) logf(s string)  { e.out.Logs = append(e.out.Logs, s) }

func (e *Engine) id() int64 {
	id := e.nextID
	e.nextID++
	return id
}

// observe takes a Tick's time and observations; a new level replans.
func (e *Engine) observe(t Tick) {
	e.ticked, e.now, e.money, e.security = true, t.Now, t.Money, t.Security
	if t.Hacking == 0 || t.Hacking == e.level {
		return
	}
	m := e.cfg.Model
	m.Player.Hacking = t.Hacking
	p, err := hwgw.NewPlanner(m)
	if err != nil {
		return // check rejected every level hwgw.NewPlanner would
	}
	e.logf("level " + ftoa(e.level) + " -> " + ftoa(t.Hacking) + " depth " + itoa(int64(e.planner.Depth())) + " -> " + itoa(int64(p.Depth())))
	e.level, e.planner = t.Hacking, p
	e.cfg.Player.Hacking = t.Hacking
	if e.mode == ModeDraining || e.mode == ModeDone {
		return
	}
	e.refit()
}

// started records a worker's pid; a failed start leaves its batch short.
func (e *Engine) started(ev Started) {
	pt := e.starting[ev.Cmd]
	delete(e.starting, ev.Cmd)
	if ev.Pid == 0 {
		pt.b.failed = true
		e.logf("exec failed batch=" + itoa(pt.b.id) + " op=" + pt.op.String() + " host=" + pt.host)
		e.partDone(pt)
		return
	}
	e.running[ev.Pid] = pt
}

func (e *Engine) exited(ev Exited) {
	pt := e.running[ev.Pid]
	delete(e.running, ev.Pid)
	e.partDone(pt)
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
	e.logf(l)
}

// chunkKey groups chunks as the allocator counts them.
type chunkKey struct {
	host string
	size ram.Amount
}

func cmpChunk(a, b *chunk) int {
	if c := cmp.Compare(a.host, b.host); c != 0 {
		return c
	}
	return cmp.Compare(a.size, b.size)
}
