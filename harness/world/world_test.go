package world

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/harness/world/jsval"
)

// scriptRAM is the static RAM table of the test scripts.
func scriptRAM() map[string]float64 {
	return map[string]float64{"a.js": 2, "b.js": 1.75, "c.js": 1.6, "zero.js": 0}
}

type fixture struct {
	w      *World
	now    float64
	events []string
}

// newFixture builds home (32 GB), rooted "r" (16 GB) and unrooted "u"
// (16 GB), with every script of scriptRAM on home and r, and records hooks.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{}
	ram := scriptRAM()
	w, err := New(Config{
		RAMOf: func(_, file string) (float64, bool) {
			r, ok := ram[file]
			return r, ok
		},
		Now:     func() float64 { return f.now },
		OnStart: func(p *Process) { f.events = append(f.events, fmt.Sprintf("start %d", p.Pid)) },
		OnExit: func(p *Process, r ExitReason) {
			f.events = append(f.events, fmt.Sprintf("exit %d %v used=%v", p.Pid, r, f.w.Server(p.Host).RAMUsed))
		},
		OnAtExitError: func(p *Process, id string, err error) {
			f.events = append(f.events, fmt.Sprintf("atExit error %d %s: %v", p.Pid, id, err))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.w = w
	for _, s := range []*Server{
		{Hostname: "home", MaxRAM: 32, HasRoot: true, IsHome: true, Cores: 1},
		{Hostname: "r", MaxRAM: 16, HasRoot: true, Links: []string{"home"}},
		{Hostname: "u", MaxRAM: 16, Links: []string{"home"}},
	} {
		if err := w.AddServer(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []string{"home", "r"} {
		for file := range ram {
			w.Server(h).WriteFile(file, "// "+file)
		}
	}
	return f
}

func (f *fixture) exec(t *testing.T, file, host string, threads any, args ...any) int64 {
	t.Helper()
	pid, err := f.w.Exec(file, host, ExecOptions{Threads: threads}, args)
	if err != nil {
		t.Fatalf("exec %s on %s: %v", file, host, err)
	}
	return pid
}

func TestRound2(t *testing.T) {
	a, b := 0.1, 0.2 // variables: Go constant arithmetic would be exact
	tests := []struct {
		in, want  float64
		goDiffers bool // Go's math.Round gives another answer
	}{
		{1.005, 1, false},     // 100.49999999999999
		{2.675, 2.68, false},  // 267.5 exactly
		{0.125, 0.13, false},  // exact half, positive: both round up
		{-0.125, -0.12, true}, // exact half, negative: JS rounds toward +Inf
		{-1.125, -1.12, true},
		{-0.005, 0, true}, // JS gives -0
		{4.8991, 4.9, false},
		{3.1009, 3.1, false},
		{a + b, 0.3, false},
		{1.75 * 3, 5.25, false},
		{8, 8, false},
	}
	for _, tt := range tests {
		if got := round2(tt.in); got != tt.want {
			t.Errorf("round2(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if goRound := math.Round(tt.in*100) / 100; (goRound != tt.want) != tt.goDiffers {
			t.Errorf("round2(%v): Go's rounding gives %v; case mislabelled", tt.in, goRound)
		}
	}
}

func TestWorld_Exec_ramAccounting(t *testing.T) {
	f := newFixture(t)
	s := f.w.Server("r")
	tests := []struct {
		name     string
		file     string
		opts     ExecOptions
		wantPid  int64
		wantUsed float64
	}{
		{"first", "b.js", ExecOptions{Threads: 3}, 1, 5.25},
		{"override kept raw, used rounded", "a.js", ExecOptions{RAMOverride: 1.605}, 2, 6.86},
		{"override times threads", "a.js", ExecOptions{Threads: 2, RAMOverride: 2.333}, 3, 11.53},
		{"fits with tolerance", "a.js", ExecOptions{RAMOverride: 4.4709}, 4, 16},
		{"full", "c.js", ExecOptions{}, 0, 16},
	}
	for _, tt := range tests {
		pid, err := f.w.Exec(tt.file, "r", tt.opts, nil)
		if err != nil || pid != tt.wantPid || s.RAMUsed != tt.wantUsed {
			t.Errorf("%s: pid %d err %v used %v; want pid %d used %v", tt.name, pid, err, s.RAMUsed, tt.wantPid, tt.wantUsed)
		}
	}
	// Exit frees round2(used − perThread·threads), unrounded per-process RAM.
	frees := []struct {
		pid  int64
		want float64
	}{
		{4, round2(16 - 4.4709)},
		{2, round2(round2(16-4.4709) - 1.605)},
		{3, round2(round2(round2(16-4.4709)-1.605) - 2.333*2)},
		{1, 0},
	}
	for _, fr := range frees {
		if !f.w.Kill(fr.pid) || s.RAMUsed != fr.want {
			t.Errorf("kill %d: used %v, want %v", fr.pid, s.RAMUsed, fr.want)
		}
	}
}

func TestWorld_Exec_errors(t *testing.T) {
	tests := []struct {
		name string
		host string
		opts ExecOptions
		args []any
		want string
		kind error
	}{
		{"unknown host", "nowhere", ExecOptions{}, nil, "Invalid hostname: 'nowhere'", ErrInvalidHostname},
		{"empty host", "", ExecOptions{}, nil, "Invalid hostname: '' (empty string)", ErrInvalidHostname},
		{"threads 0", "r", ExecOptions{Threads: 0}, nil, "threads should be a positive integer, was 0", ErrThreads},
		{"threads 1.5", "r", ExecOptions{Threads: 1.5}, nil, "threads should be a positive integer, was 1.5", ErrThreads},
		{"threads -2", "r", ExecOptions{Threads: -2}, nil, "threads should be a positive integer, was -2", ErrThreads},
		{"threads Infinity", "r", ExecOptions{Threads: math.Inf(1)}, nil, "threads should be a positive integer, was Infinity", ErrThreads},
		{"threads NaN", "r", ExecOptions{Threads: math.NaN()}, nil, "'threads' is NaN.", ErrThreads},
		{"threads word", "r", ExecOptions{Threads: "many"}, nil, "'threads' should be a number. Is of type 'string', value: 'many'", ErrThreads},
		{"threads bool", "r", ExecOptions{Threads: true}, nil, "'threads' should be a number. Is of type 'boolean', value: 'true'", ErrThreads},
		{"threads string 1.5", "r", ExecOptions{Threads: "1.5"}, nil, "threads should be a positive integer, was 1.5", ErrThreads},
		{"options threads", "r", ExecOptions{Threads: 0, ThreadsArg: "RunOptions.threads"}, nil, "RunOptions.threads should be a positive integer, was 0", ErrThreads},
		{"override 1", "r", ExecOptions{RAMOverride: 1}, nil, "RunOptions.ramOverride must be >= baseCost (1.6), was 1", ErrRAMOverride},
		{"override 1.59", "r", ExecOptions{RAMOverride: 1.59}, nil, "RunOptions.ramOverride must be >= baseCost (1.6), was 1.59", ErrRAMOverride},
		{"override -Infinity", "r", ExecOptions{RAMOverride: math.Inf(-1)}, nil, "RunOptions.ramOverride must be >= baseCost (1.6), was -Infinity", ErrRAMOverride},
		{"override word", "r", ExecOptions{RAMOverride: "x"}, nil, "'RunOptions.ramOverride' should be a number. Is of type 'string', value: 'x'", ErrRAMOverride},
		{"arg object", "r", ExecOptions{}, []any{map[string]any{}}, "'args' is not an array of script args", ErrScriptArgs},
		{"arg null", "r", ExecOptions{}, []any{nil}, "'args' is not an array of script args", ErrScriptArgs},
		{"arg undefined", "r", ExecOptions{}, []any{jsval.Undefined}, "'args' is not an array of script args", ErrScriptArgs},
		// The game validates options, then args, then looks up the host.
		{"threads before host", "nowhere", ExecOptions{Threads: 0}, nil, "threads should be a positive integer, was 0", ErrThreads},
		{"threads before override", "r", ExecOptions{Threads: 0, RAMOverride: 1}, nil, "threads should be a positive integer, was 0", ErrThreads},
		{"override before args", "r", ExecOptions{RAMOverride: 1}, []any{nil}, "RunOptions.ramOverride must be >= baseCost (1.6), was 1", ErrRAMOverride},
		{"args before host", "nowhere", ExecOptions{}, []any{nil}, "'args' is not an array of script args", ErrScriptArgs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			pid, err := f.w.Exec("a.js", tt.host, tt.opts, tt.args)
			if pid != 0 || err == nil || err.Error() != tt.want {
				t.Fatalf("Exec = %d, %v; want error %q", pid, err, tt.want)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			if len(f.events) != 0 || f.w.nextPid != 1 || f.w.Server("r").RAMUsed != 0 {
				t.Errorf("a throwing exec changed state: events %v, next pid %d", f.events, f.w.nextPid)
			}
		})
	}
}

func TestWorld_Exec_returnsZero(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		file  string
		host  string
		opts  ExecOptions
		args  []any
	}{
		{"script not on host", nil, "a.js", "u", ExecOptions{}, nil},
		{"unknown script", nil, "x.js", "r", ExecOptions{}, nil},
		{"duplicate with preventDuplicates", func(f *fixture) {
			f.w.Exec("a.js", "r", ExecOptions{}, []any{"x", 1})
		}, "a.js", "r", ExecOptions{PreventDuplicates: true}, []any{"x", int64(1)}},
		{"RAM not computable", func(f *fixture) { f.w.Server("r").WriteFile("noram.js", "") }, "noram.js", "r", ExecOptions{}, nil},
		{"RAM 0", nil, "zero.js", "r", ExecOptions{}, nil},
		{"no root", func(f *fixture) { f.w.Server("u").WriteFile("a.js", "") }, "a.js", "u", ExecOptions{}, nil},
		{"no root even with override", func(f *fixture) { f.w.Server("u").WriteFile("a.js", "") }, "a.js", "u", ExecOptions{RAMOverride: 2}, nil},
		{"too many threads", nil, "a.js", "r", ExecOptions{Threads: 9}, nil},
		{"just over tolerance", nil, "a.js", "r", ExecOptions{RAMOverride: 16.0011}, nil},
		{"huge threads", nil, "c.js", "r", ExecOptions{Threads: 1e300}, nil},
		{"override Infinity", nil, "a.js", "r", ExecOptions{RAMOverride: math.Inf(1)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			next, used, events := f.w.nextPid, f.w.Server("r").RAMUsed, len(f.events)
			pid, err := f.w.Exec(tt.file, tt.host, tt.opts, tt.args)
			if pid != 0 || err != nil {
				t.Fatalf("Exec = %d, %v; want 0, nil", pid, err)
			}
			if f.w.nextPid != next || f.w.Server("r").RAMUsed != used || len(f.events) != events {
				t.Error("a failed start changed state")
			}
		})
	}
}

func TestWorld_Exec_succeeds(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		file  string
		opts  ExecOptions
		args  []any
	}{
		{"default threads nil", nil, "a.js", ExecOptions{}, nil},
		{"threads Null", nil, "a.js", ExecOptions{Threads: jsval.Null}, nil},
		{"threads Undefined", nil, "a.js", ExecOptions{Threads: jsval.Undefined}, nil},
		{"threads numeric string", nil, "a.js", ExecOptions{Threads: "2"}, nil},
		{"threads int64", nil, "a.js", ExecOptions{Threads: int64(8)}, nil},
		{"exactly within tolerance", nil, "a.js", ExecOptions{RAMOverride: 16.001}, nil},
		{"override as string", nil, "a.js", ExecOptions{RAMOverride: "2"}, nil},
		{"override Undefined is none", nil, "a.js", ExecOptions{RAMOverride: jsval.Undefined}, nil},
		{"duplicate without preventDuplicates", func(f *fixture) { f.exec(t, "a.js", "r", 1) }, "a.js", ExecOptions{}, nil},
		{"preventDuplicates, other args", func(f *fixture) { f.exec(t, "a.js", "r", 1, "x") }, "a.js", ExecOptions{PreventDuplicates: true}, []any{"y"}},
		{"preventDuplicates, string vs number", func(f *fixture) { f.exec(t, "a.js", "r", 1, 1) }, "a.js", ExecOptions{PreventDuplicates: true}, []any{"1"}},
		{"script args of every kind", nil, "a.js", ExecOptions{}, []any{"s", 1, 2.5, true, int32(3), uint8(4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			pid, err := f.w.Exec(tt.file, "r", tt.opts, tt.args)
			if pid == 0 || err != nil {
				t.Fatalf("Exec = %d, %v; want a pid", pid, err)
			}
			if f.events[len(f.events)-1] != fmt.Sprintf("start %d", pid) {
				t.Errorf("OnStart not called last: %v", f.events)
			}
		})
	}
}

func TestWorld_Exec_process(t *testing.T) {
	f := newFixture(t)
	f.now = 1234.5
	var seen *Process
	f.w.cfg.OnStart = func(p *Process) {
		seen = p
		if !f.w.IsRunning(p.Pid) || f.w.Server("r").RAMUsed != 4 {
			t.Error("OnStart ran before the process was registered and its RAM taken")
		}
	}
	args := []any{"n00dles", 7, false}
	pid, err := f.w.Exec("a.js", "r", ExecOptions{Threads: "2", Temporary: true}, args)
	if err != nil {
		t.Fatal(err)
	}
	args[0] = "changed" // the caller's slice is not kept
	want := &Process{Pid: pid, Filename: "a.js", Host: "r", Threads: 2, Args: []any{"n00dles", float64(7), false},
		RAMPerThread: 2, Temporary: true, StartTime: 1234.5}
	p := f.w.Process(pid)
	if p != seen || p.Pid != want.Pid || p.Filename != want.Filename || p.Host != want.Host ||
		p.Threads != want.Threads || !reflect.DeepEqual(p.Args, want.Args) || p.RAMPerThread != want.RAMPerThread ||
		p.Temporary != want.Temporary || p.StartTime != want.StartTime {
		t.Errorf("process %+v, want %+v", p, want)
	}
}

func TestWorld_Exec_exitInOnStart(t *testing.T) {
	f := newFixture(t)
	f.w.cfg.OnStart = func(p *Process) { f.w.Exit(p.Pid, ExitCrashed) } // a script that fails to compile
	pid, err := f.w.Exec("a.js", "r", ExecOptions{}, nil)
	if pid != 1 || err != nil {
		t.Fatalf("Exec = %d, %v; want pid 1", pid, err)
	}
	if f.w.IsRunning(1) || f.w.Server("r").RAMUsed != 0 {
		t.Error("crashed process still running or holding RAM")
	}
}

func TestWorld_pids(t *testing.T) {
	f := newFixture(t)
	steps := []struct {
		name string
		do   func() int64
		want int64
	}{
		{"first pid is 1", func() int64 { return f.exec(t, "a.js", "r", 1) }, 1},
		{"counter is global", func() int64 { return f.exec(t, "a.js", "home", 1) }, 2},
		{"failure returns 0", func() int64 { return f.exec(t, "a.js", "r", 100) }, 0},
		{"failure took no pid", func() int64 { return f.exec(t, "a.js", "r", 1) }, 3},
		{"kill everything", func() int64 {
			f.w.KillAll("r", 0)
			f.w.KillAll("home", 0)
			return 0
		}, 0},
		{"pids are not reused", func() int64 { return f.exec(t, "a.js", "r", 1) }, 4},
	}
	for _, st := range steps {
		if got := st.do(); got != st.want {
			t.Errorf("%s: pid %d, want %d", st.name, got, st.want)
		}
	}
}

func TestWorld_takePid_wraps(t *testing.T) {
	f := newFixture(t)
	f.exec(t, "a.js", "r", 1) // pid 1 stays running
	f.w.nextPid = maxSafeInteger
	tests := []int64{maxSafeInteger, 2, 3} // wraps to 1, which is in use
	for _, want := range tests {
		if got := f.exec(t, "a.js", "r", 1); got != want {
			t.Errorf("pid %d, want %d", got, want)
		}
	}
}

func TestWorld_Exit_atExit(t *testing.T) {
	f := newFixture(t)
	pid := f.exec(t, "a.js", "r", 2)
	other := f.exec(t, "b.js", "r", 1)
	var calls []string
	cb := func(name string, err error) func() error {
		return func() error {
			calls = append(calls, fmt.Sprintf("%s running=%v used=%v", name, f.w.IsRunning(pid), f.w.Server("r").RAMUsed))
			return err
		}
	}
	f.w.AtExit(pid, "default", cb("first", nil))
	f.w.AtExit(pid, "b", cb("b", errors.New("boom")))
	f.w.AtExit(pid, "c", func() error { calls = append(calls, "c"); panic("oops") })
	f.w.AtExit(pid, "default", cb("default-replaced", nil))
	f.w.AtExit(pid, "d", cb("d", nil))
	if f.w.AtExit(999, "x", cb("x", nil)) {
		t.Error("AtExit on a missing pid = true")
	}
	f.events = nil
	if !f.w.Exit(pid, ExitFinished) {
		t.Fatal("Exit = false")
	}
	wantCalls := []string{
		"default-replaced running=true used=5.75",
		"b running=true used=5.75",
		"c",
		"d running=true used=5.75",
	}
	if !reflect.DeepEqual(calls, wantCalls) {
		t.Errorf("atExit calls\n%v\nwant\n%v", calls, wantCalls)
	}
	wantEvents := []string{
		"atExit error 1 b: boom",
		"atExit error 1 c: atExit callback panicked: oops",
		"exit 1 finished used=1.75",
	}
	if !reflect.DeepEqual(f.events, wantEvents) {
		t.Errorf("events\n%v\nwant\n%v", f.events, wantEvents)
	}
	if f.w.Exit(pid, ExitKilled) || f.w.Process(pid) != nil || !f.w.IsRunning(other) {
		t.Error("exit state wrong afterwards")
	}
}

func TestWorld_Exit_nested(t *testing.T) {
	tests := []struct {
		name       string
		callbacks  func(f *fixture, pid int64, log *[]string)
		wantLog    []string
		wantEvents []string
	}{
		{"exit inside atExit removes once", func(f *fixture, pid int64, log *[]string) {
			f.w.AtExit(pid, "a", func() error {
				*log = append(*log, "a")
				*log = append(*log, fmt.Sprint("inner ", f.w.Exit(pid, ExitFinished)))
				return nil
			})
			f.w.AtExit(pid, "b", func() error {
				*log = append(*log, fmt.Sprint("b running=", f.w.IsRunning(pid)))
				return nil
			})
		}, []string{"a", "inner true", "b running=false"}, []string{"exit 1 finished used=0"}},
		{"atExit registered while exiting runs only on a nested exit", func(f *fixture, pid int64, log *[]string) {
			f.w.AtExit(pid, "a", func() error {
				f.w.AtExit(pid, "late", func() error { *log = append(*log, "late"); return nil })
				*log = append(*log, "a")
				return nil
			})
		}, []string{"a"}, []string{"exit 1 killed used=0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			pid := f.exec(t, "a.js", "r", 1)
			var log []string
			tt.callbacks(f, pid, &log)
			f.events = nil
			if !f.w.Kill(pid) {
				t.Fatal("Kill = false")
			}
			if !reflect.DeepEqual(log, tt.wantLog) || !reflect.DeepEqual(f.events, tt.wantEvents) {
				t.Errorf("log %v events %v; want %v %v", log, f.events, tt.wantLog, tt.wantEvents)
			}
			if f.w.Server("r").RAMUsed != 0 {
				t.Errorf("RAM freed twice or not at all: %v", f.w.Server("r").RAMUsed)
			}
		})
	}
}

func psPids(t *testing.T, w *World, host string) []int64 {
	t.Helper()
	ps, err := w.PS(host)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, p := range ps {
		out = append(out, p.Pid)
	}
	return out
}

func TestWorld_PS_order(t *testing.T) {
	f := newFixture(t)
	e := func(file string, args ...any) { f.exec(t, file, "home", 1, args...) }
	e("a.js", "x")        // 1: group A(x)
	e("b.js")             // 2: group B()
	e("a.js", "y")        // 3: group A(y)
	e("a.js", "x")        // 4: A(x)
	e("b.js")             // 5: B()
	e("a.js", 1)          // 6: A(1)
	e("a.js", "1")        // 7: A("1"), not the same args as 1
	e("a.js", float64(1)) // 8: A(1)
	if got, want := psPids(t, f.w, "home"), []int64{1, 4, 2, 5, 3, 6, 8, 7}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ps %v, want %v", got, want)
	}
	// An emptied group loses its place; one with members left keeps it.
	f.w.Kill(1)
	f.w.Kill(2)
	f.w.Kill(5)
	e("b.js") // 9
	if got, want := psPids(t, f.w, "home"), []int64{4, 3, 6, 8, 7, 9}; !reflect.DeepEqual(got, want) {
		t.Errorf("ps after kills %v, want %v", got, want)
	}
	ps, _ := f.w.PS("home")
	ps[0].Args[0] = "mutated"
	if f.w.Process(4).Args[0] != "x" {
		t.Error("ps shares the process's args")
	}
	if ps, err := f.w.PS("u"); err != nil || len(ps) != 0 {
		t.Errorf("ps of an idle host = %v, %v", ps, err)
	}
}

func TestWorld_KillByName(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		host     string
		args     []any
		want     bool
		wantErr  string
		wantLeft []int64
	}{
		{"exact args, all instances", "a.js", "home", []any{"x"}, true, "", []int64{2, 4, 5}},
		{"numbers match across Go types", "a.js", "home", []any{int8(1)}, true, "", []int64{1, 3, 5}},
		{"number is not its string", "a.js", "home", []any{"2"}, false, "", []int64{1, 3, 2, 4, 5}},
		{"no args is not any args", "a.js", "home", nil, false, "", []int64{1, 3, 2, 4, 5}},
		{"other file", "b.js", "home", []any{"x"}, false, "", []int64{1, 3, 2, 4, 5}},
		{"unknown host", "a.js", "nowhere", []any{"x"}, false, "Invalid hostname: 'nowhere'", []int64{1, 3, 2, 4, 5}},
		{"bad args", "a.js", "home", []any{[]any{}}, false, "'args' is not an array of script args", []int64{1, 3, 2, 4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.exec(t, "a.js", "home", 1, "x")
			f.exec(t, "a.js", "home", 1, 1)
			f.exec(t, "a.js", "home", 2, "x")
			f.exec(t, "a.js", "home", 1, 1.0)
			f.exec(t, "a.js", "home", 1, 2)
			got, err := f.w.KillByName(tt.file, tt.host, tt.args)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
			} else if err != nil || got != tt.want {
				t.Fatalf("KillByName = %v, %v; want %v", got, err, tt.want)
			}
			if left := psPids(t, f.w, "home"); !reflect.DeepEqual(left, tt.wantLeft) {
				t.Errorf("left %v, want %v", left, tt.wantLeft)
			}
		})
	}
}

func TestWorld_KillByName_siblingKilledByAtExit(t *testing.T) {
	f := newFixture(t)
	a := f.exec(t, "a.js", "r", 1, "x")
	b := f.exec(t, "a.js", "r", 1, "x")
	f.w.AtExit(a, "k", func() error { f.w.Kill(b); return nil })
	got, err := f.w.KillByName("a.js", "r", []any{"x"})
	if err != nil || got {
		t.Errorf("KillByName = %v, %v; the game reports false when an instance was already gone", got, err)
	}
	if f.w.IsRunning(a) || f.w.IsRunning(b) {
		t.Error("instances left running")
	}
}

func TestWorld_KillAll(t *testing.T) {
	tests := []struct {
		name     string
		host     string
		except   int64
		want     bool
		wantErr  bool
		wantLeft []int64
	}{
		{"all but caller", "home", 2, true, false, []int64{2}},
		{"all", "home", 0, true, false, nil},
		{"only the caller there", "r", 4, false, false, []int64{4}},
		{"nothing there", "u", 0, false, false, nil},
		{"unknown host", "nowhere", 0, false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.exec(t, "a.js", "home", 1)
			f.exec(t, "b.js", "home", 1)
			f.exec(t, "a.js", "home", 1, "z")
			f.exec(t, "a.js", "r", 1)
			got, err := f.w.KillAll(tt.host, tt.except)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("KillAll = %v, %v; want %v (error %v)", got, err, tt.want, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if left := psPids(t, f.w, tt.host); !reflect.DeepEqual(left, tt.wantLeft) {
				t.Errorf("left %v, want %v", left, tt.wantLeft)
			}
		})
	}
}

func TestWorld_KillAllOn(t *testing.T) {
	f := newFixture(t)
	f.exec(t, "a.js", "r", 2)
	f.exec(t, "b.js", "r", 1)
	if ok, err := f.w.KillAllOn("r"); !ok || err != nil || f.w.Server("r").RAMUsed != 0 {
		t.Errorf("KillAllOn = %v, %v; used %v", ok, err, f.w.Server("r").RAMUsed)
	}
	// Then an upgrade.
	if err := f.w.SetMaxRAM("r", 64); err != nil || f.exec(t, "a.js", "r", 32) == 0 {
		t.Errorf("upgraded host does not fit 32 threads (err %v)", err)
	}
}

func TestWorld_IsRunningByName(t *testing.T) {
	f := newFixture(t)
	f.exec(t, "a.js", "r", 1, "x", 2, true)
	tests := []struct {
		name    string
		file    string
		host    string
		args    []any
		want    bool
		wantErr bool
	}{
		{"exact", "a.js", "r", []any{"x", 2, true}, true, false},
		{"prefix of args", "a.js", "r", []any{"x", 2}, false, false},
		{"bool as string", "a.js", "r", []any{"x", 2, "true"}, false, false},
		{"other host", "a.js", "home", []any{"x", 2, true}, false, false},
		{"unknown host", "a.js", "nowhere", nil, false, true},
	}
	for _, tt := range tests {
		got, err := f.w.IsRunningByName(tt.file, tt.host, tt.args)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s: %v, %v; want %v (error %v)", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestWorld_Scp(t *testing.T) {
	tests := []struct {
		name     string
		files    []string
		dest     string
		src      string
		want     bool
		wantErr  string
		wantDest map[string]string // expected files on dest afterwards (subset)
		notDest  []string
	}{
		{"script to unrooted", []string{"a.js"}, "u", "home", true, "", map[string]string{"a.js": "// a.js"}, nil},
		{"every copyable kind", []string{"s.script", "n.txt", "d.json", "l.lit"}, "u", "home", true, "",
			map[string]string{"s.script": "ns1", "n.txt": "note", "d.json": "{}", "l.lit": "lit"}, nil},
		{"overwrites content files", []string{"n.txt"}, "r", "home", true, "", map[string]string{"n.txt": "note"}, nil},
		{"keeps an existing .lit", []string{"l.lit"}, "r", "home", true, "", map[string]string{"l.lit": "old lit"}, nil},
		{"missing source is false, rest copied", []string{"gone.js", "a.js"}, "u", "home", false, "", map[string]string{"a.js": "// a.js"}, nil},
		{"program throws before copying", []string{"a.js", "NUKE.exe"}, "u", "home", false,
			"Only works for scripts, .lit and .txt files.", nil, []string{"a.js", "NUKE.exe"}},
		{"unknown dest", []string{"a.js"}, "nowhere", "home", false, "Invalid hostname: 'nowhere'", nil, nil},
		{"unknown src", []string{"a.js"}, "u", "nowhere", false, "Invalid hostname: 'nowhere'", nil, []string{"a.js"}},
		{"dest checked before src", []string{"a.js"}, "", "nowhere", false, "Invalid hostname: '' (empty string)", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			home := f.w.Server("home")
			for name, c := range map[string]string{"s.script": "ns1", "n.txt": "note", "d.json": "{}", "l.lit": "lit", "NUKE.exe": ""} {
				home.WriteFile(name, c)
			}
			f.w.Server("r").WriteFile("n.txt", "old")
			f.w.Server("r").WriteFile("l.lit", "old lit")
			got, err := f.w.Scp(tt.files, tt.dest, tt.src)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
			} else if err != nil || got != tt.want {
				t.Fatalf("Scp = %v, %v; want %v", got, err, tt.want)
			}
			d := f.w.Server(tt.dest)
			for name, want := range tt.wantDest {
				if c, ok := d.File(name); !ok || c != want {
					t.Errorf("%s on %s = %q, %v; want %q", name, tt.dest, c, ok, want)
				}
			}
			for _, name := range tt.notDest {
				if d.HasFile(name) {
					t.Errorf("%s was copied", name)
				}
			}
		})
	}
}

