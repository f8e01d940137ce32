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

// A damaged module file makes opening a core fail with the engine's
// error, not with a module built from bad bytes.
func TestLoaderRefusesDamagedModule(t *testing.T) {
	gz := regexp.MustCompile(`WASM_GZ = "([^"]*)"`)
	term := loaderGame(t, func(s string) string {
		return gz.ReplaceAllStringFunc(s, func(m string) string {
			// Cut the base64 short by a multiple of 4: still base64, but
			// gzip without its end.
			return m[:len(m)-1-400] + `"`
		})
	})
	if !strings.Contains(term, "refused: TypeError: DecompressionStream: the compressed data ends too early") {
		t.Errorf("terminal:\n%s\nwant the core refused for truncated data", term)
	}
}
