package prep

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
	"ramfarm/core/task"
	"ramfarm/internal/modetest"
)

func tillConfig() Config {
	return Config{Kind: KindTill, Target: formulas.Server{MinDifficulty: 3, HackDifficulty: 5}}
}

func sowConfig() Config {
	return Config{Kind: KindSow, Target: formulas.Server{MinDifficulty: 3, MoneyMax: 1e6, ServerGrowth: 100}}
}

func TestConfig_validate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		bad  string // part of the error; "" = valid
	}{
		{"till", func(*Config) {}, ""},
		{"no kind", func(c *Config) { c.Kind = KindNone }, "neither till nor sow"},
		{"negative RAM", func(c *Config) { c.WeakenRAM = -1 }, "worker RAM"},
		{"negative cap", func(c *Config) { c.Task.Cap = -1 }, "cap"},
		{"fixed without cap", func(c *Config) { c.Task.Fixed = true }, "needs a cap"},
		{"fixed with cap", func(c *Config) { c.Task.Fixed, c.Task.Cap = true, ram.GB }, ""},
		{"NaN tolerance", func(c *Config) { c.SecurityTolerance = nan() }, "security tolerance"},
		{"money tolerance 1", func(c *Config) { c.MoneyTolerance = 1 }, "money tolerance"},
		{"negative heartbeat", func(c *Config) { c.Task.Heartbeat = -1 }, "heartbeat"},
		{"bad min security", func(c *Config) { c.Target.MinDifficulty = 0 }, "min security"},
		{"sow without money", func(c *Config) { c.Kind = KindSow }, "max money"},
		{"sow", func(c *Config) { *c = sowConfig() }, ""},
		{"level below required", func(c *Config) { c.Target.RequiredHackingSkill = 500 }, ""},
		{"NaN required", func(c *Config) { c.Target.RequiredHackingSkill = nan() }, "required skill"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tillConfig()
			tt.edit(&cfg)
			e, err := New(cfg)
			switch {
			case tt.bad == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.bad != "" && (err == nil || !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), tt.bad)):
				t.Fatalf("New: err = %v, want ErrBadConfig with %q", err, tt.bad)
			case tt.bad == "":
				c := e.cfg
				if c.WeakenRAM != 175 || c.GrowRAM != 175 || c.Task.Heartbeat != task.DefaultHeartbeat ||
					c.SecurityTolerance != 1e-6 || c.Player.Mults != formulas.DefaultMults() || c.Node != (formulas.Node{N: 1, Level: 1}) {
					t.Errorf("defaults not applied: %+v", c)
				}
				if e.ChunkSize() != 175 {
					t.Errorf("chunk = %v, want one thread (1.75GB)", e.ChunkSize())
				}
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

func TestStateTransition(t *testing.T) {
	modetest.Check(t, ModeDone, map[Mode][]Mode{
		ModeIdle:     {ModeAsking, ModeDone},
		ModeAsking:   {ModeWorking, ModeStopping, ModeDone},
		ModeWorking:  {ModeStopping, ModeDone},
		ModeStopping: {ModeDone},
	}, canBecome, func(from, to Mode) {
		e, _ := New(tillConfig())
		e.mode = from
		e.become(to, stepDone)
	})
}

// dump is the engine's whole state, to check that a refused event
// changed nothing.
func dump(e *Engine) string {
	var b strings.Builder
	b.WriteString(e.mode.String() + " want=" + itoa(int64(e.want)) + " " + e.Base.String())
	for _, h := range e.hosts {
		b.WriteString(" " + h.name + ":" + itoa(int64(h.held)) + "/" + itoa(int64(h.busy)) + "/" + itoa(e.RetryAt(h.name)))
	}
	return b.String()
}

// working is a till engine holding 4 chunks on alpha with one worker
// (pid 7) running in all of them, at now=1000.
func working(t *testing.T) *Engine {
	t.Helper()
	e, err := New(tillConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []task.Event{
		task.Tick{Now: 1000, Security: 5},
		task.Held{Seq: 1, Desired: 40, Chunks: []task.Chunk{{Host: "alpha", Size: 175, Count: 4}}},
		task.Tick{Now: 1000, Security: 5},
	} {
		if err := e.Step(ev); err != nil {
			t.Fatal(err)
		}
		if _, ok := ev.(task.Held); !ok {
			continue
		}
		e.Advance() // the Alloc was carried out
	}
	start := e.Ready().Commands[0].(task.Start)
	e.Advance()
	if err := e.Step(task.Started{Cmd: start.ID, Pid: 7}); err != nil {
		t.Fatal(err)
	}
	return e
}

// A snapshot of chunks other than one thread is refused, and changes
// nothing (core/task checks the rest of the contract).
func TestEngine_Step_otherChunkSize(t *testing.T) {
	e := working(t)
	before := dump(e)
	ev := task.Held{Seq: 2, Chunks: []task.Chunk{{Host: "alpha", Size: 400, Count: 1}}}
	if err := e.Step(ev); !errors.Is(err, task.ErrBadEvent) {
		t.Fatalf("Step(%s) = %v, want ErrBadEvent", task.DescribeEvent(ev), err)
	}
	if after := dump(e); after != before {
		t.Errorf("a refused event changed the engine:\nbefore %s\nafter  %s", before, after)
	}
}

func TestEngine_Step_outOfTurn(t *testing.T) {
	e, _ := New(tillConfig())
	if err := e.Step(task.Held{Seq: 1}); !errors.Is(err, task.ErrUnexpected) {
		t.Errorf("a snapshot before any Alloc: %v, want ErrUnexpected", err)
	}
	if err := e.Step(task.Refused{}); !errors.Is(err, task.ErrUnexpected) {
		t.Errorf("a refusal before any Alloc: %v, want ErrUnexpected", err)
	}
}

// A snapshot older than the last one is old news: it must not undo a
// release the engine already made.
func TestEngine_Step_staleSnapshot(t *testing.T) {
	e := working(t)
	if err := e.Step(task.Held{Seq: 2, Desired: 40, Chunks: []task.Chunk{{Host: "alpha", Size: 175, Count: 4}, {Host: "beta", Size: 175, Count: 2}}}); err != nil {
		t.Fatal(err)
	}
	before := dump(e)
	if err := e.Step(task.Held{Seq: 1, Desired: 40, Chunks: []task.Chunk{{Host: "alpha", Size: 175, Count: 4}}}); err != nil {
		t.Fatal(err)
	}
	if after := dump(e); after != before {
		t.Errorf("a stale snapshot changed the engine:\nbefore %s\nafter  %s", before, after)
	}
}

// Once done, the engine ignores everything and asks for nothing more.
func TestEngine_Step_done(t *testing.T) {
	e := working(t)
	if err := e.Step(task.Tick{Now: 2000, Security: 3}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range e.Ready().Commands {
		got = append(got, task.DescribeCommand(c))
	}
	want := []string{"Kill id=5 pid=7", "Release id=6 all", "Finished id=7 reason=ready"}
	if !slices.Equal(got, want) {
		t.Fatalf("commands = %q, want %q", got, want)
	}
	e.Advance()
	for _, ev := range []task.Event{task.Exited{Pid: 7}, task.Tick{Now: 1, Security: 9}, task.Held{Seq: 9}, task.Stop{}, task.Started{Cmd: 42}} {
		if err := e.Step(ev); err != nil {
			t.Errorf("Step(%s) after done: %v", task.DescribeEvent(ev), err)
		}
	}
	if e.HasReady() {
		t.Errorf("commands after done: %v", e.Ready())
	}
}

// The split of short chunks in a sow: the weakens always cover the grows
// started with them and any security above min, and no more grows would
// fit.
func TestEngine_split(t *testing.T) {
	for _, sec := range []float64{3, 3.2, 4} {
		e, err := New(sowConfig())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Step(task.Tick{Money: 5e5, Security: sec}); err != nil {
			t.Fatal(err)
		}
		growLeft := e.growNeeded()
		need := func(g int) int { return e.weakenFor(g) }
		for free := 0; free <= growLeft+need(growLeft)+2; free++ {
			w, g := e.split(free, flight{}, growLeft)
			if w+g > free {
				t.Errorf("sec %v free %d: %d weaken + %d grow exceed it", sec, free, w, g)
			}
			if g > 0 && w < need(g) {
				t.Errorf("sec %v free %d: %d weaken do not cover %d grow (need %d)", sec, free, w, g, need(g))
			}
			if g < growLeft && g+1+need(g+1) <= free {
				t.Errorf("sec %v free %d: %d grow, but %d fit", sec, free, g, g+1)
			}
			if g == 0 && w != min(free, need(0)) && free < need(0) {
				t.Errorf("sec %v free %d: %d weaken, want all chunks for the security above min", sec, free, w)
			}
		}
	}
}

func TestMode_String(t *testing.T) {
	for m := ModeIdle; m <= ModeDone; m++ {
		if strings.HasPrefix(m.String(), "mode") {
			t.Errorf("mode %d has no name", m)
		}
	}
	if KindTill.String() != "till" || KindSow.String() != "sow" || Kind(9).String() != "kind9" {
		t.Errorf("kind names: %s %s %s", KindTill, KindSow, Kind(9))
	}
}
