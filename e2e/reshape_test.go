package e2e

import (
	"os"
	"strings"
	"testing"

	"ramfarm/harness/world"
)

// TestReshape: an allocation moves from 4 GB to 16 GB chunks while
// workers run in the old ones. No worker is killed: every old chunk goes
// back only after its worker finished. Both sizes coexist during the move,
// and at the end only 16 GB chunks remain.
func TestReshape(t *testing.T) {
	g, memd := newGame(t, 64, server{"alpha", 16, true}, server{"beta", 16, true})
	script, err := os.ReadFile("testdata/reshape.js")
	if err != nil {
		t.Fatal(err)
	}
	g.Install("home", map[string]string{"ramfarm/test/reshape.js": string(script)})
	client, err := g.Exec("ramfarm/test/reshape.js", "home", 1, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 3000)
	r := status(t, g, memd)
	if n, _ := chunks(r.Allocs[0].Held, 4); n != 4 || r.Allocs[0].Chunk != 16 {
		t.Fatalf("after the reshape request: %+v; want 4 old 4 GB chunks held and chunk size 16", r.Allocs[0])
	}
	sawBoth := false
	for i := 0; i < 60 && !strings.Contains(strings.Join(g.Logs(client), "\n"), "reshape: done"); i++ {
		run(t, g, 10000)
		r = status(t, g, memd)
		n4, _ := chunks(r.Allocs[0].Held, 4)
		n16, _ := chunks(r.Allocs[0].Held, 16)
		sawBoth = sawBoth || (n4 > 0 && n16 > 0)
	}
	if !strings.Contains(strings.Join(g.Logs(client), "\n"), "reshape: done") {
		t.Fatalf("reshape never finished; client log:\n%s", strings.Join(g.Logs(client), "\n"))
	}
	if !sawBoth {
		t.Error("never saw 4 GB and 16 GB chunks held at once")
	}
	r = status(t, g, memd)
	n4, _ := chunks(r.Allocs[0].Held, 4)
	n16, hosts := chunks(r.Allocs[0].Held, 16)
	if n4 != 0 || n16 != 2 || hosts["alpha"] != 1 || hosts["beta"] != 1 {
		t.Errorf("at the end: %d × 4 GB, %d × 16 GB %v; want only 2 × 16 GB, one per host", n4, n16, hosts)
	}
	// No worker was killed: each of the old chunks' workers finished.
	finished := 0
	for pid := client + 1; pid < client+12; pid++ {
		if reason, ok := g.Exited(pid); ok {
			if reason != world.ExitFinished {
				t.Errorf("worker %d ended %v, want finished", pid, reason)
			}
			finished++
		}
	}
	if finished < 4 {
		t.Errorf("%d workers finished, want the 4 old ones", finished)
	}
}
