package jsglue

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strconv"
	"testing"
)

// The module file carries the module gzipped; what the loader inflates
// must be the module, byte for byte, and the same module must always give
// the same file (dist/ is compared byte for byte).
func TestWasmModuleJS(t *testing.T) {
	mod := bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00 a module's bytes "), 1000)
	text := WasmModuleJS(mod)
	other := WasmModuleJS([]byte("\x00asm\x01\x00\x00\x00")) // made anew, not the last file again
	if other == text {
		t.Fatal("two modules gave the same file")
	}
	if again := WasmModuleJS(bytes.Clone(mod)); again != text {
		t.Error("two runs on the same module gave different files")
	}
	m := regexp.MustCompile(`(?m)^export const WASM_GZ_BYTES = (\d+);\nexport const WASM_GZ = "([^"\\\n\r]*)";$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no WASM_GZ_BYTES and WASM_GZ in\n%.300s", text)
	}
	n, _ := strconv.Atoi(m[1])
	gz, err := fromText7(m[2], n)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, mod) {
		t.Errorf("inflated %d bytes, not the module's %d", len(got), len(mod))
	}
	if len(text) > len(mod)/4 {
		t.Errorf("the file is %d bytes for a %d-byte module that compresses well: not compressed?", len(text), len(mod))
	}
	if !regexp.MustCompile(`(?m)^export const WASM_HASH = "[0-9a-f]{16}";$`).MatchString(text) {
		t.Errorf("no WASM_HASH in\n%.300s", text)
	}
}