func TestWorld_FileExists(t *testing.T) {
	f := newFixture(t)
	f.w.Server("home").WriteFile("NUKE.exe", "")
	tests := []struct {
		file, host string
		want       bool
		wantErr    bool
	}{
		{"a.js", "home", true, false},
		{"NUKE.exe", "home", true, false},
		{"nuke.exe", "home", false, false},
		{"a.js", "u", false, false},
		{"a.js", "nowhere", false, true},
	}
	for _, tt := range tests {
		got, err := f.w.FileExists(tt.file, tt.host)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("FileExists(%s, %s) = %v, %v", tt.file, tt.host, got, err)
		}
	}
}

func TestServer_files(t *testing.T) {
	s := &Server{Hostname: "x"}
	if s.HasFile("a") || s.RemoveFile("a") || len(s.FileNames()) != 0 {
		t.Error("a new server has files")
	}
	s.WriteFile("b.txt", "1")
	s.WriteFile("a.js", "2")
	s.WriteFile("b.txt", "3")
	if c, _ := s.File("b.txt"); c != "3" {
		t.Errorf("overwrite kept %q", c)
	}
	if got := s.FileNames(); !reflect.DeepEqual(got, []string{"a.js", "b.txt"}) {
		t.Errorf("FileNames = %v", got)
	}
	if !s.RemoveFile("a.js") || s.HasFile("a.js") {
		t.Error("RemoveFile failed")
	}
}

