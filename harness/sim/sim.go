// Package sim runs a scenario with the real in-game scripts and the real
// core module in the emulated game, and measures it: money, RAM use, how
// fast new RAM is put to work after each jump, and anything lost or
// overcommitted.
package sim

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness"
	"ramfarm/harness/memdreport"
	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
	"ramfarm/jsglue"
)

// Options configure a run.
type Options struct {
	Scenario *scenario.Scenario
	Wasm     []byte // core.wasm
	// Seed overrides the scenario's seed when non-nil.
	Seed *uint64
	// Timeline, if set, receives a player-readable account of what each
	// allocation holds whenever it changes, and of the scenario's events.
	Timeline io.Writer
	// Trace, if set, receives every script log line.
	Trace func(string)
	// SampleMs is how often the run is measured (default 1000 ms).
	SampleMs float64
	// WasmCache keeps the compiled module between runs of one process.
	WasmCache wazero.CompilationCache
	// Policy, when set, is passed to the script that starts the selector
	// (--policy), overriding the scenario's own argument.
	Policy string
	// HeapProfile, if set, receives a heap profile taken at the end of the
	// run, while the game still holds everything it made.
	HeapProfile io.Writer
	// FullPath runs the game's slow path (harness.Config.FullPath), which
	// the default fast one must match result for result.
	FullPath bool
	// World, if set, changes the world after the scenario set it up and
	// before any script starts: what a scenario file cannot say, such as
	// cores on servers other than home.
	World func(*world.World) error
	// Progress, if set, is called with the game time reached, ms, each
	// time the run has advanced the clock (every sample, 1 s of game time
	// by default), so a caller can show how far a long run is. It runs on
	// the run's goroutine and the run waits for it: it should only note
	// the time.
	Progress func(gameMs float64)
}

// Jump is one sudden rise of usable RAM and how fast it was put to work.
type Jump struct {
	T       float64  `json:"t"`
	NewGB   float64  `json:"new_gb"`
	To90Pct *float64 `json:"seconds_to_90pct"`
	base    float64  // allocated GB just before the jump
}

// Result is a run's measurements; its JSON form is the simulation's
// summary.
type Result struct {
	Scenario   string  `json:"scenario"`
	Policy     string  `json:"policy,omitempty"`
	Seed       uint64  `json:"seed"`
	MoneyTotal float64 `json:"money_total"`
	IncomeEnd  float64 `json:"income_end"`
	// MoneyAt is the hacking money made by 10, 20, 40 and 60 minutes
	// (those within the run) and by the end.
	MoneyAt []MoneyMark `json:"money_at"`
	// Money is the hacking money made so far, [t s, $], at the first
	// sample of every ten seconds of game time and at the last sample:
	// the money over time, a point per ten seconds to keep the summary
	// small.
	Money [][2]float64 `json:"money"`
	// FirstMoneyS is the game time, s, of the first sample with hacking
	// money; null if none had any.
	FirstMoneyS *float64 `json:"first_money_s"`
	// RAMUtil has one entry per sample: [t s, used, usable, useful,
	// allocated GB]. Used is the RAM of ramfarm's processes at work in
	// allocations, usable what ramfarm may allocate and allocated what it
	// did, all from the memory daemon's report; useful is what the best
	// plan could put to work (see useful).
	RAMUtil [][5]float64 `json:"ram_util"`
	// UseWindows rate each ten minutes of the run; UseMinAfter10 is the
	// lowest mean of those from ten minutes on.
	UseWindows    []UseWindow `json:"use_windows"`
	UseMinAfter10 *float64    `json:"use_min_after_10"`
	// MaxAllocGB is the largest size an allocation desired (desired
	// chunks × chunk size) at any sample, and NetworkGB the RAM of every
	// server, home included, at that sample. OversizedAllocs counts the
	// (sample, allocation) pairs whose desired size exceeded the
	// network's RAM; OversizedLog says where the first were.
	MaxAllocGB      float64  `json:"max_alloc_gb"`
	NetworkGB       float64  `json:"network_gb"`
	OversizedAllocs int      `json:"oversized_allocs"`
	OversizedLog    []string `json:"oversized_log,omitempty"`
	Jumps           []Jump   `json:"jumps"`
	ExecFailures    int      `json:"exec_failures"`
	Overcommits     int      `json:"overcommits"`
	// OvercommitLog says where and when the first overcommits were.
	OvercommitLog []string `json:"overcommit_log,omitempty"`
	// CoresSavedGB is the RAM the hosts' cores saved, GB, as a mean over
	// the samples: at each, for every grow and weaken worker running on a
	// host of c cores, the threads the same work takes on one core (its
	// threads × (1 + (c−1)/16), rounded up: FACTS.md §2.6, §2.8) less its
	// threads, times its RAM per thread. It is what 1-core hosts would
	// have needed on top to do the same work; CoresSavedPeakGB is the most
	// at one sample.
	CoresSavedGB      float64 `json:"cores_saved_gb"`
	CoresSavedPeakGB  float64 `json:"cores_saved_peak_gb"`
	LeakedAllocations int     `json:"leaked_allocations"`
	LeakedPorts       int     `json:"leaked_ports"`
	SimSeconds        float64 `json:"sim_seconds"`
	// WallSeconds is the run's wall time, Speed game seconds per wall
	// second, and PeakHeapMB the most Go heap in use at any sample, MB:
	// the whole process's, so runs side by side share it.
	WallSeconds float64 `json:"wall_seconds"`
	Speed       float64 `json:"speed"`
	PeakHeapMB  float64 `json:"peak_heap_mb"`
	// ScriptCPU is the in-game scripts' CPU per game minute by kind of
	// script, and ScriptCPUMs its sum: the emulator's wall time on their
	// behalf (harness.CPUUse), a proxy for the browser's.
	ScriptCPU   []ScriptCPU `json:"script_cpu"`
	ScriptCPUMs float64     `json:"script_cpu_ms_per_min"`
}

