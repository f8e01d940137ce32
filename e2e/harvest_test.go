package e2e

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ramfarm/harness"
	"ramfarm/harness/network"
	"ramfarm/harness/world"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

const (
	selectorPort = 98
	harvestHost  = "joes"
	chunkGB      = 1.75 // one thread of the larger worker: a harvest's chunk
	smallBatch   = 10   // threads of the one-hack-thread batch against joes at level 1000
)

// TestHarvest: harvest.js against a joesguns-like target fills its
// pipeline with the smallest batches up to full overlap; then RAM jumps,
// the selector raises its cap, and the batches it starts from then on
// are larger, beside the small ones still in flight, in the same chunks
// of one thread and in new ones. Every landing comes in the order H, W1,
// G, W2 within its batch, batches never land out of order, no worker is
// killed, and every batch leaves the target at min security and max
// money. A stop drains it: its batches land, its RAM goes back, it
// reports and ends.
func TestHarvest(t *testing.T) {
	var trace []string
	g, memd := newTracedGame(t, &trace,
		server{"w1", 64, true}, server{"w2", 64, true}, server{"big1", 512, false}, server{"big2", 256, false})
	target := joesTarget(t, g)
	hv, err := g.Exec("ramfarm/harvest.js", "home", 1, harvestHost, "--ram", 90, "--spacing", 500, "--prio", 3)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 15000)
	hlog := func() string { return strings.Join(g.Logs(hv), "\n") }
	r := status(t, g, memd)
	if len(r.Allocs) != 1 || r.Allocs[0].Chunk != chunkGB || r.Allocs[0].Desired != 5*smallBatch {
		t.Fatalf("allocation %+v; want %d chunks of %v GB\n%s", r.Allocs, 5*smallBatch, chunkGB, hlog())
	}
	if n, _ := chunks(r.Allocs[0].Held, chunkGB); n != 5*smallBatch {
		t.Fatalf("holds %d chunks, want %d: %+v", n, 5*smallBatch, r.Allocs[0])
	}
	if most := mostInFlight(g.Logs(hv)); most != 5 {
		t.Fatalf("at most %d batches in flight, want full overlap (5)\n%s", most, hlog())
	}
	beat := heartbeat(t, g, hv)
	// It wants what its batches can use (5 of 10 chunks), below its cap.
	if !near(beat.Held, 5*smallBatch*chunkGB) || !near(beat.Want, 5*smallBatch*chunkGB) || beat.Cap != 90 || beat.Prio != 3 || beat.Stopping {
		t.Fatalf("heartbeat %+v; want held 87.5, want 87.5, cap 90, prio 3", beat)
	}
	smallLast := len(g.Logs(hv))

	// RAM jumps: big1 and big2 are rooted, and the selector raises the
	// cap. The batches grow, beside the small ones in flight.
	g.World.Server("big1").HasRoot = true
	g.World.Server("big2").HasRoot = true
	if ok, err := g.WritePortJSON(beat.Port, `{"t":"cap","ram":500}`); !ok || err != nil {
		t.Fatalf("cap to port %d: %v %v", beat.Port, ok, err)
	}
	run(t, g, 60000)
	r = status(t, g, memd)
	a := r.Allocs[0]
	n, _ := chunks(a.Held, chunkGB)
	if a.Chunk != chunkGB || a.Desired <= 5*smallBatch || float64(a.Desired)*chunkGB > 500 || n != a.Desired {
		t.Fatalf("after the jump: %+v; want more chunks of %v GB, all held, within 500 GB\n%s", a, chunkGB, hlog())
	}
	logs := strings.Join(g.Logs(hv)[smallLast:], "\n")
	if !strings.Contains(logs, "shape 5x hack=1 -> 5x hack=") {
		t.Errorf("harvest log lacks the larger batches' shape:\n%s", logs)
	}
	if beat = heartbeat(t, g, hv); beat.Cap != 500 || !near(beat.Held, float64(n)*chunkGB) {
		t.Errorf("heartbeat after the jump: %+v", beat)
	}

	// A stop: the batches in flight land, everything goes back, done.
	if ok, err := g.WritePortJSON(beat.Port, `{"t":"stop"}`); !ok || err != nil {
		t.Fatalf("stop: %v %v", ok, err)
	}
	run(t, g, 20000)
	if reason, ok := g.Exited(hv); !ok || reason != world.ExitFinished {
		t.Fatalf("harvest after stop: exited %v (%v)\n%s", ok, reason, hlog())
	}
	if r = status(t, g, memd); len(r.Allocs) != 0 {
		t.Errorf("allocations after the stop: %+v", r.Allocs)
	}
	// Its last word says what its hack workers took: every hack of the
	// run was one of its batches.
	fin := `{"t":"finished","pid":` + strconv.FormatInt(hv, 10) + `,"kind":"harvest","target":"joes","done":false,"earned":`
	_, earned, found := strings.Cut(readAll(t, g, selectorPort), fin)
	if !found {
		t.Error("no finished message on the selector's port")
	} else if got := num(earned[:strings.IndexByte(earned, '}')]); got <= 0 || math.Abs(got-g.Stats().Money) > 1e-6*got {
		t.Errorf("finished says the task earned %v; its hacks took %v", got, g.Stats().Money)
	}

	b := checkBatches(t, trace, g.Logs(hv), target.MoneyMax, target.MinDifficulty)
	t.Logf("%d small and %d large batches landed", b.small, b.large)
	if b.small < 5 || b.large < 10 || !b.overlapped {
		t.Errorf("%d small and %d large batches landed, overlapped %v; want ≥ 5 small, ≥ 10 large, large ones started before the last small one landed",
			b.small, b.large, b.overlapped)
	}
	for _, bad := range []string{"exec failed", "lost", "short", "rejected", "refused", "correcting"} {
		if strings.Contains(hlog(), bad) {
			t.Errorf("harvest log has %q:\n%s", bad, hlog())
		}
	}
}

