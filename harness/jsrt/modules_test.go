package jsrt

import (
	"errors"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

func TestResolveImport(t *testing.T) {
	tests := []struct {
		spec, want string
		err        error
	}{
		{"lib.js", "lib.js", nil},
		{"/lib.js", "lib.js", nil},
		{"lib", "lib.js", nil},
		{"./lib.js", "lib.js", nil},
		{"./lib", "lib.js", nil},
		{"dir/../lib.js", "lib.js", nil},
		{"dir/sub/main", "dir/sub/main.js", nil},
		{"/dir/sub/main.js", "dir/sub/main.js", nil},
		{"./dir/./x.js", "dir/x.js", nil},
		{"lib.mjs", "lib.mjs.js", nil},
		{"lib.ts", "lib.ts.js", nil},
		{"data.json", "data.json.js", nil},
		{"a.b.c", "a.b.c.js", nil},
		{"../lib.js", "", ErrInvalidPath},
		{"dir/../../lib.js", "", ErrInvalidPath},
		{"//lib.js", "", ErrInvalidPath},
		{"dir//lib.js", "", ErrInvalidPath},
		{"my file.js", "", ErrInvalidPath},
		{"a#b.js", "", ErrInvalidPath},
		{"a[1]", "", ErrInvalidPath},
		{"./", "", ErrInvalidPath},
		{"dir/", "", ErrInvalidPath},
		{"", "", ErrInvalidPath},
		{"https://example.com/x.js", "", ErrURLImport},
		{"http://example.com/x", "", ErrURLImport},
	}
	for _, tt := range tests {
		got, err := ResolveImport(tt.spec)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ResolveImport(%q) = %q, %v; want %q, %v", tt.spec, got, err, tt.want, tt.err)
		}
	}
}

// call invokes exports[name](args...) and returns the result.
func callExport(t *testing.T, env *testEnv, exports *goja.Object, name string, args ...any) goja.Value {
	t.Helper()
	fn, ok := goja.AssertFunction(exports.Get(name))
	if !ok {
		t.Fatalf("export %s is not a function", name)
	}
	vals := make([]goja.Value, len(args))
	for i, a := range args {
		vals[i] = env.r.VM().ToValue(a)
	}
	v, err := fn(goja.Undefined(), vals...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func load(t *testing.T, env *testEnv, host, path string) *goja.Object {
	t.Helper()
	ex, err := env.r.LoadModule(host, path)
	if err != nil {
		t.Fatalf("LoadModule(%s, %s): %v", host, path, err)
	}
	return ex
}

const counterLib = `
globalThis.evals = (globalThis.evals || 0) + 1;
let count = 0;
export function inc() { return ++count; }
export const version = "v1";
`

func TestRealm_LoadModule_resolvesFromRoot(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "lib.js", `export const where = "root";`)
	env.files.put("home", "dir/lib.js", `export const where = "dir";`)
	env.files.put("home", "dir/main.js", `import {where} from "./lib.js"; import * as d from "dir/lib"; export const got = [where, d.where];`)
	ex := load(t, env, "home", "/dir/main.js")
	if got := ex.Get("got").String(); got != "root,dir" {
		t.Errorf("got = %s, want root,dir", got)
	}
}

func TestRealm_LoadModule_sharing(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "lib.js", counterLib)
	env.files.put("home", "a.js", `import {inc} from "lib.js"; export const bump = inc;`)
	env.files.put("home", "b.js", `import {inc} from "/lib.js"; export const bump = inc;`)
	env.files.put("home", "c.js", `import * as L from "lib"; export const lib = L;`)

	a := load(t, env, "home", "a.js")
	b := load(t, env, "home", "b.js")
	c := load(t, env, "home", "c.js")
	callExport(t, env, a, "bump")
	if got := callExport(t, env, b, "bump").ToInteger(); got != 2 {
		t.Errorf("b.bump() = %d, want 2 (one shared lib instance)", got)
	}
	if got := callExport(t, env, c.Get("lib").ToObject(env.r.VM()), "inc").ToInteger(); got != 3 {
		t.Errorf(`lib via "lib" = %d, want 3`, got)
	}
	if again := load(t, env, "home", "a.js"); again != a {
		t.Error("a second launch of a.js got a new instance")
	}
	if got := env.eval(t, "evals").ToInteger(); got != 1 {
		t.Errorf("lib evaluated %d times, want 1", got)
	}
}

