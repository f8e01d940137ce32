package task

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
)

// rec is a test engine's record of a worker.
type rec struct{ host string }

func newBase(t *testing.T, c Config) *Base[rec] {
	t.Helper()
	c, err := c.Validate()
	if err != nil {
		t.Fatal(err)
	}
	b := NewBase[rec](c)
	return &b
}

// accept steps ev and fails the test on an error.
func accept(t *testing.T, b *Base[rec], ev Event) (Event, rec) {
	t.Helper()
	ev, w, err := b.Accept(ev, nil)
	if err != nil {
		t.Fatalf("Accept(%s): %v", DescribeEvent(ev), err)
	}
	return ev, w
}

// commands describes the pending commands and clears them.
func commands(b *Base[rec]) []string {
	var out []string
	for _, c := range b.Ready(0, false).Commands {
		out = append(out, DescribeCommand(c))
	}
	b.Advance()
	return out
}

// running is a Base at now=1000 holding an allocation (Alloc id 1, seq 1)
// with one worker (pid 7, Start id 2) running on alpha.
func running(t *testing.T) *Base[rec] {
	t.Helper()
	b := newBase(t, Config{Priority: 5})
	accept(t, b, Tick{Now: 1000, Money: 10, Security: 5})
	b.Ask(175, 4)
	accept(t, b, Held{Seq: 1, Answered: 1, Desired: 4, Chunks: []Chunk{{Host: "alpha", Size: 175, Count: 4}}})
	id := b.Start(rec{"alpha"}, Start{Action: hwgw.ActionWeaken, Host: "alpha", Threads: 4, RAM: 700})
	accept(t, b, Started{Cmd: id, Pid: 7})
	b.Advance()
	return b
}

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		cfg Config
		bad string // part of the error; "" = valid
	}{
		{Config{}, ""},
		{Config{Cap: -1}, "cap -0.01GB is out of range"},
		{Config{Cap: ram.Max + 1}, "out of range"},
		{Config{Fixed: true}, "a fixed task needs a cap"},
		{Config{Cap: ram.GB, Round: true}, "a round needs a fixed allocation"},
		{Config{Cap: ram.GB, Fixed: true, Round: true}, ""},
		{Config{Heartbeat: -1}, "heartbeat -1ms is negative"},
	}
	for _, tt := range tests {
		c, err := tt.cfg.Validate()
		switch {
		case tt.bad == "" && (err != nil || c.Heartbeat != DefaultHeartbeat):
			t.Errorf("%+v: %v, heartbeat %d", tt.cfg, err, c.Heartbeat)
		case tt.bad != "" && (!errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), tt.bad)):
			t.Errorf("%+v: err %v, want %q", tt.cfg, err, tt.bad)
		}
	}
}