// outsideChunks are the ramfarm scripts that do not run in chunks.
var outsideChunks = []string{memdScript, "ramfarm/start.js"}

// policyScripts take the selector's --policy: the selector itself, and the
// boot script that starts it.
var policyScripts = []string{"ramfarm/selector.js", "ramfarm/start.js"}

// TakesPolicy reports whether a scenario's script takes the selector's
// --policy, so that a run can vary it.
func TakesPolicy(script string) bool { return slices.Contains(policyScripts, script) }

const (
	maxOvercommitLog = 20
	maxOversizedLog  = 20
	ramfarmDir       = "ramfarm/"
	statusPort       = 998
	memdScript       = "ramfarm/memd.js"
	// A rise of usable RAM below this is noise (a foreign script ending),
	// not a jump.
	jumpMinGB = 2
)

type report = memdreport.Report

// Run runs the scenario to its end and returns its measurements.
func Run(opts Options) (Result, error) {
	sc := opts.Scenario
	if sc == nil {
		return Result{}, errors.New("sim: no scenario")
	}
	seed := sc.Seed
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	if opts.SampleMs <= 0 {
		opts.SampleMs = 1000
	}
	started := time.Now()
	g, err := harness.New(harness.Config{Seed: seed, Trace: opts.Trace, WasmCache: opts.WasmCache, Release: opts.Scenario.Release,
		FullPath: opts.FullPath})
	if err != nil {
		return Result{}, err
	}
	defer g.Close()
	if err := sc.Setup(g.World); err != nil {
		return Result{}, err
	}
	if opts.World != nil {
		if err := opts.World(g.World); err != nil {
			return Result{}, fmt.Errorf("sim: world: %w", err)
		}
	}
	if err := g.Install("home", jsglue.Files(opts.Wasm)); err != nil {
		return Result{}, err
	}
	r := &runner{g: g, opts: opts, res: Result{Scenario: sc.Name, Seed: seed, Policy: opts.Policy}, seen: map[int64]string{},
		useful: newUseful(), oversized: map[int64]float64{}, heap: []metrics.Sample{{Name: heapMetric}}}
	r.useful.bn = g.World.BitNodeMults()
	for _, s := range sc.Scripts {
		args := s.Args
		if TakesPolicy(s.Script) {
			args = withPolicy(args, opts.Policy)
			r.res.Policy = policyOf(args)
		}
		if _, err := g.Exec(s.Script, s.Host, s.Threads, args...); err != nil {
			return Result{}, fmt.Errorf("sim: start %s: %w", s.Script, err)
		}
	}
	sc.Schedule(g.Clock, g.World, seed, func(ev scenario.TimedEvent, err error) {
		if err != nil {
			r.printf(g.Now(), "event %s failed: %v", ev, err)
			return
		}
		r.printf(g.Now(), "event: %s", ev)
	})
	end := float64(sc.Duration.Milliseconds())
	for g.Now() < end {
		if r.memd == 0 {
			// A boot script starts memd in its first moments.
			if err := g.RunFor(math.Min(100, end-g.Now())); err != nil {
				return Result{}, err
			}
			if r.memd = findScript(g, "home", memdScript); r.memd == 0 && g.Now() >= 10000 {
				return Result{}, errors.New("sim: " + memdScript + " is not running on home 10 s into the run")
			}
			r.progress()
			continue
		}
		if err := g.RunFor(math.Min(opts.SampleMs, end-g.Now())); err != nil {
			return Result{}, err
		}
		r.sample()
		r.progress()
	}
	r.res.ScriptCPU, r.res.ScriptCPUMs = scriptCPU(g.CPU(), end)
	r.finish(end)
	if opts.HeapProfile != nil {
		runtime.GC()
		if err := pprof.WriteHeapProfile(opts.HeapProfile); err != nil {
			return r.res, err
		}
	}
	r.res.SimSeconds = end / 1000
	r.res.WallSeconds = time.Since(started).Seconds()
	r.res.Speed = math.Round(r.res.SimSeconds / r.res.WallSeconds)
	r.res.PeakHeapMB = math.Round(float64(r.heapPeak) / (1 << 20))
	if f := g.Faults(); len(f) > 0 {
		return r.res, fmt.Errorf("sim: harness faults: %v", f)
	}
	return r.res, nil
}

