package e2e

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// forge is a foreign script that read an allocation's owner pid and id
// (any script can: from ps, or from a port) and writes, as that owner, a
// release of the whole allocation and of a chunk, a resize, a claim and
// a give, without the allocation's token or with a guessed one; then it
// reads the answers on its own port, 777.
const forge = `export async function main(ns) {
  const [pid, alloc, host] = ns.args;
  const msgs = [
    { t: "release", rid: 1, pid, reply: 777, alloc },
    { t: "release", rid: 2, pid, reply: 777, alloc, token: 12345 },
    { t: "release", rid: 3, pid, reply: 777, alloc, host, chunk: 4, count: 1, token: 1 },
    { t: "resize", rid: 4, pid, reply: 777, alloc, count: 0 },
    { t: "claim", rid: 5, pid, reply: 777, alloc, host, worker: 424242, ram: 4, token: 2 ** 52 },
    { t: "give", rid: 6, pid, reply: 777, alloc, to: ns.pid },
  ];
  for (const m of msgs) ns.tryWritePort(100, m);
  await ns.sleep(3000);
  const answers = [];
  while (ns.peek(777) !== "NULL PORT DATA") answers.push(ns.readPort(777));
  ns.print("answers " + JSON.stringify(answers.map((a) => [a.t, a.rid, a.code])));
}`

// TestForgedRelease is issue 17's "a forged release is refused": a
// foreign script that copies an owner's pid but cannot know the token
// only the owner's private port received gets not-owner for every
// release, resize, claim and give, and the owner's allocation, its
// workers and the owner itself are as they were.
func TestForgedRelease(t *testing.T) {
	g, memd := newGame(t, 64, server{"alpha", 32, true})
	if err := g.Install("home", map[string]string{"forge.js": forge}); err != nil {
		t.Fatal(err)
	}
	fill, err := g.Exec("ramfarm/fill.js", "home", 1, "alpha", "--chunk", 4, "--count", 4)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 3000)
	before := status(t, g, memd)
	if len(before.Allocs) != 1 || before.Allocs[0].Pid != fill {
		t.Fatalf("allocations %+v, want fill.js's", before.Allocs)
	}
	a := before.Allocs[0]
	forger, err := g.Exec("forge.js", "home", 1, fill, a.Alloc, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 5000)
	var answers string
	for _, l := range g.Logs(forger) {
		if rest, ok := strings.CutPrefix(l, "answers "); ok {
			answers = rest
		}
	}
	want := ""
	for rid := 1; rid <= 6; rid++ {
		want += fmt.Sprintf(`,["error",%d,"not-owner"]`, rid)
	}
	if want = "[" + want[1:] + "]"; answers != want {
		t.Errorf("answers to the forged messages: %s, want %s", answers, want)
	}
	if after := status(t, g, memd); !reflect.DeepEqual(after.Allocs, before.Allocs) {
		t.Errorf("the owner's allocation changed: %+v, was %+v", after.Allocs, before.Allocs)
	}
	if _, ended := g.Exited(fill); ended {
		t.Errorf("the owner ended: %v", g.Logs(fill))
	}
	if w := workers(t, g, "alpha", "ramfarm/w/weaken.js"); sumThreads(w) != 9 {
		t.Errorf("weaken workers on alpha: %v, want 9 threads (16 GB / 1.75)", w)
	}
}

// forgeWorld is a foreign script that writes what only ramfarm's daemons
// and the player's tools may: a server registration (none of the
// discovery role's token, then a guessed one), a cordon without the
// selector's token, and a vacate and a reopen of HOST while no vacate.js
// or reopen.js runs; it reads the answers on port 778.
const forgeWorld = `export async function main(ns) {
  const host = ns.args[0];
  ns.tryWritePort(100, { t: "worker", host, kind: "home", cores: 1024 });
  ns.tryWritePort(100, { t: "worker", host: "fake-1", token: 4242 });
  ns.tryWritePort(100, { t: "cordon", host, on: true });
  ns.tryWritePort(98, { t: "vacate", host, reply: 778, args: [host] });
  ns.tryWritePort(98, { t: "reopen", host, reply: 778, args: [host] });
  await ns.sleep(3000);
  const answers = [];
  while (ns.peek(778) !== "NULL PORT DATA") answers.push(ns.readPort(778));
  ns.print("answers " + JSON.stringify(answers.map((a) => [a.t, a.code])));
}`

// TestForgedWorldChanges is issue 17's "worker, cordon and vacate
// messages are accepted from anyone", fixed: from a foreign script, a
// server registration without the discovery role's token, a cordon
// without the selector's, and a vacate or reopen while no vacate.js or
// reopen.js runs are each refused and logged; nothing is cordoned,
// nothing registered, and ramfarm runs on.
func TestForgedWorldChanges(t *testing.T) {
	g, daemons, _ := runningGame(t, map[string]string{"forge-world.js": forgeWorld}, 3*60_000)
	const host = "n00dles"
	forger, err := g.Exec("forge-world.js", "home", 1, host)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 5000)
	memd, sel := strings.Join(g.Logs(daemons["ramfarm/memd.js"]), "\n"), strings.Join(g.Logs(daemons["ramfarm/selector.js"]), "\n")
	for _, want := range []string{
		`worker "n00dles": no valid discovery token`, `worker "fake-1": no valid discovery token`,
		"WARN reject cordon of n00dles: no valid selector token",
	} {
		if !strings.Contains(memd, want) {
			t.Errorf("memd's log lacks %q", want)
		}
	}
	for _, want := range []string{
		"WARN selector: vacate of n00dles refused: no ramfarm/vacate.js n00dles runs on home",
		"WARN selector: reopen of n00dles refused: no ramfarm/reopen.js n00dles runs on home",
	} {
		if !strings.Contains(sel, want) {
			t.Errorf("the selector's log lacks %q", want)
		}
	}
	if strings.Contains(memd, "n00dles cordoned") || strings.Count(memd, "fake-1") != 1 {
		t.Errorf("a forged message changed memd:\n%s", memd)
	}
	var answers string
	for _, l := range g.Logs(forger) {
		if rest, ok := strings.CutPrefix(l, "answers "); ok {
			answers = rest
		}
	}
	if want := `[["error","not-owner"],["error","not-owner"]]`; answers != want {
		t.Errorf("answers on the forger's port: %s, want %s", answers, want)
	}
	r := status(t, g, daemons["ramfarm/memd.js"])
	for _, w := range r.Workers {
		if w.Host == "fake-1" {
			t.Errorf("memd registered the forged server fake-1")
		}
	}
	for file, pid := range daemons {
		if _, ended := g.Exited(pid); ended {
			t.Errorf("%s ended", file)
		}
	}
}
