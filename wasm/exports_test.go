package main

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"ramfarm/bridge"
)

// The //go:wasmexport directives cannot name bridge's constants; this
// keeps them spelling the names the hosts call.
func TestExports(t *testing.T) {
	src, err := os.ReadFile("exports_wasm.go")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^//go:wasmexport (\S+)$`).FindAllSubmatch(src, -1) {
		got = append(got, string(m[1]))
	}
	if want := bridge.Exports(); !slices.Equal(got, want) {
		t.Errorf("exports_wasm.go exports %q, bridge.Exports says %q", got, want)
	}
}
