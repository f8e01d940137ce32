package soak

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"ramfarm/internal/coretest"
)

// TestSoak_fixedSeeds is `make soak` in small: a fixed set of seeded fault
// runs, every kind of fault among them, with no invariant violated. A
// violation prints the seed and the faults before it; `ramfarm soak
// --runs 1 --seed S --trace` replays it.
func TestSoak_fixedSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("fault runs take a minute")
	}
	opts := Options{Wasm: coretest.Wasm(t), Duration: 150 * time.Second, FaultEvery: 8 * time.Second}
	s, err := Many(opts, 1, 4, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Violations {
		var faults []string
		for _, f := range v.Faults {
			faults = append(faults, f.String())
		}
		t.Errorf("seed %d: %s\n  after: %s", v.Seed, v.Violation, strings.Join(faults, "\n         "))
	}
	total := 0
	for _, n := range s.Faults {
		total += n
	}
	if total < 4*8 {
		t.Errorf("%d faults in 4 runs: the runs drew too few to test anything (%v)", total, s.Faults)
	}
	t.Logf("%d faults: %v; recoveries %v", total, s.Faults, s.Recoveries)
}

// The faults drawn depend on the seed alone: the same seed, the same run.
func TestSoak_deterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("fault runs take a minute")
	}
	opts := Options{Wasm: coretest.Wasm(t), Seed: 3, Duration: 70 * time.Second, FaultEvery: 5 * time.Second, WasmCache: wazero.NewCompilationCache()}
	a, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Faults) == 0 || !slices.Equal(a.Faults, b.Faults) || !slices.Equal(a.Violations, b.Violations) || !slices.Equal(a.Recoveries, b.Recoveries) {
		t.Errorf("two runs of seed 3 differ:\n%v\n%v", a.Faults, b.Faults)
	}
}

func TestParseKinds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Kind
		err  bool
	}{
		{"kill-worker", []Kind{KillWorker}, false},
		{"garbage, fill-port", []Kind{Garbage, FillPort}, false},
		{"kill-worker,nonsense", nil, true},
		{"", nil, true},
	} {
		got, err := ParseKinds(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("ParseKinds(%q) = %v, %v", tc.in, got, err)
		}
	}
}
