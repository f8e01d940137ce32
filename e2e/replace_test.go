package e2e

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/task"
	"ramfarm/harness"
	"ramfarm/harness/world"
)

// ramfarm's worker scripts running on hosts: their RAM and pids.
func workersOn(t *testing.T, g *harness.Game, hosts ...string) (gb float64, pids []int64) {
	t.Helper()
	for _, h := range hosts {
		ps, err := g.World.PS(h)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if strings.HasPrefix(p.Filename, "ramfarm/w/") {
				gb += g.World.Process(p.Pid).RAMPerThread * float64(p.Threads)
				pids = append(pids, p.Pid)
			}
		}
	}
	return gb, pids
}

// killAll kills pids at once, as the player's killall would.
func killAll(t *testing.T, g *harness.Game, pids []int64) {
	t.Helper()
	if n := g.KillPids(pids...); n != len(pids) {
		t.Fatalf("killed %d of %d pids: some were not running", n, len(pids))
	}
}

// untilBack runs the game in steps of 100 ms until workers use gb on
// hosts again, for at most a second and one task tick (task.Look), and
// says how long that took.
func untilBack(t *testing.T, g *harness.Game, gb float64, hosts []string) float64 {
	t.Helper()
	start := g.Now()
	for g.Now()-start < 1000+task.Look {
		run(t, g, 100)
		if now, _ := workersOn(t, g, hosts...); now >= gb {
			break
		}
	}
	return g.Now() - start
}

// claimed is what the memory daemon counts as claimed on hosts.
func claimed(t *testing.T, g *harness.Game, memd int64, hosts ...string) float64 {
	t.Helper()
	gb := 0.0
	for _, w := range status(t, g, memd).Workers {
		if slices.Contains(hosts, w.Host) {
			gb += w.Claimed
		}
	}
	return gb
}

// Every worker of a running till or sow is killed at once: within a
// second of game time and one task tick, the same RAM runs new workers
// under the task's claims, no host waits out a failure, and the target
// keeps moving.
func TestKilledWorkersReplaced_prep(t *testing.T) {
	for _, kind := range []string{"till", "sow"} {
		t.Run(kind, func(t *testing.T) {
			hosts := []string{"alpha", "beta"}
			g, memd := newGame(t, 64, server{"alpha", 64, true}, server{"beta", 32, true})
			tgt := world.NewServer(world.ServerParams{Hostname: "target", MoneyAvailable: 2e4, HackDifficulty: 90, ServerGrowth: 20, AdminRights: true})
			tgt.Links = []string{"home"}
			tgt.MoneyMax = 5e6
			if err := g.World.AddServer(tgt); err != nil {
				t.Fatal(err)
			}
			// At level 1000 a weaken takes seconds, not minutes.
			if err := g.World.Player().SetHackingLevel(1000); err != nil {
				t.Fatal(err)
			}
			sel := &selectorInbox{t: t, g: g}
			pid, err := g.Exec("ramfarm/"+kind+".js", "home", 1, "target")
			if err != nil {
				t.Fatal(err)
			}
			run(t, g, 5000)
			sel.drain()
			before, old := workersOn(t, g, hosts...)
			if before < 90 {
				t.Fatalf("%v GB of workers before the kill, want the hosts' 96 nearly full: %q", before, g.Logs(pid))
			}
			sec, money := tgt.HackDifficulty, tgt.MoneyAvailable
			killAll(t, g, old)
			back := untilBack(t, g, before, hosts)
			t.Logf("%v GB of workers killed, back in %v ms", before, back)
			after, now := workersOn(t, g, hosts...)
			if after < before || slices.ContainsFunc(now, func(p int64) bool { return slices.Contains(old, p) }) {
				t.Errorf("%v GB of new workers 2 s after the kill, want the %v GB killed: %q", after, before, g.Logs(pid))
			}
			if c := claimed(t, g, memd, hosts...); c < before {
				t.Errorf("memd counts %v GB claimed, want the new workers' %v", c, before)
			}
			run(t, g, 60000)
			sel.drain()
			if !(tgt.HackDifficulty < sec || tgt.MoneyAvailable > money) {
				t.Errorf("target security %v money %v a minute after the kill, from %v and %v", tgt.HackDifficulty, tgt.MoneyAvailable, sec, money)
			}
			for _, l := range g.Logs(pid) {
				if strings.Contains(l, "WARN") {
					t.Errorf("task log: %q", l)
				}
			}
			if n := g.World.ExecNoRAM(); n > 0 {
				t.Errorf("%d execs failed for lack of RAM", n)
			}
		})
	}
}