// Every event that breaks the contract is refused with its sentinel and
// changes nothing.
func TestBase_Accept_errors(t *testing.T) {
	chunks := func(cs ...Chunk) Held { return Held{Seq: 2, Answered: 1, Chunks: cs} }
	tests := []struct {
		name string
		ev   Event
		want error
	}{
		{"nil", nil, ErrNilEvent},
		{"nil pointer", (*Tick)(nil), ErrNilEvent},
		{"unknown", struct{ Event }{}, ErrUnknownEvent},
		{"time backward", Tick{Now: 999, Security: 5}, ErrTimeBackward},
		{"NaN money", Tick{Now: 1000, Money: math.NaN(), Security: 5}, ErrBadEvent},
		{"negative money", Tick{Now: 1000, Money: -1, Security: 5}, ErrBadEvent},
		{"security below 1", Tick{Now: 1000, Security: 0.5}, ErrBadEvent},
		{"security above 100", Tick{Now: 1000, Security: 101}, ErrBadEvent},
		{"level below 1", Tick{Now: 1000, Security: 5, Hacking: 0.5}, ErrBadEvent},
		{"seq 0", Held{}, ErrBadEvent},
		{"negative desired", Held{Seq: 2, Desired: -1}, ErrBadEvent},
		{"answered ahead", Held{Seq: 2, Answered: 3}, ErrBadEvent},
		{"no host", chunks(Chunk{Size: 175, Count: 1}), ErrBadEvent},
		{"size 0", chunks(Chunk{Host: "a", Count: 1}), ErrBadEvent},
		{"negative count", chunks(Chunk{Host: "a", Size: 175, Count: -1}), ErrBadEvent},
		{"negative cores", chunks(Chunk{Host: "a", Size: 175, Count: 1, Cores: -1}), ErrBadEvent},
		{"listed twice", chunks(Chunk{Host: "a", Size: 175, Count: 1}, Chunk{Host: "a", Size: 175, Count: 2}), ErrBadEvent},
		{"refused when held", Refused{Reason: "x"}, ErrUnexpected},
		{"unknown start", Started{Cmd: 99, Pid: 8}, ErrUnknownCmd},
		{"answered start", Started{Cmd: 2, Pid: 8}, ErrUnknownCmd},
		{"unknown pid", Exited{Pid: 8}, ErrUnknownPid},
		{"negative cap", SetCap{RAM: -1}, ErrBadEvent},
		{"leave no host", Leave{}, ErrBadEvent},
		{"negative result", Landed{Pid: 7, Result: -1}, ErrBadEvent},
		{"NaN result", Landed{Pid: 7, Result: math.NaN()}, ErrBadEvent},
		{"infinite result", Landed{Pid: 7, Result: math.Inf(1)}, ErrBadEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := running(t)
			before := b.String()
			if _, _, err := b.Accept(tt.ev, nil); !errors.Is(err, tt.want) {
				t.Fatalf("Accept(%s) = %v, want %v", DescribeEvent(tt.ev), err, tt.want)
			}
			if after := b.String(); after != before {
				t.Errorf("a refused event changed the task:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	// The engine's own check runs after the shared one, and its refusal
	// changes nothing either.
	b := running(t)
	before := b.String()
	mine := errors.New("mine")
	if _, _, err := b.Accept(Tick{Now: 2000, Security: 5}, func(Event) error { return mine }); err != mine || b.String() != before {
		t.Errorf("engine check: %v, changed %v", err, b.String() != before)
	}
}

// Before the Alloc no snapshot or refusal can come.
func TestBase_Accept_outOfTurn(t *testing.T) {
	b := newBase(t, Config{})
	for _, ev := range []Event{Held{Seq: 1}, Refused{}} {
		if _, _, err := b.Accept(ev, nil); !errors.Is(err, ErrUnexpected) {
			t.Errorf("%s before the Alloc: %v", DescribeEvent(ev), err)
		}
	}
	b.Ask(175, 1)
	if _, _, err := b.Accept(&Refused{Reason: "full"}, nil); err != nil {
		t.Errorf("a refusal of the Alloc: %v", err)
	}
}

// A worker's record comes back with its result and its exit; the exit
// ends its claim; a failed start never runs.
func TestBase_Accept_workers(t *testing.T) {
	b := running(t)
	id := b.Start(rec{"beta"}, Start{Action: hwgw.ActionGrow, Host: "beta", Threads: 1, RAM: 175})
	if b.Busy() != 2 {
		t.Fatalf("busy %d, want 2", b.Busy())
	}
	if _, w := accept(t, b, Started{Cmd: id}); w.host != "beta" || b.Busy() != 1 {
		t.Errorf("failed start: %+v, busy %d", w, b.Busy())
	}
	b.Advance()
	if _, w := accept(t, b, &Exited{Pid: 7}); w.host != "alpha" || b.Busy() != 0 {
		t.Errorf("exit: %+v, busy %d", w, b.Busy())
	}
	if got := commands(b); !slices.Equal(got, []string{"Unclaim id=4 pid=7"}) {
		t.Errorf("commands %q", got)
	}
}

// A snapshot is news when its seq is newer, or when the same one comes
// with a newer answer; anything else is ignored.
func TestBase_Accept_staleHeld(t *testing.T) {
	b := running(t)
	b.Release("alpha", 175, 1) // id 3
	tests := []struct {
		ev   Held
		news bool
	}{
		{Held{Seq: 1, Answered: 1, Desired: 9}, false},
		{Held{Seq: 1, Answered: 3, Desired: 3}, true},
		{Held{Seq: 1, Answered: 3, Desired: 9}, false},
		{Held{Seq: 0, Answered: 3}, false},
		{Held{Seq: 2, Answered: 1, Desired: 2}, true},
	}
	for i, tt := range tests {
		before := b.String()
		ev, _, err := b.Accept(tt.ev, nil)
		if tt.ev.Seq == 0 {
			if !errors.Is(err, ErrBadEvent) {
				t.Errorf("%d: seq 0: %v", i, err)
			}
			continue
		}
		if err != nil || (ev != nil) != tt.news || (b.String() != before) != tt.news {
			t.Errorf("%d: %s: stepped %v err %v; want news %v", i, DescribeEvent(tt.ev), ev != nil, err, tt.news)
		}
	}
	if b.Answered() != 3 || b.Desired() != 2 {
		t.Errorf("answered %d desired %d, want 3 and 2", b.Answered(), b.Desired())
	}
}

// The selector's word: a priority, a cap (clamped to a fixed task's RAM),
// a stop, and hosts to leave, said once in the log.
func TestBase_Accept_selector(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		ev    Event
		check func(b *Base[rec]) bool
	}{
		{"prio", Config{}, SetPriority{Priority: -3}, func(b *Base[rec]) bool { return b.Priority() == -3 }},
		{"cap", Config{Cap: ram.GB}, SetCap{RAM: 9 * ram.GB}, func(b *Base[rec]) bool { return b.Cap() == 9*ram.GB }},
		{"lift cap", Config{Cap: ram.GB}, SetCap{}, func(b *Base[rec]) bool { return b.Cap() == 0 }},
		{"fixed: lower", Config{Cap: 8 * ram.GB, Fixed: true}, SetCap{RAM: 2 * ram.GB}, func(b *Base[rec]) bool { return b.Cap() == 2*ram.GB }},
		{"fixed: higher", Config{Cap: 8 * ram.GB, Fixed: true}, SetCap{RAM: 20 * ram.GB}, func(b *Base[rec]) bool { return b.Cap() == 8*ram.GB }},
		{"fixed: lift", Config{Cap: 8 * ram.GB, Fixed: true}, SetCap{}, func(b *Base[rec]) bool { return b.Cap() == 8*ram.GB }},
		{"stop", Config{}, Stop{}, func(b *Base[rec]) bool { return b.Stopping() }},
		{"leave", Config{}, Leave{Host: "h"}, func(b *Base[rec]) bool { return b.Leaving("h") && !b.Leaving("g") }},
	}
	for _, tt := range tests {
		b := newBase(t, tt.cfg)
		if accept(t, b, tt.ev); !tt.check(b) {
			t.Errorf("%s: %s", tt.name, b)
		}
	}
	b := newBase(t, Config{})
	accept(t, b, Leave{Host: "h"})
	accept(t, b, Leave{Host: "h"})
	if logs := b.Ready(0, false).Logs; !slices.Equal(logs, []string{"leaving h"}) {
		t.Errorf("logs %q", logs)
	}
	b.ForgetLeft(func(string) bool { return true })
	if !b.Leaving("h") {
		t.Error("a host still occupied was forgotten")
	}
	b.ForgetLeft(func(string) bool { return false })
	if b.Leaving("h") {
		t.Error("an emptied host is still left")
	}
}

// The allocation is asked for once; later only what changed goes out,
// and a new priority alone reaches the allocator at the end of a tick.
func TestBase_Ask(t *testing.T) {
	b := newBase(t, Config{Priority: 2, Cap: 10 * ram.GB, Fixed: true})
	b.Ask(175, 4)
	b.Ask(175, 4)
	want := []string{"Alloc id=1 size=1.75GB count=4 prio=2 growable=false shrinkable=true"}
	if got := commands(b); !slices.Equal(got, want) {
		t.Fatalf("alloc: %q", got)
	}
	accept(t, b, Held{Seq: 1, Answered: 1, Desired: 3, Chunks: []Chunk{{Host: "a", Size: 175, Count: 3}}})
	b.Ask(175, 3) // the grant is the new desired count
	if got := commands(b); len(got) != 0 {
		t.Errorf("asked again for what the allocator has: %q", got)
	}
	b.Ask(200, 3)
	accept(t, b, SetPriority{Priority: 7})
	accept(t, b, Tick{Now: 1, Security: 1})
	b.AfterTick(Status{})
	want = []string{"Resize id=2 size=2GB count=3 prio=2", "Resize id=3 size=2GB count=3 prio=7",
		"Heartbeat id=4 mode= held=0GB want=0GB cap=10GB prio=7 rate=0 chunk=0GB stopping=false"}
	if got := commands(b); !slices.Equal(got, want) {
		t.Errorf("reshape and priority:\ngot  %q\nwant %q", got, want)
	}
}

// A heartbeat goes out on the first tick, then when anything but the
// rate changed, and at least every period.
func TestBase_AfterTick_heartbeat(t *testing.T) {
	b := newBase(t, Config{Heartbeat: 1000})
	s := Status{Held: ram.GB, Want: 2 * ram.GB, Rate: 5, Chunk: 50, Mode: "working"}
	steps := []struct {
		now  int64
		edit func(*Status)
		ev   Event
		beat bool
	}{
		{0, nil, nil, true},
		{10, nil, nil, false},
		{20, func(s *Status) { s.Rate = 9 }, nil, false},
		{30, func(s *Status) { s.Held = 3 * ram.GB }, nil, true},
		{40, func(s *Status) { s.Mode = "draining" }, nil, true},
		{50, nil, SetCap{RAM: ram.GB}, true},
		{60, nil, Stop{}, true},
		{70, nil, SetPriority{Priority: 1}, true},
		{1069, nil, nil, false},
		{1070, nil, nil, true},
	}
	for _, st := range steps {
		if st.edit != nil {
			st.edit(&s)
		}
		if st.ev != nil {
			accept(t, b, st.ev)
		}
		accept(t, b, Tick{Now: st.now, Security: 1})
		b.AfterTick(s)
		beats := 0
		for _, c := range b.Ready(0, false).Commands {
			if h, ok := c.(Heartbeat); ok {
				beats++
				if h.Held != s.Held || h.Rate != s.Rate || h.Mode != s.Mode || h.Cap != b.Cap() || h.Priority != b.Priority() ||
					h.Stopping != b.Stopping() {
					t.Errorf("at %d: %s", st.now, DescribeCommand(h))
				}
			}
		}
		b.Advance()
		if (beats == 1) != st.beat || beats > 1 {
			t.Errorf("at %d: %d heartbeats, want beat %v", st.now, beats, st.beat)
		}
	}
	if w := b.Wake(0, false); w != 2070 {
		t.Errorf("wake %d, want the next heartbeat at 2070", w)
	}
	if w := b.Wake(1500, true); w != 1500 {
		t.Errorf("wake %d, want the engine's 1500", w)
	}
	if w := b.Wake(0, true); w != 0 {
		t.Errorf("wake %d, want the engine's 0", w)
	}
}

// The money a task earned is what its hack workers' landed messages said
// they took: a looping hack counts each landing, what grow and weaken
// return is no money, and a pid the task does not run adds nothing. The
// heartbeat and Finished carry it; it alone sends no heartbeat.
func TestBase_earned(t *testing.T) {
	b := running(t) // pid 7: a weaken
	hack := b.Start(rec{"alpha"}, Start{Action: hwgw.ActionHack, Host: "alpha", Threads: 1, RAM: 170})
	grow := b.Start(rec{"alpha"}, Start{Action: hwgw.ActionGrow, Host: "alpha", Threads: 1, RAM: 175})
	accept(t, b, Started{Cmd: hack, Pid: 3})
	accept(t, b, Started{Cmd: grow, Pid: 4})
	accept(t, b, Tick{Now: 1000, Money: 10, Security: 5})
	b.AfterTick(Status{Held: 700})
	b.Advance()
	steps := []struct {
		ev   Landed
		want float64
	}{
		{Landed{Pid: 3, Result: 500}, 500},
		{Landed{Pid: 7, Result: 0.05}, 500},
		{Landed{Pid: 4, Result: 1.02}, 500},
		{Landed{Pid: 3, Result: 250.5}, 750.5},
		{Landed{Pid: 3}, 750.5},
		{Landed{Pid: 99, Result: 1e9}, 750.5},
	}
	for _, st := range steps {
		accept(t, b, st.ev)
		if got := b.Earned(); got != st.want {
			t.Errorf("after %s: earned %v, want %v", DescribeEvent(st.ev), got, st.want)
		}
	}
	accept(t, b, Tick{Now: 1010, Money: 10, Security: 5})
	if b.AfterTick(Status{Held: 700}); len(b.Ready(0, false).Commands) != 0 {
		t.Errorf("money alone sent a heartbeat: %q", commands(b))
	}
	accept(t, b, Tick{Now: 1000 + DefaultHeartbeat, Money: 10, Security: 5})
	b.AfterTick(Status{Held: 700})
	if got := commands(b); len(got) != 1 || !strings.Contains(got[0], "earned=750") {
		t.Errorf("due heartbeat: %q", got)
	}
	b.Finish(ReasonStopped, false)
	if got := commands(b); !slices.Contains(got, "Finished id=8 reason=stopped earned=750") {
		t.Errorf("finish: %q", got)
	}
}

// Finishing kills what the engine asks to, gives the allocation back if
// there is one, says why, and ends the task: every later event is
// ignored.
func TestBase_Finish(t *testing.T) {
	b := running(t)
	id := b.Start(rec{"alpha"}, Start{Action: hwgw.ActionHack, Host: "alpha", Threads: 1, RAM: 170})
	accept(t, b, Started{Cmd: id, Pid: 3})
	b.Advance()
	b.Finish(ReasonReady, true)
	want := []string{"Kill id=4 pid=3", "Kill id=5 pid=7", "Release id=6 all", "Finished id=7 reason=ready"}
	if got := commands(b); !slices.Equal(got, want) {
		t.Errorf("finish: %q", got)
	}
	before := b.String()
	for _, ev := range []Event{Exited{Pid: 7}, Tick{Now: 1, Security: 9}, Held{Seq: 9}, Stop{}} {
		if ev, _, err := b.Accept(ev, nil); ev != nil || err != nil {
			t.Errorf("%s after finishing: %v %v", DescribeEvent(ev), ev, err)
		}
	}
	if b.AfterTick(Status{}); b.String() != before || b.Wake(5, true) != 0 || !b.Finished() {
		t.Errorf("finished task changed: %s, wake %d", b, b.Wake(5, true))
	}

	b = newBase(t, Config{})
	b.Ask(175, 1)
	accept(t, b, Refused{Reason: "full"})
	b.Advance()
	b.Finish(ReasonRefused, true)
	if got := commands(b); !slices.Equal(got, []string{"Finished id=2 reason=refused"}) {
		t.Errorf("finish without an allocation: %q", got)
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct{ got, want string }{
		{DescribeEvent(Tick{Now: 5, Money: 1.5, Security: 3, Hacking: 40}), "Tick now=5 money=1.5 security=3 hacking=40"},
		{DescribeEvent(&Tick{Now: 5, Money: 1.5, Security: 3}), "Tick now=5 money=1.5 security=3"},
		{DescribeEvent(Held{Seq: 3, Answered: 2, Desired: 4, Chunks: []Chunk{{Host: "a", Size: 175, Count: 2, Cores: 4}, {Host: "b", Size: 175, Count: 1}}}),
			"Held seq=3 answered=2 desired=4 chunks=[a:2x1.75GB:4c b:1x1.75GB]"},
		{DescribeEvent(Refused{Reason: "no room"}), `Refused reason="no room"`},
		{DescribeEvent(Started{Cmd: 3, Pid: 9}), "Started cmd=3 pid=9"},
		{DescribeEvent(Exited{Pid: 9}), "Exited pid=9"},
		{DescribeEvent(SetPriority{Priority: 4}), "SetPriority prio=4"},
		{DescribeEvent(SetCap{RAM: 100 * ram.GB}), "SetCap ram=100GB"},
		{DescribeEvent(Stop{}), "Stop"},
		{DescribeEvent(Leave{Host: "h"}), "Leave host=h"},
		{DescribeEvent(nil), "<nil>"},
		{DescribeEvent(struct{ Event }{}), "<unknown event>"},
		{DescribeCommand(Alloc{ID: 1, Size: 175, Count: 4, Priority: 2, Growable: true}), "Alloc id=1 size=1.75GB count=4 prio=2 growable=true shrinkable=false"},
		{DescribeCommand(Resize{ID: 1, Size: 175, Count: 4, Priority: 2}), "Resize id=1 size=1.75GB count=4 prio=2"},
		{DescribeCommand(Release{ID: 1, Host: "h", Size: 175, Count: 4}), "Release id=1 host=h size=1.75GB count=4"},
		{DescribeCommand(Release{ID: 1}), "Release id=1 all"},
		{DescribeCommand(Start{ID: 1, Action: hwgw.ActionWeaken, Host: "h", Threads: 3, RAM: 525}), "Start id=1 action=weaken host=h threads=3 ram=5.25GB"},
		{DescribeCommand(Start{ID: 1, Action: hwgw.ActionGrow, Host: "h", Threads: 3, RAM: 525, Batch: 2, Op: hwgw.OpGrow, Delay: 1.5, Duration: 2, Land: 3.5}),
			"Start id=1 action=grow host=h threads=3 ram=5.25GB batch=2 op=G delay=1.500 duration=2.000 land=3.500"},
		{DescribeCommand(Unclaim{ID: 1, Pid: 5}), "Unclaim id=1 pid=5"},
		{DescribeCommand(Kill{ID: 1, Pid: 5}), "Kill id=1 pid=5"},
		{DescribeCommand(Heartbeat{ID: 1, Held: 300, Want: 400, Cap: 500, Priority: 3, Rate: 12.6, Chunk: 100, Stopping: true, Mode: "draining"}),
			"Heartbeat id=1 mode=draining held=3GB want=4GB cap=5GB prio=3 rate=13 chunk=1GB stopping=true"},
		{DescribeCommand(Finished{ID: 1, Reason: ReasonStopped}), "Finished id=1 reason=stopped"},
		{DescribeCommand(nil), "<nil>"},
		{ReasonReady.String() + " " + ReasonNoRoom.String() + " " + Reason(9).String(), "ready no-room reason9"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
	}
	if (Start{Batch: 1}).Keep() == (Start{}).Keep() {
		t.Error("Keep does not tell a batch's worker from work that stands alone")
	}
	if (Start{Land: 10, Duration: 4}).At() != 6 || (Start{}).At() != 0 {
		t.Error("At is not the landing less the duration")
	}
	if !(Finished{Reason: ReasonReady}).Done() || (Finished{Reason: ReasonStopped}).Done() {
		t.Error("Done is not the ready reason")
	}
}
