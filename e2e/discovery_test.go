package e2e

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"ramfarm/harness"
	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// discoverTickMs is discover.js's default tick; bn1-start starts it with
// no arguments.
const discoverTickMs = 5000

var portOpeners = []string{"BruteSSH.exe", "FTPCrack.exe", "relaySMTP.exe", "HTTPWorm.exe", "SQLInject.exe"}

// bn1Run is the bn1-start scenario running with its scripts (the memory
// and discovery daemons), and when discover.js said it registered each
// worker.
type bn1Run struct {
	t          *testing.T
	g          *harness.Game
	sc         *scenario.Scenario
	memd       int64
	reserve    float64            // memd's home reserve, GB
	memdRAM    float64            // memd's own RAM on home, GB
	registered map[string]float64 // host → game time of its latest "worker" log line
}

func startBN1(t *testing.T) *bn1Run {
	t.Helper()
	sc, err := scenario.Load("../scenarios/bn1-start.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &bn1Run{t: t, sc: sc, registered: map[string]float64{}}
	r.g, err = harness.New(harness.Config{Seed: sc.Seed, Trace: r.trace})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.g.Close() })
	if err := sc.Setup(r.g.World); err != nil {
		t.Fatal(err)
	}
	if err := r.g.Install("home", jsglue.Files(coretest.Wasm(t))); err != nil {
		t.Fatal(err)
	}
	// Only the two daemons run, as start.js starts them: the run measures
	// them alone. discover.js starts half a tick late, so that programs,
	// acquired on whole minutes, arrive mid-tick: a scan that acted a
	// tick late would show.
	r.reserve = 8
	if r.memd, err = r.g.Exec("ramfarm/memd.js", "home", 1, "--reserve", r.reserve); err != nil {
		t.Fatal(err)
	}
	if r.memdRAM, err = r.g.ScriptRAM("home", "ramfarm/memd.js"); err != nil {
		t.Fatal(err)
	}
	sc.Schedule(r.g.Clock, r.g.World, sc.Seed, func(e scenario.TimedEvent, err error) {
		if err != nil {
			t.Errorf("%v: %v", e, err)
		}
	})
	r.runUntil(discoverTickMs / 2)
	if _, err := r.g.Exec("ramfarm/discover.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	return r
}

// trace keeps the time of every registration discover.js logs.
func (r *bn1Run) trace(line string) {
	_, rest, ok := strings.Cut(line, "[ramfarm/discover.js ")
	if !ok {
		return
	}
	if testing.Verbose() {
		r.t.Log(line)
	}
	_, msg, _ := strings.Cut(rest, "] ")
	msg = strings.TrimPrefix(msg, "INFO ")
	msg = strings.TrimPrefix(msg, "worker changed ")
	if host, ok := strings.CutPrefix(msg, "worker "); ok {
		host, _, _ = strings.Cut(host, " ")
		r.registered[host] = r.g.Now()
	}
}

func (r *bn1Run) runUntil(ms float64) {
	r.t.Helper()
	if err := r.g.RunUntil(ms); err != nil {
		r.t.Fatal(err)
	}
	if f := r.g.Faults(); len(f) > 0 {
		r.t.Fatalf("harness faults: %v", f)
	}
}

// reachable lists the servers scan reaches from home, breadth first.
func reachable(w *world.World) []*world.Server {
	out := []*world.Server{w.Home()}
	seen := map[string]bool{"home": true}
	for i := 0; i < len(out); i++ {
		for _, l := range out[i].Links {
			if !seen[l] {
				seen[l] = true
				out = append(out, w.Server(l))
			}
		}
	}
	return out
}

func openersOwned(w *world.World) int {
	n := 0
	for _, p := range portOpeners {
		if w.HasProgram(p) {
			n++
		}
	}
	return n
}

// checkWorkers compares the allocator's workers with the game: exactly
// the rooted servers with RAM, each with the game's usable RAM, max RAM
// less the larger of the set-aside (memd's reserve, on home) and the RAM
// already in use (discover.js, on home), and on home less memd itself.
func (r *bn1Run) checkWorkers(when string) {
	r.t.Helper()
	rep := status(r.t, r.g, r.memd)
	got := map[string]float64{}
	for _, w := range rep.Workers {
		got[w.Host] = w.Usable
		if s := r.g.World.Server(w.Host); s == nil {
			r.t.Errorf("%s: allocator has %s, which the game does not", when, w.Host)
		} else if w.Max != s.MaxRAM {
			r.t.Errorf("%s: allocator has %s with max %v GB, the game %v GB", when, w.Host, w.Max, s.MaxRAM)
		}
	}
	for _, s := range reachable(r.g.World) {
		if !s.HasRoot || s.MaxRAM == 0 {
			if _, ok := got[s.Hostname]; ok {
				r.t.Errorf("%s: %s (root %v, %v GB) is a worker", when, s.Hostname, s.HasRoot, s.MaxRAM)
			}
			continue
		}
		// memd's own RAM is neither usable nor foreign: the reserve is
		// the player's alone.
		aside, self := 0.0, 0.0
		if s.IsHome {
			aside, self = r.reserve, r.memdRAM
		}
		want := math.Round(math.Max(s.MaxRAM-self-math.Max(aside, s.RAMUsed-self), 0)*100) / 100
		usable, ok := got[s.Hostname]
		switch {
		case !ok:
			r.t.Errorf("%s: rooted %s (%v GB) is not a worker", when, s.Hostname, s.MaxRAM)
		case usable != want:
			r.t.Errorf("%s: %s usable %v GB in the allocator, %v GB in the game (max %v, used %v)",
				when, s.Hostname, usable, want, s.MaxRAM, s.RAMUsed)
		}
		delete(got, s.Hostname)
	}
	for host := range got {
		r.t.Errorf("%s: worker %s is not on the network", when, host)
	}
}

