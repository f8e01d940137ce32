package harvest

import (
	"errors"
	"math"
	"ramfarm/core/hwgw"
	"ramfarm/internal/testservers"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
)

// TestEngine_transitions lists every pair of modes and whether the engine
// may move from one to the other; a forbidden move panics.
func TestEngine_transitions(t *testing.T) {
	allowed := map[[2]Mode]bool{
		{ModeFilling, ModeReshaping}:     true,
		{ModeFilling, ModeRebalancing}:   true,
		{ModeFilling, ModeDraining}:      true,
		{ModeReshaping, ModeFilling}:     true,
		{ModeReshaping, ModeRebalancing}: true,
		{ModeReshaping, ModeDraining}:    true,
		{ModeRebalancing, ModeFilling}:   true,
		{ModeRebalancing, ModeReshaping}: true,
		{ModeRebalancing, ModeDraining}:  true,
		{ModeDraining, ModeDone}:         true,
	}
	become := map[Mode]func(*Engine){
		ModeFilling:     (*Engine).becomeFilling,
		ModeReshaping:   (*Engine).becomeReshaping,
		ModeRebalancing: func(e *Engine) { e.becomeRebalancing(ReasonDrift) },
		ModeDraining:    (*Engine).becomeDraining,
		ModeDone:        (*Engine).becomeDone,
	}
	for from := ModeFilling; from <= ModeDone; from++ {
		for to := ModeFilling; to <= ModeDone; to++ {
			want := allowed[[2]Mode{from, to}]
			if got := canBecome(from, to); got != want {
				t.Errorf("%s -> %s: allowed %v, want %v", from, to, got, want)
			}
			e := newEngine(t, Config{})
			e.mode = from
			panicked := func() (p bool) {
				defer func() { p = recover() != nil }()
				become[to](e)
				return false
			}()
			if panicked == want {
				t.Errorf("%s -> %s: panicked %v", from, to, panicked)
			}
			if want && e.mode != to {
				t.Errorf("%s -> %s: mode %s", from, to, e.mode)
			}
		}
	}
	if canBecome(Mode(9), ModeFilling) {
		t.Error("unknown mode may move")
	}
}

// newEngine is an engine on joesguns at level 100, with cfg's other
// fields.
func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	cfg.Model = hwgw.Model{Target: testservers.Server(t, "joesguns"), Player: formulas.NewPlayer(100), BitNode: formulas.BN1(), Period: 10000}
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
		{"negative budget", Config{Budget: -1}, "max chunk or budget is out of range"},
		{"negative gain", Config{ReshapeGain: -0.1}, "reshape gain -0.1 is negative"},
		{"negative guard", Config{Guard: -1}, "guard and heartbeat must not be negative"},
		{"guard too wide", Config{Guard: 25}, "guard 25ms leaves no window within spacing 50ms"},
		{"money tolerance 1", Config{MoneyTolerance: 1}, "tolerances must be finite and non-negative, money below 1"},
		{"chunk below a grow", Config{MaxChunk: ram.GB, Fraction: 0.5}, "max chunk 1GB cannot hold one batch's grow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Model = hwgw.Model{Target: testservers.Server(t, "joesguns"), Player: formulas.NewPlayer(100), BitNode: formulas.BN1()}
			e, err := New(tt.cfg)
			switch {
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case tt.err != "" && (!errors.Is(err, ErrBadConfig) || !strings.HasSuffix(err.Error(), tt.err)):
				t.Fatalf("err %v, want %q", err, tt.err)
			case tt.err == "":
				c := e.cfg
				if c.MaxFraction != 0.9 || c.ReshapeGain != 0.25 || c.Guard != 10 || c.SecurityTolerance != 1e-6 ||
					c.MoneyTolerance != 0.01 || c.Heartbeat != 1000 {
					t.Errorf("defaults: %+v", c)
				}
			}
		})
	}
	// A model error comes through New too.
	if _, err := New(Config{}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("empty model: %v", err)
	}
}

// dump is the engine's state as text, for "nothing changed" checks.
func dump(e *Engine) string {
	var b strings.Builder
	b.WriteString(e.mode.String() + " " + describeShape(e.shape) + " now=" + itoa(e.now) + " next=" + itoa(e.nextID) +
		" answered=" + itoa(e.answered) + " budget=" + DescribeEvent(e.budget) + "\n")
	for _, c := range e.chunks {
		b.WriteString(c.host + " " + c.size.String() + " " + itoa(int64(c.cores)) + " " + itoa(c.release) + "\n")
	}
	for _, bt := range e.batches {
		b.WriteString("batch " + itoa(bt.id) + " open " + itoa(int64(bt.open)) + "\n")
	}
	for _, c := range e.out.Commands {
		b.WriteString(DescribeCommand(c) + "\n")
	}
	return b.String()
}

