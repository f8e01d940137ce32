// Package e2e holds the tests that cross every layer: the real jsglue
// scripts and the real core.wasm, running in the emulated game.
package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness"
	"ramfarm/harness/memdreport"
	"ramfarm/harness/network"
	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// wasmCache compiles core.wasm once for every game of the test binary.
var wasmCache = wazero.NewCompilationCache()

const (
	memdPort   = 100
	statusPort = 999
	tickMs     = 1000 // memd's default allocator tick
)

// server is one machine of a test network, linked to home.
type server struct {
	host   string
	ram    float64
	rooted bool
}

// newGame builds home (homeRAM GB) plus servers, installs the in-game
// files on home, and starts the memory daemon with home fully reserved so
// that only the servers hold chunks.
func newGame(t *testing.T, homeRAM float64, servers ...server) (*harness.Game, int64) {
	t.Helper()
	g, err := harness.New(harness.Config{Seed: 1, WasmCache: wasmCache, Trace: func(line string) {
		if testing.Verbose() {
			t.Log(line)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	home, err := network.Home()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.World.AddServer(home); err != nil {
		t.Fatal(err)
	}
	if err := g.World.SetMaxRAM("home", homeRAM); err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		srv := world.NewServer(world.ServerParams{Hostname: s.host, MaxRAM: s.ram, MoneyAvailable: 1e6,
			HackDifficulty: 10, ServerGrowth: 20, RequiredHackingSkill: 1, AdminRights: s.rooted})
		srv.Links = []string{"home"}
		if err := g.World.AddServer(srv); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Install("home", jsglue.Files(coretest.Wasm(t))); err != nil {
		t.Fatal(err)
	}
	memd, err := g.Exec("ramfarm/memd.js", "home", 1, "--reserve", homeRAM)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 1000)
	registerWorkers(t, g, hostsOf(servers)...)
	return g, memd
}

// hostsOf is the names of servers.
func hostsOf(servers []server) []string {
	hosts := make([]string, len(servers))
	for i, s := range servers {
		hosts[i] = s.host
	}
	return hosts
}

// asRole sends messages to the memory daemon as the holder of a role
// does: it takes the role (its first argument) for the moment, sends each
// further argument (a JSON message) with the role's token, and gives the
// role back. start.js registers the servers it roots this way.
const asRole = `import { deliver, giveBackRole, registerRole } from "/ramfarm/lib/ports.js";
export async function main(ns) {
  const [role, ...msgs] = ns.args;
  const token = await registerRole(ns, String(role));
  for (const m of msgs) await deliver(ns, 100, { ...JSON.parse(String(m)), token });
  await giveBackRole(ns, String(role), token);
}`

// registerWorkers registers hosts with the running memory daemon and
// waits a tick for it to observe them.
func registerWorkers(t testing.TB, g *harness.Game, hosts ...string) {
	t.Helper()
	msgs := make([]string, len(hosts))
	for i, h := range hosts {
		msgs[i] = `{"t":"worker","host":"` + h + `"}`
	}
	sendAsRole(t, g, "discovery", msgs...)
}

// sendAsRole sends msgs to the running memory daemon with the token of
// role (discovery: worker, forget; selector: cordon) and waits a tick.
func sendAsRole(t testing.TB, g *harness.Game, role string, msgs ...string) {
	t.Helper()
	if err := g.Install("home", map[string]string{"as-role.js": asRole}); err != nil {
		t.Fatal(err)
	}
	args := []any{role}
	for _, m := range msgs {
		args = append(args, m)
	}
	pid, err := g.Exec("as-role.js", "home", 1, args...)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if _, ended := g.Exited(pid); ended {
			break
		}
		run(t, g, 100)
	}
	if r, ended := g.Exited(pid); !ended || r != world.ExitFinished {
		t.Fatalf("as-role.js did not finish (%v %v): %v", r, ended, g.Logs(pid))
	}
	run(t, g, tickMs)
}

func run(t testing.TB, g *harness.Game, ms float64) {
	t.Helper()
	if err := g.RunFor(ms); err != nil {
		t.Fatal(err)
	}
	if f := g.Faults(); len(f) > 0 {
		t.Fatalf("harness faults: %v", f)
	}
}

func send(t *testing.T, g *harness.Game, msg string) {
	t.Helper()
	ok, err := g.WritePortJSON(memdPort, msg)
	if err != nil || !ok {
		t.Fatalf("write to memd port: ok=%v err=%v", ok, err)
	}
}

// report is the memory daemon's status report.
type report = memdreport.Report

// status asks the memory daemon for its report (as process asker) and
// waits one tick for it.
func status(t *testing.T, g *harness.Game, asker int64) report {
	t.Helper()
	for {
		if s, _ := g.ReadPortJSON(statusPort); s == "" {
			break
		}
	}
	send(t, g, fmt.Sprintf(`{"t":"status","rid":1,"pid":%d,"reply":%d}`, asker, statusPort))
	run(t, g, tickMs)
	js, err := g.ReadPortJSON(statusPort)
	if err != nil || js == "" {
		t.Fatalf("no status report: %q %v", js, err)
	}
	var r report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("status report: %v\n%s", err, js)
	}
	return r
}

// chunks counts an allocation's chunks of a size, per host.
func chunks(held [][]any, size float64) (n int, hosts map[string]int) {
	hosts = map[string]int{}
	for _, h := range held {
		if h[1].(float64) == size {
			c := int(h[2].(float64))
			n += c
			hosts[h[0].(string)] += c
		}
	}
	return n, hosts
}

// workers lists the weaken workers on a host, by pid → threads.
func workers(t *testing.T, g *harness.Game, host, script string) map[int64]int64 {
	t.Helper()
	ps, err := g.World.PS(host)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int64{}
	for _, p := range ps {
		if p.Filename == script {
			out[p.Pid] = p.Threads
		}
	}
	return out
}

// TestGrowableAllocation is the foundation issue's end-to-end case: a
// client asks for 10 × 4 GB while only 8 GB are free and gets 2; it fills
// them with weaken workers; servers gain root and the client receives the
// other 8 chunks within one allocator tick and fills them; then the client
// is killed and within one collection tick its RAM and port are free.
func TestGrowableAllocation(t *testing.T) {
	g, memd := newGame(t, 64,
		server{"alpha", 8, true},
		server{"beta", 16, false},
		server{"gamma", 16, false})

	fill, err := g.Exec("ramfarm/fill.js", "home", 1, "alpha", "--chunk", 4, "--count", 10)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 2000)
	r := status(t, g, memd)
	if len(r.Allocs) != 1 {
		t.Fatalf("allocations = %+v, want one", r.Allocs)
	}
	a := r.Allocs[0]
	if n, hosts := chunks(a.Held, 4); n != 2 || hosts["alpha"] != 2 || a.Desired != 10 || a.Pid != fill {
		t.Fatalf("first grant: %d chunks %v desired %d pid %d; want 2 on alpha, desired 10, pid %d", n, hosts, a.Desired, a.Pid, fill)
	}
	if w := workers(t, g, "alpha", "ramfarm/w/weaken.js"); sumThreads(w) != 4 {
		t.Fatalf("weaken workers on alpha: %v, want 4 threads (8 GB / 1.75)", w)
	}

	// New RAM appears: beta and gamma are rooted. memd observes hosts at
	// its next tick; the growth goes out in that same tick.
	rootedAt := g.Now()
	g.World.Server("beta").HasRoot = true
	g.World.Server("gamma").HasRoot = true
	run(t, g, tickMs+1)
	for _, host := range []string{"beta", "gamma"} {
		if w := workers(t, g, host, "ramfarm/w/weaken.js"); sumThreads(w) != 9 {
			t.Fatalf("%.0f ms after root: weaken workers on %s = %v, want 9 threads (4 chunks × 4 GB / 1.75)", g.Now()-rootedAt, host, w)
		}
	}
	r = status(t, g, memd)
	if n, hosts := chunks(r.Allocs[0].Held, 4); n != 10 || hosts["beta"] != 4 || hosts["gamma"] != 4 {
		t.Fatalf("after growth: %d chunks %v, want 10 (alpha 2, beta 4, gamma 4)", n, hosts)
	}

	// The client dies: its workers go with it (atExit), and within one
	// collection tick its allocation and its port are free.
	g.Kill(fill)
	run(t, g, tickMs+1)
	r = status(t, g, memd)
	if len(r.Allocs) != 0 {
		t.Fatalf("allocations after the owner died: %+v", r.Allocs)
	}
	for _, w := range r.Workers {
		if w.Allocated != 0 || w.Claimed != 0 {
			t.Errorf("%s: allocated %v claimed %v after the owner died", w.Host, w.Allocated, w.Claimed)
		}
		if w.Host != "home" {
			if used, _ := g.World.GetServerUsedRam(w.Host); used != 0 {
				t.Errorf("%s: %v GB still used", w.Host, used)
			}
		}
	}
	// The port came back: the next client gets the same private port.
	if got := firstPortOfNewClient(t, g); got != 101 {
		t.Errorf("a new client got port %d, want 101 (the dead client's)", got)
	}
}

