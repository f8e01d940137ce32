package jsglue

import (
	"reflect"
	"testing"

	"ramfarm/internal/coretest"
)

// The module that ships fits its limits.
func TestWasmSizes_withinLimits(t *testing.T) {
	s := WasmSizes(coretest.Wasm(t))
	t.Log(s)
	for _, o := range s.Over() {
		t.Error(o)
	}
	if s.File >= s.Raw/2 {
		t.Errorf("%s: the file is not the module compressed", s)
	}
}

func TestSizes_Over(t *testing.T) {
	tests := []struct {
		name string
		s    Sizes
		over []string
	}{
		{"at the limits", Sizes{Raw: MaxWasmBytes, File: MaxWasmFileBytes}, nil},
		{"module over", Sizes{Raw: MaxWasmBytes + 1, File: 999},
			[]string{"core.wasm is " + bytesText(MaxWasmBytes+1) + ", over its " + bytesText(MaxWasmBytes) + " limit"}},
		{"file over", Sizes{Raw: 100, File: MaxWasmFileBytes + 1},
			[]string{WasmFile + " is " + bytesText(MaxWasmFileBytes+1) + ", over its " + bytesText(MaxWasmFileBytes) + " limit"}},
		{"both over", Sizes{Raw: MaxWasmBytes * 2, File: MaxWasmFileBytes * 2}, []string{
			"core.wasm is " + bytesText(MaxWasmBytes*2) + ", over its " + bytesText(MaxWasmBytes) + " limit",
			WasmFile + " is " + bytesText(MaxWasmFileBytes*2) + ", over its " + bytesText(MaxWasmFileBytes) + " limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Over(); !reflect.DeepEqual(got, tt.over) {
				t.Errorf("Over() = %q, want %q", got, tt.over)
			}
		})
	}
}

func TestSizes_String(t *testing.T) {
	s := Sizes{Raw: 3_718_204, Gzip: 1_012_345, File: 5}
	want := "core.wasm: 3,718,204 bytes raw, 1,012,345 bytes gzipped; in the game, ramfarm/lib/core-wasm.js: 5 bytes"
	if got := s.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for n, want := range map[int]string{0: "0 bytes", 999: "999 bytes", 1000: "1,000 bytes", 100000: "100,000 bytes"} {
		if got := bytesText(n); got != want {
			t.Errorf("bytesText(%d) = %q, want %q", n, got, want)
		}
	}
}
