package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"ramfarm/harness/soak"
)

func soakCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 1000, "how many fault runs")
	seed := fs.Uint64("seed", 1, "seed of the first run; run i has seed+i")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "runs at a time")
	duration := fs.Duration("duration", 0, "game time of each run (default: the soak scenario's, 3m)")
	every := fs.Duration("every", 12*time.Second, "mean game time between two faults")
	kinds := fs.String("faults", "", "comma list of fault kinds to draw from (default: all: "+kindList()+")")
	wasm := fs.String("wasm", "build/core.wasm", "the core module (make wasm builds it)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	trace := fs.Bool("trace", false, "print every script log line, fault and violation (one run only)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm soak [--runs N] [--seed S] [--duration D] [--faults KINDS] [--json]\n\n"+
			"Runs ramfarm in the emulated game while faults drawn from each run's seed\n"+
			"hit it (scripts killed, daemons restarted, workers dying at start, ports\n"+
			"filled or written with garbage, foreign RAM use, servers upgraded, deleted,\n"+
			"re-bought smaller or shrunk, RAM jumps), checks its invariants on every\n"+
			"game second, and prints faults by kind, recoveries and their worst time,\n"+
			"and every violation with the seed that replays it. Exit status 1 when\n"+
			"any invariant was violated.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *runs < 1 || *parallel < 1 {
		fmt.Fprintln(stderr, "soak: --runs and --parallel must be at least 1")
		return 2
	}
	if *trace && *runs != 1 {
		fmt.Fprintln(stderr, "soak: --trace needs --runs 1 (replay one seed)")
		return 2
	}
	opts := soak.Options{Duration: *duration, FaultEvery: *every}
	if *kinds != "" {
		k, err := soak.ParseKinds(*kinds)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		opts.Kinds = k
	}
	mod, err := os.ReadFile(*wasm)
	if err != nil {
		fmt.Fprintf(stderr, "soak: %v (run make wasm first)\n", err)
		return 1
	}
	opts.Wasm = mod
	if *trace {
		opts.Trace = func(l string) { fmt.Fprintln(stdout, l) }
	}
	step := max(1, *runs/20)
	s, err := soak.Many(opts, *seed, *runs, *parallel, func(done int, o soak.Outcome) {
		if done%step == 0 || done == *runs || len(o.Violations) > 0 {
			fmt.Fprintf(stderr, "soak: %d/%d runs done; seed %d: %d faults, %d violations, %.1f s wall\n",
				done, *runs, o.Seed, len(o.Faults), len(o.Violations), o.Wall.Seconds())
		}
	})
	if err != nil {
		fmt.Fprintln(stderr, "soak:", err)
		return 1
	}
	// The flags that shape a run, so a violation's seed replays it.
	replay := "ramfarm soak --runs 1 --trace --seed SEED"
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "duration" || f.Name == "every" || f.Name == "faults" {
			replay += " --" + f.Name + " " + f.Value.String()
		}
	})
	if *asJSON {
		b, _ := json.Marshal(s)
		fmt.Fprintln(stdout, string(b))
	} else {
		printSoak(stdout, s, replay)
	}
	if len(s.Violations) > 0 {
		return 1
	}
	return 0
}

func kindList() string {
	var out []string
	for _, k := range soak.Kinds() {
		out = append(out, string(k))
	}
	return strings.Join(out, ",")
}

func printSoak(w io.Writer, s soak.Summary, replay string) {
	total := 0
	for _, n := range s.Faults {
		total += n
	}
	fmt.Fprintf(w, "%d runs, %.0f game minutes, %d faults, %d invariant violations, %.0f s wall (%.0f× real time)\n\n",
		s.Runs, s.SimSeconds/60, total, len(s.Violations), s.Wall.Seconds(), s.SimSeconds/max(s.Wall.Seconds(), 1e-9))
	fmt.Fprintf(w, "%-17s %7s %10s %12s %11s\n", "fault", "applied", "recovered", "unrecovered", "worst (s)")
	for _, k := range soak.Kinds() {
		rc := s.Recoveries[k]
		worst := "-"
		if rc.Count > rc.Unrecovered {
			worst = fmt.Sprintf("%.0f (seed %d)", rc.WorstMs/1000, rc.WorstSeed)
		}
		fmt.Fprintf(w, "%-17s %7d %10d %12d %11s\n", k, s.Faults[k], rc.Count-rc.Unrecovered, rc.Unrecovered, worst)
	}
	if len(s.Violations) == 0 {
		return
	}
	fmt.Fprintf(w, "\nviolations (replay one with: %s):\n", replay)
	seeds := map[uint64]bool{}
	for _, v := range s.Violations {
		fmt.Fprintf(w, "  seed %d %s\n", v.Seed, v.Violation)
		if !seeds[v.Seed] {
			seeds[v.Seed] = true
			for _, f := range v.Faults {
				fmt.Fprintf(w, "      after %s\n", f)
			}
		}
	}
}
