package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/dop251/goja"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness/scenario"
	"ramfarm/harness/sim"
	"ramfarm/harness/sim/chart"
	"ramfarm/scenarios"
)

var policies = []string{"grow", "greedy", "restart", "replan"}

func simCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("scenario", scenarios.Default, "scenario name ("+strings.Join(scenarios.Names(), ", ")+") or path to a scenario file")
	policy := fs.String("policy", "all", "selector RAM policy: grow, greedy, restart, replan, a comma list, or all")
	seed := fs.Uint64("seed", 0, "seed (default: the scenario's own)")
	asJSON := fs.Bool("json", false, "print the summary as JSON (one object per policy, one per line)")
	wasm := fs.String("wasm", "build/core.wasm", "the core module (make wasm builds it)")
	timeline := fs.Bool("timeline", false, "print what each allocation holds as the run unfolds (one policy: grow unless --policy names one)")
	trace := fs.Bool("trace", false, "print every script's log line and every game event (one policy: grow unless --policy names one)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	jsprofile := fs.String("jsprofile", "", "write a profile of the in-game scripts' JavaScript to this file, by JS function (pprof format)")
	memprofile := fs.String("memprofile", "", "write a heap profile taken at the end of the run to this file (one policy: grow unless --policy names one)")
	duration := fs.Duration("duration", 0, "run this much game time instead of the scenario's (e.g. 20m)")
	chartPath := fs.String("chart", "", "write the runs' chart (SVG) to this file (default build/sim/<scenario>.svg; none: no chart)")
	showProgress := fs.Bool("progress", true, "show on stderr the game time each run reached, as it runs")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm sim [--scenario NAME|FILE] [--policy grow|greedy|restart|replan|all] [--seed N] [--json]\n\n"+
			"Runs ramfarm in the emulated game on a virtual clock, with the real in-game\n"+
			"scripts and the real core module, once per policy, and prints a summary of\n"+
			"each run: money made, income at the end, how fast new RAM was put to work,\n"+
			"and anything that failed, overcommitted or leaked. It draws the runs (money,\n"+
			"income and RAM over time) in an SVG chart (--chart). --timeline, --trace and\n"+
			"--memprofile follow one run: grow's, unless --policy names another.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	sc, err := loadScenario(*name)
	if err != nil {
		fmt.Fprintln(stderr, "sim:", err)
		return 1
	}
	mod, err := os.ReadFile(*wasm)
	if err != nil {
		fmt.Fprintf(stderr, "sim: %v (run make wasm first)\n", err)
		return 1
	}
	if *duration > 0 {
		sc.Duration = *duration
	}
	seedSet, policySet := false, false
	fs.Visit(func(f *flag.Flag) {
		seedSet = seedSet || f.Name == "seed"
		policySet = policySet || f.Name == "policy"
	})
	runs, err := pickRuns(*policy, policySet, *timeline || *trace || *memprofile != "")
	if err != nil {
		fmt.Fprintln(stderr, "sim:", err)
		return 2
	}
	if !scenarioHasSelector(sc) {
		runs = []string{""} // no selector, no policy to vary
	}
	chartTo := *chartPath
	if chartTo == "" {
		chartTo = defaultChart(sc.Name)
	}
	// A folder the chart cannot go in fails now, not after the runs.
	if chartTo != "none" {
		if err := os.MkdirAll(filepath.Dir(chartTo), 0o755); err != nil {
			fmt.Fprintln(stderr, "sim:", err)
			return 1
		}
	}
	for _, p := range []struct {
		path  string
		start func(io.Writer) error
		stop  func()
	}{{*cpuprofile, pprof.StartCPUProfile, pprof.StopCPUProfile}, {*jsprofile, goja.StartProfile, goja.StopProfile}} {
		stop, err := startProfile(p.path, p.start, p.stop)
		if err != nil {
			fmt.Fprintln(stderr, "sim:", err)
			return 1
		}
		defer stop()
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "scenario %s: %s\n\n", sc.Name, sc.Story)
	}
	var heap io.Writer // --memprofile: one run, pickRuns made sure
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			fmt.Fprintln(stderr, "sim:", err)
			return 1
		}
		defer f.Close()
		heap = f
	}
	cache := compilationCache()
	results := make([]sim.Result, len(runs))
	errs := make([]error, len(runs))
	// A single run's timeline (and trace) go to stdout as it runs.
	follow := len(runs) == 1 && !*asJSON && (*timeline || *trace || !scenarioHasSelector(sc))
	// Progress goes to stderr, away from the summary; a timeline on
	// stdout is progress enough.
	var prog *progress
	if *showProgress && !follow {
		every := logEvery
		tty := isTerminal(stderr)
		if tty {
			every = ttyEvery
		}
		prog = startProgress(stderr, tty, every, runs, float64(sc.Duration.Milliseconds()))
	}
	var wg sync.WaitGroup
	for i, p := range runs {
		opts := sim.Options{Scenario: sc, Wasm: mod, WasmCache: cache, Policy: p}
		if prog != nil {
			opts.Progress = func(ms float64) { prog.reached(i, ms) }
		}
		if seedSet {
			opts.Seed = seed
		}
		opts.HeapProfile = heap
		if follow {
			opts.Timeline = stdout
			if *trace {
				opts.Trace = func(line string) { fmt.Fprintln(stdout, "  "+line) }
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = sim.Run(opts)
		}()
	}
	wg.Wait()
	if prog != nil {
		prog.Stop()
	}
	for i, err := range errs {
		if err != nil {
			fmt.Fprintf(stderr, "sim: policy %s: %v\n", runs[i], err)
			return 1
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				fmt.Fprintln(stderr, "sim:", err)
				return 1
			}
		}
	} else {
		printTable(stdout, results)
	}
	if chartTo == "none" {
		return 0
	}
	if err := writeChart(chartTo, sc.Name, results); err != nil {
		fmt.Fprintln(stderr, "sim:", err)
		return 1
	}
	// The chart's path is part of the table, and no part of the JSON.
	out := stdout
	if *asJSON {
		out = stderr
	}
	fmt.Fprintf(out, "\nchart: %s\n", chartTo)
	return 0
}

