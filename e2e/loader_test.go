package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// loaderScript inflates the module as the loader does and opens a core.
const loaderScript = `import { Core, inflate } from "/ramfarm/lib/core.js";
export async function main(ns) {
  try {
    const bytes = new Uint8Array(await inflate());
    ns.tprint("inflated " + bytes.length + " " + Array.from(bytes.subarray(0, 4)).join(","));
    await Core.open();
    ns.tprint("opened");
  } catch (e) {
    ns.tprint("refused: " + e.name + ": " + e.message);
  }
}`

// loaderGame runs loaderScript on home, in bn1-start's world, beside the
// in-game files with the module file's text changed by edit, and answers
// the terminal.
func loaderGame(t *testing.T, edit func(string) string) string {
	t.Helper()
	files := jsglue.Files(coretest.Wasm(t))
	files[jsglue.WasmFile] = edit(files[jsglue.WasmFile])
	files["loader.js"] = loaderScript
	g, _ := scenarioGame(t, "../scenarios/bn1-start.json", nil, files)
	if _, err := g.Exec("loader.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	run(t, g, 1000)
	return strings.Join(g.Terminal(), "\n")
}

// The in-game loader inflates the gzipped module with the emulated
// DecompressionStream into the very bytes of core.wasm.
func TestLoaderInflates(t *testing.T) {
	mod := coretest.Wasm(t)
	term := loaderGame(t, func(s string) string { return s })
	want := "inflated " + strconv.Itoa(len(mod)) + " 0,97,115,109"
	if !strings.Contains(term, want) || !strings.Contains(term, "opened") {
		t.Errorf("terminal:\n%s\nwant %q and opened", term, want)
	}
}

// A damaged module file makes opening a core fail with the loader's or
// the engine's error, not with a module built from bad bytes.
func TestLoaderRefusesDamagedModule(t *testing.T) {
	gz := regexp.MustCompile(`WASM_GZ = "([^"]*)"`)
	damage := func(cut func(text []rune) []rune) func(string) string {
		return func(s string) string {
			return gz.ReplaceAllStringFunc(s, func(m string) string {
				const open = `WASM_GZ = "`
				return open + string(cut([]rune(m[len(open):len(m)-1]))) + `"`
			})
		}
	}
	tests := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"text cut short", damage(func(text []rune) []rune { return text[:len(text)-400] }),
			"refused: Error: 7-bit text: "},
		{"a character changed", damage(func(text []rune) []rune {
			// A plain character for another: still 7-bit text of the
			// same length, but no longer the gzip that was written.
			for i := len(text) / 2; ; i++ {
				if r := text[i] ^ 1; text[i] < 0x80 && !strings.ContainsRune("\x00\n\r\"\\", text[i]) && !strings.ContainsRune("\x00\n\r\"\\", r) {
					text[i] = r
					return text
				}
			}
		}), "refused: TypeError: DecompressionStream: the compressed data is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if term := loaderGame(t, tt.edit); !strings.Contains(term, tt.want) {
				t.Errorf("terminal:\n%s\nwant %q", term, tt.want)
			}
		})
	}
}
