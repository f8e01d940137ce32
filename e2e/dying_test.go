package e2e

import (
	"fmt"
	"strings"
	"testing"

	"ramfarm/harness/world"
)

// Workers that die the moment they start (a missing file, a host deleted,
// an ns call the player's game release handles differently) must not
// drive a task into re-execing them in a loop: in the game that freezes
// the page. Here every till and sow worker throws at start. The clock
// keeps advancing (a frozen run fails the run helper with ErrFrozen), the
// task retries once at once and then with growing pauses, warns once,
// gives the host up once, and the logs stay short; memd answers the
// un-claims of workers it already saw die without a word.
func TestDyingWorkers(t *testing.T) {
	for _, kind := range []string{"till", "sow"} {
		t.Run(kind, func(t *testing.T) {
			g, memd := newGame(t, 64, server{"alpha", 16, true})
			tgt := world.NewServer(world.ServerParams{Hostname: "target", MoneyAvailable: 5e5, HackDifficulty: 9, AdminRights: true})
			tgt.Links = []string{"home"}
			tgt.MoneyMax = 1e6
			if err := g.World.AddServer(tgt); err != nil {
				t.Fatal(err)
			}
			crash := "export async function main(ns) { throw new Error('this game release has no such call'); }"
			if err := g.Install("home", map[string]string{"ramfarm/w/weaken.js": crash, "ramfarm/w/grow.js": crash}); err != nil {
				t.Fatal(err)
			}
			sel := &selectorInbox{t: t, g: g}
			task, err := g.Exec("ramfarm/"+kind+".js", "home", 1, "target")
			if err != nil {
				t.Fatal(err)
			}
			before := g.World.Started()
			perMinute := []int{}
			for minute := 0; minute < 10; minute++ {
				n := g.World.Started()
				for range 60 {
					run(t, g, 1000)
					sel.drain()
				}
				perMinute = append(perMinute, g.World.Started()-n)
			}
			starts := g.World.Started() - before
			tlog, mlog := g.Logs(task), g.Logs(memd)
			// Again at once, then 2, 4, 8, 16 s apart, then given up and
			// tried again every 120 s at most once nothing of the task is
			// left there.
			if starts < 6 || starts > 12 || perMinute[0] > 6 {
				t.Errorf("%d worker starts in 10 game minutes, by minute %v; want 6 to 12, at most 6 in the first", starts, perMinute)
			}
			if n := countPrefixed(tlog, "WARN workers on alpha"); n != 1 {
				t.Errorf("%d warnings about alpha, want 1: %q", n, tlog)
			}
			if n := countPrefixed(tlog, "WARN giving up alpha"); n != 1 {
				t.Errorf("%d give-ups of alpha, want 1: %q", n, tlog)
			}
			if beat := sel.last("heartbeat"); beat == nil || fmt.Sprint(beat["gaveUp"]) != "[alpha]" {
				t.Errorf("last heartbeat %v, want gaveUp [alpha] (the selector quarantines it)", beat)
			}
			if len(tlog) > 60 || len(mlog) > 80 {
				t.Errorf("logs grow with the deaths: task %d lines, memd %d", len(tlog), len(mlog))
			}
			for _, l := range mlog {
				if strings.Contains(l, "reject") {
					t.Errorf("memd: %q (an un-claim of a worker it saw die is no error)", l)
				}
			}
		})
	}
}

// A bought server deleted under a running till (its workers killed
// first, as the game requires) costs the task a few failed starts, not a
// loop: it goes on with alpha's chunks and finishes.
func TestVanishingHost(t *testing.T) {
	const host = "pserv-0"
	g, _ := newGame(t, 64, server{"alpha", 64, true})
	if err := g.World.Player().SetMoney(1e9); err != nil {
		t.Fatal(err)
	}
	if got, err := g.World.PurchaseServer(host, 32); got != host || err != nil {
		t.Fatalf("purchase: %q, %v", got, err)
	}
	registerWorkers(t, g, host)
	tgt := world.NewServer(world.ServerParams{Hostname: "target", MoneyAvailable: 1e6, HackDifficulty: 9, AdminRights: true})
	tgt.Links = []string{"home"}
	if err := g.World.AddServer(tgt); err != nil {
		t.Fatal(err)
	}
	tgt.HackDifficulty = 5 // min 3: 40 weaken threads, more than alpha's 36 chunks
	sel := &selectorInbox{t: t, g: g}
	task, err := g.Exec("ramfarm/till.js", "home", 1, "target")
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 3000)
	if n := prepThreads(t, g, host); n == 0 {
		t.Fatalf("no till threads on %s: %q", host, g.Logs(task))
	}
	if _, err := g.World.KillAll(host, 0); err != nil {
		t.Fatal(err)
	}
	if err := g.World.DeleteServer(host, "home"); err != nil {
		t.Fatal(err)
	}
	before := g.World.Started()
	for end := g.Now() + 1_200_000; ; run(t, g, 1000) {
		sel.drain()
		if _, ok := g.Exited(task); ok {
			break
		}
		if g.Now() > end {
			t.Fatalf("till still running 20 game minutes after %s went: %q", host, g.Logs(task))
		}
	}
	if fin := sel.last("finished"); fin == nil || fin["done"] != true {
		t.Errorf("finished report %v, want done", fin)
	}
	if tgt.HackDifficulty != tgt.MinDifficulty {
		t.Errorf("target security %v, want min %v", tgt.HackDifficulty, tgt.MinDifficulty)
	}
	if n := g.World.Started() - before; n > 6 {
		t.Errorf("%d worker starts after %s went, want a few: %q", n, host, g.Logs(task))
	}
}