// pickRuns is the policies to run: the --policy list (all three by
// default). A follower of one run (--timeline, --trace, --memprofile)
// runs grow unless --policy was given, and refuses a list.
func pickRuns(policy string, set, oneRun bool) ([]string, error) {
	if oneRun && !set {
		return []string{"grow"}, nil
	}
	runs := policies
	if policy != "all" {
		runs = strings.Split(policy, ",")
		for _, p := range runs {
			if !slices.Contains(policies, p) {
				return nil, fmt.Errorf("unknown policy %q (want grow, greedy, restart, replan or all)", p)
			}
		}
	}
	if oneRun && len(runs) > 1 {
		return nil, errors.New("--timeline, --trace and --memprofile follow one run: give --policy one policy, or none for grow")
	}
	return runs, nil
}

// defaultChart is where a scenario's chart goes: build/sim/<name>.svg,
// with any path separator in the name made a dash.
func defaultChart(scenario string) string {
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' {
			return '-'
		}
		return r
	}, scenario)
	return filepath.Join("build", "sim", name+".svg")
}

// writeChart draws the runs of scenario into an SVG file at path, making
// its folder.
func writeChart(path, scenario string, results []sim.Result) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := chart.Write(f, scenario, results); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func scenarioHasSelector(sc *scenario.Scenario) bool {
	for _, s := range sc.Scripts {
		if sim.TakesPolicy(s.Script) {
			return true
		}
	}
	return false
}

// wellUsed is the share of the RAM that could work below which a window
// that is not saturated counts as idle for no good reason.
const wellUsed = 0.90

// printTable prints one line per run, its money over time and RAM use,
// and each RAM jump's response.
func printTable(w io.Writer, results []sim.Result) {
	fmt.Fprintf(w, "\n%-8s %16s %14s %6s %6s %6s %6s %6s %15s %12s\n", "policy", "money", "income $/s", "execF", "overC", "leakA", "leakP", "ovszA",
		"cores saved GB", "speed")
	for _, r := range results {
		fmt.Fprintf(w, "%-8s %16s %14s %6d %6d %6d %6d %6d %15s %11.0f×\n", orDash(r.Policy), money(r.MoneyTotal), money(r.IncomeEnd),
			r.ExecFailures, r.Overcommits, r.LeakedAllocations, r.LeakedPorts, r.OversizedAllocs, coresSaved(r), r.SimSeconds/r.WallSeconds)
	}
	printCost(w, results)
	marks := []float64{10, 20, 40, 60}
	fmt.Fprintf(w, "\n%-8s", "policy")
	for _, m := range marks {
		fmt.Fprintf(w, " %14s", fmt.Sprintf("money@%.0fm", m))
	}
	fmt.Fprintf(w, " %8s %9s\n", "first$", "use≥10m")
	for _, r := range results {
		fmt.Fprintf(w, "%-8s", orDash(r.Policy))
		for _, m := range marks {
			fmt.Fprintf(w, " %14s", moneyAt(r, m))
		}
		first, use := "never", "-"
		if r.FirstMoneyS != nil {
			first = fmt.Sprintf("%d:%02d", int(*r.FirstMoneyS)/60, int(*r.FirstMoneyS)%60)
		}
		if r.UseMinAfter10 != nil {
			use = share(*r.UseMinAfter10)
		}
		fmt.Fprintf(w, " %8s %9s\n", first, use)
	}
	fmt.Fprintf(w, "\nRAM at work / RAM that could work, per 10 min (* saturated: every target at full depth with its prep)\n")
	for _, r := range results {
		printUse(w, r)
	}
	for _, r := range results {
		if len(r.Jumps) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: RAM jumps (game time, new GB, seconds until 90%% of it was allocated)\n", orDash(r.Policy))
		for _, j := range r.Jumps {
			to := "never"
			if j.To90Pct != nil {
				to = fmt.Sprintf("%.0fs", *j.To90Pct)
			}
			fmt.Fprintf(w, "  %7.0fs  +%6.0f GB  %s\n", j.T, j.NewGB, to)
		}
	}
}