type runner struct {
	g    *harness.Game
	opts Options
	res  Result
	memd int64
	seen map[int64]string // alloc id → last printed holding
	// money: money totals sampled, for income over the last 5 minutes
	// and the money marks.
	money  []moneySample
	useful *useful
	last   *report
	// rooted is the max RAM of the registered, rooted servers at the last
	// sample.
	rooted float64
	over   map[string]bool // hosts overcommitted at the last sample
	// oversized is the desired GB last logged of each oversized
	// allocation.
	oversized map[int64]float64
	// coresSaved sums the GB the cores saved at each sample, over
	// coreSamples samples.
	coresSaved  float64
	coreSamples int
	heapPeak    uint64 // bytes
	heap        []metrics.Sample
}

func (r *runner) progress() {
	if r.opts.Progress != nil {
		r.opts.Progress(r.g.Now())
	}
}

func (r *runner) printf(t float64, format string, a ...any) {
	if r.opts.Timeline != nil {
		fmt.Fprintf(r.opts.Timeline, "%s %s\n", clock(t), fmt.Sprintf(format, a...))
	}
}

func clock(ms float64) string {
	s := int64(ms / 1000)
	return fmt.Sprintf("[%d:%02d:%02d]", s/3600, s/60%60, s%60)
}

// findScript is the pid of a process running script on host, or 0.
func findScript(g *harness.Game, host, script string) int64 {
	ps, _ := g.World.PS(host)
	for _, p := range ps {
		if p.Filename == script {
			return p.Pid
		}
	}
	return 0
}

// status asks memd for its report; the answer arrives on the next tick,
// so the report read now is the one asked for at the previous sample.
func (r *runner) status() *report {
	rd := memdreport.Reader{G: r.g, Port: statusPort}
	rep := rd.Latest()
	rd.Ask(r.memd)
	return rep
}

// overcommitted reports whether a host of maxRAM GB, allocated GB of it
// in chunks, is overcommitted while processes other than workers use
// other GB of it: they hold RAM the allocator counts as chunks.
func overcommitted(maxRAM, allocated, other float64) bool {
	return other > maxRAM-allocated+0.005 // RAM is counted in 0.01 GB
}

// chunkRAM is the RAM that ramfarm's processes in chunks use on host:
// every ramfarm script but memd (which runs on its own RAM) and the boot
// script (which runs in the player's reserve). Workers run in their
// task's chunks, tasks and daemons in seats.
func (r *runner) chunkRAM(host string) float64 {
	ps, err := r.g.World.PS(host)
	if err != nil {
		return 0
	}
	var sum float64
	for _, p := range ps {
		if strings.HasPrefix(p.Filename, ramfarmDir) && !slices.Contains(outsideChunks, p.Filename) {
			if proc := r.g.World.Process(p.Pid); proc != nil {
				sum += proc.RAMPerThread * float64(proc.Threads)
			}
		}
	}
	return sum
}

// coreWorkers are the worker scripts whose work a host's cores multiply.
var coreWorkers = []string{"ramfarm/w/grow.js", "ramfarm/w/weaken.js"}

// coreSaving is the GB a grow or weaken worker of threads threads and
// ramPerThread GB each saves on a host of cores cores: the threads one
// core needs for the same work, ceil(threads·(15+cores)/16), less its own.
func coreSaving(threads int64, cores int, ramPerThread float64) float64 {
	if cores <= 1 || threads <= 0 {
		return 0
	}
	one := (threads*int64(15+cores) + 15) / 16
	return float64(one-threads) * ramPerThread
}