// running returns an engine with one batch started on alpha (pids 101..104
// for StartOps 3..6) at now=100.
func running(t *testing.T) *Engine {
	t.Helper()
	e := newEngine(t, Config{Fraction: 0.01})
	must(t, e, Tick{Now: 0, Money: 62500000, Security: 5})
	must(t, e, Held{Answered: 1, Chunks: []Chunk{{Host: "alpha", Size: e.shape.size, Count: 1, Cores: 1}}})
	must(t, e, Tick{Now: 100, Money: 62500000, Security: 5})
	rd := e.Ready()
	e.Advance()
	pid := Pid(101)
	for _, c := range rd.Commands {
		if s, ok := c.(StartOp); ok {
			must(t, e, Started{Cmd: s.ID, Pid: pid})
			pid++
		}
	}
	if pid != 105 {
		t.Fatalf("started %d workers: %v", pid-101, rd.Commands)
	}
	return e
}

func must(t *testing.T, e *Engine, ev Event) {
	t.Helper()
	if err := e.Step(ev); err != nil {
		t.Fatalf("%s: %v", DescribeEvent(ev), err)
	}
}

// A malformed event or one naming nothing the engine issued is an error,
// and changes nothing.
func TestEngine_Step_errors(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
		err  error
	}{
		{"nil", nil, ErrNilEvent},
		{"nil pointer", (*Tick)(nil), ErrNilEvent},
		{"unknown", struct{ Event }{}, ErrUnknownEvent},
		{"time backward", Tick{Now: 99, Money: 1, Security: 5}, ErrTimeBackward},
		{"negative money", Tick{Now: 200, Money: -1, Security: 5}, ErrBadEvent},
		{"nan money", Tick{Now: 200, Money: math.NaN(), Security: 5}, ErrBadEvent},
		{"security 0", Tick{Now: 200, Money: 1, Security: 0}, ErrBadEvent},
		{"security 101", Tick{Now: 200, Money: 1, Security: 101}, ErrBadEvent},
		{"level below required", Tick{Now: 200, Money: 1, Security: 5, Hacking: 9}, ErrBadEvent},
		{"level inf", Tick{Now: 200, Money: 1, Security: 5, Hacking: math.Inf(1)}, ErrBadEvent},
		{"answered ahead", Held{Answered: 99}, ErrBadEvent},
		{"answered negative", Held{Answered: -1}, ErrBadEvent},
		{"chunk no host", Held{Chunks: []Chunk{{Size: ram.GB, Count: 1}}}, ErrBadEvent},
		{"chunk size 0", Held{Chunks: []Chunk{{Host: "a", Count: 1}}}, ErrBadEvent},
		{"chunk count negative", Held{Chunks: []Chunk{{Host: "a", Size: ram.GB, Count: -1}}}, ErrBadEvent},
		{"chunk twice", Held{Chunks: []Chunk{{Host: "a", Size: ram.GB, Count: 1}, {Host: "a", Size: ram.GB, Count: 2}}}, ErrBadEvent},
		{"budget negative", Budget{RAM: -1}, ErrBadEvent},
		{"budget chunk huge", Budget{MaxChunk: ram.Max + 1}, ErrBadEvent},
		{"started unknown", Started{Cmd: 99, Pid: 1}, ErrUnknownCmd},
		{"started again", Started{Cmd: 3, Pid: 500}, ErrUnknownCmd},
		{"exited unknown", Exited{Pid: 999}, ErrUnknownPid},
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
	for _, ev := range []Event{&Budget{}, &Held{Answered: 1, Chunks: []Chunk{{Host: "alpha", Size: e.shape.size, Count: 1}}},
		&Exited{Pid: 101}, &Tick{Now: 200, Money: 62500000, Security: 5}, &Shutdown{}} {
		must(t, e, ev)
	}
	if e.Mode() != ModeDraining || !e.HasReady() {
		t.Errorf("mode %s, ready %v", e.Mode(), e.HasReady())
	}
	e.Advance()
	if e.HasReady() {
		t.Errorf("ready after Advance: %v", e.Ready())
	}
	pid := Pid(104)
	if err := e.Step(&Started{Cmd: 99, Pid: pid}); !errors.Is(err, ErrUnknownCmd) {
		t.Errorf("err %v", err)
	}
}

// The allocator taking back a chunk under a running batch does not
// interrupt it: the batch lands, and there is nothing to give back.
func TestEngine_Held_takenBack(t *testing.T) {
	e := running(t)
	must(t, e, Held{Answered: 1})
	if len(e.chunks) != 0 || len(e.batches) != 1 {
		t.Fatalf("chunks %d batches %d", len(e.chunks), len(e.batches))
	}
	for pid := Pid(101); pid <= 104; pid++ {
		must(t, e, Exited{Pid: pid})
	}
	e.Advance()
	must(t, e, Tick{Now: 200000, Money: 62500000, Security: 5})
	for _, c := range e.Ready().Commands {
		if _, ok := c.(Release); ok {
			t.Errorf("released %s", DescribeCommand(c))
		}
	}
}

