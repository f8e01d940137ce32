package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness/scenario"
	"ramfarm/harness/sim"
	"ramfarm/scenarios"
)

var policies = []string{"grow", "greedy", "restart"}

func simCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("scenario", scenarios.Default, "scenario name ("+strings.Join(scenarios.Names(), ", ")+") or path to a scenario file")
	policy := fs.String("policy", "all", "selector RAM policy: grow, greedy, restart, a comma list, or all")
	seed := fs.Uint64("seed", 0, "seed (default: the scenario's own)")
	asJSON := fs.Bool("json", false, "print the summary as JSON (one object per policy, one per line)")
	wasm := fs.String("wasm", "build/core.wasm", "the core module (make wasm builds it)")
	timeline := fs.Bool("timeline", false, "print what each allocation holds as the run unfolds (one policy only)")
	trace := fs.Bool("trace", false, "print every script's log line and every game event (one policy only)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	memprofile := fs.String("memprofile", "", "write a heap profile taken at the end of the run to this file (one policy only)")
	duration := fs.Duration("duration", 0, "run this much game time instead of the scenario's (e.g. 20m)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm sim [--scenario NAME|FILE] [--policy grow|greedy|restart|all] [--seed N] [--json]\n\n"+
			"Runs ramfarm in the emulated game on a virtual clock, with the real in-game\n"+
			"scripts and the real core module, once per policy, and prints a summary of\n"+
			"each run: money made, income at the end, how fast new RAM was put to work,\n"+
			"and anything that failed, overcommitted or leaked.\n\n")
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
	runs := policies
	if *policy != "all" {
		runs = strings.Split(*policy, ",")
		for _, p := range runs {
			if !validPolicy(p) {
				fmt.Fprintf(stderr, "sim: unknown policy %q (want grow, greedy, restart or all)\n", p)
				return 2
			}
		}
	}
	if !scenarioHasSelector(sc) {
		runs = []string{""} // no selector, no policy to vary
	}
	if (*timeline || *trace || *memprofile != "") && len(runs) > 1 {
		fmt.Fprintln(stderr, "sim: --timeline, --trace and --memprofile need a single --policy")
		return 2
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "sim:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "sim:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if !*asJSON {
		fmt.Fprintf(stdout, "scenario %s: %s\n\n", sc.Name, sc.Story)
	}
	cache := compilationCache()
	results := make([]sim.Result, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i, p := range runs {
		opts := sim.Options{Scenario: sc, Wasm: mod, WasmCache: cache, Policy: p}
		if seedSet {
			opts.Seed = seed
		}
		if *memprofile != "" {
			f, err := os.Create(*memprofile)
			if err != nil {
				fmt.Fprintln(stderr, "sim:", err)
				return 1
			}
			defer f.Close()
			opts.HeapProfile = f
		}
		if len(runs) == 1 && !*asJSON {
			if *timeline || *trace || !scenarioHasSelector(sc) {
				opts.Timeline = stdout
			}
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
		return 0
	}
	printTable(stdout, results)
	return 0
}

func validPolicy(p string) bool {
	for _, q := range policies {
		if p == q {
			return true
		}
	}
	return false
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
// the in-game scripts' CPU per game minute by kind (JS + module ms).
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

// loadScenario reads a shipped scenario by name, or a scenario file.
func loadScenario(name string) (*scenario.Scenario, error) {
	if b, ok := scenarios.Get(name); ok {
		return scenario.Parse(b)
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
