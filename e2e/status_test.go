package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ramfarm/harness"
)

var (
	reStatusRAM     = regexp.MustCompile(`(?m)^RAM +([\d.]+) GB usable on (\d+) servers, ([\d.]+) GB allocated, ([\d.]+) GB idle$`)
	reStatusHarvest = regexp.MustCompile(`(?m)^(?:tasks)? +harvest +(\S+) +(\d+)/(\d+) x ([\d.]+) GB +([\d.]+) GB / ([\d.]+) GB`)
	reStatusMoney   = regexp.MustCompile(`(?m)^money +\$[\d.]+[kmbtq]?/s over the last minute, \$([\d.]+)([kmbtq]?) since ramfarm started$`)
	reStatusJump    = regexp.MustCompile(`(?m)^jump +\+([\d.]+) GB (.+) ago; (90 % allocated in .+|still absorbing: [\d.]+ GB free)$`)
)

// statusLog is what status.js shows now: its log holds only the latest
// refresh (it clears it each time).
func statusLog(g *harness.Game, pid int64) string { return strings.Join(g.Logs(pid), "\n") }

// dollars reads the game's money notation: 12.345k is 12345.
func dollars(t *testing.T, n, unit string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(n, 64)
	if err != nil {
		t.Fatalf("money %q: %v", n, err)
	}
	for _, u := range "kmbtq" {
		if unit == string(u) {
			return x * 1e3 * pow1000(strings.IndexRune("kmbtq", u))
		}
	}
	return x
}

func pow1000(n int) float64 {
	x := 1.0
	for range n {
		x *= 1000
	}
	return x
}

// TestStatus: ramfarm runs the bn1-start scenario; status.js opens its
// tail window and, within seconds, shows the RAM, the tasks with their
// allocations, the money the hacks took and a RAM jump (home doubled),
// refreshing in place. After stop.js (which ends it
// with everything of ramfarm's), a new status.js says ramfarm does not
// answer and keeps asking, without crashing and without filling the
// selector's port; once ramfarm is started again, it shows it.
func TestStatus(t *testing.T) {
	wall := time.Now()
	g := startedGame(t, nil)
	run(t, g, 60*1000)
	pid, err := g.Exec("ramfarm/status.js", "home", 1, "--every", 2)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 3000)
	if !g.TailOpened(pid) {
		t.Error("status.js opened no tail window")
	}
	shown := statusLog(g, pid)
	m := reStatusRAM.FindStringSubmatch(shown)
	if m == nil {
		t.Fatalf("no RAM line 3 s after the start:\n%s", shown)
	}
	if usable, _ := strconv.ParseFloat(m[1], 64); usable <= 0 || m[2] == "0" {
		t.Errorf("RAM line %q: want usable RAM on some servers", m[0])
	}

	// The harvest on n00dles lands its first batches around 7 minutes;
	// at 8 the player doubles home's RAM (32 to 64 GB): a jump.
	run(t, g, 8*60*1000-g.Now())
	if err := g.World.SetMaxRAM("home", 64); err != nil {
		t.Fatal(err)
	}
	run(t, g, 11*60*1000-g.Now())
	shown = statusLog(g, pid)
	t.Logf("status.js at %s of game time:\n%s", time.Duration(g.Now())*time.Millisecond, shown)
	if h := reStatusHarvest.FindStringSubmatch(shown); h == nil || h[2] == "0" {
		t.Errorf("no harvest task holding chunks: %q\n%s", h, shown)
	}
	if m := reStatusMoney.FindStringSubmatch(shown); m == nil {
		t.Errorf("no money line:\n%s", shown)
	} else if got := dollars(t, m[1], m[2]); got <= 0 || got > g.Stats().Money*1.001 {
		t.Errorf("money since the start %v; the hacks took %v", got, g.Stats().Money)
	}
	if m := reStatusJump.FindStringSubmatch(shown); m == nil {
		t.Errorf("no RAM jump after home doubled:\n%s", shown)
	} else if m[1] != "32.00" {
		t.Errorf("jump of %s GB, want home's new 32 GB", m[1])
	}
	if n := len(g.Logs(pid)); n > 20 {
		t.Errorf("the log holds %d lines: status.js does not refresh in place", n)
	}
	if strings.Contains(shown, "WARN") || strings.Contains(shown, "ERROR") {
		t.Errorf("status of a running ramfarm warns:\n%s", shown)
	}

	if _, err := g.Exec("ramfarm/stop.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	run(t, g, 2000)
	if _, ended := g.Exited(pid); !ended {
		t.Error("stop.js left status.js running")
	}
	pid2, err := g.Exec("ramfarm/status.js", "home", 1)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 6000)
	shown = statusLog(g, pid2)
	if !strings.HasPrefix(shown, "WARN status: ramfarm's selector does not answer") || !strings.Contains(shown, "run ramfarm/start.js") {
		t.Errorf("with ramfarm stopped, status.js shows:\n%s", shown)
	}
	run(t, g, 3*60*1000)
	if _, ended := g.Exited(pid2); ended {
		t.Fatalf("status.js ended while ramfarm was stopped:\n%s", strings.Join(g.Terminal(), "\n"))
	}
	if n := portLen(g, selectorPort); n > 12 {
		t.Errorf("status.js left %d requests in the selector's port in 3 minutes", n)
	}
	if _, err := g.Exec("ramfarm/start.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	run(t, g, 40*1000)
	if shown = statusLog(g, pid2); reStatusRAM.FindStringSubmatch(shown) == nil {
		t.Errorf("ramfarm started again, status.js shows:\n%s", shown)
	}
	g.Kill(pid2)
	run(t, g, 1000)
	if !g.Ports.Empty(1<<40 + pid2) {
		t.Error("status.js left data in its reply port")
	}
	t.Logf("%.1f s of wall time", time.Since(wall).Seconds())
}

// portLen counts the messages in port n, reading them.
func portLen(g *harness.Game, n int64) int {
	c := 0
	for {
		if s, _ := g.ReadPortJSON(n); s == "" {
			return c
		}
		c++
	}
}