// A snapshot that still shows a released chunk (it answers an earlier
// command) keeps it as being released; one that answers the Release drops
// it; a release the allocator refused comes back as an idle chunk.
func TestEngine_Held_answered(t *testing.T) {
	e := running(t)
	size := e.shape.size
	must(t, e, Held{Answered: 1, Chunks: []Chunk{{Host: "alpha", Size: size, Count: 1}, {Host: "beta", Size: 100 * ram.GB, Count: 1}}})
	e.Advance()
	must(t, e, Tick{Now: 200, Money: 62500000, Security: 5})
	var rel Release
	for _, c := range e.Ready().Commands {
		if r, ok := c.(Release); ok {
			rel = r
		}
	}
	if rel.Host != "beta" || rel.Count != 1 {
		t.Fatalf("release %+v", rel)
	}
	e.Advance()
	must(t, e, Held{Answered: rel.ID - 1, Chunks: []Chunk{{Host: "alpha", Size: size, Count: 1}, {Host: "beta", Size: 100 * ram.GB, Count: 1}}})
	if n := len(e.chunks); n != 2 || e.chunks[1].release != rel.ID {
		t.Fatalf("before the answer: %d chunks", n)
	}
	must(t, e, Held{Answered: rel.ID, Chunks: []Chunk{{Host: "alpha", Size: size, Count: 1}, {Host: "beta", Size: 100 * ram.GB, Count: 1}}})
	if n := len(e.chunks); n != 2 || !e.chunks[1].idle() {
		t.Fatalf("refused release: %d chunks", n)
	}
	must(t, e, Held{Answered: rel.ID, Chunks: []Chunk{{Host: "alpha", Size: size, Count: 1}}})
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
		e.now = tt.now
		if got := e.safe(); got != tt.safe {
			t.Errorf("now %d: safe %v, want %v", tt.now, got, tt.safe)
		}
	}
	e.batches = nil
	if !e.safe() || !e.quiet() {
		t.Error("nothing in flight is not safe")
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{DescribeEvent(Tick{Now: 5, Money: 1.5, Security: 3, Hacking: 40}), "Tick now=5 money=1.5 security=3 hacking=40"},
		{DescribeEvent(&Tick{Now: 5, Money: 1.5, Security: 3}), "Tick now=5 money=1.5 security=3"},
		{DescribeEvent(Held{Answered: 2, Chunks: []Chunk{{Host: "a", Size: 175, Count: 2, Cores: 4}}}), "Held answered=2 chunks=[a:2x1.75GB:4c]"},
		{DescribeEvent(Budget{RAM: 100 * ram.GB, MaxChunk: 16 * ram.GB}), "Budget ram=100GB max-chunk=16GB"},
		{DescribeEvent(Started{Cmd: 3, Pid: 9}), "Started cmd=3 pid=9"},
		{DescribeEvent(Exited{Pid: 9}), "Exited pid=9"},
		{DescribeEvent(Shutdown{}), "Shutdown"},
		{DescribeEvent(nil), "<nil>"},
		{DescribeEvent(struct{ Event }{}), "<unknown event>"},
		{DescribeCommand(StartOp{ID: 1, Batch: 2, Op: hwgw.OpGrow, Host: "h", Threads: 3, RAM: 525, Delay: 1.5, Duration: 2, Land: 3.5}),
			"StartOp id=1 batch=2 op=G action=grow host=h threads=3 ram=5.25GB delay=1.500 duration=2.000 land=3.500"},
		{DescribeCommand(Resize{ID: 1, ChunkSize: 175, Count: 4}), "Resize id=1 size=1.75GB count=4"},
		{DescribeCommand(Release{ID: 1, Host: "h", Size: 175, Count: 4}), "Release id=1 host=h size=1.75GB count=4"},
		{DescribeCommand(Release{ID: 1}), "Release id=1 all"},
		{DescribeCommand(Heartbeat{ID: 1, Mode: ModeReshaping, InFlight: 2, Depth: 3, ChunkSize: 100, PerBatch: 1, Held: 300, Fraction: 0.25, MoneyPerSec: 12.6, Landed: 7}),
			"Heartbeat id=1 mode=reshaping in-flight=2 depth=3 chunk=1GB per-batch=1 held=3GB fraction=0.25 money/s=13 landed=7"},
		{DescribeCommand(Rebalance{ID: 1, Reason: ReasonExecFailed, Money: 2, Security: 3, Weaken: 4, Grow: 5}),
			"Rebalance id=1 reason=exec-failed money=2 security=3 weaken=4 grow=5"},
		{DescribeCommand(Done{ID: 1, Reason: ReasonShutdown}), "Done id=1 reason=shutdown"},
		{DescribeCommand(nil), "<nil>"},
		{Mode(7).String() + " " + Reason(7).String(), "mode7 reason7"},
		{ReasonNone.String() + " " + ReasonDrift.String(), "none drift"},
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
		must(t, e, Budget{RAM: tt.budget})
		if got := e.Want(); got != tt.want {
			t.Errorf("budget %s: want %s, wanted %s", tt.budget, got, tt.want)
		}
	}
	must(t, e, Shutdown{})
	if got := e.Want(); got != 0 {
		t.Errorf("draining: want %s", got)
	}
}