// sampleCores adds the GB the cores save now to the run's measure.
func (r *runner) sampleCores() {
	var gb float64
	for _, s := range r.g.World.Servers() {
		if s.Cores <= 1 {
			continue
		}
		ps, _ := r.g.World.PS(s.Hostname)
		for _, p := range ps {
			if !slices.Contains(coreWorkers, p.Filename) {
				continue
			}
			if proc := r.g.World.Process(p.Pid); proc != nil {
				gb += coreSaving(proc.Threads, s.Cores, proc.RAMPerThread)
			}
		}
	}
	r.coresSaved += gb
	r.coreSamples++
	r.res.CoresSavedPeakGB = max(r.res.CoresSavedPeakGB, round(gb))
}

func (r *runner) sample() {
	now := r.g.Now()
	metrics.Read(r.heap)
	r.heapPeak = max(r.heapPeak, r.heap[0].Value.Uint64())
	r.sampleCores()
	st := r.g.Stats()
	r.money = append(r.money, moneySample{now, st.Money})
	if st.Money > 0 && r.res.FirstMoneyS == nil {
		s := round(now / 1000)
		r.res.FirstMoneyS = &s
	}
	rep := r.status()
	if rep == nil {
		return
	}
	var usable, allocated, used float64
	over := map[string]bool{}
	for _, w := range rep.Workers {
		usable += w.Usable
		allocated += w.Allocated
		used += w.Claimed
		// An overcommit is chunk RAM that processes outside the chunks
		// hold in the game: a worker started in that chunk would fail.
		// ramfarm runs in chunks (but memd), so everything else on a host must
		// fit in the RAM not allocated. Both sides are read from the game
		// now; the allocator's claims lag the workers a harvest starts
		// and ends every few hundred ms. A chunk granted or released
		// since the report looks wrong for a moment, so an overcommit
		// counts only if it outlasts a sample (a second).
		if s := r.g.World.Server(w.Host); s != nil {
			other := s.RAMUsed - r.chunkRAM(w.Host)
			if overcommitted(s.MaxRAM, w.Allocated, other) {
				over[w.Host] = true
				if r.over[w.Host] {
					r.res.Overcommits++
					if len(r.res.OvercommitLog) < maxOvercommitLog {
						r.res.OvercommitLog = append(r.res.OvercommitLog, fmt.Sprintf(
							"%.0fs %s: %.2f GB allocated of %.2f GB, %.2f GB used outside the chunks", now/1000, w.Host,
							w.Allocated, s.MaxRAM, other))
					}
				}
			}
		}
	}
	r.over = over
	servers := r.g.World.Servers()
	useful := r.useful.gb(servers, r.g.Hacker())
	r.res.RAMUtil = append(r.res.RAMUtil, [5]float64{round(now / 1000), round(used), round(usable), round(useful), round(allocated)})
	var network float64
	for _, s := range servers {
		network += s.MaxRAM
	}
	r.checkAllocSizes(now, rep, network)
	// A jump is new RAM on registered, rooted servers (new roots, bought
	// servers, upgrades), read from the game: usable RAM also moves when
	// scripts start and stop, which is no jump.
	var rooted float64
	for _, w := range rep.Workers {
		if s := r.g.World.Server(w.Host); s != nil && s.HasRoot {
			rooted += s.MaxRAM
		}
	}
	if r.last != nil {
		var lastAlloc float64
		for _, w := range r.last.Workers {
			lastAlloc += w.Allocated
		}
		if d := rooted - r.rooted; d >= jumpMinGB {
			r.res.Jumps = append(r.res.Jumps, Jump{T: round(now / 1000), NewGB: round(d), base: lastAlloc})
			r.printf(now, "RAM jump: +%.0f GB on rooted servers (%.0f GB usable in all)", d, usable)
		}
	}
	r.rooted = rooted
	for i := range r.res.Jumps {
		j := &r.res.Jumps[i]
		if j.To90Pct == nil && allocated >= j.base+0.9*j.NewGB {
			s := round(now/1000 - j.T)
			j.To90Pct = &s
		}
	}
	r.last = rep
	r.printAllocs(now, rep)
}

