package e2e

import (
	"strconv"
	"strings"
	"testing"
)

// TestDiscoverRestart: the discovery daemon killed and started again
// (start.js starts what is missing, though tasks hold every chunk) while
// the selector runs: the new daemon gets the selector as a subscriber
// within a minute, so targets keep reaching it.
func TestDiscoverRestart(t *testing.T) {
	g := startedGame(t, nil)
	run(t, g, 3*60_000)
	pidOf := func(file string) int64 {
		daemons, _ := ramfarmPids(g)
		return daemons[file]
	}
	old, selector := pidOf("ramfarm/discover.js"), pidOf("ramfarm/selector.js")
	if old == 0 || selector == 0 {
		t.Fatal("discover.js or selector.js is not running")
	}
	g.Kill(old)
	run(t, g, 5000) // the memory daemon sees the death and frees its seat
	// Every chunk is held by tasks: the memory daemon makes room for a
	// daemon's seat from chunks no worker uses, as batches land.
	if _, err := g.Exec("ramfarm/start.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	run(t, g, 100_000)
	fresh := pidOf("ramfarm/discover.js")
	if fresh == 0 || fresh == old {
		t.Fatalf("discover.js was not started again (pid %d, was %d)", fresh, old)
	}
	want := "subscriber pid=" + strconv.FormatInt(selector, 10)
	for _, l := range g.Logs(fresh) {
		if strings.Contains(l, want) {
			return
		}
	}
	t.Errorf("the new discovery daemon never heard from the selector (pid %d):\n%s", selector, strings.Join(g.Logs(fresh), "\n"))
}

// TestStartTwice: start.js run while another waits for room ends at once
// with a word, instead of holding a second 4.6 GB of the player's reserve;
// the first goes on and starts the system alone.
func TestStartTwice(t *testing.T) {
	g := startedGame(t, nil) // start.js is running, pid 1
	second, err := g.Exec("ramfarm/start.js", "home", 1)
	if err != nil || second == 0 {
		t.Fatalf("exec start.js again: %d %v", second, err)
	}
	run(t, g, 100)
	if _, ended := g.Exited(second); !ended {
		t.Fatal("the second start.js still runs beside the first")
	}
	said := false
	for _, l := range g.Terminal() {
		said = said || strings.Contains(l, "start.js is already running (pid ")
	}
	if !said {
		t.Errorf("the second start.js said nothing on the terminal:\n%s", strings.Join(g.Terminal(), "\n"))
	}
	run(t, g, 60_000)
	daemons, _ := ramfarmPids(g)
	if len(daemons) != 3 {
		t.Errorf("daemons %v after a minute, want all three, once each", daemons)
	}
}