// harvesting is a game 15 s into a harvest of joes on two 64 GB hosts
// (w1, w2), 90 GB, batches 2 s apart: the game, memd's pid, and the
// harvest's log.
func harvesting(t *testing.T) (*harness.Game, int64, func() string) {
	t.Helper()
	var trace []string
	g, memd := newTracedGame(t, &trace, server{"w1", 64, true}, server{"w2", 64, true})
	joesTarget(t, g)
	hv, err := g.Exec("ramfarm/harvest.js", "home", 1, harvestHost, "--ram", 90, "--spacing", 500)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 15000)
	return g, memd, func() string { return strings.Join(g.Logs(hv), "\n") }
}

// Every worker of a harvest is killed at once, between two landings: its
// batches are cancelled (none had landed its hack) and new ones take the
// same RAM within a second and one task tick; it goes on earning, without
// a correction.
func TestKilledWorkersReplaced_harvest(t *testing.T) {
	hosts := []string{"w1", "w2"}
	g, memd, hlog := harvesting(t)
	// Landings come at slot, +500, +1000 and +1500 ms, slots 2000 ms
	// apart: 1750 ms past a slot nothing lands for a while.
	slots := regexp.MustCompile(`start batch=\d+ slot=(\d+)`).FindAllStringSubmatch(hlog(), -1)
	if len(slots) == 0 {
		t.Fatalf("no batch started:\n%s", hlog())
	}
	slot, _ := strconv.ParseFloat(slots[len(slots)-1][1], 64)
	quiet := slot + 1750
	for quiet > g.Now()+2000 {
		quiet -= 2000
	}
	run(t, g, quiet-g.Now())
	before, old := workersOn(t, g, hosts...)
	if before < 80 {
		t.Fatalf("%v GB of workers before the kill, want its 87.5 GB of batches:\n%s", before, hlog())
	}
	money := g.Stats().Money
	killAll(t, g, old)
	back := untilBack(t, g, before, hosts)
	t.Logf("%v GB of workers killed, back in %v ms", before, back)
	after, _ := workersOn(t, g, hosts...)
	if after < before {
		t.Errorf("%v GB of workers 2 s after the kill, want the %v GB killed:\n%s", after, before, hlog())
	}
	if c := claimed(t, g, memd, hosts...); c < before {
		t.Errorf("memd counts %v GB claimed, want the new workers' %v", c, before)
	}
	run(t, g, 30000)
	if got := g.Stats().Money; !(got > money) {
		t.Errorf("earned nothing in 30 s after the kill (%v then, %v now):\n%s", money, got, hlog())
	}
	logs := hlog()
	if !strings.Contains(logs, "cancelling batch=") {
		t.Errorf("no batch cancelled:\n%s", logs)
	}
	for _, bad := range []string{"WARN", "short", "correcting", "rebalancing"} {
		if strings.Contains(logs, bad) {
			t.Errorf("harvest log has %q:\n%s", bad, logs)
		}
	}
	if n := g.World.ExecNoRAM(); n > 0 {
		t.Errorf("%d execs failed for lack of RAM", n)
	}
}

