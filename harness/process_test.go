package harness

import (
	"slices"
	"testing"

	"ramfarm/harness/world"
)

// A start hook sees every script as it begins, and one that kills it
// makes a script that dies the moment it starts: exec still returned its
// pid, main never runs, its RAM is free, and scripts elsewhere run on.
func TestGame_OnStart(t *testing.T) {
	g := homeGame(t, Config{Seed: 1})
	alpha := world.NewServer(world.ServerParams{Hostname: "alpha", MaxRAM: 8, AdminRights: true})
	alpha.Links = []string{world.HomeHost}
	if err := g.World.AddServer(alpha); err != nil {
		t.Fatal(err)
	}
	main := "export async function main(ns) { ns.tprint('ran on ' + ns.getHostname()); }"
	for _, host := range []string{"home", "alpha"} {
		if err := g.Install(host, map[string]string{"s.js": main}); err != nil {
			t.Fatal(err)
		}
	}
	type start struct {
		pid          int64
		host, script string
	}
	var seen []start
	g.OnStart(func(pid int64, host, script string) { seen = append(seen, start{pid, host, script}) })
	g.OnStart(func(pid int64, host, _ string) {
		if host == "alpha" {
			g.Kill(pid)
		}
	})
	var pids []int64
	for _, host := range []string{"alpha", "home"} {
		pid, err := g.Exec("s.js", host, 1)
		if err != nil || pid == 0 {
			t.Fatalf("exec on %s: %d, %v", host, pid, err)
		}
		pids = append(pids, pid)
	}
	if err := g.RunFor(100); err != nil {
		t.Fatal(err)
	}
	want := []start{{pids[0], "alpha", "s.js"}, {pids[1], "home", "s.js"}}
	if !slices.Equal(seen, want) {
		t.Errorf("hook saw %v, want %v", seen, want)
	}
	if r, ok := g.Exited(pids[0]); !ok || r != world.ExitKilled {
		t.Errorf("alpha's script: exited %v (%v), want killed", ok, r)
	}
	if got := g.Terminal(); !slices.Equal(got, []string{"[00:00.000] s.js: ran on home"}) {
		t.Errorf("terminal %q, want only home's script's line", got)
	}
	if alpha.RAMUsed != 0 || len(g.Faults()) > 0 {
		t.Errorf("alpha uses %v GB, faults %v", alpha.RAMUsed, g.Faults())
	}
}

// Kills made together are one task: a script their atExit handlers wake
// runs once every process is gone, as after a killall in the game, and
// never between two of the kills.
func TestGame_KillPids(t *testing.T) {
	g := homeGame(t, Config{Seed: 1})
	files := map[string]string{
		"victim.js": `export async function main(ns) { ns.atExit(() => ns.tryWritePort(5, ns.pid)); await ns.sleep(1e9); }`,
		"watch.js": `export async function main(ns) {
			await ns.getPortHandle(5).nextWrite();
			ns.tprint(ns.args.map((pid) => ns.isRunning(pid)).join(" "));
		}`,
	}
	if err := g.Install("home", files); err != nil {
		t.Fatal(err)
	}
	var victims []any
	var pids []int64
	for range 3 {
		pid, err := g.Exec("victim.js", "home", 1)
		if err != nil {
			t.Fatal(err)
		}
		victims, pids = append(victims, float64(pid)), append(pids, pid)
	}
	if _, err := g.Exec("watch.js", "home", 1, victims...); err != nil {
		t.Fatal(err)
	}
	if err := g.RunFor(100); err != nil {
		t.Fatal(err)
	}
	if n := g.KillPids(append(pids, 999)...); n != 3 {
		t.Errorf("KillPids killed %d, want the 3 running", n)
	}
	if got := g.Terminal(); !slices.Equal(got, []string{"[00:00.100] watch.js: false false false"}) || len(g.Faults()) > 0 {
		t.Errorf("terminal %q, faults %v; want the watcher to see every victim gone", got, g.Faults())
	}
}
