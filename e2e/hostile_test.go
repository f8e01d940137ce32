package e2e

import (
	"slices"
	"strings"
	"testing"

	"ramfarm/harness"
)

// hostile writes, to each of ramfarm's daemon ports, a message that
// cannot be encoded (cyclic, BigInt), one over the size limit (1 MB) and
// one nested deeper than the module parses (100), each naming reply port
// 777 for its answer; then it reads the answers.
const hostile = `export async function main(ns) {
  const cyclic = { t: "alloc", rid: 1, reply: 777 };
  cyclic.self = cyclic;
  let deep = { t: "alloc", rid: 4, reply: 777 };
  for (let i = 0; i < 100; i++) deep = { t: "alloc", rid: 4, reply: 777, x: deep };
  const bad = [cyclic, { t: "alloc", rid: 2n, reply: 777 }, { t: "alloc", rid: 3, reply: 777, pad: "x".repeat(1 << 20) }, deep];
  for (const port of [98, 99, 100]) for (const m of bad) ns.tryWritePort(port, m);
  await ns.sleep(10000);
  const answers = [];
  while (ns.peek(777) !== "NULL PORT DATA") answers.push(ns.readPort(777));
  ns.print("answers " + JSON.stringify(answers.map((a) => [a.t, a.rid, a.code, a.reason.length])));
}`

// TestHostileMessages: messages no daemon can read, written to every
// daemon port of a running system, are each answered with an error and
// cost nothing else: every daemon and task keeps running, and the tasks'
// allocations are as they were.
func TestHostileMessages(t *testing.T) {
	g, daemons, tasks := runningGame(t, map[string]string{"hostile.js": hostile}, 4*60_000)
	pid, err := g.Exec("hostile.js", "home", 1)
	if err != nil || pid == 0 {
		t.Fatalf("exec hostile.js: %d %v", pid, err)
	}
	run(t, g, 20_000)
	for file, pid := range daemons {
		if _, ended := g.Exited(pid); ended {
			t.Errorf("%s (pid %d) died: %v", file, pid, g.Logs(pid)[max(0, len(g.Logs(pid))-3):])
		}
		warned := 0
		for _, l := range g.Logs(pid) {
			if strings.HasPrefix(l, "WARN ") && strings.Contains(l, "refused a message") {
				warned++
				if len(l) > 400 {
					t.Errorf("%s logged %d characters for one message", file, len(l))
				}
			}
		}
		if warned != 4 {
			t.Errorf("%s: %d WARN lines for the 4 bad messages, want 4", file, warned)
		}
	}
	for _, p := range tasks {
		if _, ended := g.Exited(p); ended {
			t.Errorf("task pid %d ended", p)
		}
	}
	var answers string
	for _, l := range g.Logs(pid) {
		if rest, ok := strings.CutPrefix(l, "answers "); ok {
			answers = rest
		}
	}
	// 12 answers: the 4 messages on each of the 3 ports.
	if n := strings.Count(answers, `"bad-message"`); n != 12 {
		t.Errorf("%d error answers on the reply port, want 12: %s", n, answers)
	}
	if i := slices.IndexFunc(g.Terminal(), func(l string) bool { return strings.Contains(l, "ERROR") }); i >= 0 {
		t.Errorf("the terminal shows an ERROR: %s", g.Terminal()[i])
	}
}

// runningGame is startedGame run for ms, with its daemons and tasks;
// it fails t unless all three daemons and some task run.
func runningGame(t *testing.T, own map[string]string, ms float64) (*harness.Game, map[string]int64, []int64) {
	t.Helper()
	g := startedGame(t, own)
	run(t, g, ms)
	daemons, tasks := ramfarmPids(g)
	if len(daemons) != 3 || len(tasks) == 0 {
		t.Fatalf("daemons %v, tasks %v: the system is not running", daemons, tasks)
	}
	return g, daemons, tasks
}

// ramfarmPids finds ramfarm's running daemons (pid by script) and tasks
// on every server.
func ramfarmPids(g *harness.Game) (daemons map[string]int64, tasks []int64) {
	daemons = map[string]int64{}
	for _, s := range g.World.Servers() {
		ps, _ := g.World.PS(s.Hostname)
		for _, p := range ps {
			switch p.Filename {
			case "ramfarm/memd.js", "ramfarm/discover.js", "ramfarm/selector.js":
				daemons[p.Filename] = p.Pid
			case "ramfarm/till.js", "ramfarm/sow.js", "ramfarm/harvest.js":
				tasks = append(tasks, p.Pid)
			}
		}
	}
	return daemons, tasks
}
