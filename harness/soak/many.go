package soak

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
)

// cacheRuns is how many runs a worker compiles the module for once: a
// compilation cache keeps about 65 MB of each game it served (wazero's
// engine outlives the game's runtime) until the cache is closed.
const cacheRuns = 8

// Summary is what many fault runs found, in seed order whatever order
// they ran in.
type Summary struct {
	Runs       int                    `json:"runs"`
	Faults     map[Kind]int           `json:"faults"`     // applied, by kind
	Recoveries map[Kind]RecoveryStats `json:"recoveries"` // by the kind of fault recovered from
	Violations []RunViolation         `json:"violations"`
	SimSeconds float64                `json:"sim_seconds"`
	Wall       time.Duration          `json:"-"`
}

// RecoveryStats are the recoveries from one kind of fault.
type RecoveryStats struct {
	Count int `json:"count"`
	// Unrecovered counts the faults the run ended before recovering from.
	Unrecovered int     `json:"unrecovered"`
	WorstMs     float64 `json:"worst_ms"`
	WorstSeed   uint64  `json:"worst_seed"`
}

// RunViolation is a violation with what replays it: the run's seed and
// the faults applied up to it.
type RunViolation struct {
	Seed      uint64    `json:"seed"`
	Violation Violation `json:"violation"`
	Faults    []Fault   `json:"faults"`
}

// Many runs seeds first, first+1, … (runs of them), parallel at a time,
// and sums them up. progress, if set, is called after each run in the
// order they end. Each worker keeps its own compilation cache, renewed
// every cacheRuns runs (opts.WasmCache is not used).
func Many(opts Options, first uint64, runs, parallel int, progress func(done int, o Outcome)) (Summary, error) {
	started := time.Now()
	outs := make([]Outcome, runs)
	errs := make([]error, runs)
	next := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for range max(1, parallel) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cache wazero.CompilationCache
			served := 0
			defer func() {
				if cache != nil {
					cache.Close(context.Background())
				}
			}()
			for i := range next {
				if served%cacheRuns == 0 {
					if cache != nil {
						cache.Close(context.Background())
					}
					cache = wazero.NewCompilationCache()
				}
				served++
				o := opts
				o.Seed = first + uint64(i)
				o.WasmCache = cache
				outs[i], errs[i] = Run(o)
				mu.Lock()
				done++
				if progress != nil && errs[i] == nil {
					progress(done, outs[i])
				}
				mu.Unlock()
			}
		}()
	}
	for i := range runs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Summary{}, err
		}
	}
	s := Summarize(outs)
	s.Wall = time.Since(started)
	return s, nil
}

// Summarize adds runs up.
func Summarize(outs []Outcome) Summary {
	s := Summary{Runs: len(outs), Faults: map[Kind]int{}, Recoveries: map[Kind]RecoveryStats{}}
	for _, o := range outs {
		s.SimSeconds += o.SimSeconds
		for _, f := range o.Faults {
			s.Faults[f.Kind]++
		}
		for _, rc := range o.Recoveries {
			st := s.Recoveries[rc.Kind]
			st.Count++
			if !rc.OK {
				st.Unrecovered++
			} else if rc.Ms > st.WorstMs {
				st.WorstMs, st.WorstSeed = rc.Ms, o.Seed
			}
			s.Recoveries[rc.Kind] = st
		}
		for _, v := range o.Violations {
			before := slices.DeleteFunc(slices.Clone(o.Faults), func(f Fault) bool { return f.AtMs > v.AtMs })
			s.Violations = append(s.Violations, RunViolation{Seed: o.Seed, Violation: v, Faults: before})
		}
	}
	return s
}