// TestHarvest_flags: harvest.js checks its flags once, before it asks
// for anything, and says which one is wrong; the module's config check
// comes back as it is.
func TestHarvest_flags(t *testing.T) {
	g, _ := newGame(t, 64)
	hard := world.NewServer(world.ServerParams{Hostname: "hard", MoneyAvailable: 1e6, HackDifficulty: 30, RequiredHackingSkill: 500, AdminRights: true})
	hard.Links = []string{"home"}
	if err := g.World.AddServer(hard); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []any
		want string
	}{
		{[]any{"--help"}, "usage: run ramfarm/harvest.js TARGET"},
		{[]any{}, "usage: run ramfarm/harvest.js TARGET"},
		{[]any{"hard", "--bogus"}, "unknown or unexpected option: --bogus"},
		{[]any{"hard", "--ram", "lots"}, "harvest: --ram must be a number, got NaN"},
		{[]any{"hard", "--prio", 1.5}, "harvest: --prio must be a whole number, got 1.5"},
		{[]any{"hard", "--fixed"}, "harvest: --fixed needs --ram GB"},
		{[]any{"hard"}, "harvest hard: harvest: config is invalid: player level 1 is below the target's required 500"},
	} {
		pid, err := g.Exec("ramfarm/harvest.js", "home", 1, tt.args...)
		if err != nil {
			t.Fatal(err)
		}
		n := len(g.Terminal())
		run(t, g, 100)
		if reason, ok := g.Exited(pid); !ok || reason != world.ExitFinished {
			t.Errorf("%v: exited %v %v", tt.args, ok, reason)
		}
		if out := strings.Join(g.Terminal()[n:], "\n"); !strings.Contains(out, tt.want) {
			t.Errorf("%v: terminal says\n%s\nwant %q", tt.args, out, tt.want)
		}
	}
}

