package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ramfarm/harness/sim"
	"ramfarm/scenarios"
)

func TestPrintUse(t *testing.T) {
	ptr := func(x float64) *float64 { return &x }
	for _, tt := range []struct {
		name    string
		windows []sim.UseWindow
		want    string
	}{
		{"well used, saturated and empty windows", []sim.UseWindow{
			{FromMin: 0, ToMin: 10, Mean: ptr(0.95)},
			{FromMin: 10, ToMin: 20, Mean: ptr(0.5), Saturated: true, IdleGB: 40},
			{FromMin: 20, ToMin: 25},
		}, "  grow     0.95 0.50* -\n"},
		{"idle for other reasons than saturation", []sim.UseWindow{
			{FromMin: 0, ToMin: 10, Mean: ptr(0.6), IdleGB: 12, UnallocatedGB: 5},
			{FromMin: 10, ToMin: 20, Mean: ptr(0.29), Saturated: true},
			{FromMin: 20, ToMin: 30, Mean: ptr(0.899), IdleGB: 3.4},
		}, "  grow     0.60 0.29* 0.89\n" +
			"           RAM idle though targets could use it: 0-10 min (0.60, 12 GB idle, 5 GB of it unallocated), " +
			"20-30 min (0.89, 3 GB idle, 0 GB of it unallocated)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			printUse(&b, sim.Result{Policy: "grow", UseWindows: tt.windows})
			if b.String() != tt.want {
				t.Errorf("printUse:\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestPickRuns(t *testing.T) {
	for _, tt := range []struct {
		name   string
		policy string
		set    bool
		oneRun bool
		want   []string
		err    string
	}{
		{"every policy by default", "all", false, false, []string{"grow", "greedy", "restart", "replan"}, ""},
		{"a list", "greedy,restart", true, false, []string{"greedy", "restart"}, ""},
		{"a timeline without --policy follows grow", "all", false, true, []string{"grow"}, ""},
		{"a timeline of the policy named", "restart", true, true, []string{"restart"}, ""},
		{"a timeline of a list", "grow,greedy", true, true, nil, "follow one run"},
		{"a timeline of all, asked for", "all", true, true, nil, "follow one run"},
		{"an unknown policy", "grow,lazy", true, false, nil, `unknown policy "lazy"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pickRuns(tt.policy, tt.set, tt.oneRun)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("pickRuns = %v, %v; want an error with %q", got, err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("pickRuns = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestLoadScenario(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mine.json")
	b, _ := scenarios.Get("bn1-start")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, arg, want, err string
	}{
		{"a shipped scenario", "bn1-fresh", "bn1-fresh", ""},
		{"a scenario file", file, "bn1-start", ""},
		{"an unknown name lists the shipped ones", "bn3-fresh", "",
			`unknown scenario "bn3-fresh": the shipped ones are alloc-demo, bn1-drawn, bn1-fresh, bn1-start, bn12-fresh, bn2-fresh`},
		{"a missing file is a missing file", filepath.Join(t.TempDir(), "gone.json"), "", "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := loadScenario(tt.arg)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("loadScenario(%q) error %v, want one with %q", tt.arg, err, tt.err)
				}
				return
			}
			if err != nil || sc.Name != tt.want {
				t.Fatalf("loadScenario(%q) = %v, %v; want scenario %s", tt.arg, sc, err, tt.want)
			}
		})
	}
}

func TestProgressLine(t *testing.T) {
	names := []string{"grow", "greedy", ""}
	for _, tt := range []struct {
		name    string
		reached []float64
		wall    float64
		want    string
	}{
		{"under way: the slowest run leads", []float64{2530000, 2400000, 2490000}, 12,
			"sim 0:40:00 of 2:10:00: grow 0:42:10 211×, greedy 0:40:00 200×, - 0:41:30 208×"},
		{"not started", []float64{0, 0, 0}, 0, "sim 0:00:00 of 2:10:00: grow 0:00:00 -, greedy 0:00:00 -, - 0:00:00 -"},
		{"done", []float64{7800000, 7800000, 7800000}, 300,
			"sim 2:10:00 of 2:10:00: grow 2:10:00 26×, greedy 2:10:00 26×, - 2:10:00 26×"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := progressLine(names, tt.reached, 7800000, tt.wall); got != tt.want {
				t.Errorf("progressLine:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// Off a terminal, progress prints whole lines as it goes and one when
// stopped, where every run ended; on one, it redraws a line in place and
// ends it.
func TestProgress(t *testing.T) {
	for _, tty := range []bool{false, true} {
		w := make(writes, 1<<16)
		p := startProgress(w, tty, time.Millisecond, []string{"grow", "greedy"}, 60000)
		p.reached(0, 30000)
		var out strings.Builder
		for timeout := time.After(10 * time.Second); !strings.Contains(out.String(), "grow 0:00:30"); {
			select {
			case s := <-w:
				out.WriteString(s)
			case <-timeout:
				t.Fatalf("tty %v: no line with grow at 0:00:30 in 10 s: %q", tty, out.String())
			}
		}
		p.reached(0, 60000)
		p.reached(1, 60000)
		p.Stop() // the printing goroutine is done: every write is in w
		for len(w) > 0 {
			out.WriteString(<-w)
		}
		got, last := out.String(), "sim 0:01:00 of 0:01:00: grow 0:01:00 "
		if tty {
			if !strings.HasPrefix(got, "\r\x1b[K") || strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
				t.Errorf("terminal: want one line redrawn in place, got %q", got)
			}
			if i := strings.LastIndex(got, "\r\x1b[K"); !strings.HasPrefix(got[i+4:], last) {
				t.Errorf("terminal: the last drawing is %q, want it to start %q", got[i+4:], last)
			}
			continue
		}
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if strings.Contains(got, "\r") || !strings.HasSuffix(got, "\n") {
			t.Errorf("log: want whole lines, got %q", got)
		}
		if !strings.HasPrefix(lines[len(lines)-1], last) {
			t.Errorf("log: last line %q, want it to start %q", lines[len(lines)-1], last)
		}
	}
}

// writes hands each write to the test through a channel, so the
// progress goroutine and the test share no buffer.
type writes chan string

func (w writes) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// The chart lands where asked, its folder made, naming every policy and
// marking the RAM jumps.
func TestWriteChart(t *testing.T) {
	result := func(policy string, jumps ...sim.Jump) sim.Result {
		return sim.Result{Policy: policy, SimSeconds: 120, Jumps: jumps,
			Money:   [][2]float64{{1, 0}, {60, 500}, {120, 2000}},
			RAMUtil: [][5]float64{{1, 2, 8, 20, 8}, {60, 6, 8, 20, 8}, {61, 6, 40, 20, 8}, {120, 30, 40, 20, 40}}}
	}
	path := filepath.Join(t.TempDir(), "build", "sim", "bn1-test.svg")
	err := writeChart(path, "bn1-test", []sim.Result{result("grow", sim.Jump{T: 61, NewGB: 32}), result("greedy"), result("restart")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{">bn1-test: hacking money made<", ">grow<", ">greedy<", ">restart<", ">RAM jump<"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("no %q in the chart", s)
		}
	}
	if got := defaultChart("mine/odd"); got != filepath.Join("build", "sim", "mine-odd.svg") {
		t.Errorf("defaultChart = %s", got)
	}
}
