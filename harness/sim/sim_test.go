package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/harness"
	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
	"ramfarm/internal/coretest"
)

// hackLoop is a small run where hack rolls matter: looping hack, grow and
// weaken workers on n00dles in the game's default world.
const hackLoop = `{
  "name": "hack-loop",
  "story": "Looping hack, grow and weaken workers against n00dles for twenty minutes, so that hack rolls decide the money made.",
  "seed": 1,
  "duration": "20m",
  "network": {"kind": "default"},
  "start": {"homeRam": 32, "rooted": ["n00dles"]},
  "scripts": [
    {"script": "ramfarm/memd.js", "host": "home", "args": ["--reserve", 32]},
    {"script": "ramfarm/w/hack.js", "host": "home", "threads": 2, "args": ["n00dles", 0, true]},
    {"script": "ramfarm/w/grow.js", "host": "home", "threads": 4, "args": ["n00dles", 0, true]},
    {"script": "ramfarm/w/weaken.js", "host": "home", "threads": 2, "args": ["n00dles", 0, true]}
  ]
}`

func runLog(t *testing.T, wasm []byte, cache wazero.CompilationCache, seed uint64) (string, Result) {
	t.Helper()
	sc, err := scenario.Parse([]byte(hackLoop))
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	res, err := Run(Options{Scenario: sc, Wasm: wasm, Seed: &seed, WasmCache: cache,
		Trace: func(line string) { log.WriteString(line + "\n") }})
	if err != nil {
		t.Fatal(err)
	}
	return log.String(), res
}

