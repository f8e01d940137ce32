package ramcalc

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ruleLib is an imported module with one function per way of reaching it.
const ruleLib = `export function a(ns) { return ns.hack(1); }
export function b(ns) { return ns.grow(1); }
export default function (ns) { ns.weaken(1); }
export const c = () => scan();
function d() { run() }
export { d as e };
const f = () => { function g() { ps() } };
export class K { m() { kill() } }
`

func withLib(files map[string]string) map[string]string {
	out := map[string]string{"lib.js": ruleLib}
	for k, v := range files {
		out[k] = v
	}
	return out
}

// TestRules pins the charging rules on snippets: which names are charged
// (in the game's order) and the stored RAM, or the error code. The
// expectations were cross-checked by running the game's algorithm over
// acorn's own AST (acorn 8.16 and acorn-walk as bundled with Node 20).
func TestRules(t *testing.T) {
	tests := []struct {
		code  string
		files map[string]string
		ram   float64
		names string
		err   int
	}{
		{code: `x.run()`, ram: 2.6, names: "run"},
		{code: `/re/.exec(s)`, ram: 2.9, names: "exec"},
		{code: `ns["hack"](); const {document: d} = globalThis; x = {window: 1}`, ram: 1.6, names: ""},
		{code: `hack = 1; grow += 2; weaken ??= 3; x.scan = 4; x.exec += 5;`, ram: 3.1, names: "scan exec"},
		{code: `[hack, {grow, a: weaken, b: x.scan = run, ...ps}] = y;`, ram: 2.8, names: "scan run"},
		{code: `({hack = getServer, [kill]: grow} = z);`, ram: 4.1, names: "getServer kill"},
		{code: `for (hack of x) {} for (grow in y) {} for (x.scan of z) {} for ([weaken, {run}] of q) {}`, ram: 2.05, names: "hack grow scan"},
		{code: `for (const {hack = exec} of x) {} for (let [grow] in y) {}`, ram: 2.9, names: "exec"},
		{code: `for (hack = 0; grow < 1; weaken++) {} for (scan;;) break;`, ram: 2.1, names: "grow weaken scan"},
		{code: `hack++; --grow; delete x.weaken; typeof window; void document;`, ram: 52, names: "hack grow weaken window document"},
		{code: `class A extends hacknet { static { scan() } #p = grow; x = weaken; [kill] = 1; static y = run; m(a = exec) { return super.share() } get ps() {} set getServer(v) {} static async *connect() {} }`, ram: 11.3, names: "hacknet scan grow weaken kill run exec share"},
		{code: `const o = { hack, grow: weaken, [scan]: 1, run() {}, get exec() { return ps }, set kill(v) {}, ...share, async *getServer() {} };`, ram: 4.65, names: "hack weaken scan ps share"},
		{code: "x = `a${hack}b${`c${grow}`}`; tag`${weaken}`; scan`x`;", ram: 2.2, names: "hack grow weaken scan"},
		{code: `a?.hack?.(grow)?.[weaken]; a?.b.scan;`, ram: 2.2, names: "hack grow weaken scan"},
		{code: `new hack(grow); new weaken; new x.scan.run();`, ram: 3.2, names: "hack grow weaken scan run"},
		{code: `x = import.meta.hack; y = new.target; import(grow);`, err: -1},
		{code: `try { hack() } catch ({grow, a: [weaken = scan]}) { run } finally { ps }`, ram: 3.1, names: "hack scan run ps"},
		{code: `function f(a = hack, {b = grow, [weaken]: c} = {}, ...[d = scan]) { return run }`, ram: 3.2, names: "hack grow weaken scan run"},
		{code: `const f = (a = hack, {b = grow}) => weaken; const g = async x => scan; const h = async (y = run) => ps;`, ram: 3.4, names: "hack grow weaken scan run ps"},
		{code: `l1: for (;;) { l2: while (hack) { do { continue l1 } while (grow) } break l1 }`, ram: 1.85, names: "hack grow"},
		{code: `switch (hack) { case grow: weaken; break; default: scan }`, ram: 2.2, names: "hack grow weaken scan"},
		{code: `if (hack) grow; else if (weaken) scan; else { run }`, ram: 3.2, names: "hack grow weaken scan run"},
		{code: `x = hack ? grow : weaken, scan, run;`, ram: 3.2, names: "hack grow weaken scan run"},
		{code: `x = a ?? hack; y = b || grow && weaken; z = 1;`, ram: 2, names: "hack grow weaken"},
		{code: `class C { #a; #b() {} m(o) { return #a in o && this.#b() && o.#a } static #c = 1 }`, ram: 1.6, names: ""},
		{code: `x = function hack(grow) { return weaken }; y = class scan { run() {} };`, ram: 1.75, names: "weaken"},
		{code: `export default function () { hack() } function inner() { grow() }`, ram: 1.85, names: "hack grow"},
		{code: `export default class { m() { hack() } }`, ram: 1.7, names: "hack"},
		{code: `export default hack;`, ram: 1.7, names: "hack"},
		{code: `export default (function () { grow() });`, ram: 1.75, names: "grow"},
		{code: `export const a = hack, {b = grow} = weaken; export let [c] = scan; export class D { m() { run() } } export function e() { ps() }`, ram: 3.4, names: "hack grow weaken scan run ps"},
		{code: `const a = 1; export { a as hack, a as grow }; const weaken = 2; export { weaken };`, ram: 1.6, names: ""},
		{code: `export { toString as x }; const toString = 1;`, err: -1},
		{code: `export { hack as default }; function hack() {}`, ram: 1.7, names: "hack"},
		{code: `x = ns.\u0068ack(); \u{67}row();`, ram: 1.85, names: "hack grow"},
		{code: `x.toString(); hasOwnProperty(); constructor; __proto__; valueOf;`, ram: 1.6, names: ""},
		{code: `x = { toString() { return hack } };`, ram: 1.7, names: "hack"},
		{code: `'use strict'; x = 0x1F + 1n + 1_000 + .5e3 + /re/gimsuyd.exec(s);`, ram: 2.9, names: "exec"},
		{code: `const {hack} = ns; const [grow] = ns; let weaken; var scan;`, ram: 1.6, names: ""},
		{code: `function scan() {} function hack() { return grow() } const x = () => { function weaken() { run() } }`, ram: 2.75, names: "grow run"},
		{code: `{ function hack() { grow() } } if (x) { function weaken() {} }`, ram: 1.75, names: "grow"},
		{code: `async function* g() { yield hack; yield* grow; await weaken; for await (const x of scan); }`, ram: 2.2, names: "hack grow weaken scan"},
		{code: `await hack(); for await (const x of grow) {}`, ram: 1.85, names: "hack grow"},
		{code: `x = window.document; y = globalThis.window; z = self['document'];`, ram: 51.6, names: "window document"},
		{code: `eval('hack'); Function('grow')`, ram: 1.6, names: ""},
		{code: `const r = /[/]hack/; x = a / hack / grow;`, ram: 1.85, names: "hack grow"},
		{code: `x = (hack, grow); (weaken) = 1; ((scan)).run = 2;`, ram: 3.05, names: "hack grow scan run"},
		{code: `label: { break label; } hack: for (;;) break hack;`, ram: 1.6, names: ""},
		{code: `x = [hack, , ...grow, weaken,];`, ram: 2, names: "hack grow weaken"},
		{code: `f(...hack, grow,);`, ram: 1.85, names: "hack grow"},
		{code: "x = { __proto__: hack, 'grow': weaken, 1: scan, [`run`]: ps };", ram: 2.25, names: "hack weaken scan ps"},
		{code: `x = a => ({ hack: grow }); y = () => { return { weaken } };`, ram: 1.9, names: "grow weaken"},
		{code: `class A { constructor() { this.hack = grow } static hack() {} 'weaken'() {} 42() {} [scan]() {} }`, ram: 2.05, names: "hack grow scan"},
		{code: `x = hacknet.numNodes(); y = ns.hacknet; z = corporation.getCorporation; w = stock.getPrice;`, ram: 17.6, names: "hacknet corporation.getCorporation stock.getPrice"},
		{code: `x = ns.go.analysis.getChains(); y = ns.formulas.hacking.hackChance(); z = getBonusTime;`, ram: 17.6, names: "analysis.getChains"},
		{code: `if (a) if (b) hack(); else grow();`, ram: 1.85, names: "hack grow"},
		{code: `do hack(); while (grow); while (weaken) scan();`, ram: 2.2, names: "grow hack weaken scan"},
		{code: `with0 = 1; x = { with: 1 }.with; y = a.if.class.new;`, ram: 1.6, names: ""},
		{code: `x = a
++hack
y = b
(grow)`, ram: 1.85, names: "hack grow"},
		{code: `var x = 1
var y = x
/hack/g.exec(s)`, ram: 3, names: "hack exec"},
		{code: `x = hack --> grow`, ram: 1.85, names: "hack grow"},
		{code: `x = async
function f() { hack() }`, ram: 1.7, names: "hack"},
		{code: `let async = hack; async = grow; let of = weaken; for (of of scan) {}`, ram: 2.2, names: "hack grow weaken scan"},
		{code: `get = hack; set = grow; static0 = weaken; from = scan; as = run;`, ram: 3.2, names: "hack grow weaken scan run"},
		{code: `x = y => y.exec + y.run;`, ram: 3.9, names: "exec run"},
		{code: "x = `\\${hack}` + '${grow}' + \"${weaken}\";", ram: 1.6, names: ""},
		{code: `/* hack */ // grow
/** weaken */ x = 1 /* scan */;`, ram: 1.6, names: ""},
		{code: `x = 1 /* multi
line hack */ + grow`, ram: 1.75, names: "grow"},
		{code: `#!/usr/bin/env node hack
x = grow`, ram: 1.75, names: "grow"},
		{code: `export * from 'lib.js'; export * as hack from 'lib2.js'; export * as 'grow' from 'lib3.js';`, ram: 1.7, names: "hack"},
		{code: `import {a} from 'lib.js'; a();`, files: withLib(nil), ram: 2.4, names: "scan kill hack"},
		{code: `import {a} from 'lib'; a();`, files: withLib(nil), ram: 2.4, names: "scan kill hack"},
		{code: `import {a} from './lib.js'; a();`, files: withLib(nil), ram: 2.4, names: "scan kill hack"},
		{code: `import {a} from '/lib.js'; a();`, files: withLib(nil), ram: 2.4, names: "scan kill hack"},
		{code: `import {a} from 'lib.js'; import {b} from 'lib'; a(); b();`, files: withLib(nil), ram: 2.55, names: "scan kill hack grow"},
		{code: `import {a as z} from 'lib.js'; z();`, files: withLib(nil), ram: 2.4, names: "scan kill hack"},
		{code: `import {a as z} from 'lib.js';`, files: withLib(nil), ram: 2.3, names: "scan kill"},
		{code: `import {b} from 'lib.js'; export function main() {}`, files: withLib(nil), ram: 2.3, names: "scan kill"},
		{code: `import d from 'lib.js'; d();`, files: withLib(nil), ram: 3.9, names: "scan kill hack grow weaken run ps"},
		{code: `import * as m from 'lib.js'; m.a();`, files: withLib(nil), ram: 3.9, names: "scan kill hack grow weaken run ps"},
		{code: `import d, {a} from 'lib.js'; a();`, files: withLib(nil), ram: 3.9, names: "scan kill hack grow weaken run ps"},
		{code: `import d, * as m from 'lib.js';`, files: withLib(nil), ram: 3.9, names: "scan kill hack grow weaken run ps"},
		{code: `import 'lib.js';`, files: withLib(nil), ram: 2.3, names: "scan kill"},
		{code: `import {default as z} from 'lib.js'; z();`, files: withLib(nil), ram: 2.3, names: "scan kill"},
		{code: `import {e} from 'lib.js'; e();`, files: withLib(nil), ram: 3.3, names: "scan kill run"},
		{code: `import {K} from 'lib.js'; new K();`, files: withLib(nil), ram: 2.3, names: "scan kill"},
		{code: `import {g} from 'lib.js'; g();`, files: withLib(nil), ram: 2.5, names: "scan kill ps"},
		{code: `import {d} from 'lib.js'; d();`, files: withLib(nil), ram: 3.3, names: "scan kill run"},
		{code: `import {'a' as z} from 'lib.js'; z();`, files: withLib(nil), ram: 2.3, names: "scan kill"},
		{code: `export {a} from 'lib.js';`, files: withLib(nil), ram: 1.7, names: "hack"},
		{code: `export {a as z, b} from 'lib.js';`, files: withLib(nil), ram: 1.85, names: "hack grow"},
		{code: `export {default} from 'lib.js';`, files: withLib(nil), ram: 1.6, names: ""},
		{code: `export * from 'nope.js';`, files: withLib(nil), ram: 1.6, names: ""},
		{code: `export {} from 'nope.js';`, files: withLib(nil), ram: 1.6, names: ""},
		{code: `import {a} from 'nope.js';`, files: withLib(nil), err: -2},
		{code: `import {a} from '../lib.js';`, files: withLib(nil), err: -2},
		{code: `import {a} from 'dir//lib.js';`, files: withLib(nil), err: -2},
		{code: `import {a} from 'http://x/lib.js'; import {b} from 'https://y/z.js'; a(); b();`, files: withLib(nil), ram: 1.6, names: ""},
		{code: `import {a} from 'lib.js'; a(); import {b} from 'lib.js';`, files: withLib(nil), ram: 2.4, names: "scan kill hack"},
		{code: `hack(); import {a} from 'lib.js'; a();`, files: withLib(nil), ram: 2.4, names: "hack scan kill"},
		{code: `import {x} from 'main.js'; x(); export function x() { scan() }`, files: withLib(nil), err: -1},
		{code: `import {a} from 'l1.js'; a();`, files: map[string]string{"l1.js": `import {b} from 'l2.js'; export function a() { b() } hack();`, "l2.js": `import {a} from 'l1.js'; export function b() { grow(); a(); } export function c() { weaken() }`}, ram: 1.85, names: "hack grow"},
		{code: `import {x} from 'r.js'; x();`, files: withLib(map[string]string{"r.js": `export {a as x} from 'lib.js';`}), ram: 1.7, names: "hack"},
		{code: `import {x} from 'r.js';`, files: withLib(map[string]string{"r.js": `export {a as x} from 'lib.js'; scan();`}), ram: 1.8, names: "scan"},
		{code: `import * as r from 'r.js';`, files: withLib(map[string]string{"r.js": `export {a as x} from 'lib.js'; export function y() { exec() }`}), ram: 3, names: "exec hack"},
		{code: `import {a} from 'dir/lib.js'; a();`, files: map[string]string{"dir/lib.js": `import {b} from './x.js'; export function a() { b() }`, "dir/x.js": `export function b() { hack() }`, "x.js": `export function b() { share() }`}, ram: 4, names: "share"},
		{code: `import {a} from 'lib.js'; a();`, files: map[string]string{"lib.js": `syntax error here (`}, err: -1},
		{code: `import {toString} from 'lib.js'; toString();`, files: map[string]string{"lib.js": `export function toString() { hack() }`}, ram: 1.6, names: ""},
		{code: `import {a as toString} from 'lib.js'; export {toString as q};`, files: withLib(nil), err: -1},
		{code: `export {'x y' as q} from 'lib.js';`, files: withLib(nil), err: -1},
		{code: `import {a} from 'lib.js'; export {a as q};`, files: withLib(nil), ram: 2.4, names: "scan kill hack"},
		{code: `import {__GLOBAL__} from 'lib.js'; __GLOBAL__();`, files: map[string]string{"lib.js": `export function __GLOBAL__() { hack() } grow();`}, ram: 1.85, names: "hack grow"},
	}
	c := newCalc(t)
	for _, tt := range tests {
		files := map[string]string{}
		for k, v := range tt.files {
			files[k] = v
		}
		files["main.js"] = tt.code
		res, err := c.ScriptRAM("main.js", files)
		if tt.err != 0 {
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.err {
				t.Errorf("%q: err %v, want code %d", tt.code, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.code, err)
			continue
		}
		var names []string
		for _, e := range res.Entries[1:] {
			names = append(names, e.Name)
		}
		if got := strings.Join(names, " "); res.RAM != tt.ram || got != tt.names {
			t.Errorf("%q: RAM %v charging %q, want %v charging %q", tt.code, res.RAM, got, tt.ram, tt.names)
		}
	}
}

// TestWasmExec: Go's wasm_exec.js costs 1 GB through this._inst.exports.run.
func TestWasmExec(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip("no go command:", err)
	}
	glue, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Skip(err)
	}
	res, err := newCalc(t).ScriptRAM("main.js", map[string]string{
		"main.js":      `import "wasm_exec.js"; export async function main(ns) {}`,
		"wasm_exec.js": string(glue),
	})
	if err != nil || res.RAM != 2.6 || len(res.Entries) != 2 || res.Entries[1].Name != "run" {
		t.Errorf("got %+v, %v; want 2.6 GB charging run", res, err)
	}
}

