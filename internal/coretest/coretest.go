// Package coretest gives tests the real core module. `make test` builds it
// once and passes its path in RAMFARM_WASM; a plain `go test` builds it
// itself, so every test that needs the module runs from a fresh clone.
package coretest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"ramfarm/internal/wasmpack"
)

// Wasm returns the bytes of core.wasm: the module Go links, packed by
// wasmpack as `make wasm` packs it.
func Wasm(tb testing.TB) []byte {
	tb.Helper()
	if p := os.Getenv("RAMFARM_WASM"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("coretest: RAMFARM_WASM: %v", err)
		}
		return b
	}
	b, err := wasmpack.MergeData(Linked(tb))
	if err != nil {
		tb.Fatalf("coretest: packing core.wasm: %v", err)
	}
	return b
}

// Linked returns the module as Go links it, before wasmpack: it always
// builds it.
func Linked(tb testing.TB) []byte {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "core.wasm")
	// The Makefile's WASM_FLAGS: what the tests load is what ships.
	cmd := exec.Command(goTool(), "build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w", "-gcflags=ramfarm/...=-l", "-o", out, "ramfarm/wasm")
	cmd.Dir = moduleRoot(tb)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("coretest: building core.wasm: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// moduleRoot finds the directory holding go.mod, walking up from the
// test's working directory.
func moduleRoot(tb testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module ramfarm") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("coretest: go.mod of ramfarm not found")
		}
		dir = parent
	}
}