func TestRealm_LoadModule_changedLibrary(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "lib.js", counterLib)
	env.files.put("home", "a.js", `import {inc, version} from "lib.js"; export const bump = inc; export const v = version;`)

	old := load(t, env, "home", "a.js")
	callExport(t, env, old, "bump")

	// A new lib text: the importer's key changes too, so a new launch of
	// a.js gets new instances of both; the running one keeps the old.
	env.files.put("home", "lib.js", strings.Replace(counterLib, `"v1"`, `"v2"`, 1))
	fresh := load(t, env, "home", "a.js")
	if fresh == old {
		t.Fatal("changed lib: a.js kept its old instance")
	}
	if got := fresh.Get("v").String(); got != "v2" {
		t.Errorf("new launch sees version %s", got)
	}
	if got := callExport(t, env, fresh, "bump").ToInteger(); got != 1 {
		t.Errorf("new instance count = %d, want 1", got)
	}
	if got := callExport(t, env, old, "bump").ToInteger(); got != 2 {
		t.Errorf("old instance count = %d, want 2", got)
	}
	if got := old.Get("v").String(); got != "v1" {
		t.Errorf("old instance version = %s", got)
	}

	// Reverting brings the old instance back, state and all (§5.3).
	env.files.put("home", "lib.js", counterLib)
	if back := load(t, env, "home", "a.js"); back != old {
		t.Error("reverted lib: did not get the old instance back")
	}
}

func TestRealm_LoadModule_acrossHosts(t *testing.T) {
	env := newTestEnv(t, 1)
	for _, h := range []string{"home", "n00dles"} {
		env.files.put(h, "lib.js", counterLib)
		env.files.put(h, "a.js", `import {inc} from "lib.js"; export const bump = inc;`)
	}
	env.files.put("foodnstuff", "lib.js", counterLib+"\n// a different text\n")
	env.files.put("foodnstuff", "a.js", `import {inc} from "lib.js"; export const bump = inc;`)

	home := load(t, env, "home", "a.js")
	noodles := load(t, env, "n00dles", "a.js")
	food := load(t, env, "foodnstuff", "a.js")
	if home != noodles {
		t.Error("identical trees on two hosts got different instances")
	}
	if home == food {
		t.Error("a different lib text shared the instance")
	}
	// Under another file name, the same text tree is shared too.
	env.files.put("home", "copy.js", `import {inc} from "lib.js"; export const bump = inc;`)
	if load(t, env, "home", "copy.js") != home {
		t.Error("byte-identical text under another name got a new instance")
	}
}

func TestRealm_LoadModule_syntax(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "modern.js", `
class Counter {
	#n = 0;
	static #made = 0;
	static { Counter.tag = "c"; }
	constructor() { Counter.#made++; }
	get n() { return this.#n; }
	bump() { this.#n ??= 0; this.#n += 1; return this; }
	static made() { return #made in Counter ? Counter.#made : -1; }
}
async function* gen() { yield 1; yield 2; }
export async function collect() {
	const out = [];
	for await (const x of gen()) out.push(x);
	const o = {a: {b: null}};
	out.push(o?.a?.b?.c ?? "dflt", 2n ** 64n, [1, 2, 3].at(-1), new Counter().bump().n, Counter.made());
	return out.join(",");
}
export function lateRegexp() { return /a/d.exec("a").indices[0][0]; }
export function sloppy() { undeclared = 1; }
`)
	ex := load(t, env, "home", "modern.js")
	var got string
	p := callExport(t, env, ex, "collect").Export().(*goja.Promise)
	env.r.Settle()
	if p.State() != goja.PromiseStateFulfilled {
		t.Fatalf("collect: %v", p.Result())
	}
	got = p.Result().String()
	if want := "1,2,dflt,18446744073709551616,3,1,1"; got != want {
		t.Errorf("collect() = %s, want %s", got, want)
	}
	for _, name := range []string{"lateRegexp", "sloppy"} {
		fn, _ := goja.AssertFunction(ex.Get(name))
		if _, err := fn(goja.Undefined()); err == nil {
			t.Errorf("%s did not throw", name)
		}
	}
}

func TestRealm_LoadModule_moduleScope(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "empty.js", ``)
	env.files.put("home", "names.js", `import "empty";
const module = 1;
let exports = 2;
function require() { return 3; }
export const sum = module + exports + require();
export const self = typeof this;
export default function () { return "dflt"; }
export * from "re.js";
export {a as renamed} from "re.js";`)
	env.files.put("home", "re.js", `export const a = "A"; export const b = "B";`)
	ex := load(t, env, "home", "names.js")
	got := []string{ex.Get("sum").String(), ex.Get("self").String(), ex.Get("b").String(), ex.Get("renamed").String()}
	if want := "6,undefined,B,A"; strings.Join(got, ",") != want {
		t.Errorf("got %s, want %s", strings.Join(got, ","), want)
	}
	if got := callExport(t, env, ex, "default").String(); got != "dflt" {
		t.Errorf("default() = %s", got)
	}
}

