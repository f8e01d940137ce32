package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"ramfarm/bridge"
	"ramfarm/harness"
	"ramfarm/harness/world"
)

// TestPrepSpawnsIntoNewChunks is issue 4's "till/sow spawning into newly
// granted chunks": a till (target 2 above min security: 40 weaken
// threads) and a sow (90% of max money at min security: 34 grow and
// weaken threads) start with only alpha's 8 GB; beta and gamma gain root,
// and within one allocator tick the task runs workers in their chunks. It
// finishes with the target ready, reports it, and leaves no RAM, claim,
// allocation or port behind.
func TestPrepSpawnsIntoNewChunks(t *testing.T) {
	for _, tc := range []struct {
		kind    string
		setup   func(s *world.Server)
		threads int64 // the whole task, one 1.75 GB chunk each
		ready   func(s *world.Server) bool
	}{
		{
			kind:    "till",
			setup:   func(s *world.Server) { s.HackDifficulty = 5 },
			threads: 40,
			ready:   func(s *world.Server) bool { return s.HackDifficulty == s.MinDifficulty },
		},
		{
			kind: "sow",
			setup: func(s *world.Server) {
				s.HackDifficulty, s.MoneyMax, s.MoneyAvailable, s.ServerGrowth = 3, 1e6, 9e5, 100
			},
			threads: 34,
			ready: func(s *world.Server) bool {
				return s.HackDifficulty == s.MinDifficulty && s.MoneyAvailable == s.MoneyMax
			},
		},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			g, memd := newGame(t, 64,
				server{"alpha", 8, true},
				server{"beta", 32, false},
				server{"gamma", 32, false})
			tgt := world.NewServer(world.ServerParams{Hostname: "target", MoneyAvailable: 1e6, HackDifficulty: 9, AdminRights: true})
			tgt.Links = []string{"home"}
			if err := g.World.AddServer(tgt); err != nil {
				t.Fatal(err)
			}
			tc.setup(tgt) // min security 3
			if tgt.MinDifficulty != 3 {
				t.Fatalf("target min security %v, want 3", tgt.MinDifficulty)
			}
			sel := &selectorInbox{t: t, g: g}

			task, err := g.Exec("ramfarm/"+tc.kind+".js", "home", 1, "target")
			if err != nil {
				t.Fatal(err)
			}
			run(t, g, 2000)
			r := status(t, g, memd)
			if len(r.Allocs) != 1 || r.Allocs[0].Pid != task || r.Allocs[0].Desired != int(tc.threads) {
				t.Fatalf("allocations = %+v, want one of task %d desiring %d chunks", r.Allocs, task, tc.threads)
			}
			if n, hosts := chunks(r.Allocs[0].Held, 1.75); n != 4 || hosts["alpha"] != 4 {
				t.Fatalf("first grant: %d chunks %v, want alpha's 4", n, hosts)
			}
			if n := prepThreads(t, g, "alpha"); n != 4 {
				t.Fatalf("threads on alpha = %d, want 4 (one per chunk)", n)
			}
			beat := sel.last("heartbeat")
			if beat == nil || beat["kind"] != tc.kind || beat["held"] != 7.0 || beat["want"] != 1.75*float64(tc.threads) ||
				beat["port"] == nil || beat["pid"] != float64(task) {
				t.Fatalf("heartbeat = %v, want held 7, want %v", beat, 1.75*float64(tc.threads))
			}

			// New RAM: memd sees it at its next tick, the grant goes out in
			// that tick, and the task starts work in it at once.
			rootedAt := g.Now()
			g.World.Server("beta").HasRoot = true
			g.World.Server("gamma").HasRoot = true
			run(t, g, tickMs+1)
			b, c := prepThreads(t, g, "beta"), prepThreads(t, g, "gamma")
			if 4+b+c != tc.threads || b == 0 || c == 0 {
				t.Fatalf("%.0f ms after root: threads on beta %d, gamma %d; want the other %d of %d on them",
					g.Now()-rootedAt, b, c, tc.threads-4, tc.threads)
			}
			if beat := sel.last("heartbeat"); beat["held"] != 1.75*float64(tc.threads) {
				t.Fatalf("heartbeat after growth = %v, want held %v", beat, 1.75*float64(tc.threads))
			}

			// The work lands; the task finishes when the target is ready.
			for end := g.Now() + 600_000; ; run(t, g, 5000) {
				sel.drain()
				if _, ok := g.Exited(task); ok {
					break
				}
				if g.Now() > end {
					t.Fatalf("%s still running after 10 game minutes: target security %v money %v; log %q",
						tc.kind, tgt.HackDifficulty, tgt.MoneyAvailable, g.Logs(task))
				}
			}
			// Chunks given back stay given back: the allocation is lowered
			// before they go, or the memory daemon would grant them again.
			if n := countPrefixed(g.Logs(task), "INFO granted "); n != 3 {
				t.Errorf("%d grants, want 3 (alpha, then beta and gamma): %q", n, g.Logs(task))
			}
			if !tc.ready(tgt) {
				t.Errorf("target not ready: security %v (min %v), money %v (max %v)", tgt.HackDifficulty, tgt.MinDifficulty,
					tgt.MoneyAvailable, tgt.MoneyMax)
			}
			sel.drain()
			if fin := sel.last("finished"); fin == nil || fin["done"] != true || fin["kind"] != tc.kind || fin["target"] != "target" {
				t.Errorf("finished report = %v, want done for %s target", fin, tc.kind)
			}
			if n := g.World.ExecNoRAM(); n != 0 {
				t.Errorf("%d execs failed for lack of RAM", n)
			}

			// Within one collection tick everything is free: RAM, claims,
			// the allocation and the task's port.
			run(t, g, tickMs+1)
			r = status(t, g, memd)
			if len(r.Allocs) != 0 {
				t.Errorf("allocations after the task ended: %+v", r.Allocs)
			}
			for _, w := range r.Workers {
				if w.Allocated != 0 || w.Claimed != 0 {
					t.Errorf("%s: allocated %v claimed %v after the task ended", w.Host, w.Allocated, w.Claimed)
				}
				if w.Host == "home" {
					continue // memd runs there
				}
				if used, _ := g.World.GetServerUsedRam(w.Host); used != 0 || w.Foreign != 0 {
					t.Errorf("%s: %v GB still used, %v foreign", w.Host, used, w.Foreign)
				}
			}
			if got := firstPortOfNewClient(t, g); got != 101 {
				t.Errorf("a new client got port %d, want 101 (the task's)", got)
			}
		})
	}
}

