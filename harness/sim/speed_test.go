package sim

import (
	"os"
	"testing"

	"github.com/tetratelabs/wazero"

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
	var daemons []scenario.Script
	for _, s := range sc.Scripts {
		if s.Script == memdScript || (s.Script == "ramfarm/discover.js" && os.Getenv("NODISC") == "") {
			daemons = append(daemons, s)
		}
	}
	sc.Scripts = daemons
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
