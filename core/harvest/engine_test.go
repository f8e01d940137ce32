package harvest

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/ram"
	"ramfarm/core/task"
	"ramfarm/internal/modetest"
)

// TestEngine_transitions lists the moves between modes; any other
// panics.
func TestEngine_transitions(t *testing.T) {
	// Filling, reshaping and rebalancing move freely among themselves and
	// to draining; a refused allocation ends the task in any mode.
	but := func(m Mode) []Mode {
		return slices.DeleteFunc([]Mode{ModeFilling, ModeReshaping, ModeRebalancing, ModeDraining, ModeDone}, func(x Mode) bool { return x == m })
	}
	become := map[Mode]func(*Engine){
		ModeFilling:     (*Engine).becomeFilling,
		ModeReshaping:   (*Engine).becomeReshaping,
		ModeRebalancing: func(e *Engine) { e.becomeRebalancing(ReasonDrift) },
		ModeDraining:    (*Engine).becomeDraining,
		ModeDone:        func(e *Engine) { e.becomeDone(task.ReasonStopped) },
	}
	modetest.Check(t, ModeDone, map[Mode][]Mode{
		ModeFilling:     but(ModeFilling),
		ModeReshaping:   but(ModeReshaping),
		ModeRebalancing: but(ModeRebalancing),
		ModeDraining:    {ModeDone},
	}, canBecome, func(from, to Mode) {
		e := newEngine(t, Config{})
		e.mode = from
		become[to](e)
		if e.mode != to {
			t.Errorf("%s -> %s: mode %s", from, to, e.mode)
		}
	})
}

// newEngine is an engine on joesguns at level 100, with cfg's other
// fields.
func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	cfg.Model = model(t, "joesguns", 100)
	cfg.Period = 10000
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestNew_config(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		err  string // "" for success
	}{
		{"defaults", Config{}, ""},
		{"fraction above 1", Config{Fraction: 1.5}, "fraction 1.5 is outside [0, 1]"},
		{"max fraction nan", Config{MaxFraction: math.NaN()}, "max fraction NaN is outside [0, 1]"},
		{"negative max chunk", Config{MaxChunk: -1}, "max chunk -0.01GB is out of range"},
		{"negative cap", Config{Task: task.Config{Cap: -1}}, "cap -0.01GB is out of range"},
		{"fixed without cap", Config{Task: task.Config{Fixed: true}}, "a fixed task needs a cap: the RAM it asks for"},
		{"negative gain", Config{ReshapeGain: -0.1}, "reshape gain -0.1 is negative"},
		{"negative guard", Config{Guard: -1}, "guard -1ms is negative"},
		{"guard too wide", Config{Guard: 25}, "guard 25ms leaves no window within spacing 50ms"},
		{"money tolerance 1", Config{MoneyTolerance: 1}, "tolerances must be finite and non-negative, money below 1"},
		{"chunk below a grow", Config{MaxChunk: ram.GB, Fraction: 0.5}, "max chunk 1GB cannot hold one batch's grow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Model = model(t, "joesguns", 100)
			e, err := New(tt.cfg)
			switch {
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case tt.err != "" && (!errors.Is(err, ErrBadConfig) || !strings.HasSuffix(err.Error(), tt.err)):
				t.Fatalf("err %v, want %q", err, tt.err)
			case tt.err == "":
				c := e.cfg
				if c.MaxFraction != 0.9 || c.ReshapeGain != 0.25 || c.Guard != 10 || c.SecurityTolerance != 1e-6 ||
					c.MoneyTolerance != 0.01 || c.Task.Heartbeat != task.DefaultHeartbeat || c.Fraction != 0 {
					t.Errorf("defaults: %+v", c)
				}
			}
		})
	}
	// A fixed task starts with the largest batches its RAM holds.
	fixed := Config{Task: task.Config{Cap: 100 * ram.GB, Fixed: true}}
	fixed.Model = model(t, "joesguns", 100)
	if e, err := New(fixed); err != nil || e.cfg.Fraction != 0.9 {
		t.Errorf("fixed: %v, fraction %v", err, e.cfg.Fraction)
	}
	// A model error comes through New too.
	if _, err := New(Config{}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("empty model: %v", err)
	}
}

// dump is the engine's state as text, for "nothing changed" checks.
func dump(e *Engine) string {
	var b strings.Builder
	b.WriteString(e.mode.String() + " " + describeShape(e.shape) + " " + e.Base.String() + "\n")
	for _, c := range e.chunks {
		b.WriteString(c.host + " " + c.size.String() + " " + itoa(int64(c.cores)) + " " + itoa(c.release) + "\n")
	}
	for _, bt := range e.batches {
		b.WriteString("batch " + itoa(bt.id) + " open " + itoa(int64(bt.open)) + "\n")
	}
	return b.String()
}

