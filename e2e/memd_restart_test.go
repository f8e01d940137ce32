package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"ramfarm/harness"
	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// savedState is what the memory daemon's state file says of allocations
// and leases (bridge/memdstate.go).
type savedState struct {
	Mem struct {
		Next   int64   `json:"n"`
		Allocs [][]any `json:"a"`
	} `json:"m"`
	Ports struct {
		Leases [][2]int64 `json:"l"`
	} `json:"p"`
}

// savedAlloc is one allocation of the state file.
type savedAlloc struct {
	owner  int64
	script string
	held   string // [[host, size, count]] as JSON
	claims map[int64]bool
}

func readState(t *testing.T, g *harness.Game) (s savedState, allocs map[int64]savedAlloc) {
	t.Helper()
	text, ok := g.World.Server("home").File("ramfarm/memd-state.txt")
	if !ok {
		t.Fatal("the memory daemon saved no state")
	}
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		t.Fatalf("state file: %v", err)
	}
	allocs = map[int64]savedAlloc{}
	for _, a := range s.Mem.Allocs {
		held, _ := json.Marshal(a[8])
		sa := savedAlloc{owner: int64(a[1].(float64)), script: a[2].(string), held: string(held), claims: map[int64]bool{}}
		for _, c := range a[9].([]any) {
			sa.claims[int64(c.([]any)[0].(float64))] = true
		}
		allocs[int64(a[0].(float64))] = sa
	}
	return s, allocs
}

// restartGame is bn1-start's network at a later stage of the game: every
// port program, hacking level 300 and 1 TB on home, so the selector runs
// a dozen tasks at once; eight fill.js allocations beside them make
// twenty tasks or more that hold RAM and start workers in it.
func restartGame(t *testing.T) (*harness.Game, []int64) {
	t.Helper()
	g, _ := scenarioGame(t, "../scenarios/bn1-start.json", func(sc *scenario.Scenario) {
		sc.Start.HomeRAM = 1024
		sc.Start.HackingLevel = 300
		sc.Start.Programs = []string{"BruteSSH.exe", "FTPCrack.exe", "relaySMTP.exe", "HTTPWorm.exe", "SQLInject.exe"}
		sc.Events = nil
	}, jsglue.Files(coretest.Wasm(t)))
	// A reserve that holds the fills and leaves room to run start.js again.
	if _, err := g.Exec("ramfarm/start.js", "home", 1, "--reserve", 64); err != nil {
		t.Fatal(err)
	}
	run(t, g, 500) // memd runs; the fills take their RAM before the selector's tasks take it all
	var fills []int64
	for _, target := range []string{"n00dles", "foodnstuff", "sigma-cosmetics", "joesguns", "hong-fang-tea", "harakiri-sushi", "iron-gym", "nectar-net"} {
		pid, err := g.Exec("ramfarm/fill.js", "home", 1, target, "--chunk", 4, "--count", 6)
		if err != nil {
			t.Fatal(err)
		}
		fills = append(fills, pid)
	}
	return g, fills
}

// TestMemdRestart is issue 17's "memd restarted while 20 tasks run
// rebuilds the same state with no port leased twice": the memory daemon
// is killed under twenty-odd running tasks, the player runs start.js
// again after a few seconds, and the new daemon continues from the state
// its predecessor saved: every allocation of a live owner keeps its id,
// owner and chunks, and its live workers' claims; every lease its owner;
// no port is leased to two live processes and no allocation id is
// handed out again; no task or daemon crashes over the outage, and money
// is still made after it.
func TestMemdRestart(t *testing.T) {
	g, fills := restartGame(t)
	run(t, g, 90_000)
	daemons, tasks := ramfarmPids(g)
	clients := slices.Concat(tasks, fills, []int64{daemons["ramfarm/discover.js"], daemons["ramfarm/selector.js"]})
	if n := len(tasks) + len(fills); n < 20 {
		t.Fatalf("%d tasks run (%d of the selector's), want 20 or more", n, len(tasks))
	}
	old := daemons["ramfarm/memd.js"]
	g.Kill(old)
	before, beforeAllocs := readState(t, g)
	if len(beforeAllocs) < 20 {
		t.Fatalf("the saved state holds %d allocations", len(beforeAllocs))
	}
	run(t, g, 5000) // the player notices and runs start.js again
	money := g.Stats().Money
	if _, err := g.Exec("ramfarm/start.js", "home", 1, "--reserve", 64); err != nil {
		t.Fatal(err)
	}
	run(t, g, 100) // memd's first rounds: the restore, then a tick
	after, afterAllocs := readState(t, g)
	fresh := ramfarmDaemon(g, "ramfarm/memd.js")
	if fresh == 0 || fresh == old {
		t.Fatalf("memd.js was not started again (pid %d, was %d)", fresh, old)
	}
	if logs := strings.Join(g.Logs(fresh), "\n"); !strings.Contains(logs, "restored ") {
		t.Errorf("the new memory daemon did not restore:\n%s", logs)
	}
	alive := func(pid int64) bool { _, ended := g.Exited(pid); return !ended }
	kept, gone := 0, 0
	for id, a := range beforeAllocs {
		b, ok := afterAllocs[id]
		switch {
		case !alive(a.owner):
			gone++
			if ok {
				t.Errorf("allocation %d of dead pid %d outlived the restart's first tick", id, a.owner)
			}
		case !ok:
			t.Errorf("allocation %d of live pid %d (%s) was lost", id, a.owner, a.script)
		case b.owner != a.owner || b.script != a.script:
			t.Errorf("allocation %d: owner %d %s, was %d %s", id, b.owner, b.script, a.owner, a.script)
		case b.held != a.held:
			t.Errorf("allocation %d of %s holds %s, held %s", id, a.script, b.held, a.held)
		default:
			kept++
			for w := range a.claims {
				if alive(w) && !b.claims[w] {
					t.Errorf("allocation %d lost the claim of live worker %d", id, w)
				}
			}
		}
	}
	for id := range afterAllocs {
		if _, was := beforeAllocs[id]; !was && id <= before.Mem.Next {
			t.Errorf("allocation id %d handed out again", id)
		}
	}
	t.Logf("%d tasks, %d allocations kept, %d of dead owners freed; %d ports leased before, %d after", len(tasks)+len(fills), kept,
		gone, len(before.Ports.Leases), len(after.Ports.Leases))

	// No port is leased to two live processes, then or later.
	lessee := map[int64]int64{}
	check := func(s savedState) {
		for _, l := range s.Ports.Leases {
			if was, ok := lessee[l[0]]; ok && was != l[1] && alive(was) {
				t.Errorf("port %d leased to pid %d while its lessee %d runs", l[0], l[1], was)
			}
			lessee[l[0]] = l[1]
		}
	}
	check(before)
	check(after)
	for range 60 {
		run(t, g, 1000)
		s, _ := readState(t, g)
		check(s)
	}
	for _, pid := range slices.Concat(clients, []int64{old}) {
		if r, ended := g.Exited(pid); ended && r == world.ExitCrashed {
			t.Errorf("pid %d crashed over the restart:\n%s", pid, strings.Join(g.Logs(pid), "\n"))
		}
	}
	if g.Stats().Money <= money {
		t.Errorf("no money made in the minute after the restart ($%.0f before, $%.0f after)", money, g.Stats().Money)
	}
}

// ramfarmDaemon is the pid of a running daemon script, or 0.
func ramfarmDaemon(g *harness.Game, file string) int64 {
	daemons, _ := ramfarmPids(g)
	return daemons[file]
}
