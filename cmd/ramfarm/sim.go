package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness/scenario"
	"ramfarm/harness/sim"
	"ramfarm/scenarios"
)

func simCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("scenario", scenarios.Default, "scenario name ("+strings.Join(scenarios.Names(), ", ")+") or path to a scenario file")
	seed := fs.Uint64("seed", 0, "seed (default: the scenario's own)")
	asJSON := fs.Bool("json", false, "print one JSON summary instead of the timeline")
	wasm := fs.String("wasm", "build/core.wasm", "the core module (make wasm builds it)")
	trace := fs.Bool("trace", false, "also print every script's log lines")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm sim [--scenario NAME|FILE] [--seed N] [--json] [--trace]\n\n"+
			"Runs ramfarm in the emulated game on a virtual clock, with the real in-game\n"+
			"scripts and the real core module, and prints what each allocation holds as\n"+
			"the scenario unfolds (or, with --json, a summary of the run).\n\n")
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
	opts := sim.Options{Scenario: sc, Wasm: mod, WasmCache: compilationCache()}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if seedSet {
		opts.Seed = seed
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "scenario %s: %s\n\n", sc.Name, sc.Story)
		opts.Timeline = stdout
		if *trace {
			opts.Trace = func(line string) { fmt.Fprintln(stdout, "  "+line) }
		}
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
	res, err := sim.Run(opts)
	if err != nil {
		fmt.Fprintln(stderr, "sim:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "sim:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "\n%s: %.0f game seconds in %.1f wall seconds (%.0f× real time); "+
		"%d exec failures for RAM, %d overcommits, %d leaked allocations, %d leaked ports\n",
		res.Scenario, res.SimSeconds, res.WallSeconds, res.SimSeconds/res.WallSeconds,
		res.ExecFailures, res.Overcommits, res.LeakedAllocations, res.LeakedPorts)
	return 0
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