func TestWorld_AddServer(t *testing.T) {
	tests := []struct {
		name string
		s    *Server
		want error
	}{
		{"ok", &Server{Hostname: "n", MaxRAM: 4, Links: []string{"home"}}, nil},
		{"no hostname", &Server{MaxRAM: 4}, ErrNoHostname},
		{"duplicate", &Server{Hostname: "home"}, ErrDuplicateHost},
		{"negative RAM", &Server{Hostname: "n", MaxRAM: -1}, ErrBadRAM},
		{"NaN RAM", &Server{Hostname: "n", MaxRAM: math.NaN()}, ErrBadRAM},
		{"infinite RAM", &Server{Hostname: "n", MaxRAM: math.Inf(1)}, ErrBadRAM},
		{"used RAM preset", &Server{Hostname: "n", MaxRAM: 4, RAMUsed: 1}, ErrBadRAM},
		{"unknown link", &Server{Hostname: "n", Links: []string{"ghost"}}, ErrUnknownHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			before := len(f.w.Servers())
			err := f.w.AddServer(tt.s)
			if !errors.Is(err, tt.want) {
				t.Fatalf("AddServer error %v, want %v", err, tt.want)
			}
			if err != nil && len(f.w.Servers()) != before {
				t.Error("a rejected server was added")
			}
		})
	}
}

