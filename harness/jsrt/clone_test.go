package jsrt

import (
	"errors"
	"testing"

	"github.com/dop251/goja"
)

func TestRealm_structuredCloneJS(t *testing.T) {
	tests := []struct {
		name  string
		check string // JS body with v (the original) and c (the clone); returns true when right
	}{
		{"primitives", `return [1, "s", true, null, undefined, 2n, NaN, -0].every((x, i) => Object.is(structuredClone(x), x));`},
		{"plain object is a copy", `return c !== v && c.a === 1 && c.nested !== v.nested && c.nested.list[1] === "two";`},
		{"array keeps holes and length", `const a = [1, , 3]; a.extra = "x"; const b = structuredClone(a); return Array.isArray(b) && b.length === 3 && !(1 in b) && b.extra === "x";`},
		{"cycles and shared references survive", `const o = {}; o.self = o; o.p = [o, o]; const d = structuredClone(o); return d.self === d && d.p[0] === d && d.p[1] === d;`},
		{"prototype is dropped", `class K { constructor() { this.x = 1; } m() {} } const d = structuredClone(new K()); return Object.getPrototypeOf(d) === Object.prototype && d.x === 1 && d.m === undefined;`},
		{"getters are read, symbols keys skipped", `const d = structuredClone({get g() { return 5; }, [Symbol("s")]: 1}); return d.g === 5 && Object.getOwnPropertySymbols(d).length === 0;`},
		{"Map and Set", `const d = structuredClone({m: new Map([[{k: 1}, "v"]]), s: new Set([1, 2])}); const [k] = d.m.keys(); return d.m instanceof Map && k.k === 1 && d.s.has(2) && d.s.size === 2;`},
		{"Date and RegExp", `const d = structuredClone({d: new Date(5), r: /a+/gi}); return d.d instanceof Date && d.d.getTime() === 5 && d.r.source === "a+" && d.r.flags === "gi";`},
		{"typed arrays share a cloned buffer", `const buf = new ArrayBuffer(8); const o = {a: new Uint8Array(buf, 2, 3), b: new Int16Array(buf)}; o.a[0] = 9; const d = structuredClone(o); d.a[0] = 7; return d.a.buffer === d.b.buffer && d.a.byteOffset === 2 && d.a.length === 3 && o.a[0] === 9 && d.b instanceof Int16Array;`},
		{"errors", `const d = structuredClone(new RangeError("r")); return d instanceof RangeError && d.message === "r";`},
		{"boxed primitives", `const d = structuredClone(Object("s")); return typeof d === "object" && d.valueOf() === "s";`},
		{"function throws DataCloneError", `try { structuredClone({f() {}}); return false; } catch (e) { return e instanceof DOMException && e.name === "DataCloneError" && e.code === 25; }`},
		{"symbol throws DataCloneError", `try { structuredClone(Symbol("x")); return false; } catch (e) { return e.name === "DataCloneError"; }`},
		{"promise and weakmap throw", `for (const x of [Promise.resolve(), new WeakMap()]) { try { structuredClone(x); return false; } catch (e) { if (e.name !== "DataCloneError") return false; } } return true;`},
		{"transfer detaches the source", `const b = new Uint8Array([1, 2]).buffer; const d = structuredClone(b, {transfer: [b]}); return b.byteLength === 0 && new Uint8Array(d)[1] === 2;`},
	}
	env := newTestEnv(t, 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `(() => { const v = {a: 1, nested: {list: [1, "two"]}}; const c = structuredClone(v); ` + tt.check + ` })()`
			if !env.eval(t, src).ToBoolean() {
				t.Errorf("check failed: %s", tt.check)
			}
		})
	}
}

func TestRealm_StructuredClone(t *testing.T) {
	env := newTestEnv(t, 1)
	vm := env.r.VM()
	v := env.eval(t, `({n: 1, list: [1, 2]})`)
	c, err := env.r.StructuredClone(v)
	if err != nil {
		t.Fatal(err)
	}
	if c.(*goja.Object) == v.(*goja.Object) {
		t.Error("clone is the original object")
	}
	if got := c.ToObject(vm).Get("list").ToObject(vm).Get("1").ToInteger(); got != 2 {
		t.Errorf("list[1] = %d", got)
	}

	_, err = env.r.StructuredClone(env.eval(t, `({f: () => 1})`))
	if !errors.Is(err, ErrDataClone) {
		t.Fatalf("err = %v, want ErrDataClone", err)
	}
	var ex *goja.Exception
	if !errors.As(err, &ex) || ex.Value().ToObject(vm).Get("name").String() != "DataCloneError" {
		t.Errorf("err does not wrap the JS DataCloneError: %v", err)
	}
}