// running returns an engine with one batch started on alpha (pids 101..104
// for StartOps 3..6) at now=100.
func running(t *testing.T) *Engine {
	t.Helper()
	e := newEngine(t, Config{Fraction: 0.01})
	must(t, e, task.Tick{Now: 0, Money: 62500000, Security: 5})
	must(t, e, task.Held{Seq: 1, Answered: 1, Chunks: []task.Chunk{{Host: "alpha", Size: e.shape.size, Count: 1, Cores: 1}}})
	must(t, e, task.Tick{Now: 100, Money: 62500000, Security: 5})
	rd := e.Ready()
	e.Advance()
	pid := task.Pid(101)
	for _, c := range rd.Commands {
		if s, ok := c.(task.Start); ok {
			must(t, e, task.Started{Cmd: s.ID, Pid: pid})
			pid++
		}
	}
	if pid != 105 {
		t.Fatalf("started %d workers: %v", pid-101, rd.Commands)
	}
	return e
}

func must(t *testing.T, e *Engine, ev task.Event) {
	t.Helper()
	if err := e.Step(ev); err != nil {
		t.Fatalf("%s: %v", task.DescribeEvent(ev), err)
	}
}

// A level the target cannot be hacked at, or a result or exit of no
// part in flight, is an error and changes nothing (core/task checks the
// rest of the contract).
func TestEngine_Step_errors(t *testing.T) {
	tests := []struct {
		name string
		ev   task.Event
		err  error
	}{
		{"level below required", task.Tick{Now: 200, Money: 1, Security: 5, Hacking: 9}, task.ErrBadEvent},
		{"level inf", task.Tick{Now: 200, Money: 1, Security: 5, Hacking: math.Inf(1)}, task.ErrBadEvent},
		{"started again", task.Started{Cmd: 2, Pid: 500}, task.ErrUnknownCmd},
		{"exited unknown", task.Exited{Pid: 999}, task.ErrUnknownPid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := running(t)
			before := dump(e)
			if err := e.Step(tt.ev); !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if after := dump(e); after != before {
				t.Errorf("state changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// Pointers to events are stepped like the events.
func TestEngine_Step_pointers(t *testing.T) {
	e := running(t)
	for _, ev := range []task.Event{&task.SetCap{}, &task.Held{Seq: 2, Answered: 1, Chunks: []task.Chunk{{Host: "alpha", Size: e.shape.size, Count: 1}}},
		&task.Exited{Pid: 101}, &task.Tick{Now: 200, Money: 62500000, Security: 5}, &task.Stop{}} {
		must(t, e, ev)
	}
	if e.Mode() != ModeDraining || !e.HasReady() {
		t.Errorf("mode %s, ready %v", e.Mode(), e.HasReady())
	}
	e.Advance()
	if e.HasReady() {
		t.Errorf("ready after Advance: %v", e.Ready())
	}
	pid := task.Pid(104)
	if err := e.Step(&task.Started{Cmd: 99, Pid: pid}); !errors.Is(err, task.ErrUnknownCmd) {
		t.Errorf("err %v", err)
	}
}

// The allocator taking back a chunk under a running batch does not
// interrupt it: the batch lands, and there is nothing to give back.
func TestEngine_Held_takenBack(t *testing.T) {
	e := running(t)
	must(t, e, task.Held{Seq: 2, Answered: 1})
	if len(e.chunks) != 0 || len(e.batches) != 1 {
		t.Fatalf("chunks %d batches %d", len(e.chunks), len(e.batches))
	}
	for pid := task.Pid(101); pid <= 104; pid++ {
		must(t, e, task.Exited{Pid: pid})
	}
	e.Advance()
	must(t, e, task.Tick{Now: 200000, Money: 62500000, Security: 5})
	for _, c := range e.Ready().Commands {
		if _, ok := c.(task.Release); ok {
			t.Errorf("released %s", task.DescribeCommand(c))
		}
	}
}

// A snapshot that still shows a released chunk (it answers an earlier
// command) keeps it as being released; one that answers the Release drops
// it; a release the allocator refused comes back as an idle chunk.
func TestEngine_Held_answered(t *testing.T) {
	e := running(t)
	size := e.shape.size
	must(t, e, task.Held{Seq: 2, Answered: 1, Chunks: []task.Chunk{{Host: "alpha", Size: size, Count: 1}, {Host: "beta", Size: 100 * ram.GB, Count: 1}}})
	e.Advance()
	must(t, e, task.Tick{Now: 200, Money: 62500000, Security: 5})
	var rel task.Release
	for _, c := range e.Ready().Commands {
		if r, ok := c.(task.Release); ok {
			rel = r
		}
	}
	if rel.Host != "beta" || rel.Count != 1 {
		t.Fatalf("release %+v", rel)
	}
	e.Advance()
	must(t, e, task.Held{Seq: 3, Answered: rel.ID - 1, Chunks: []task.Chunk{{Host: "alpha", Size: size, Count: 1}, {Host: "beta", Size: 100 * ram.GB, Count: 1}}})
	if n := len(e.chunks); n != 2 || e.chunks[1].release != rel.ID {
		t.Fatalf("before the answer: %d chunks", n)
	}
	must(t, e, task.Held{Seq: 3, Answered: rel.ID, Chunks: []task.Chunk{{Host: "alpha", Size: size, Count: 1}, {Host: "beta", Size: 100 * ram.GB, Count: 1}}})
	if n := len(e.chunks); n != 2 || !e.chunks[1].idle() {
		t.Fatalf("refused release: %d chunks", n)
	}
	must(t, e, task.Held{Seq: 4, Answered: rel.ID, Chunks: []task.Chunk{{Host: "alpha", Size: size, Count: 1}}})
	if n := len(e.chunks); n != 1 {
		t.Fatalf("after the answer: %d chunks", n)
	}
}

// The slot grid: the first slot anchors it, later ones are on it and
// always after the last.
func TestEngine_nextSlot(t *testing.T) {
	e := newEngine(t, Config{}) // period 10000
	got := []int64{
		e.nextSlot(1000.5),  // anchor 1001
		e.nextSlot(500),     // before the anchor: after the last
		e.nextSlot(25000),   // on the grid
		e.nextSlot(31001),   // exactly a slot
		e.nextSlot(31001.2), // the next one
	}
	if want := []int64{1001, 11001, 31001, 41001, 51001}; !slices.Equal(got, want) {
		t.Errorf("slots %v, want %v", got, want)
	}
}

// Operations start only in the windows between a batch's landings that
// leave the target at min security.
func TestEngine_safe(t *testing.T) {
	e := newEngine(t, Config{}) // spacing 50, guard 10
	e.batches = []*batch{{slot: 1000}}
	for _, tt := range []struct {
		now  int64
		safe bool
	}{{989, true}, {990, false}, {1060, false}, {1061, true}, {1089, true}, {1090, false}, {1160, false}, {1161, false}, {5000, false}} {
		if got := e.safe(tt.now); got != tt.safe {
			t.Errorf("now %d: safe %v, want %v", tt.now, got, tt.safe)
		}
	}
	e.batches = nil
	if !e.safe(0) || !e.quiet(0) {
		t.Error("nothing in flight is not safe")
	}
}

func TestMode_String(t *testing.T) {
	tests := []struct{ got, want string }{
		{ModeFilling.String() + " " + ModeReshaping.String() + " " + ModeRebalancing.String() + " " + ModeDraining.String() + " " + ModeDone.String(),
			"filling reshaping rebalancing draining done"},
		{Mode(7).String() + " " + Reason(7).String(), "mode7 reason7"},
		{ReasonNone.String() + " " + ReasonDrift.String() + " " + ReasonExecFailed.String(), "none drift exec-failed"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
	}
}

// Want is the current shape without a budget, the depth of the largest
// batch within one, and nothing once draining.
func TestEngine_Want(t *testing.T) {
	e := newEngine(t, Config{})
	if got, want := e.Want(), e.shape.total(); got != want {
		t.Errorf("no budget: want %s, wanted %s", got, want)
	}
	big := e.planner.Batch(e.planner.HackThreads(0.9), 1, false).RAM.Times(e.planner.Depth())
	for _, tt := range []struct {
		budget, want ram.Amount
	}{
		{big * 2, big},
		{big / 2, big / 2},
	} {
		must(t, e, task.SetCap{RAM: tt.budget})
		if got := e.Want(); got != tt.want {
			t.Errorf("budget %s: want %s, wanted %s", tt.budget, got, tt.want)
		}
	}
	must(t, e, task.Stop{})
	if got := e.Want(); got != 0 {
		t.Errorf("draining: want %s", got)
	}
}

// A fixed harvest asks once, shrinkable; refused, it finishes holding
// nothing, whatever mode the answer finds it in.
func TestEngine_refused(t *testing.T) {
	e := newEngine(t, Config{Task: task.Config{Cap: 100 * ram.GB, Fixed: true}})
	if a, ok := e.Ready().Commands[0].(task.Alloc); !ok || a.Growable || !a.Shrinkable {
		t.Fatalf("first command %s", task.DescribeCommand(e.Ready().Commands[0]))
	}
	e.Advance()
	must(t, e, task.Stop{})
	e.Advance()
	must(t, e, task.Refused{Reason: "no room"})
	var got []string
	for _, c := range e.Ready().Commands {
		got = append(got, task.DescribeCommand(c))
	}
	if want := []string{"Finished id=3 reason=refused"}; !slices.Equal(got, want) || e.Mode() != ModeDone {
		t.Errorf("after the refusal: %q in mode %s, want %q", got, e.Mode(), want)
	}
}