func TestWorld_network(t *testing.T) {
	f := newFixture(t)
	var names []string
	for _, s := range f.w.Servers() {
		names = append(names, s.Hostname)
	}
	if !reflect.DeepEqual(names, []string{"home", "r", "u"}) {
		t.Errorf("Servers order %v", names)
	}
	if err := f.w.Link("r", "u"); err != nil {
		t.Fatal(err)
	}
	if err := f.w.Link("u", "r"); err != nil {
		t.Fatal(err)
	}
	links := map[string][]string{"home": {"r", "u"}, "r": {"home", "u"}, "u": {"home", "r"}}
	for h, want := range links {
		if got := f.w.Server(h).Links; !reflect.DeepEqual(got, want) {
			t.Errorf("%s links %v, want %v", h, got, want)
		}
	}
	if err := f.w.Link("r", "ghost"); !errors.Is(err, ErrUnknownHost) {
		t.Errorf("Link to a missing host: %v", err)
	}
	if f.w.Server("ghost") != nil {
		t.Error("Server of a missing host is not nil")
	}
}

func TestWorld_ram(t *testing.T) {
	f := newFixture(t)
	f.exec(t, "b.js", "r", 2)
	tests := []struct {
		name    string
		do      func() (float64, error)
		want    float64
		wantErr string
	}{
		{"max", func() (float64, error) { return f.w.GetServerMaxRam("r") }, 16, ""},
		{"used", func() (float64, error) { return f.w.GetServerUsedRam("r") }, 3.5, ""},
		{"max unknown", func() (float64, error) { return f.w.GetServerMaxRam("x") }, 0, "Invalid hostname: 'x'"},
		{"used unknown", func() (float64, error) { return f.w.GetServerUsedRam("x") }, 0, "Invalid hostname: 'x'"},
		{"upgrade", func() (float64, error) {
			if err := f.w.SetMaxRAM("r", 32); err != nil {
				return 0, err
			}
			return f.w.GetServerMaxRam("r")
		}, 32, ""},
	}
	for _, tt := range tests {
		got, err := tt.do()
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrInvalidHostname) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
		} else if err != nil || got != tt.want {
			t.Errorf("%s = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if err := f.w.SetMaxRAM("x", 4); !errors.Is(err, ErrUnknownHost) {
		t.Errorf("SetMaxRAM unknown host: %v", err)
	}
	if err := f.w.SetMaxRAM("r", math.NaN()); !errors.Is(err, ErrBadRAM) {
		t.Errorf("SetMaxRAM NaN: %v", err)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Config{}); !errors.Is(err, ErrNoRAMOf) {
		t.Errorf("New without RAMOf: %v", err)
	}
}

func TestExitReason_String(t *testing.T) {
	tests := map[ExitReason]string{ExitKilled: "killed", ExitFinished: "finished", ExitCrashed: "crashed", 9: "ExitReason(9)"}
	for r, want := range tests {
		if r.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(r), r.String(), want)
		}
	}
}

// TestBaseRAM checks the constant against the game's RamCostConstants.
func TestBaseRAM(t *testing.T) {
	b, err := gamedata.Read("constants.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		RamCostConstants struct{ Base float64 }
	}
	if err := json.NewDecoder(strings.NewReader(string(b))).Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c.RamCostConstants.Base != BaseRAM {
		t.Errorf("BaseRAM = %v, game has %v", BaseRAM, c.RamCostConstants.Base)
	}
}