func TestRealm_LoadModule_errors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		entry string
		want  error
		text  string
	}{
		{"syntax", map[string]string{"a.js": "export const a = ;"}, "a.js", ErrSyntax, "home/a.js:1:18"},
		{"top-level await", map[string]string{"a.js": "export const m = await Promise.resolve(1);"}, "a.js", ErrTopLevelAwait, "home/a.js:1:18"},
		{"missing import", map[string]string{"a.js": `import "gone.js";`}, "a.js", ErrNoSuchFile, "home/gone.js (imported by home/a.js)"},
		{"missing entry", map[string]string{}, "a.js", ErrNoSuchFile, "home/a.js"},
		{"url import", map[string]string{"a.js": `import x from "https://cdn.example/x.js";`}, "a.js", ErrURLImport, "https://cdn.example/x.js"},
		{"import above root", map[string]string{"a.js": `import x from "../x.js";`}, "a.js", ErrInvalidPath, `"../x.js"`},
		{"cycle", map[string]string{"a.js": `import "b.js";`, "b.js": `import "a";`}, "a.js", ErrImportCycle, "a.js -> b.js -> a.js"},
		{"throws at top level", map[string]string{"a.js": `throw new Error("nope");`}, "a.js", ErrEvaluate, "nope"},
		{"not a script", map[string]string{"a.txt": "x"}, "a.txt", ErrNotScript, "home/a.txt"},
		{"bad path", map[string]string{}, "../a.js", ErrInvalidPath, "../a.js"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, 1)
			for p, text := range tt.files {
				env.files.put("home", p, text)
			}
			_, err := env.r.LoadModule("home", tt.entry)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			mustContain(t, "error", err.Error(), tt.text)
		})
	}
}

func TestRealm_LoadModule_failedEvaluationRetries(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "a.js", `globalThis.tries = (globalThis.tries || 0) + 1; if (tries < 2) throw new Error("first");`)
	if _, err := env.r.LoadModule("home", "a.js"); !errors.Is(err, ErrEvaluate) {
		t.Fatalf("first load: %v", err)
	}
	load(t, env, "home", "a.js")
	if got := env.eval(t, "tries").ToInteger(); got != 2 {
		t.Errorf("tries = %d, want 2", got)
	}
}

func TestRealm_CallMain(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		until   float64
		want    string // result, or error text
		wantErr bool
	}{
		{"async main awaits timers", `export async function main(ns) { await new Promise((r) => setTimeout(r, 50)); return ns.host + "@" + performance.now(); }`, 100, "home@50", false},
		{"sync main", `export function main(ns) { return 7; }`, 0, "7", false},
		{"main throws", `export function main() {
	throw new Error("bad arg");
}`, 0, "Error: bad arg", true},
		{"stack names host and line", `export async function main() {
	await null;
	null.x;
}`, 0, "home/s.js:3", true},
		{"main rejects later", `export async function main() { await new Promise((r) => setTimeout(r, 5)); throw "late"; }`, 10, "late", true},
		{"dynamic import fails as in the game", `export async function main() { try { await import("s.js"); return "loaded"; } catch (e) { return e.name + ": " + e.message; } }`, 0, "TypeError: Failed to fetch dynamically imported module: s.js", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, 1)
			env.files.put("home", "s.js", tt.src)
			ex := load(t, env, "home", "s.js")
			ns := env.eval(t, `({host: "home"})`)
			var got string
			var gotErr error
			finished := false
			err := env.r.CallMain(ex, ns, func(res goja.Value, err error) {
				finished, gotErr = true, err
				if err == nil {
					got = res.String()
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			env.clock.run(tt.until)
			if !finished {
				t.Fatal("main did not finish")
			}
			if tt.wantErr {
				var je *JSError
				if !errors.As(gotErr, &je) {
					t.Fatalf("err = %v, want a *JSError", gotErr)
				}
				mustContain(t, "error", gotErr.Error(), tt.want)
				return
			}
			if gotErr != nil || got != tt.want {
				t.Errorf("main = %q, %v; want %q", got, gotErr, tt.want)
			}
		})
	}
}

func TestRealm_CallMain_noMain(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "lib.js", `export const x = 1;`)
	ex := load(t, env, "home", "lib.js")
	if err := env.r.CallMain(ex, goja.Undefined(), func(goja.Value, error) {}); !errors.Is(err, ErrNoMain) {
		t.Errorf("err = %v, want ErrNoMain", err)
	}
}

func TestRealm_sharedGlobalThis(t *testing.T) {
	env := newTestEnv(t, 1)
	env.files.put("home", "w.js", `export function main() { globalThis.cache = {from: "home"}; }`)
	env.files.put("n00dles", "r.js", `export function main() { return globalThis.cache.from; }`)
	var got string
	if err := env.r.CallMain(load(t, env, "home", "w.js"), goja.Undefined(), func(goja.Value, error) {}); err != nil {
		t.Fatal(err)
	}
	if err := env.r.CallMain(load(t, env, "n00dles", "r.js"), goja.Undefined(), func(v goja.Value, err error) {
		if err != nil {
			t.Error(err)
			return
		}
		got = v.String()
	}); err != nil {
		t.Fatal(err)
	}
	env.r.Settle()
	if got != "home" {
		t.Errorf("reader saw %q", got)
	}
}
