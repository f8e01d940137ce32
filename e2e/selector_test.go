package e2e

import (
	"sort"
	"strings"
	"testing"

	"ramfarm/harness"
	"ramfarm/harness/world"
)

// tasksByTarget lists the running till/sow/harvest tasks by target, and
// their pids: tasks are seated on any server.
func tasksByTarget(t *testing.T, g *harness.Game) (map[string][]string, []int64) {
	t.Helper()
	out := map[string][]string{}
	var pids []int64
	for _, s := range g.World.Servers() {
		ps, _ := g.World.PS(s.Hostname) // a server off the network has none
		for _, p := range ps {
			switch p.Filename {
			case "ramfarm/till.js", "ramfarm/sow.js", "ramfarm/harvest.js":
				target, _ := p.Args[0].(string)
				out[target] = append(out[target], p.Filename)
				pids = append(pids, p.Pid)
			}
		}
	}
	return out, pids
}

// pidOf is the pid of the process running script on any server, or 0.
func pidOf(g *harness.Game, script string) int64 {
	for _, s := range g.World.Servers() {
		ps, _ := g.World.PS(s.Hostname)
		for _, p := range ps {
			if p.Filename == script {
				return p.Pid
			}
		}
	}
	return 0
}

func describeTasks(m map[string][]string) string {
	var lines []string
	for target, ts := range m {
		lines = append(lines, target+": "+strings.Join(ts, ","))
	}
	sort.Strings(lines)
	return strings.Join(lines, "; ")
}

// TestSelectorRestart: the selector is killed mid-run and start.js is run
// again, which starts it anew and leaves the rest alone. The tasks keep running, the new selector adopts them from their
// heartbeats, and it neither loses nor duplicates a task: one task per
// target, the same ones as before, and the run goes on making money.
func TestSelectorRestart(t *testing.T) {
	g := startedGame(t, nil)
	run(t, g, 5*60*1000)
	selector := pidOf(g, "ramfarm/selector.js")
	before, pids := tasksByTarget(t, g)
	if len(before) == 0 {
		t.Fatal("no tasks after five minutes")
	}
	for target, ts := range before {
		if len(ts) != 1 {
			t.Fatalf("before the restart %s has %d tasks: %v", target, len(ts), ts)
		}
	}
	money := g.Stats().Money

	g.Kill(selector)
	if r, ok := g.Exited(selector); !ok || r != world.ExitKilled {
		t.Fatalf("selector not killed: %v %v", r, ok)
	}
	run(t, g, 3000)
	// The player runs start.js again: it starts what is missing.
	if _, err := g.Exec("ramfarm/start.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	// Through the new selector's grace period (its heartbeat timeout) and
	// well past it.
	for i := 0; i < 60; i++ {
		run(t, g, 1000)
		now, _ := tasksByTarget(t, g)
		for target, ts := range now {
			if len(ts) > 1 {
				t.Fatalf("%.0f s after the restart %s has %d tasks: %v", float64(i+1), target, len(ts), ts)
			}
		}
	}
	after, _ := tasksByTarget(t, g)
	// Every task from before still runs, or ended by itself (its phase
	// done, or drained on the new selector's request): none was killed as
	// unknown or replaced by a duplicate.
	for _, pid := range pids {
		if reason, ended := g.Exited(pid); ended && reason != world.ExitFinished {
			t.Errorf("task pid %d ended %v across the restart", pid, reason)
		}
	}
	run(t, g, 5*60*1000)
	if g.Stats().Money <= money {
		t.Errorf("no money made after the restart: %v then %v", money, g.Stats().Money)
	}
	t.Logf("tasks before: %s; after: %s", describeTasks(before), describeTasks(after))
}