func sumThreads(w map[int64]int64) (n int64) {
	for _, t := range w {
		n += t
	}
	return n
}

// firstPortOfNewClient asks memd for a private port on behalf of a live
// process and returns the port granted.
func firstPortOfNewClient(t *testing.T, g *harness.Game) int64 {
	t.Helper()
	pid, err := g.Exec("ramfarm/w/weaken.js", "alpha", 1, "alpha", 0, true)
	if err != nil {
		// alpha has room: its workers were killed.
		t.Fatal(err)
	}
	boot := int64(1<<40) + pid
	send(t, g, fmt.Sprintf(`{"t":"port","rid":1,"pid":%d,"reply":%d}`, pid, boot))
	run(t, g, tickMs)
	js, _ := g.ReadPortJSON(boot)
	var a struct {
		T    string `json:"t"`
		Port int64  `json:"port"`
	}
	if err := json.Unmarshal([]byte(js), &a); err != nil || a.T != "assigned" {
		t.Fatalf("port answer: %q %v", js, err)
	}
	g.Kill(pid)
	return a.Port
}

// TestScriptsLoadWithoutFaults runs each daemon's --help: every script
// parses, loads the module and prints its usage.
func TestScriptsLoadWithoutFaults(t *testing.T) {
	g, _ := newGame(t, 64)
	for _, s := range []string{"ramfarm/memd.js", "ramfarm/fill.js"} {
		if _, err := g.Exec(s, "home", 1, "--help"); err != nil {
			t.Fatal(err)
		}
	}
	run(t, g, 100)
	term := strings.Join(g.Terminal(), "\n")
	for _, want := range []string{"usage: run ramfarm/memd.js", "usage: run ramfarm/fill.js"} {
		if !strings.Contains(term, want) {
			t.Errorf("terminal lacks %q:\n%s", want, term)
		}
	}
}

// scenarioGame is the game of the scenario file at path, changed by edit
// (if not nil) before it is set up, on the release it names, with files
// on home.
func scenarioGame(t testing.TB, path string, edit func(*scenario.Scenario), files map[string]string) (*harness.Game, *scenario.Scenario) {
	t.Helper()
	sc, err := scenario.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(sc)
	}
	g, err := harness.New(harness.Config{Seed: 1, WasmCache: wasmCache, Release: sc.Release})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	if err := sc.Setup(g.World); err != nil {
		t.Fatal(err)
	}
	if err := g.Install("home", files); err != nil {
		t.Fatal(err)
	}
	return g, sc
}

// startedGame is the bn1-start scenario's game with ramfarm started as
// its scripts say, plus files of the player's own on home.
func startedGame(t testing.TB, own map[string]string) *harness.Game {
	t.Helper()
	files := jsglue.Files(coretest.Wasm(t))
	for name, text := range own {
		files[name] = text
	}
	g, sc := scenarioGame(t, "../scenarios/bn1-start.json", nil, files)
	for _, s := range sc.Scripts {
		if _, err := g.Exec(s.Script, s.Host, s.Threads, s.Args...); err != nil {
			t.Fatal(err)
		}
	}
	return g
}
