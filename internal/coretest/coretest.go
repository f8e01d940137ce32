// Package coretest gives tests the real core module. `make test` builds it
// once and passes its path in RAMFARM_WASM; a plain `go test` has make
// build it (the same link, packing and wasm-opt), so every test that needs
// the module runs from a fresh clone.
package coretest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Wasm returns the bytes of core.wasm as it ships.
func Wasm(tb testing.TB) []byte {
	tb.Helper()
	if p := os.Getenv("RAMFARM_WASM"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("coretest: RAMFARM_WASM: %v", err)
		}
		return b
	}
	return built(tb, "core.wasm")
}

// Linked returns the module as Go links it, before `make wasm` packs and
// shrinks it.
func Linked(tb testing.TB) []byte {
	tb.Helper()
	return built(tb, "core.link.wasm")
}

// built runs `make build/core.wasm` (which does nothing when the module
// is up to date) and returns build/<name>. Test binaries run at once, so
// each holds a lock on build/ while make runs and it reads.
func built(tb testing.TB, name string) []byte {
	tb.Helper()
	root := moduleRoot(tb)
	dir := filepath.Join(root, "build")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".coretest.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		tb.Fatalf("coretest: locking build/: %v", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	cmd := exec.Command("make", "-s", "build/core.wasm")
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("coretest: make build/core.wasm: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
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