// checkAllocSizes finds allocations that desire more RAM than the whole
// network holds (network GB, home included): no chunks could ever fill
// them.
func (r *runner) checkAllocSizes(now float64, rep *report, network float64) {
	for _, a := range rep.Allocs {
		gb := float64(a.Desired) * a.Chunk
		if gb > r.res.MaxAllocGB {
			r.res.MaxAllocGB, r.res.NetworkGB = round(gb), round(network)
		}
		if gb > network+0.005 { // RAM is counted in 0.01 GB
			r.res.OversizedAllocs++
			// One line per allocation and size: the same one repeats on
			// every sample.
			if len(r.res.OversizedLog) < maxOversizedLog && r.oversized[a.Alloc] != gb {
				r.oversized[a.Alloc] = gb
				r.res.OversizedLog = append(r.res.OversizedLog, fmt.Sprintf(
					"%.0fs allocation %d (%s): %d chunks of %g GB desired, %g GB, the network holds %g GB",
					now/1000, a.Alloc, a.Script, a.Desired, a.Chunk, gb, network))
			}
		}
	}
}

// printAllocs prints each allocation whose holding changed: how many
// chunks of what size it holds, of how many it wants, and where.
func (r *runner) printAllocs(now float64, rep *report) {
	live := map[int64]bool{}
	for _, a := range rep.Allocs {
		live[a.Alloc] = true
		var parts []string
		total := 0.0
		held := 0
		byHost := map[string]string{}
		var hosts []string
		for _, h := range a.Held {
			host, size, n := h[0].(string), h[1].(float64), int(h[2].(float64))
			if size == a.Chunk {
				held += n
			}
			total += size * float64(n)
			if _, ok := byHost[host]; !ok {
				hosts = append(hosts, host)
			}
			byHost[host] += fmt.Sprintf(" %d×%gGB", n, size)
		}
		sort.Strings(hosts)
		for _, h := range hosts {
			parts = append(parts, h+byHost[h])
		}
		line := fmt.Sprintf("allocation %d (%s, pid %d): %d/%d chunks of %g GB, %g GB in all — %s",
			a.Alloc, a.Script, a.Pid, held, a.Desired, a.Chunk, total, strings.Join(parts, ", "))
		if r.seen[a.Alloc] != line {
			r.seen[a.Alloc] = line
			r.printf(now, "%s", line)
		}
	}
	for id := range r.seen {
		if !live[id] {
			delete(r.seen, id)
			r.printf(now, "allocation %d released", id)
		}
	}
}

// finish measures the end state of a run of end ms: income over the last
// five minutes, the money marks and use windows, RAM refusals, and what
// stays allocated once every task is gone.
func (r *runner) finish(end float64) {
	st := r.g.Stats()
	r.res.MoneyTotal = round(st.Money)
	r.res.MoneyAt = moneyAt(r.money, end)
	r.res.Money = moneySeries(r.money, moneyEveryMs)
	r.res.UseWindows, r.res.UseMinAfter10 = useWindows(r.res.RAMUtil, end)
	if r.coreSamples > 0 {
		r.res.CoresSavedGB = round(r.coresSaved / float64(r.coreSamples))
	}
	if n := len(r.money); n > 0 {
		end := r.money[n-1]
		for _, m := range r.money {
			if m.t >= end.t-300000 {
				if end.t > m.t {
					r.res.IncomeEnd = round((end.m - m.m) / ((end.t - m.t) / 1000))
				}
				break
			}
		}
	}
	r.res.ExecFailures = r.g.World.ExecNoRAM()
	// Stop every script but the memory daemon, let it collect, then count
	// what is left.
	var pids []int64
	for _, s := range r.g.World.Servers() {
		ps, _ := r.g.World.PS(s.Hostname)
		for _, p := range ps {
			if p.Pid != r.memd {
				pids = append(pids, p.Pid)
			}
		}
	}
	r.g.KillPids(pids...)
	r.g.RunFor(1000)
	r.status()
	r.g.RunFor(1000)
	if rep := r.status(); rep != nil {
		r.res.LeakedAllocations = len(rep.Allocs)
		r.res.LeakedPorts = rep.Ports
	}
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// withPolicy sets --policy in the args of a script that takes it
// (unchanged if policy is "").
func withPolicy(args []any, policy string) []any {
	if policy == "" {
		return args
	}
	out := make([]any, 0, len(args)+2)
	for i := 0; i < len(args); i++ {
		if args[i] == "--policy" {
			i++ // drop the scenario's value
			continue
		}
		out = append(out, args[i])
	}
	return append(out, "--policy", policy)
}

// policyOf reads --policy from the args of a script that takes it; the
// selector's default is grow.
func policyOf(args []any) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--policy" {
			if s, ok := args[i+1].(string); ok {
				return s
			}
		}
	}
	return "grow"
}
