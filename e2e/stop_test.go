package e2e

import (
	"strings"
	"testing"

	"ramfarm/harness"
)

// ramfarmProcs lists the pids of every ramfarm process on every server.
func ramfarmProcs(g *harness.Game) []int64 {
	var pids []int64
	for _, s := range g.World.Servers() {
		ps, _ := g.World.PS(s.Hostname)
		for _, p := range ps {
			if strings.HasPrefix(p.Filename, "ramfarm/") {
				pids = append(pids, p.Pid)
			}
		}
	}
	return pids
}

// TestStop: a running system (daemons, tasks, workers on many servers)
// and then stop.js. Afterwards no ramfarm process runs anywhere, the
// player's own script still does, and no port ramfarm used holds
// anything: the memory daemon's allocations and ports ended with it.
func TestStop(t *testing.T) {
	g := startedGame(t, map[string]string{"mine.js": "export async function main(ns) { for (;;) await ns.sleep(1000); }"})
	mine, err := g.Exec("mine.js", "home", 1)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 4*60*1000)
	before := ramfarmProcs(g)
	tasks, _ := tasksByTarget(t, g)
	if len(before) < 10 || len(tasks) == 0 {
		t.Fatalf("%d ramfarm processes, tasks %v: the system is not running", len(before), tasks)
	}

	stop, err := g.Exec("ramfarm/stop.js", "home", 1)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 2000)
	if left := ramfarmProcs(g); len(left) > 0 {
		t.Errorf("%d ramfarm processes still run after stop.js, first pid %d", len(left), left[0])
	}
	if _, ended := g.Exited(mine); ended {
		t.Error("stop.js killed the player's own script")
	}
	ports := []int64{98, 99, 100}
	for n := int64(101); n < 101+4096; n++ {
		ports = append(ports, n)
	}
	for _, pid := range append(before, stop) {
		ports = append(ports, 1<<40+pid)
	}
	for _, n := range ports {
		if !g.Ports.Empty(n) {
			t.Errorf("port %d still holds data", n)
		}
	}
	if out := strings.Join(g.Terminal(), "\n"); !strings.Contains(out, "INFO stop: killed ") {
		t.Errorf("stop.js said nothing:\n%s", out)
	}
	// Nothing comes back by itself.
	run(t, g, 60*1000)
	if left := ramfarmProcs(g); len(left) > 0 {
		t.Errorf("%d ramfarm processes a minute after stop.js", len(left))
	}
}
