package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"ramfarm/harness/scenario"
	"ramfarm/internal/coretest"
)

// hackLoop is a small run where hack rolls matter: looping hack, grow and
// weaken workers on n00dles in the game's default world.
const hackLoop = `{
  "name": "hack-loop",
  "story": "Looping hack, grow and weaken workers against n00dles for twenty minutes, so that hack rolls decide the money made.",
  "seed": 1,
  "duration": "20m",
  "network": {"kind": "default"},
  "start": {"homeRam": 32, "rooted": ["n00dles"]},
  "scripts": [
    {"script": "ramfarm/memd.js", "host": "home", "args": ["--reserve", 32]},
    {"script": "ramfarm/w/hack.js", "host": "home", "threads": 2, "args": ["n00dles", 0, true]},
    {"script": "ramfarm/w/grow.js", "host": "home", "threads": 4, "args": ["n00dles", 0, true]},
    {"script": "ramfarm/w/weaken.js", "host": "home", "threads": 2, "args": ["n00dles", 0, true]}
  ]
}`

func runLog(t *testing.T, wasm []byte, cache wazero.CompilationCache, seed uint64) (string, Result) {
	t.Helper()
	sc, err := scenario.Parse([]byte(hackLoop))
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	res, err := Run(Options{Scenario: sc, Wasm: wasm, Seed: &seed, WasmCache: cache,
		Trace: func(line string) { log.WriteString(line + "\n") }})
	if err != nil {
		t.Fatal(err)
	}
	return log.String(), res
}

// TestRun_deterministic: the same scenario and seed give byte-identical
// event logs; another seed changes the hack rolls.
func TestRun_deterministic(t *testing.T) {
	wasm := coretest.Wasm(t)
	cache := wazero.NewCompilationCache()
	log1, res1 := runLog(t, wasm, cache, 1)
	log2, res2 := runLog(t, wasm, cache, 1)
	log3, res3 := runLog(t, wasm, cache, 2)
	h1, h2, h3 := hash(log1), hash(log2), hash(log3)
	if h1 != h2 {
		t.Errorf("same seed, different event logs: %s vs %s", h1, h2)
	}
	if res1.MoneyTotal != res2.MoneyTotal || len(res1.RAMUtil) != len(res2.RAMUtil) {
		t.Errorf("same seed, different results: %+v vs %+v", res1.MoneyTotal, res2.MoneyTotal)
	}
	if res1.MoneyTotal == 0 {
		t.Fatal("no money hacked: the run does not exercise hack rolls")
	}
	if h1 == h3 || res1.MoneyTotal == res3.MoneyTotal {
		t.Errorf("seed 2 changed nothing: log %s vs %s, money %v vs %v", h1, h3, res1.MoneyTotal, res3.MoneyTotal)
	}
	t.Logf("event log sha256 %s (seed 1, twice), %s (seed 2); money %.0f vs %.0f", h1, h3, res1.MoneyTotal, res3.MoneyTotal)
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func TestOvercommitted(t *testing.T) {
	for _, tt := range []struct {
		name                  string
		max, allocated, other float64
		want                  bool
	}{
		{"nothing allocated", 32, 0, 32, false},
		{"others fit beside the chunks", 32, 24, 8, false},
		{"others reach into a chunk", 32, 24, 8.01, true},
		{"chunks over the host's RAM", 32, 36, 0, true},
		{"a rounding residue", 32, 24, 8.004, false},
	} {
		if got := overcommitted(tt.max, tt.allocated, tt.other); got != tt.want {
			t.Errorf("%s: overcommitted(%v, %v, %v) = %v, want %v", tt.name, tt.max, tt.allocated, tt.other, got, tt.want)
		}
	}
}
