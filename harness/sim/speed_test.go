package sim

import (
	"os"
	"testing"

	"github.com/tetratelabs/wazero"

	"ramfarm/core/formulas"
	"ramfarm/harness"
	"ramfarm/harness/scenario"
	"ramfarm/internal/coretest"
	"ramfarm/scenarios"
)

// TestSpeed_bn1StartDaemons measures the harness on bn1-start with only
// the memory and discovery daemons, sampling rarely so the measurement
// does not load the run. The figure is game seconds per wall second.
func TestSpeed_bn1StartDaemons(t *testing.T) {
	if testing.Short() {
		t.Skip("a full 2 h 10 min scenario")
	}
	b, _ := scenarios.Get("bn1-start")
	sc, err := scenario.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	// The two daemons as start.js starts them.
	sc.Scripts = []scenario.Script{{Script: memdScript, Host: "home", Threads: 1, Args: []any{"--reserve", 8.0}}}
	if os.Getenv("NODISC") == "" {
		sc.Scripts = append(sc.Scripts, scenario.Script{Script: "ramfarm/discover.js", Host: "home", Threads: 1})
	}
	cache := wazero.NewCompilationCache()
	wasm := coretest.Wasm(t)
	// A short warm-up run compiles the module, so the measured run is the
	// harness's own speed.
	warm := *sc
	warm.Duration = 60e9
	if _, err := Run(Options{Scenario: &warm, Wasm: wasm, WasmCache: cache, SampleMs: 60000}); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Scenario: sc, Wasm: wasm, WasmCache: cache, SampleMs: 60000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bn1-start, memd + discovery: %.0f game s in %.1f wall s = %.0f× real time", res.SimSeconds, res.WallSeconds, res.SimSeconds/res.WallSeconds)
}

// BenchmarkUseful_gb measures the useful RAM of one sample on bn1-start's
// network with every server rooted and every target half drained and 5
// above min security, so each needs its prep planned: with the batches
// cached (the level unchanged since the last sample) and planned again
// (the level changed), at level 100 and at a level that makes every
// server with money a target.
func BenchmarkUseful_gb(b *testing.B) {
	bs, _ := scenarios.Get("bn1-start")
	sc, err := scenario.Parse(bs)
	if err != nil {
		b.Fatal(err)
	}
	g, err := harness.New(harness.Config{Seed: sc.Seed})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	if err := sc.Setup(g.World); err != nil {
		b.Fatal(err)
	}
	servers := g.World.Servers()
	for _, s := range servers {
		s.HasRoot = true
		s.MoneyAvailable, s.HackDifficulty = s.MoneyMax/2, s.MinDifficulty+5
	}
	for _, bb := range []struct {
		name   string
		levels []float64
	}{
		{"level100/cached", []float64{100}}, {"level100/replanned", []float64{100, 101}},
		{"level3000/cached", []float64{3000}}, {"level3000/replanned", []float64{3000, 3001}},
	} {
		targets := 0
		for _, s := range servers {
			if isTarget(s, bb.levels[0]) {
				targets++
			}
		}
		b.Run(bb.name, func(b *testing.B) {
			u := newUseful()
			var gb float64
			i := 0
			for b.Loop() {
				gb = u.gb(servers, formulas.NewPlayer(bb.levels[i%len(bb.levels)]))
				i++
			}
			b.ReportMetric(float64(targets), "targets")
			b.ReportMetric(gb, "GB")
		})
	}
}