// TestDiscovery_bn1Start runs the default scenario with the memory and
// discovery daemons for its whole two hours and ten minutes (the first
// half hour with -short). After each program is acquired, every server it
// makes nukeable is rooted, and registered with the memory daemon,
// within one discovery tick; after every event the allocator's workers
// and their usable RAM are the game's. It also measures how much faster
// than real time the run goes.
func TestDiscovery_bn1Start(t *testing.T) {
	r := startBN1(t)
	end := float64(r.sc.Duration.Milliseconds())
	if testing.Short() {
		end = 30 * 60e3
	}
	wall := time.Now()
	const memdTickMs = tickMs
	settle := float64(discoverTickMs + memdTickMs + 1) // a scan, then memd's tick to observe what it registered

	r.runUntil(settle)
	r.checkWorkers("at start")
	before := r.rooted()
	for _, e := range r.sc.Events {
		at := e.AtMs()
		if at+settle > end {
			break
		}
		r.runUntil(at + discoverTickMs + 1)
		if acq, ok := e.Event.(scenario.Acquire); ok {
			r.checkAcquired(acq.Program, at, before)
		}
		r.runUntil(at + settle)
		r.checkWorkers(e.String())
		before = r.rooted()
	}
	r.runUntil(end)
	r.checkWorkers("at the end")
	elapsed := time.Since(wall)

	for _, s := range reachable(r.g.World) {
		if !s.HasRoot && s.NumOpenPortsRequired <= openersOwned(r.g.World) {
			t.Errorf("%s (%d ports) never rooted", s.Hostname, s.NumOpenPortsRequired)
		}
	}
	logs := r.g.Logs(r.pid("ramfarm/discover.js"))
	for _, l := range logs {
		if strings.Contains(l, "failed") || strings.Contains(l, "rejected") || strings.Contains(l, "trapped") {
			t.Errorf("discover.js: %s", l)
		}
	}
	game := time.Duration(end) * time.Millisecond
	t.Logf("%v of game time in %v: %.0f game seconds per wall second", game, elapsed.Round(time.Millisecond), game.Seconds()/elapsed.Seconds())
}

// rooted is the set of servers with root now.
func (r *bn1Run) rooted() map[string]bool {
	out := map[string]bool{}
	for _, s := range reachable(r.g.World) {
		if s.HasRoot {
			out[s.Hostname] = true
		}
	}
	return out
}

// checkAcquired: one discovery tick after program was acquired at ms,
// every server the owned openers now allow is rooted, and each one newly
// rooted with RAM was registered in that tick.
func (r *bn1Run) checkAcquired(program string, at float64, before map[string]bool) {
	r.t.Helper()
	reach := openersOwned(r.g.World)
	var unlocked []string
	for _, s := range reachable(r.g.World) {
		if s.Purchased || s.NumOpenPortsRequired > reach {
			continue
		}
		if !s.HasRoot {
			r.t.Errorf("%s: %s (%d ports) not rooted one tick after", program, s.Hostname, s.NumOpenPortsRequired)
			continue
		}
		if before[s.Hostname] {
			continue
		}
		unlocked = append(unlocked, fmt.Sprintf("%s(%vGB)", s.Hostname, s.MaxRAM))
		if s.MaxRAM == 0 {
			continue
		}
		if t, ok := r.registered[s.Hostname]; !ok || t < at || t > at+discoverTickMs {
			r.t.Errorf("%s acquired at %.0f ms: %s registered at %.0f ms (logged %v), want within one tick", program, at, s.Hostname, t, ok)
		}
	}
	if len(unlocked) == 0 {
		r.t.Errorf("%s unlocked no server", program)
	}
	r.t.Logf("%s at %v: %d ports open, rooted %s", program, time.Duration(at)*time.Millisecond, reach, strings.Join(unlocked, " "))
}

func (r *bn1Run) pid(script string) int64 {
	ps, err := r.g.World.PS("home")
	if err != nil {
		r.t.Fatal(err)
	}
	for _, p := range ps {
		if p.Filename == script {
			return p.Pid
		}
	}
	r.t.Fatalf("%s is not running", script)
	return 0
}

// TestDiscover_flags: --help prints the usage, and a flag the daemon does
// not know stops it before it does anything.
func TestDiscover_flags(t *testing.T) {
	g, _ := newGame(t, 64)
	if _, err := g.Exec("ramfarm/discover.js", "home", 1, "--help"); err != nil {
		t.Fatal(err)
	}
	bad, err := g.Exec("ramfarm/discover.js", "home", 1, "--tick", 500, "--hacknet")
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 100)
	term := strings.Join(g.Terminal(), "\n")
	if !strings.Contains(term, "usage: run ramfarm/discover.js") {
		t.Errorf("terminal lacks the usage:\n%s", term)
	}
	if !strings.Contains(term, "--hacknet") {
		t.Errorf("terminal does not name the unknown flag:\n%s", term)
	}
	if _, ended := g.Exited(bad); !ended {
		t.Errorf("discover.js with an unknown flag is still running")
	}
}