// printCost prints what each run cost: wall time, speed, peak heap, and
// the in-game scripts' CPU per game minute by kind (JS + module ms; the
// call counts are in --json).
func printCost(w io.Writer, results []sim.Result) {
	fmt.Fprintf(w, "\n%-8s %8s %8s %8s  %s\n", "policy", "wall s", "speed", "heap MB", "in-game CPU, ms per game minute (JS+module)")
	for _, r := range results {
		var kinds []string
		for _, c := range r.ScriptCPU {
			kinds = append(kinds, fmt.Sprintf("%s %.1f+%.1f", c.Kind, c.JSMsPerMin, c.ModuleMsPerMin))
		}
		fmt.Fprintf(w, "%-8s %8.1f %7.0f× %8.0f  %.1f: %s\n", orDash(r.Policy), r.WallSeconds, r.Speed, r.PeakHeapMB, r.ScriptCPUMs,
			strings.Join(kinds, ", "))
	}
}

// coresSaved is the GB the cores saved: the mean over the run, then the
// peak.
func coresSaved(r sim.Result) string {
	return fmt.Sprintf("%.1f/%.1f", r.CoresSavedGB, r.CoresSavedPeakGB)
}

// printUse prints a run's use per window, and the windows where RAM was
// idle while a target could have used it.
func printUse(w io.Writer, r sim.Result) {
	var means, idle []string
	for _, u := range r.UseWindows {
		if u.Mean == nil {
			means = append(means, "-")
			continue
		}
		m := share(*u.Mean)
		if u.Saturated {
			m += "*"
		} else if *u.Mean < wellUsed {
			idle = append(idle, fmt.Sprintf("%g-%g min (%s, %.0f GB idle, %.0f GB of it unallocated)", u.FromMin, u.ToMin, m, u.IdleGB,
				u.UnallocatedGB))
		}
		means = append(means, m)
	}
	fmt.Fprintf(w, "  %-8s %s\n", orDash(r.Policy), strings.Join(means, " "))
	if len(idle) > 0 {
		fmt.Fprintf(w, "  %-8s RAM idle though targets could use it: %s\n", "", strings.Join(idle, ", "))
	}
}

// share prints a share with two decimals, rounded down so that one below
// wellUsed never reads as wellUsed (the 1e-9 keeps 0.29, stored as
// 0.28999…, at 0.29).
func share(x float64) string { return fmt.Sprintf("%.2f", math.Floor(x*100+1e-9)/100) }

// moneyAt is the money a run had made by minute mark, "-" past its end.
func moneyAt(r sim.Result, mark float64) string {
	for _, m := range r.MoneyAt {
		if m.TMin == mark {
			return money(m.Money)
		}
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// money formats dollars the way the game does: $1.234m.
func money(x float64) string {
	units := []string{"", "k", "m", "b", "t"}
	i := 0
	for x >= 1000 && i < len(units)-1 {
		x /= 1000
		i++
	}
	return fmt.Sprintf("$%.3f%s", x, units[i])
}

// loadScenario reads a shipped scenario by name, or a scenario file. A
// name that is neither, and does not look like a path, is an unknown
// scenario: the error lists the shipped ones.
func loadScenario(name string) (*scenario.Scenario, error) {
	if b, ok := scenarios.Get(name); ok {
		return scenario.Parse(b)
	}
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(name, `/\`) && !strings.HasSuffix(name, ".json") {
		return nil, fmt.Errorf("unknown scenario %q: the shipped ones are %s (or give a scenario file's path)", name,
			strings.Join(scenarios.Names(), ", "))
	}
	return scenario.Load(name)
}

// compilationCache keeps wazero's compiled core.wasm in the user's cache
// folder, so only the first run pays the two-second compile.
func compilationCache() wazero.CompilationCache {
	if dir, err := os.UserCacheDir(); err == nil {
		if c, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "ramfarm", "wazero")); err == nil {
			return c
		}
	}
	return wazero.NewCompilationCache()
}

// startProfile starts a profiler writing to path ("" starts nothing) and
// returns what stops it and closes the file.
func startProfile(path string, start func(io.Writer) error, stop func()) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { stop(); f.Close() }, nil
}
