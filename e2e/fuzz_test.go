package e2e

import (
	"slices"
	"strings"
	"testing"
)

// fuzzWriter is a script of the player's that writes one value to a
// daemon port, the way a clumsy or hostile script would, and then checks
// the daemon still serves: it asks it what a client asks (memd and the
// selector a status, discover a subscription), on reply port 777, and
// prints whether the answer came, and any error answer it reads (to the
// value, when it named port 777) longer than a few hundred bytes. Its arguments are the port, a mode and
// a body: the body is parsed as JSON (kept as a string when it is not),
// and the mode makes of it what JSON cannot carry or the daemons refuse
// unread: a cyclic object, a BigInt, 100 levels of nesting, a megabyte.
const fuzzWriter = `export async function main(ns) {
  const [port, mode, body] = ns.args;
  let v;
  try { v = JSON.parse(body); } catch { v = body; }
  const obj = v !== null && typeof v === "object" && !Array.isArray(v) ? v : { t: "alloc", reply: 777, v };
  switch (mode % 5) {
    case 1: obj.self = obj; v = obj; break;
    case 2: obj.big = 2n; v = obj; break;
    case 3: for (let i = 0; i < 100; i++) v = { t: "alloc", rid: 4, reply: 777, x: v }; break;
    case 4: obj.pad = "x".repeat(1 << 20); v = obj; break;
  }
  ns.tryWritePort(port, v);
  const rid = 987654321, want = { 98: "overview", 99: "targets", 100: "report" }[port];
  ns.tryWritePort(port, { t: port === 99 ? "subscribe" : "status", rid, pid: ns.pid, reply: 777 });
  for (let waited = 0; waited < 8000; waited += 200) {
    await ns.sleep(200);
    for (let a = ns.readPort(777); a !== "NULL PORT DATA"; a = ns.readPort(777)) {
      const size = a && a.t === "error" ? JSON.stringify(a).length : 0;
      if (size > 1000) ns.print("an error answer of " + size + " characters");
      if (a && a.t === want && a.rid === rid) { ns.print("answered"); return; }
    }
  }
  ns.print("no answer from port " + port);
}`

// FuzzDaemonPorts writes fuzzed values to the daemons' ports of a running
// ramfarm (bn1-start, once its daemons run) through fuzzWriter, in the
// real scripts with the real module: whatever arrives, every daemon keeps
// running, still answers a client, logs no ERROR and no line over 1000
// bytes, and the game sees no fault. The inputs are port (98 the
// selector, 99 discover, 100 memd, by the byte modulo 3), mode
// (fuzzWriter's) and body.
//
// One game serves every input of a process: building one costs seconds,
// an input tens of milliseconds. A failure is replayed alone, in a fresh
// game, with go test -run=FuzzDaemonPorts/NAME.
func FuzzDaemonPorts(f *testing.F) {
	f.Add(byte(2), byte(0), `{"t":"status","rid":1,"pid":1,"reply":777}`)
	g := startedGame(f, map[string]string{"fz.js": fuzzWriter})
	var daemons map[string]int64
	// Until every daemon runs, and a few seconds more for them to start
	// serving.
	for len(daemons) < 3 && g.Now() < 120_000 {
		run(f, g, 2000)
		daemons, _ = ramfarmPids(g)
	}
	if len(daemons) != 3 {
		f.Fatalf("daemons %v after %v ms: ramfarm is not running", daemons, g.Now())
	}
	run(f, g, 5000)
	f.Fuzz(func(t *testing.T, port, mode byte, body string) {
		logged := map[int64]int{}
		for _, pid := range daemons {
			logged[pid] = len(g.Logs(pid))
		}
		terminal := len(g.Terminal())
		pid, err := g.Exec("fz.js", "home", 1, 98+int(port)%3, int(mode), body)
		if err != nil || pid == 0 {
			t.Fatalf("exec fz.js: %d %v", pid, err)
		}
		for i := 0; i < 20; i++ {
			if _, ended := g.Exited(pid); ended {
				break
			}
			run(t, g, 500)
		}
		if logs := g.Logs(pid); !slices.Contains(logs, "answered") || len(logs) > 1 {
			t.Errorf("fz.js: %q", logs)
		}
		for file, pid := range daemons {
			if _, ended := g.Exited(pid); ended {
				t.Fatalf("%s (pid %d) died: %q", file, pid, g.Logs(pid)[logged[pid]:])
			}
			for _, l := range g.Logs(pid)[logged[pid]:] {
				if strings.HasPrefix(l, "ERROR") || len(l) > 1000 {
					t.Errorf("%s logged %.300q (%d bytes)", file, l, len(l))
				}
			}
		}
		for _, l := range g.Terminal()[terminal:] {
			if strings.Contains(l, "ERROR") {
				t.Errorf("the terminal shows %s", l)
			}
		}
	})
}
