package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"ramfarm/bridge"
	"ramfarm/core/ram"
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
		Next    int64   `json:"n"`
		Allocs  [][]any `json:"a"`
		Pending [][]any `json:"q"`
	} `json:"m"`
	Ports struct {
		Next   int64      `json:"n"`
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
	snap, err := bridge.MemdSnapshot([]byte(text)) // the journal applied
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	if err := json.Unmarshal(snap, &s); err != nil {
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
	kept := sameState(t, g, fresh, before, beforeAllocs, afterAllocs)
	t.Logf("%d tasks; %d allocations and %d leases restored, %d leases after the first tick; state file %d bytes",
		len(tasks)+len(fills), kept, len(before.Ports.Leases), len(after.Ports.Leases), stateSize(g))
	alive := func(pid int64) bool { _, ended := g.Exited(pid); return !ended }

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

// sameState checks what a memory daemon restored (pid memd, the last
// restore in its log) against the state it was saved as: the same
// allocations holding the same RAM, the same claims, the same leases and
// the next ids. Then every allocation of a live owner is still there
// after, unless its owner gave it back since (its log says so), and no id
// was handed out twice. It returns how many allocations it restored.
func sameState(t *testing.T, g *harness.Game, memd int64, before savedState, beforeAllocs, afterAllocs map[int64]savedAlloc) int {
	t.Helper()
	var held, claimed ram.Amount
	claims := 0
	for _, a := range before.Mem.Allocs {
		for _, c := range a[8].([]any) {
			held += ram.Amount(c.([]any)[1].(float64)).Times(int(c.([]any)[2].(float64)))
		}
		for _, c := range a[9].([]any) {
			claimed += ram.Amount(c.([]any)[2].(float64))
			claims++
		}
	}
	wantMem := fmt.Sprintf("restored %d allocations holding %s, %d claims of %s, %d waiting requests; next id %d",
		len(beforeAllocs), held, claims, claimed, len(before.Mem.Pending), before.Mem.Next+1)
	wantPorts := fmt.Sprintf("restored %d leased ports, next %d", len(before.Ports.Leases), before.Ports.Next)
	logs := g.Logs(memd)
	i := slices.IndexFunc(logs, func(l string) bool { return strings.Contains(l, wantMem) })
	if i < 0 || !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, wantPorts) }) {
		t.Errorf("the memory daemon did not restore what it saved: want %q and %q in\n%s", wantMem, wantPorts, strings.Join(logs, "\n"))
		return 0
	}
	since := strings.Join(logs[i:], "\n")
	alive := func(pid int64) bool { _, ended := g.Exited(pid); return !ended }
	for id, a := range beforeAllocs {
		b, ok := afterAllocs[id]
		switch {
		case !ok && alive(a.owner) && !strings.Contains(since, fmt.Sprintf("release alloc=%d whole", id)):
			t.Errorf("allocation %d of live pid %d (%s) was lost", id, a.owner, a.script)
		case ok && (b.owner != a.owner || b.script != a.script):
			t.Errorf("allocation %d: owner %d %s, was %d %s", id, b.owner, b.script, a.owner, a.script)
		}
	}
	for id := range afterAllocs {
		if _, was := beforeAllocs[id]; !was && id <= before.Mem.Next {
			t.Errorf("allocation id %d handed out again", id)
		}
	}
	return len(beforeAllocs)
}

// stateSize is the size of the memory daemon's state file, bytes.
func stateSize(g *harness.Game) int {
	text, _ := g.World.Server("home").File("ramfarm/memd-state.txt")
	return len(text)
}

// TestMemdTrap is issue 17's "a WASM trap is survived": the memory
// daemon's core traps inside a step under twenty-odd running tasks; the
// daemon says so, opens a fresh instance, continues from the state it
// saved before that step, and keeps serving: its allocations are the
// same, no task crashes, and a new client gets a new allocation id.
func TestMemdTrap(t *testing.T) {
	g, fills := restartGame(t)
	run(t, g, 60_000)
	daemons, tasks := ramfarmPids(g)
	memd := daemons["ramfarm/memd.js"]
	g.TrapCoreStep(memd)
	before, beforeAllocs := readState(t, g) // the state its next step starts from
	// Its next step traps; the state is read once it restored.
	for i := 0; i < 300 && !strings.Contains(strings.Join(g.Logs(memd), "\n"), "restored "); i++ {
		run(t, g, 10)
	}
	logs := strings.Join(g.Logs(memd), "\n")
	if !strings.Contains(logs, "memd: core trapped, restarting it from the last saved state: ramfarm core trapped in rf_step: RuntimeError: unreachable") || !strings.Contains(logs, "restored ") {
		t.Fatalf("the memory daemon did not restart its core from its saved state:\n%s", logs)
	}
	if _, ended := g.Exited(memd); ended {
		t.Fatal("the memory daemon ended")
	}
	_, afterAllocs := readState(t, g)
	if kept := sameState(t, g, memd, before, beforeAllocs, afterAllocs); kept < 20 {
		t.Errorf("%d allocations kept over the trap", kept)
	}
	fill, err := g.Exec("ramfarm/fill.js", "home", 1, "n00dles", "--chunk", 2, "--count", 1)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 30_000)
	_, allocs := readState(t, g)
	for id, a := range allocs {
		if a.owner == fill && id <= before.Mem.Next {
			t.Errorf("the client after the trap got allocation id %d, at or below the last before it (%d)", id, before.Mem.Next)
		}
	}
	for _, pid := range slices.Concat(tasks, fills, []int64{memd, daemons["ramfarm/discover.js"], daemons["ramfarm/selector.js"], fill}) {
		if r, ended := g.Exited(pid); ended && r == world.ExitCrashed {
			t.Errorf("pid %d crashed after the trap:\n%s", pid, strings.Join(g.Logs(pid), "\n"))
		}
	}
}

// ramfarmDaemon is the pid of a running daemon script, or 0.
func ramfarmDaemon(g *harness.Game, file string) int64 {
	daemons, _ := ramfarmPids(g)
	return daemons[file]
}