// prepThreads counts the weaken and grow threads running on host.
func prepThreads(t *testing.T, g *harness.Game, host string) int64 {
	t.Helper()
	return sumThreads(workers(t, g, host, "ramfarm/w/weaken.js")) + sumThreads(workers(t, g, host, "ramfarm/w/grow.js"))
}

func countPrefixed(lines []string, prefix string) (n int) {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// selectorInbox stands in for the task selector: it reads what tasks
// send to its port, so the port never fills.
type selectorInbox struct {
	t    *testing.T
	g    *harness.Game
	msgs []map[string]any
}

func (s *selectorInbox) drain() {
	for {
		js, err := s.g.ReadPortJSON(int64(bridge.SelectorPort))
		if err != nil {
			s.t.Fatal(err)
		}
		if js == "" {
			return
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			s.t.Fatalf("selector port: %v: %s", err, js)
		}
		s.msgs = append(s.msgs, m)
	}
}

// last is the latest message of type typ, nil if none came.
func (s *selectorInbox) last(typ string) map[string]any {
	s.drain()
	for i := len(s.msgs) - 1; i >= 0; i-- {
		if s.msgs[i]["t"] == typ {
			return s.msgs[i]
		}
	}
	return nil
}

func (s *selectorInbox) String() string { return fmt.Sprint(s.msgs) }

// TestPrep_selector: the selector's messages on the task's port reach the
// allocation (a priority and a lower cap become a resize), and a stop
// lets the work in flight land, gives everything back and reports the
// till as not done.
func TestPrep_selector(t *testing.T) {
	g, memd := newGame(t, 64, server{"alpha", 64, true})
	tgt := world.NewServer(world.ServerParams{Hostname: "target", MoneyAvailable: 1e6, HackDifficulty: 9, AdminRights: true})
	tgt.Links = []string{"home"}
	if err := g.World.AddServer(tgt); err != nil {
		t.Fatal(err)
	}
	sel := &selectorInbox{t: t, g: g}
	task, err := g.Exec("ramfarm/till.js", "home", 1, "target", "--prio", 1001, "--ram", 35)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 2000)
	beat := sel.last("heartbeat")
	if beat == nil || beat["held"] != 35.0 || beat["cap"] != 35.0 || beat["prio"] != 1001.0 {
		t.Fatalf("heartbeat = %v, want 35 GB held under a 35 GB cap at prio 1001", beat)
	}
	port := int64(beat["port"].(float64))
	say := func(msg string) {
		if ok, err := g.WritePortJSON(port, msg); err != nil || !ok {
			t.Fatalf("write to the task's port: ok=%v err=%v", ok, err)
		}
	}

	say(`{"t":"prio","prio":2001}`)
	say(`{"t":"cap","ram":7}`)
	run(t, g, 100)
	if beat := sel.last("heartbeat"); beat["cap"] != 7.0 || beat["prio"] != 2001.0 || beat["want"] != 7.0 || beat["held"] != 35.0 {
		t.Fatalf("heartbeat after cap and prio = %v, want cap 7, want 7, prio 2001, still 35 held (work in flight)", beat)
	}
	r := status(t, g, memd)
	if len(r.Allocs) != 1 || r.Allocs[0].Desired != 4 {
		t.Fatalf("allocations = %+v, want one desiring 4 chunks", r.Allocs)
	}

	say(`{"t":"stop"}`)
	for end := g.Now() + 600_000; ; run(t, g, 5000) {
		sel.drain()
		if _, ok := g.Exited(task); ok {
			break
		}
		if g.Now() > end {
			t.Fatalf("till still running 10 game minutes after stop; log %q", g.Logs(task))
		}
	}
	if fin := sel.last("finished"); fin == nil || fin["done"] != false {
		t.Errorf("finished report = %v, want not done", fin)
	}
	if tgt.HackDifficulty == tgt.MinDifficulty {
		t.Errorf("target reached min security: the stop did not stop anything")
	}
	run(t, g, tickMs+1)
	r = status(t, g, memd)
	if len(r.Allocs) != 0 {
		t.Errorf("allocations after the stop: %+v", r.Allocs)
	}
	if used, _ := g.World.GetServerUsedRam("alpha"); used != 0 {
		t.Errorf("alpha: %v GB still used", used)
	}
}

// TestPrep_flags: --help prints the usage, and bad flags are rejected by
// name before the task asks for anything.
func TestPrep_flags(t *testing.T) {
	g, _ := newGame(t, 64)
	for _, args := range [][]any{{"--help"}, {}, {"n00dles", "--bogus"}, {"n00dles", "--prio", "high"}} {
		for _, s := range []string{"ramfarm/till.js", "ramfarm/sow.js"} {
			if _, err := g.Exec(s, "home", 1, args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(t, g, 100)
	term := strings.Join(g.Terminal(), "\n")
	for _, want := range []string{"usage: run ramfarm/till.js TARGET", "usage: run ramfarm/sow.js TARGET", "bogus",
		"till: --prio must be a number", "sow: --prio must be a number"} {
		if !strings.Contains(term, want) {
			t.Errorf("terminal lacks %q:\n%s", want, term)
		}
	}
}
