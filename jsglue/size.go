package jsglue

import "strconv"

// The core module's size limits, in bytes (1 MB = 1,000,000 bytes), which
// `make test` enforces (size_test.go), so that growth is a decision.
// The file is the limit players feel: it sits in every save and is fetched
// on every install.
//
// Issue 18 asks for a module of at most 1.5 MB and a file of at most
// 1.0 MB. The Go runtime alone, in a module exporting one function, is
// 1,816,392 bytes raw (2,052,745 once packed by cmd/wasmpack, which
// trades raw zeros for gzipped bytes) and 548,243 gzipped, so with Go's
// toolchain 1.5 MB raw is out of reach. The file is at 1.07 MB: what is
// left to reach 1.0 MB is measured in README.md, "The module's size"
// (a zopfli-class deflate encoder alone would take it to about 1.006 MB).
// The limits are where the module stands, with about 15 KB of room.
const (
	MaxWasmBytes     = 4_300_000
	MaxWasmFileBytes = 1_080_000
)

// Sizes are the sizes of the core module as it reaches a player.
type Sizes struct {
	Raw  int // core.wasm
	Gzip int // the module gzipped, as WasmFile carries it
	File int // WasmFile, the text in the game
}

// WasmSizes measures coreWasm the way it ships.
func WasmSizes(coreWasm []byte) Sizes {
	f := wasmModule(coreWasm)
	return Sizes{Raw: len(coreWasm), Gzip: f.gzip, File: len(f.text)}
}

// Over says which sizes are over their limits, or nothing.
func (s Sizes) Over() []string {
	var over []string
	if s.Raw > MaxWasmBytes {
		over = append(over, "core.wasm is "+bytesText(s.Raw)+", over its "+bytesText(MaxWasmBytes)+" limit")
	}
	if s.File > MaxWasmFileBytes {
		over = append(over, WasmFile+" is "+bytesText(s.File)+", over its "+bytesText(MaxWasmFileBytes)+" limit")
	}
	return over
}

// String is the line `make wasm` prints.
func (s Sizes) String() string {
	return "core.wasm: " + bytesText(s.Raw) + " raw, " + bytesText(s.Gzip) + " gzipped; in the game, " +
		WasmFile + ": " + bytesText(s.File)
}

// bytesText writes n with thousands separators: 1,234,567 bytes.
func bytesText(n int) string {
	d := strconv.Itoa(n)
	out := make([]byte, 0, len(d)+len(d)/3+6)
	for i := range len(d) {
		if i > 0 && (len(d)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, d[i])
	}
	return string(out) + " bytes"
}
