package ramcalc

import (
	"strings"
	"testing"
	"time"
)

// bigLiteral is a 4 MB base64 payload, the way a WASM module ships.
func bigLiteral() string {
	return "export const WASM_B64 = \"" + strings.Repeat("QUJD", 1<<20) + "\";\n" +
		"export async function main(ns) { ns.print(WASM_B64.length) }\n"
}

// TestBigLiteral: text of any size is free, and parsing it stays fast (the
// game takes tens of ms). The bound is loose for slow, shared machines.
func TestBigLiteral(t *testing.T) {
	c := newCalc(t)
	src := bigLiteral()
	start := time.Now()
	res, err := c.ScriptRAM("m.js", map[string]string{"m.js": src})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	if err != nil || res.RAM != BaseCost || len(res.Entries) != 1 {
		t.Errorf("got %+v, %v; want the base cost only", res, err)
	}
}

func BenchmarkBigLiteral(b *testing.B) {
	c := newCalc(b)
	files := map[string]string{"m.js": bigLiteral()}
	b.SetBytes(int64(len(files["m.js"])))
	for b.Loop() {
		if _, err := c.ScriptRAM("m.js", files); err != nil {
			b.Fatal(err)
		}
	}
}
