package sim

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness/scenario"
	"ramfarm/internal/coretest"
	"ramfarm/scenarios"
)

// TestFastPath: the game's fast path (the default) and its full path give
// the same run: the same summary, wall-clock figures aside, and the same
// event log, every process start, exit, hack, grow and weaken at the same
// game time with the same outcome.
func TestFastPath(t *testing.T) {
	wasm := coretest.Wasm(t)
	cache := wazero.NewCompilationCache()
	start, _ := scenarios.Get("bn1-start")
	tests := []struct {
		name     string
		scenario []byte
		duration time.Duration
	}{
		{"hack-loop", []byte(hackLoop), 10 * time.Minute},
		// Past the first jump (BruteSSH.exe at 10 min), with money made.
		{"bn1-start", start, 11 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func(full bool) (Result, [sha256.Size]byte, int) {
				sc, err := scenario.Parse(tt.scenario)
				if err != nil {
					t.Fatal(err)
				}
				sc.Duration = tt.duration
				h := sha256.New()
				lines := 0
				res, err := Run(Options{Scenario: sc, Wasm: wasm, WasmCache: cache, FullPath: full,
					Trace: func(line string) {
						h.Write([]byte(line + "\n"))
						lines++
					}})
				if err != nil {
					t.Fatal(err)
				}
				var sum [sha256.Size]byte
				h.Sum(sum[:0])
				return res, sum, lines
			}
			fast, fastLog, fastLines := run(false)
			full, fullLog, fullLines := run(true)
			if fast.MoneyTotal <= 0 || fastLines < 20 {
				t.Fatalf("the run made $%v in %d log lines: too little to compare", fast.MoneyTotal, fastLines)
			}
			if a, b := summary(t, fast), summary(t, full); a != b {
				t.Errorf("summaries differ:\nfast %s\nfull %s", a, b)
			}
			if fastLog != fullLog || fastLines != fullLines {
				t.Errorf("event logs differ: fast %d lines, full %d", fastLines, fullLines)
			}
			t.Logf("$%.0f, %d log lines; fast %.1f s, full %.1f s of wall time", fast.MoneyTotal, fastLines, fast.WallSeconds, full.WallSeconds)
		})
	}
}

// wallFree is r without the figures the wall clock decides: wall time,
// speed, heap, script CPU.
func wallFree(r Result) Result {
	r.WallSeconds, r.Speed, r.PeakHeapMB, r.ScriptCPU, r.ScriptCPUMs = 0, 0, 0, nil, 0
	return r
}

// summary is a run's JSON summary without the wall clock's figures.
func summary(t *testing.T, r Result) string {
	t.Helper()
	b, err := json.Marshal(wallFree(r))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"money_total"`) {
		t.Fatalf("summary %s has no money", b)
	}
	return string(b)
}