// TestRun_deterministic: the same scenario and seed give byte-identical
// event logs; another seed changes the hack rolls.
func TestRun_deterministic(t *testing.T) {
	wasm := coretest.Wasm(t)
	cache := wazero.NewCompilationCache()
	log1, res1 := runLog(t, wasm, cache, 1)
	log2, res2 := runLog(t, wasm, cache, 1)
	log3, res3 := runLog(t, wasm, cache, 2)
	h1, h2, h3 := hash(log1), hash(log2), hash(log3)
	if h1 != h2 {
		t.Errorf("same seed, different event logs: %s vs %s", h1, h2)
	}
	// The whole summary, but for what the wall clock decides.
	if !reflect.DeepEqual(wallFree(res1), wallFree(res2)) {
		j1, _ := json.Marshal(res1)
		j2, _ := json.Marshal(res2)
		t.Errorf("same seed, different summaries:\n%s\n%s", j1, j2)
	}
	if res1.MoneyTotal == 0 {
		t.Fatal("no money hacked: the run does not exercise hack rolls")
	}
	if h1 == h3 || res1.MoneyTotal == res3.MoneyTotal {
		t.Errorf("seed 2 changed nothing: log %s vs %s, money %v vs %v", h1, h3, res1.MoneyTotal, res3.MoneyTotal)
	}
	t.Logf("event log sha256 %s (seed 1, twice), %s (seed 2); money %.0f vs %.0f", h1, h3, res1.MoneyTotal, res3.MoneyTotal)
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func TestOvercommitted(t *testing.T) {
	for _, tt := range []struct {
		name                  string
		max, allocated, other float64
		want                  bool
	}{
		{"nothing allocated", 32, 0, 32, false},
		{"others fit beside the chunks", 32, 24, 8, false},
		{"others reach into a chunk", 32, 24, 8.01, true},
		{"chunks over the host's RAM", 32, 36, 0, true},
		{"a rounding residue", 32, 24, 8.004, false},
	} {
		if got := overcommitted(tt.max, tt.allocated, tt.other); got != tt.want {
			t.Errorf("%s: overcommitted(%v, %v, %v) = %v, want %v", tt.name, tt.max, tt.allocated, tt.other, got, tt.want)
		}
	}
}

func ptr(x float64) *float64 { return &x }

// samples returns one [t, used, usable, useful, allocated] sample per
// second over (from, to] s, with everything usable allocated.
func samples(from, to int, used, usable, useful float64) [][5]float64 {
	return held(from, to, used, usable, useful, usable)
}

// held is samples with allocated GB allocated.
func held(from, to int, used, usable, useful, allocated float64) [][5]float64 {
	var out [][5]float64
	for t := from + 1; t <= to; t++ {
		out = append(out, [5]float64{float64(t), used, usable, useful, allocated})
	}
	return out
}

func TestUseWindows(t *testing.T) {
	cat := func(parts ...[][5]float64) [][5]float64 {
		var out [][5]float64
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		util   [][5]float64
		endMin float64
		want   []UseWindow
		low    *float64
	}{
		{
			name:   "usable bounds, then useful bounds and saturates",
			util:   cat(samples(0, 600, 50, 100, 1e6), samples(600, 1200, 40, 100, 50)),
			endMin: 20,
			want: []UseWindow{
				{FromMin: 0, ToMin: 10, Mean: ptr(0.5), IdleGB: 50},
				{FromMin: 10, ToMin: 20, Mean: ptr(0.8), Saturated: true, IdleGB: 10},
			},
			low: ptr(0.8),
		},
		{
			name: "saturated on a minority of samples is not saturated",
			util: cat(samples(0, 300, 100, 100, 1e6), samples(300, 400, 50, 100, 50),
				samples(400, 600, 100, 100, 1e6)),
			endMin: 10,
			want:   []UseWindow{{FromMin: 0, ToMin: 10, Mean: ptr(1), IdleGB: 0}},
		},
		{
			name:   "samples with nothing that could work count for idle only",
			util:   cat(samples(0, 300, 0, 0, 1e6), samples(300, 600, 30, 60, 1e6)),
			endMin: 10,
			want:   []UseWindow{{FromMin: 0, ToMin: 10, Mean: ptr(0.5), IdleGB: 15}},
		},
		{
			name:   "an empty window has no mean, a partial last window ends with the run",
			util:   cat(samples(0, 600, 10, 20, 1e6), samples(1200, 1500, 20, 20, 1e6)),
			endMin: 25,
			want: []UseWindow{
				{FromMin: 0, ToMin: 10, Mean: ptr(0.5), IdleGB: 10},
				{FromMin: 10, ToMin: 20},
				{FromMin: 20, ToMin: 25, Mean: ptr(1)},
			},
			low: ptr(1),
		},
		{
			name:   "idle RAM no allocation held",
			util:   cat(held(0, 300, 30, 60, 1e6, 60), held(300, 600, 30, 60, 1e6, 40)),
			endMin: 10,
			want:   []UseWindow{{FromMin: 0, ToMin: 10, Mean: ptr(0.5), IdleGB: 30, UnallocatedGB: 10}},
		},
		{
			name:   "the lowest window after ten minutes",
			util:   cat(samples(0, 600, 0, 10, 1e6), samples(600, 1200, 9, 10, 1e6), samples(1200, 1800, 7, 10, 1e6)),
			endMin: 30,
			want: []UseWindow{
				{FromMin: 0, ToMin: 10, Mean: ptr(0), IdleGB: 10},
				{FromMin: 10, ToMin: 20, Mean: ptr(0.9), IdleGB: 1},
				{FromMin: 20, ToMin: 30, Mean: ptr(0.7), IdleGB: 3},
			},
			low: ptr(0.7),
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, low := useWindows(tt.util, tt.endMin*60000)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("windows:\n got %s\nwant %s", describeWindows(got), describeWindows(tt.want))
			}
			if !reflect.DeepEqual(low, tt.low) {
				t.Errorf("lowest after 10 min = %v, want %v", deref(low), deref(tt.low))
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func describeWindows(ws []UseWindow) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "[%g-%g mean %v sat %v idle %g] ", w.FromMin, w.ToMin, deref(w.Mean), w.Saturated, w.IdleGB)
	}
	return b.String()
}

func TestMoneyAt(t *testing.T) {
	// every returns money = t s at one sample every period s over (0, to].
	every := func(period, to int) []moneySample {
		var out []moneySample
		for s := period; s <= to; s += period {
			out = append(out, moneySample{float64(s) * 1000, float64(s)})
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		samples []moneySample
		endMin  float64
		want    []MoneyMark
	}{
		{"a mark on the run's end is the end", every(1, 2400), 40,
			[]MoneyMark{{10, 600, false}, {20, 1200, false}, {40, 2400, true}}},
		{"an end between marks", every(1, 2700), 45,
			[]MoneyMark{{10, 600, false}, {20, 1200, false}, {40, 2400, false}, {45, 2700, true}}},
		{"every mark, past an hour", every(60, 7800), 130,
			[]MoneyMark{{10, 600, false}, {20, 1200, false}, {40, 2400, false}, {60, 3600, false}, {130, 7800, true}}},
		{"the last sample at or before a mark", every(7, 1260), 21,
			[]MoneyMark{{10, 595, false}, {20, 1197, false}, {21, 1260, true}}},
		{"a run shorter than the first mark", every(1, 300), 5, []MoneyMark{{5, 300, true}}},
		{"no samples", nil, 5, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := moneyAt(tt.samples, tt.endMin*60000); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("moneyAt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMoneySeries(t *testing.T) {
	at := func(ts ...float64) []moneySample {
		var out []moneySample
		for _, t := range ts {
			out = append(out, moneySample{t * 1000, t * 2})
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		samples []moneySample
		want    [][2]float64
	}{
		{"the first sample of each ten seconds, and the last", at(1.1, 2.1, 9.1, 10.1, 11.1, 20.1, 21.1, 22.1),
			[][2]float64{{1.1, 2.2}, {10.1, 20.2}, {20.1, 40.2}, {22.1, 44.2}}},
		{"a last sample that opens its ten seconds is kept once", at(1, 5, 10),
			[][2]float64{{1, 2}, {10, 20}}},
		{"ten seconds without a sample leave no point", at(3, 35, 36),
			[][2]float64{{3, 6}, {35, 70}, {36, 72}}},
		{"one sample", at(4), [][2]float64{{4, 8}}},
		{"no samples", nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := moneySeries(tt.samples, moneyEveryMs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("moneySeries = %v, want %v", got, tt.want)
			}
		})
	}
}

// A run reports the game time it reached as it goes, in order, up to its
// end, and its money series ends with its total.
func TestRun_progress(t *testing.T) {
	sc, err := scenario.Parse([]byte(hackLoop))
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 5 * time.Minute
	var reached []float64
	res, err := Run(Options{Scenario: sc, Wasm: coretest.Wasm(t), Progress: func(ms float64) { reached = append(reached, ms) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(reached) < 300 || reached[len(reached)-1] != 300000 {
		t.Fatalf("progress reported %d times, last at %v ms; want every second up to 300000", len(reached), reached[len(reached)-1:])
	}
	for i := 1; i < len(reached); i++ {
		if reached[i] <= reached[i-1] {
			t.Fatalf("progress went from %v to %v ms", reached[i-1], reached[i])
		}
	}
	n := len(res.Money)
	if n < 29 || n > 32 || res.Money[n-1] != [2]float64{300, res.MoneyTotal} || res.MoneyTotal == 0 {
		t.Errorf("money series of %d points ending %v, total $%v: want a point per 10 s ending at [300 s, total]", n, res.Money[n-1:], res.MoneyTotal)
	}
}

func TestUseful_gb(t *testing.T) {
	// A target as the game builds n00dles, then tilled and sown.
	prepared := func(name string, req float64) *world.Server {
		s := world.NewServer(world.ServerParams{Hostname: name, MoneyAvailable: 70000, HackDifficulty: 1,
			RequiredHackingSkill: req, ServerGrowth: 3000, AdminRights: true})
		s.MoneyAvailable = s.MoneyMax
		return s
	}
	planner := func(s *world.Server, level float64) *hwgw.Planner {
		p, err := hwgw.NewPlanner(hwgw.Model{Target: harness.TargetOf(s), Player: formulas.NewPlayer(level), BitNode: formulas.BN1()})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// batches is the RAM, GB, of full overlap of batches stealing 90%.
	batches := func(s *world.Server, level float64) float64 {
		p := planner(s, level)
		return p.Batch(p.HackThreads(0.9), 1, false).RAM.Times(p.Depth()).GB()
	}
	target := prepared("n00dles", 1)
	above := prepared("foodnstuff", 50)
	unrooted := prepared("sigma-cosmetics", 1)
	unrooted.HasRoot = false
	home := prepared("home", 1)
	home.IsHome, home.Purchased = true, true
	bought := prepared("pserv-0", 1)
	bought.Purchased = true
	drained := prepared("joesguns", 1)
	drained.MoneyAvailable, drained.HackDifficulty = drained.MoneyMax/4, drained.MinDifficulty+3
	prep := func(level float64) float64 {
		p := planner(drained, level)
		return (p.Till(drained.HackDifficulty, 1).RAM + p.Sow(drained.MoneyAvailable, 1).RAM).GB()
	}
	for _, tt := range []struct {
		name    string
		servers []*world.Server
		level   float64
		want    float64
	}{
		{"one prepared target: its batches", []*world.Server{target}, 1, batches(target, 1)},
		{"the player's own, unrooted and above the level: nothing", []*world.Server{above, unrooted, home, bought}, 1, 0},
		{"a target within a higher level", []*world.Server{target, above}, 60, batches(target, 60) + batches(above, 60)},
		{"a target off min security and max money: with its prep", []*world.Server{drained}, 1, batches(drained, 1) + prep(1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := newUseful()
			got := u.gb(tt.servers, formulas.NewPlayer(tt.level))
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("useful = %v GB, want %v", got, tt.want)
			}
			// Computed again from the cache, the same.
			if again := u.gb(tt.servers, formulas.NewPlayer(tt.level)); again != got {
				t.Errorf("useful from the cache = %v GB, first %v", again, got)
			}
		})
	}
	if b := batches(target, 1); b <= 0 {
		t.Fatalf("n00dles at level 1 has %v GB of batches", b)
	}
	// A level change plans again: the batches at level 60 differ.
	u := newUseful()
	u.gb([]*world.Server{target}, formulas.NewPlayer(1))
	if got, want := u.gb([]*world.Server{target}, formulas.NewPlayer(60)), batches(target, 60); got != want || want == batches(target, 1) {
		t.Errorf("useful after a level change = %v GB, want %v (level 1: %v)", got, want, batches(target, 1))
	}
}

// TestUseful_n00dles checks the planner's numbers the useful RAM rests on
// against a hand computation from the game's formulas for n00dles at
// level 1: depth is weaken time over the 200 ms period, and the batch
// steals the most hack threads that take no more than 90%.
func TestUseful_n00dles(t *testing.T) {
	s := world.NewServer(world.ServerParams{Hostname: "n00dles", MoneyAvailable: 70000, HackDifficulty: 1, ServerGrowth: 3000, AdminRights: true})
	s.MoneyAvailable = s.MoneyMax
	target, pl := harness.TargetOf(s), formulas.NewPlayer(1)
	p, err := hwgw.NewPlanner(hwgw.Model{Target: target, Player: pl, BitNode: formulas.BN1()})
	if err != nil {
		t.Fatal(err)
	}
	depth := int(formulas.Millis(formulas.WeakenTime(target, pl, formulas.BN1())) / 200)
	hack := int(0.9 / formulas.HackPercent(target, pl, formulas.BN1()))
	b := p.Batch(hack, 1, false)
	if p.Depth() != depth || p.HackThreads(0.9) != hack || b.Fraction > 0.9 {
		t.Fatalf("planner: depth %d, hack threads %d, fraction %v; by hand: depth %d, hack threads %d",
			p.Depth(), p.HackThreads(0.9), b.Fraction, depth, hack)
	}
	want := b.RAM.Times(depth).GB()
	if got := newUseful().gb([]*world.Server{s}, pl); got != want {
		t.Errorf("useful = %v GB, want %d batches of %v GB = %v GB", got, depth, b.RAM.GB(), want)
	}
	t.Logf("n00dles at level 1: %d batches in flight of %d hack threads, %v GB each: %v GB useful", depth, hack, b.RAM.GB(), want)
}

func TestRunner_checkAllocSizes(t *testing.T) {
	var rep report
	if err := json.Unmarshal([]byte(`{"allocs":[
		{"alloc":1,"script":"ramfarm/till.js","chunk":1.75,"desired":10},
		{"alloc":2,"script":"ramfarm/harvest.js","chunk":8.7,"desired":797},
		{"alloc":3,"script":"ramfarm/sow.js","chunk":2,"desired":50}]}`), &rep); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		network   float64
		oversized int
		max       float64
	}{
		{"all fit", 10000, 0, 6933.9},
		{"one exceeds the network", 4156, 1, 6933.9},
		{"exactly the network fits", 100, 1, 6933.9},
		{"all but the smallest exceed", 99.99, 2, 6933.9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &runner{oversized: map[int64]float64{}}
			// Two samples: the count is per sample, the log per
			// allocation.
			r.checkAllocSizes(1000, &rep, tt.network)
			r.checkAllocSizes(2000, &rep, tt.network)
			if r.res.OversizedAllocs != 2*tt.oversized || len(r.res.OversizedLog) != tt.oversized {
				t.Errorf("oversized %d, %d log lines; want %d, %d: %q", r.res.OversizedAllocs, len(r.res.OversizedLog),
					2*tt.oversized, tt.oversized, r.res.OversizedLog)
			}
			if r.res.MaxAllocGB != tt.max || r.res.NetworkGB != tt.network {
				t.Errorf("max alloc %v GB of network %v GB, want %v of %v", r.res.MaxAllocGB, r.res.NetworkGB, tt.max, tt.network)
			}
		})
	}
}

func TestTakesPolicy(t *testing.T) {
	for _, tt := range []struct {
		script string
		args   []any
		want   bool
		policy string
	}{
		{"ramfarm/selector.js", []any{"--policy", "greedy"}, true, "restart"},
		{"ramfarm/start.js", []any{"--reserve", 8}, true, "restart"},
		{"ramfarm/memd.js", nil, false, ""},
		{"ramfarm/harvest.js", nil, false, ""},
	} {
		if got := TakesPolicy(tt.script); got != tt.want {
			t.Errorf("TakesPolicy(%s) = %v, want %v", tt.script, got, tt.want)
		}
		if tt.want {
			if got := policyOf(withPolicy(tt.args, tt.policy)); got != tt.policy {
				t.Errorf("%s %v: policy %s after the override, want %s", tt.script, tt.args, got, tt.policy)
			}
		}
	}
}

// A normal run's logs hold only what a player should read: no ERROR or
// WARN line in any script's log or on the terminal, and no memd line per
// un-claim it had already settled. The first 30 minutes of bn1-fresh:
// ramfarm from an 8 GB home, two RAM jumps, tasks of every kind.
func TestRun_quietLogs(t *testing.T) {
	sc, err := scenario.Load("../../scenarios/bn1-fresh.json")
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 30 * time.Minute
	var lines, bad []string
	// A ramfarm script's own log line: "[mm:ss.mmm] [ramfarm/x.js PID] text".
	ownLine := regexp.MustCompile(`^\[[^\]]*\] \[ramfarm/\S+ \d+\] (.*)$`)
	leveled := 0
	res, err := Run(Options{Scenario: sc, Wasm: coretest.Wasm(t), Policy: "grow", Trace: func(line string) {
		lines = append(lines, line)
		if strings.Contains(line, "ERROR") || strings.Contains(line, "WARN") || strings.Contains(line, "reject") ||
			strings.Contains(line, "crashed") {
			bad = append(bad, line)
		}
		if m := ownLine.FindStringSubmatch(line); m != nil {
			if !strings.HasPrefix(m[1], "INFO ") {
				bad = append(bad, line+" (a log line must start with INFO, WARN or ERROR)")
			}
			leveled++
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.MoneyTotal == 0 || len(lines) < 1000 || leveled < 500 {
		t.Fatalf("$%.0f made, %d trace lines, %d script log lines: the run did not get going", res.MoneyTotal, len(lines), leveled)
	}
	for i, l := range bad {
		if i == 10 {
			t.Errorf("... and %d more", len(bad)-10)
			break
		}
		t.Errorf("%s", l)
	}
}

// coreSaving counts, for a grow or weaken worker, the threads one core
// needs for the same work (FACTS.md §2.8: × (1 + (c−1)/16), whole
// threads) less its own, in GB.
func TestCoreSaving(t *testing.T) {
	for _, tt := range []struct {
		threads int64
		cores   int
		want    float64 // GB at 1.75 GB a thread
	}{
		{100, 1, 0},
		{16, 2, 1.75},       // 17 threads on one core
		{100, 4, 19 * 1.75}, // 118.75 → 119
		{1, 4, 1.75},        // 1.1875 → 2
		{16, 8, 7 * 1.75},
		{3, 16, 3 * 1.75}, // 5.8125 → 6
		{0, 8, 0},
	} {
		if got := coreSaving(tt.threads, tt.cores, 1.75); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%d threads on %d cores save %v GB, want %v", tt.threads, tt.cores, got, tt.want)
		}
	}
}

// With cores on the servers ramfarm runs on, the run reports the RAM
// they saved; with one core everywhere, none. The first 12 minutes of
// bn1-start, home and the network's servers with 2 to 4 cores (as the
// game gives world servers since 2.6.2).
func TestRun_coresSaved(t *testing.T) {
	wasm := coretest.Wasm(t)
	cache := wazero.NewCompilationCache()
	run := func(cores bool) Result {
		sc, err := scenario.Load("../../scenarios/bn1-start.json")
		if err != nil {
			t.Fatal(err)
		}
		sc.Duration = 12 * time.Minute
		opts := Options{Scenario: sc, Wasm: wasm, WasmCache: cache, Policy: "grow"}
		// The scenario's release gives world servers cores of its own:
		// set every server's, one core or 2-4.
		opts.World = func(w *world.World) error {
			for i, s := range w.Servers() {
				s.Cores = 1
				if cores {
					s.Cores = 2 + i%3
				}
			}
			return nil
		}
		res, err := Run(opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.ExecFailures != 0 || res.Overcommits != 0 || res.MoneyTotal == 0 {
			t.Fatalf("cores %v: %d exec failures, %d overcommits, $%v", cores, res.ExecFailures, res.Overcommits, res.MoneyTotal)
		}
		return res
	}
	one, many := run(false), run(true)
	if one.CoresSavedGB != 0 || one.CoresSavedPeakGB != 0 {
		t.Errorf("one core everywhere: %v GB saved (peak %v)", one.CoresSavedGB, one.CoresSavedPeakGB)
	}
	if !(many.CoresSavedGB > 0) || many.CoresSavedPeakGB < many.CoresSavedGB {
		t.Errorf("with cores: %v GB saved on average, %v at the peak", many.CoresSavedGB, many.CoresSavedPeakGB)
	}
	t.Logf("cores saved %v GB on average, %v GB at the peak; money $%.0f with cores, $%.0f without",
		many.CoresSavedGB, many.CoresSavedPeakGB, many.MoneyTotal, one.MoneyTotal)
}

// The replan policy, a re-planning batcher, makes money in the first 12
// minutes of bn1-start round after round, and never execs without RAM,
// overcommits or leaks: each round's fixed allocation is sized to the
// free RAM the memory daemon reported, and given back as its work lands.
func TestRun_replan(t *testing.T) {
	sc, err := scenario.Load("../../scenarios/bn1-start.json")
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 12 * time.Minute
	rounds := map[string]int{}
	res, err := Run(Options{Scenario: sc, Wasm: coretest.Wasm(t), Policy: "replan", Trace: func(line string) {
		if i := strings.Index(line, "round over"); i >= 0 && strings.Contains(line, "ramfarm/selector.js") {
			f := strings.Fields(line[:i])
			rounds[f[len(f)-2]]++ // exit pid=N KIND TARGET, round over
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Policy != "replan" || !(res.MoneyTotal > 0) {
		t.Fatalf("policy %q made $%v", res.Policy, res.MoneyTotal)
	}
	if res.ExecFailures != 0 || res.Overcommits != 0 || res.LeakedAllocations != 0 || res.LeakedPorts != 0 {
		t.Errorf("%d exec failures, %d overcommits, %d leaked allocations, %d leaked ports: %v",
			res.ExecFailures, res.Overcommits, res.LeakedAllocations, res.LeakedPorts, res.OvercommitLog)
	}
	if rounds["harvest"] < 2 {
		t.Errorf("rounds that ended: %v; want harvest rounds planned again and again", rounds)
	}
	t.Logf("$%.0f; rounds ended: %v", res.MoneyTotal, rounds)
}