// joesTarget adds the joesguns-like harvestHost to g, at min security and
// max money, and sets the player's level to 1000: a weaken takes 11.9 s,
// and with 500 ms spacing (a 2 s period) 5 batches overlap.
func joesTarget(t *testing.T, g *harness.Game) *world.Server {
	t.Helper()
	target := world.NewServer(world.ServerParams{Hostname: harvestHost, MoneyAvailable: 2.5e6, HackDifficulty: 15,
		ServerGrowth: 20, RequiredHackingSkill: 10, AdminRights: true})
	target.Links = []string{"home"}
	target.MoneyAvailable, target.HackDifficulty = target.MoneyMax, target.MinDifficulty
	if err := g.World.AddServer(target); err != nil {
		t.Fatal(err)
	}
	if err := g.World.Player().SetHackingLevel(1000); err != nil {
		t.Fatal(err)
	}
	return target
}

// newTracedGame is newGame with the game's event log collected in trace.
func newTracedGame(t *testing.T, trace *[]string, servers ...server) (*harness.Game, int64) {
	t.Helper()
	g, err := harness.New(harness.Config{Seed: 1, WasmCache: wasmCache, Trace: func(line string) {
		*trace = append(*trace, line)
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
	if err := g.World.SetMaxRAM("home", 64); err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		srv := world.NewServer(world.ServerParams{Hostname: s.host, MaxRAM: s.ram, AdminRights: s.rooted})
		srv.Links = []string{"home"}
		if err := g.World.AddServer(srv); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Install("home", jsglue.Files(coretest.Wasm(t))); err != nil {
		t.Fatal(err)
	}
	memd, err := g.Exec("ramfarm/memd.js", "home", 1, "--reserve", 64)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g, 1000)
	registerWorkers(t, g, hostsOf(servers)...)
	return g, memd
}

type beat struct {
	Pid      int64   `json:"pid"`
	Port     int64   `json:"port"`
	Kind     string  `json:"kind"`
	Target   string  `json:"target"`
	Held     float64 `json:"held"`
	Want     float64 `json:"want"`
	Cap      float64 `json:"cap"`
	Prio     int     `json:"prio"`
	Rate     float64 `json:"rate"`
	Stopping bool    `json:"stopping"`
}

// heartbeat is the latest heartbeat of pid on the selector's port.
func heartbeat(t *testing.T, g *harness.Game, pid int64) beat {
	t.Helper()
	var last beat
	for _, js := range strings.Split(readAll(t, g, selectorPort), "\n") {
		var b beat
		if json.Unmarshal([]byte(js), &b) == nil && b.Pid == pid && b.Kind == "harvest" {
			last = b
		}
	}
	if last.Pid == 0 || last.Target != harvestHost || last.Port == 0 {
		t.Fatalf("no heartbeat from %d", pid)
	}
	return last
}

// readAll empties a port, one JSON message a line.
func readAll(t *testing.T, g *harness.Game, port int64) string {
	t.Helper()
	var out []string
	for {
		js, err := g.ReadPortJSON(port)
		if err != nil {
			t.Fatal(err)
		}
		if js == "" {
			return strings.Join(out, "\n")
		}
		out = append(out, js)
	}
}

var (
	reStartBatch = regexp.MustCompile(`^INFO start batch=(\d+) slot=\d+ threads=(\d+)/\d+/\d+/\d+ on `)
	reLanded     = regexp.MustCompile(`^INFO landed batch=(\d+)`)
	rePids       = regexp.MustCompile(`^INFO pids batch=(\d+)((?: (?:H|W1|G|W2):\d+)+)$`)
	reOp         = regexp.MustCompile(`^\[[\d:.]+\] (hack|grow|weaken) ` + harvestHost + ` by pid (\d+), .*?(?:money (\S+), )?(?:security (\S+))?$`)
	reExit       = regexp.MustCompile(`^\[[\d:.]+\] exit pid (\d+) ramfarm/w/\w+\.js \((\w+)\)$`)
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// num reads a number the event log printed; "" is NaN, equal to nothing.
func num(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// mostInFlight is the most batches the harvest log shows in flight at once.
func mostInFlight(logs []string) int {
	n, most := 0, 0
	for _, l := range logs {
		switch {
		case reStartBatch.MatchString(l):
			n++
			most = max(most, n)
		case reLanded.MatchString(l):
			n--
		}
	}
	return most
}

type batchStats struct {
	small, large int  // batches landed of the first size, and of larger ones
	overlapped   bool // a large batch started before the last small one landed
}

// checkBatches replays the event log. Every landing must be of the
// batch and operation in flight or the next (H, W1, G, W2; an operation
// divided over hosts lands in parts, together) and of no batch earlier
// than the last; the grow and each weaken, once all their parts landed,
// must leave the target at max money and min security; and every worker
// must end by finishing.
func checkBatches(t *testing.T, trace, hlogs []string, maxMoney, minSec float64) batchStats {
	t.Helper()
	type part struct {
		batch int
		idx   int // landing index: H 0, W1 1, G 2, W2 3
	}
	parts := map[int64]part{}
	open := map[int]int{}   // batch → its workers still running
	count := map[part]int{} // parts of each landing not landed yet
	hack := map[int]int{}   // batch → its hack threads
	small := 0              // the first batch's hack threads
	var smallOpen, firstLarge []int
	for i, l := range hlogs {
		if m := reStartBatch.FindStringSubmatch(l); m != nil {
			b, _ := strconv.Atoi(m[1])
			hack[b], _ = strconv.Atoi(m[2])
			if small == 0 {
				small = hack[b]
			}
			if hack[b] > small && len(firstLarge) == 0 {
				firstLarge = append(firstLarge, i)
			}
			continue
		}
		if m := reLanded.FindStringSubmatch(l); m != nil {
			if b, _ := strconv.Atoi(m[1]); hack[b] == small {
				smallOpen = append(smallOpen, i)
			}
			continue
		}
		m := rePids.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		b, _ := strconv.Atoi(m[1])
		for _, f := range strings.Fields(m[2]) {
			name, pid, _ := strings.Cut(f, ":")
			p, _ := strconv.ParseInt(pid, 10, 64)
			pt := part{b, map[string]int{"H": 0, "W1": 1, "G": 2, "W2": 3}[name]}
			parts[p] = pt
			count[pt]++
			open[b]++
		}
	}
	var st batchStats
	st.overlapped = len(firstLarge) > 0 && len(smallOpen) > 0 && firstLarge[0] < smallOpen[len(smallOpen)-1]
	lastBatch, lastIdx := 0, 3
	for _, line := range trace {
		if m := reOp.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.ParseInt(m[2], 10, 64)
			p, ok := parts[pid]
			switch {
			case !ok:
				t.Errorf("%s: pid %d is no batch's", line, pid)
				continue
			case [4]string{"hack", "weaken", "grow", "weaken"}[p.idx] != m[1]:
				t.Errorf("%s: pid %d is landing %d of batch %d", line, pid, p.idx, p.batch)
			case p.batch < lastBatch || (p.batch == lastBatch && p.idx != lastIdx && p.idx != lastIdx+1) ||
				(p.batch > lastBatch && (lastIdx != 3 || p.idx != 0)):
				t.Errorf("%s: landing %d of batch %d after landing %d of batch %d", line, p.idx, p.batch, lastIdx, lastBatch)
			}
			lastBatch, lastIdx = p.batch, p.idx
			if count[p]--; count[p] > 0 {
				continue // more parts of this landing to come
			}
			if p.idx == 2 && num(m[3]) != maxMoney {
				t.Errorf("%s: grow of batch %d leaves money %s, not %v", line, p.batch, m[3], maxMoney)
			}
			if (p.idx == 1 || p.idx == 3) && num(m[4]) != minSec {
				t.Errorf("%s: weaken of batch %d leaves security %s, not %v", line, p.batch, m[4], minSec)
			}
			continue
		}
		if m := reExit.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.ParseInt(m[1], 10, 64)
			p, ok := parts[pid]
			if !ok {
				continue
			}
			if m[2] != world.ExitFinished.String() {
				t.Errorf("%s: a worker of batch %d ended %s", line, p.batch, m[2])
			}
			if open[p.batch]--; open[p.batch] == 0 {
				if hack[p.batch] == small {
					st.small++
				} else {
					st.large++
				}
			}
		}
	}
	for b, n := range open {
		if n != 0 {
			t.Errorf("batch %d: %d workers never ended", b, n)
		}
	}
	return st
}
