package e2e

import (
	"slices"
	"strings"
	"testing"

	"ramfarm/harness/world"
)

// TestVacateHost: the player wants to upgrade a bought server that
// harvest batches run on. A vacate moves every task off it without
// stopping the system: no new work starts there, the batches on it land,
// the tasks give its chunks back and grow elsewhere, and the selector
// answers once nothing is left on it. After the upgrade and a reopen,
// work returns to it.
func TestVacateHost(t *testing.T) {
	// One target, alpha, so the selector's choices never stop its harvest,
	// and a bought server holding only workers.
	const host = "pserv-0"
	g, _ := newGame(t, 64, server{"alpha", 32, true})
	alpha := g.World.Server("alpha") // prepared already: harvest at once
	alpha.MoneyAvailable, alpha.HackDifficulty = alpha.MoneyMax, alpha.MinDifficulty
	srv := world.NewServer(world.ServerParams{Hostname: host, MaxRAM: 64, HackDifficulty: 1, AdminRights: true,
		PurchasedByPlayer: true, NumOpenPortsRequired: 5})
	srv.Links = []string{"home"}
	if err := g.World.AddServer(srv); err != nil {
		t.Fatal(err)
	}
	for _, script := range []string{"ramfarm/discover.js", "ramfarm/selector.js"} {
		if _, err := g.Exec(script, "home", 1); err != nil {
			t.Fatal(err)
		}
	}
	// Until a harvest runs (only harvests run hack workers) and some of
	// its workers run on the bought server.
	hacking := func() bool {
		var harvest, there bool
		for _, h := range []string{"home", "alpha", host} {
			ps, err := g.World.PS(h)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				harvest = harvest || p.Filename == "ramfarm/w/hack.js"
				there = there || (h == host && strings.HasPrefix(p.Filename, "ramfarm/w/"))
			}
		}
		return harvest && there
	}
	for i := 0; !hacking(); i++ {
		if i == 360 {
			t.Fatal("no harvest batch on " + host + " after 30 minutes")
		}
		run(t, g, 5000)
	}
	tasks, pids := tasksByTarget(t, g)
	if got := describeTasks(tasks); got != "alpha: ramfarm/harvest.js" {
		t.Fatalf("tasks before the vacate: %s", got)
	}

	// The player's way: ramfarm/vacate.js, which waits for the answer.
	vacate, err := g.Exec("ramfarm/vacate.js", "home", 1, host)
	if err != nil {
		t.Fatal(err)
	}
	start := g.Now()
	money := g.Stats().Money
	for {
		if _, ok := g.Exited(vacate); ok {
			break
		}
		if g.Now()-start > 10*60*1000 {
			t.Fatal("vacate.js still waiting after 10 minutes")
		}
		run(t, g, 1000)
	}
	took := g.Now() - start
	if want := "INFO vacate: nothing of ramfarm's is left on " + host; !slices.ContainsFunc(g.Terminal(), func(l string) bool { return strings.Contains(l, want) }) {
		t.Fatalf("vacate.js did not say %q: %q", want, g.Terminal())
	}
	if ps, _ := g.World.PS(host); len(ps) > 0 {
		t.Fatalf("vacated, but %d processes still run on %s: %v", len(ps), host, ps[0].Filename)
	}
	// The harvest was not stopped: it moved its batches to alpha and
	// earned all along.
	run(t, g, 60*1000)
	if ps, _ := g.World.PS(host); len(ps) > 0 {
		t.Fatalf("work started on %s while it is vacated: %v", host, ps[0].Filename)
	}
	for _, pid := range pids {
		if reason, ended := g.Exited(pid); ended {
			t.Fatalf("harvest pid %d ended (%v) during the vacate", pid, reason)
		}
	}
	if g.Stats().Money <= money {
		t.Errorf("no money made during the vacate: %v then %v", money, g.Stats().Money)
	}
	if !slices.ContainsFunc(g.Logs(pids[0]), func(l string) bool { return strings.Contains(l, "leaving "+host) }) {
		t.Error("the harvest never heard it had to leave " + host)
	}

	// The upgrade, then the reopen: work returns to the larger server.
	if err := g.World.SetMaxRAM(host, 256); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Exec("ramfarm/reopen.js", "home", 1, host); err != nil {
		t.Fatal(err)
	}
	for i := 0; !hacking(); i++ {
		if i == 60 {
			t.Fatal("no harvest batch on " + host + " five minutes after the reopen")
		}
		run(t, g, 5000)
	}
	t.Logf("vacated in %.0f s, with $%.0f made meanwhile", took/1000, g.Stats().Money-money)
}