// A host where every worker dies the moment it starts (a start hook
// kills them): the task tries it a bounded number of times with growing
// pauses, gives it up once, releases its RAM there once the selector
// cordons it, and works on the other host; the clock runs on and the log
// stays short.
func TestDyingHost(t *testing.T) {
	for _, kind := range []string{"till", "harvest"} {
		t.Run(kind, func(t *testing.T) {
			g, memd := newGame(t, 64, server{"alpha", 32, true}, server{"beta", 64, true})
			tgt := world.NewServer(world.ServerParams{Hostname: "target", MoneyAvailable: 2.5e6, HackDifficulty: 90, ServerGrowth: 20,
				RequiredHackingSkill: 10, AdminRights: true})
			tgt.Links = []string{"home"}
			if kind == "harvest" {
				tgt.MoneyAvailable, tgt.HackDifficulty = tgt.MoneyMax, tgt.MinDifficulty
				if err := g.World.Player().SetHackingLevel(1000); err != nil {
					t.Fatal(err)
				}
			}
			if err := g.World.AddServer(tgt); err != nil {
				t.Fatal(err)
			}
			died := 0
			g.OnStart(func(pid int64, host, script string) {
				if host == "alpha" && strings.HasPrefix(script, "ramfarm/w/") {
					died++
					g.Kill(pid)
				}
			})
			sel := &selectorInbox{t: t, g: g}
			args := []any{"target"}
			if kind == "harvest" {
				args = append(args, "--spacing", 500)
			}
			pid, err := g.Exec("ramfarm/"+kind+".js", "home", 1, args...)
			if err != nil {
				t.Fatal(err)
			}
			cordoned := false
			for range 600 {
				run(t, g, 1000) // a frozen or spinning run fails here
				sel.drain()
				// The selector's part: a host a task gave up takes no new
				// chunks for a while (selector.Quarantine).
				if beat := sel.last("heartbeat"); !cordoned && beat != nil && fmt.Sprint(beat["gaveUp"]) == "[alpha]" {
					sendAsRole(t, g, "selector", `{"t":"cordon","host":"alpha","on":true}`)
					cordoned = true
				}
			}
			tlog := g.Logs(pid)
			if died < task.GiveUpAfter || died > 3*task.GiveUpAfter {
				t.Errorf("%d workers died on alpha in 10 game minutes, want %d to %d", died, task.GiveUpAfter, 3*task.GiveUpAfter)
			}
			if n := countPrefixed(tlog, "WARN giving up alpha"); n != 1 {
				t.Errorf("%d give-ups of alpha, want 1: %q", n, tlog)
			}
			if n := strings.Count(strings.Join(tlog, "\n"), "WARN"); n > 2 {
				t.Errorf("%d warnings, want one about alpha's deaths and one giving it up: %q", n, tlog)
			}
			if beat := sel.last("heartbeat"); beat == nil || fmt.Sprint(beat["gaveUp"]) != "[alpha]" {
				t.Errorf("last heartbeat %v, want gaveUp [alpha]", beat)
			}
			if c := claimed(t, g, memd, "alpha"); c != 0 {
				t.Errorf("%v GB claimed on alpha", c)
			}
			for _, a := range status(t, g, memd).Allocs {
				if a.Pid != pid {
					continue
				}
				if _, on := chunks(a.Held, a.Chunk); on["alpha"] > 0 {
					t.Errorf("the task holds %d chunks on alpha after giving it up", on["alpha"])
				}
			}
			if gb, _ := workersOn(t, g, "beta"); gb == 0 && kind == "harvest" {
				t.Errorf("no workers on beta: %q", tlog)
			}
			t.Logf("%d workers died on alpha; the task logged %d lines", died, len(tlog))
			if len(tlog) > 200 && kind == "till" {
				t.Errorf("the task logged %d lines", len(tlog))
			}
		})
	}
}

// A worker killed between two landings tells its task at once (its
// atExit writes "exit" to the task's port): the harvest hears of the
// lost part in the same instant, not at its next look at every worker.
func TestKilledWorkerHeardAtOnce(t *testing.T) {
	g, _, hlog := harvesting(t)
	// The last batch started: its hack lands last of all, seconds away.
	batches := regexp.MustCompile(`pids batch=(\d+) H:(\d+)`).FindAllStringSubmatch(hlog(), -1)
	if len(batches) == 0 {
		t.Fatalf("no batch started:\n%s", hlog())
	}
	last := batches[len(batches)-1]
	hack, _ := strconv.ParseInt(last[2], 10, 64)
	lost := "lost batch=" + last[1] + " op=H"
	if strings.Contains(hlog(), lost) {
		t.Fatalf("batch %s lost its hack before the kill:\n%s", last[1], hlog())
	}
	if !g.Kill(hack) {
		t.Fatalf("kill %d: not running", hack)
	}
	run(t, g, 1)
	if !strings.Contains(hlog(), lost) {
		t.Errorf("1 ms after its hack worker %d was killed, the task has not heard of it:\n%s", hack, hlog())
	}
}