func TestErrors(t *testing.T) {
	c := newCalc(t)
	tests := []struct {
		main  string
		files map[string]string
		want  error
		msg   string
	}{
		{"main.js", map[string]string{"main.js": "x = (", "x.js": ""}, ErrSyntax, "main.js: unexpected EOF in expression (1:5)"},
		{"main.js", map[string]string{"main.js": "import 'x.js'", "x.js": "let x: number = 1"}, ErrSyntax, "x.js: unexpected : in let declaration (1:5)"},
		{"main.js", map[string]string{"main.js": "import 'nope'"}, ErrMissingImport, `No such file on server: "nope.js"`},
		{"main.js", map[string]string{"main.js": "import 'a b.js'"}, ErrMissingImport, `Invalid import path: "a b.js"`},
		{"main.js", map[string]string{"main.js": "x = " + strings.Repeat("(", 1100) + "1" + strings.Repeat(")", 1100)}, ErrParserLimit, ""},
		{"nope.js", map[string]string{"main.js": ""}, nil, `ramcalc: no script "nope.js" on the server`},
		{"main.script", map[string]string{"main.script": ""}, nil, `ramcalc: "main.script": only .js scripts are supported`},
	}
	for _, tt := range tests {
		_, err := c.ScriptRAM(tt.main, tt.files)
		if err == nil || tt.want != nil && !errors.Is(err, tt.want) || tt.msg != "" && err.Error() != tt.msg {
			t.Errorf("%s: err %v, want %v %q", tt.main, err, tt.want, tt.msg)
		}
		if errors.Is(err, ErrSyntax) && errors.Is(err, ErrMissingImport) {
			t.Errorf("%v matches both sentinels", err)
		}
	}
}
