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
