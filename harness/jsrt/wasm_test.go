package jsrt

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/dop251/goja"
)

// Value types and opcodes used by the hand-assembled test modules.
const (
	wI32 = 0x7F
	wI64 = 0x7E
	wF64 = 0x7C

	opUnreachable = 0x00
	opCall        = 0x10
	opLocalGet    = 0x20
	opI32Load8U   = 0x2D
	opI32Store8   = 0x3A
	opMemorySize  = 0x3F
	opMemoryGrow  = 0x40
	opI64Add      = 0x7C
	opF64Mul      = 0xA2
	opEnd         = 0x0B
)

// wasmAsm assembles a module from its parts; functions are numbered
// imports first, as in the binary format.
type wasmAsm struct {
	types   [][]byte
	imports [][]byte
	funcs   []int
	codes   [][]byte
	exports [][]byte
	memory  []byte
	start   int
	nImport int
}

func leb(n uint32) []byte {
	var b []byte
	for {
		c := byte(n & 0x7F)
		n >>= 7
		if n != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func wname(s string) []byte { return append(leb(uint32(len(s))), s...) }

func wvec(items [][]byte) []byte {
	out := leb(uint32(len(items)))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

func (a *wasmAsm) typ(params, results []byte) int {
	t := append([]byte{0x60}, leb(uint32(len(params)))...)
	t = append(t, params...)
	t = append(t, leb(uint32(len(results)))...)
	t = append(t, results...)
	a.types = append(a.types, t)
	return len(a.types) - 1
}

func (a *wasmAsm) importFunc(mod, name string, typ int) int {
	b := append(wname(mod), wname(name)...)
	b = append(b, 0x00)
	b = append(b, leb(uint32(typ))...)
	a.imports = append(a.imports, b)
	a.nImport++
	return a.nImport - 1
}

// fn adds a function with no locals; exported under name unless empty.
func (a *wasmAsm) fn(name string, typ int, body ...byte) int {
	a.funcs = append(a.funcs, typ)
	code := append([]byte{0x00}, body...)
	code = append(code, opEnd)
	a.codes = append(a.codes, append(leb(uint32(len(code))), code...))
	idx := a.nImport + len(a.funcs) - 1
	if name != "" {
		a.exports = append(a.exports, append(append(wname(name), 0x00), leb(uint32(idx))...))
	}
	return idx
}

func (a *wasmAsm) mem(name string, min, max uint32) {
	a.memory = append(append([]byte{0x01}, leb(min)...), leb(max)...)
	a.exports = append(a.exports, append(append(wname(name), 0x02), 0x00))
}

func (a *wasmAsm) bytes() []byte {
	out := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}
	section := func(id byte, body []byte) {
		out = append(out, id)
		out = append(out, leb(uint32(len(body)))...)
		out = append(out, body...)
	}
	section(1, wvec(a.types))
	if len(a.imports) > 0 {
		section(2, wvec(a.imports))
	}
	fs := make([][]byte, len(a.funcs))
	for i, t := range a.funcs {
		fs[i] = leb(uint32(t))
	}
	section(3, wvec(fs))
	if a.memory != nil {
		section(5, wvec([][]byte{a.memory}))
	}
	section(7, wvec(a.exports))
	if a.start > 0 {
		section(8, leb(uint32(a.start-1)))
	}
	section(10, wvec(a.codes))
	return out
}

// kitchenModule imports env.log, env.add, env.throws and env.add64 and
// exports functions over each, plus memory (1 page, max 3).
func kitchenModule() []byte {
	var a wasmAsm
	tI := a.typ([]byte{wI32}, nil)
	tII_I := a.typ([]byte{wI32, wI32}, []byte{wI32})
	tV := a.typ(nil, nil)
	tI_I := a.typ([]byte{wI32}, []byte{wI32})
	tII := a.typ([]byte{wI32, wI32}, nil)
	t_I := a.typ(nil, []byte{wI32})
	tFF_F := a.typ([]byte{wF64, wF64}, []byte{wF64})
	tLL_L := a.typ([]byte{wI64, wI64}, []byte{wI64})

	log := a.importFunc("env", "log", tI)
	add := a.importFunc("env", "add", tII_I)
	throws := a.importFunc("env", "throws", tV)
	add64 := a.importFunc("env", "add64", tLL_L)

	a.fn("callAdd", tII_I, opLocalGet, 0, opLocalGet, 1, opCall, byte(add))
	a.fn("logIt", tI, opLocalGet, 0, opCall, byte(log))
	a.fn("store8", tII, opLocalGet, 0, opLocalGet, 1, opI32Store8, 0, 0)
	a.fn("load8", tI_I, opLocalGet, 0, opI32Load8U, 0, 0)
	a.fn("grow", tI_I, opLocalGet, 0, opMemoryGrow, 0)
	a.fn("size", t_I, opMemorySize, 0)
	a.fn("trap", tV, opUnreachable)
	a.fn("fmul", tFF_F, opLocalGet, 0, opLocalGet, 1, opF64Mul)
	a.fn("add64", tLL_L, opLocalGet, 0, opLocalGet, 1, opI64Add)
	a.fn("callThrows", tV, opCall, byte(throws))
	a.fn("callAdd64", tLL_L, opLocalGet, 0, opLocalGet, 1, opCall, byte(add64))
	a.mem("memory", 1, 3)
	return a.bytes()
}

// startModule calls env.ping from its start function.
func startModule() []byte {
	var a wasmAsm
	tV := a.typ(nil, nil)
	ping := a.importFunc("env", "ping", tV)
	a.start = a.fn("", tV, opCall, byte(ping)) + 1
	a.fn("noop", tV)
	return a.bytes()
}

// trapStartModule traps in its start function.
func trapStartModule() []byte {
	var a wasmAsm
	tV := a.typ(nil, nil)
	a.start = a.fn("", tV, opUnreachable) + 1
	return a.bytes()
}

// newWasmEnv makes a realm with the test modules as Uint8Arrays in
// kitchen, startBytes and trapStartBytes, and a kitchenImports(log) helper.
func newWasmEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t, 1)
	vm := env.r.VM()
	for name, b := range map[string][]byte{"kitchenBuf": kitchenModule(), "startBuf": startModule(), "trapStartBuf": trapStartModule()} {
		if err := vm.Set(name, vm.NewArrayBuffer(b)); err != nil {
			t.Fatal(err)
		}
	}
	env.eval(t, `
		globalThis.kitchen = new Uint8Array(kitchenBuf);
		globalThis.startBytes = new Uint8Array(startBuf);
		globalThis.trapStartBytes = new Uint8Array(trapStartBuf);
		globalThis.kitchenImports = (log) => ({env: {
			log: (x) => log.push(x),
			add: (a, b) => a * 10 + b,
			throws: () => { throw globalThis.thrown = new Error("from JS"); },
			add64: (a, b) => a * b,
		}});`)
	return env
}

// evalAsync runs an async function body and returns what it resolved to,
// or "rejected: <name>: <message>".
func (env *testEnv) evalAsync(t *testing.T, body string) string {
	t.Helper()
	p := env.eval(t, `(async () => { try { `+body+` } catch (e) { return "rejected: " + (e && e.name) + ": " + (e && e.message); } })()`).Export().(*goja.Promise)
	env.clock.run(env.clock.now)
	if p.State() != goja.PromiseStateFulfilled {
		t.Fatalf("promise %v: %v", p.State(), p.Result())
	}
	return p.Result().String()
}

func TestWebAssembly_instantiate(t *testing.T) {
	tests := []struct {
		name string
		body string // async function body; returns a string
		want string
	}{
		{"bytes give module and instance", `
			const log = [];
			const {module, instance} = await WebAssembly.instantiate(kitchen, kitchenImports(log));
			instance.exports.logIt(5);
			return [module instanceof WebAssembly.Module, instance instanceof WebAssembly.Instance,
				instance.exports.callAdd(2, 3), log.join(), Object.isFrozen(instance.exports),
				instance.exports.callAdd.length].join();`,
			"true,true,23,5,true,2"},
		{"module gives an instance", `
			const m = await WebAssembly.compile(kitchen);
			const i = await WebAssembly.instantiate(m, kitchenImports([]));
			return String(i instanceof WebAssembly.Instance) + i.exports.callAdd(1, 1);`,
			"true11"},
		{"sync constructors", `
			const i = new WebAssembly.Instance(new WebAssembly.Module(kitchen), kitchenImports([]));
			return String(i.exports.fmul(1.5, 2));`,
			"3"},
		{"i32 arguments wrap like ToInt32", `
			const {instance} = await WebAssembly.instantiate(kitchen, kitchenImports([]));
			return [instance.exports.callAdd(2 ** 32 + 1, 0), instance.exports.callAdd(-1, 0), instance.exports.callAdd(1.9, undefined)].join();`,
			"10,-10,10"},
		{"i64 is BigInt both ways", `
			const {instance} = await WebAssembly.instantiate(kitchen, kitchenImports([]));
			const e = instance.exports;
			let numberThrows = false;
			try { e.add64(1, 2); } catch (err) { numberThrows = err instanceof TypeError; }
			return [e.add64(2n ** 62n, 2n ** 62n), e.add64(-1n, 0n), e.callAdd64(6n, 7n), numberThrows].join();`,
			"-9223372036854775808,-1,42,true"},
		{"missing import function is a LinkError", `
			const imports = kitchenImports([]);
			delete imports.env.throws;
			await WebAssembly.instantiate(kitchen, imports);
			return "instantiated";`,
			`rejected: LinkError: WebAssembly.Instance(): Import #2 "env" "throws": function import requires a callable`},
		{"missing import module is a TypeError", `
			await WebAssembly.instantiate(kitchen, {});
			return "instantiated";`,
			`rejected: TypeError: WebAssembly.Instance(): Import #0 "env": module is not an object or function`},
		{"bad bytes are a CompileError", `
			const valid = WebAssembly.validate(new Uint8Array([0, 97, 115, 109]));
			try { await WebAssembly.compile(new Uint8Array([1, 2, 3])); } catch (e) { return valid + " " + e.name + " " + (e instanceof WebAssembly.CompileError); }`,
			"false CompileError true"},
		{"start function may call imports; modules share import names", `
			let pings = 0;
			await WebAssembly.instantiate(startBytes, {env: {ping: () => { pings++; }}});
			const k = await WebAssembly.instantiate(kitchen, kitchenImports([]));
			await WebAssembly.instantiate(startBytes, {env: {ping: () => { pings += 10; }}});
			return pings + " " + k.instance.exports.callAdd(1, 2);`,
			"11 12"},
		{"instances route imports to their own functions", `
			const m = await WebAssembly.compile(kitchen);
			const a = await WebAssembly.instantiate(m, {env: {...kitchenImports([]).env, add: (x, y) => x + y}});
			const b = await WebAssembly.instantiate(m, {env: {...kitchenImports([]).env, add: (x, y) => x * y}});
			new Uint8Array(a.exports.memory.buffer)[0] = 1;
			return [a.exports.callAdd(3, 4), b.exports.callAdd(3, 4), b.exports.load8(0)].join();`,
			"7,12,0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newWasmEnv(t)
			if got := env.evalAsync(t, tt.body); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWebAssembly_memory(t *testing.T) {
	env := newWasmEnv(t)
	got := env.evalAsync(t, `
		const {instance} = await WebAssembly.instantiate(kitchen, kitchenImports([]));
		const {memory, store8, load8, grow, size} = instance.exports;
		const out = [];
		out.push(memory instanceof WebAssembly.Memory, memory.buffer === memory.buffer, memory.buffer.byteLength);
		const u8 = new Uint8Array(memory.buffer);
		u8[10] = 42;                      // JS write, wasm read
		out.push(load8(10));
		store8(11, 7);                    // wasm write, JS read
		out.push(u8[11]);
		const old = memory.buffer;
		out.push(grow(1));                // growth inside wasm detaches old views
		out.push(old.byteLength, memory.buffer.byteLength, size());
		const u8b = new Uint8Array(memory.buffer);
		out.push(u8b[10], u8b[11]);       // contents survive growth
		u8b[65536 + 5] = 9;
		out.push(load8(65536 + 5));
		out.push(memory.grow(1), memory.buffer.byteLength / 65536, u8b.length);
		let rangeErr = false;
		try { memory.grow(1); } catch (e) { rangeErr = e instanceof RangeError; }
		out.push(rangeErr, grow(1));      // past the maximum: JS RangeError, wasm -1
		return out.join();`)
	if want := "true,true,65536,42,7,1,0,131072,2,42,7,9,2,3,0,true,-1"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestWebAssembly_failures(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"trap is a RuntimeError and breaks the instance", `
			const {instance} = await WebAssembly.instantiate(kitchen, kitchenImports([]));
			const out = [];
			new Uint8Array(instance.exports.memory.buffer)[3] = 33;
			try { instance.exports.trap(); } catch (e) { out.push(e instanceof WebAssembly.RuntimeError, e instanceof Error, e.message); }
			try { instance.exports.callAdd(1, 2); out.push("still callable"); } catch (e) { out.push(e.name); }
			out.push(new Uint8Array(instance.exports.memory.buffer)[3]);
			return out.join();`,
			"true,true,unreachable,RuntimeError,33"},
		{"an import's exception passes through and breaks the instance", `
			const {instance} = await WebAssembly.instantiate(kitchen, kitchenImports([]));
			const out = [];
			try { instance.exports.callThrows(); } catch (e) { out.push(e === globalThis.thrown); }
			try { instance.exports.logIt(1); } catch (e) { out.push(e.name, e.message.includes("from JS")); }
			return out.join();`,
			"true,RuntimeError,true"},
		{"other instances of the module still work", `
			const m = await WebAssembly.compile(kitchen);
			const a = await WebAssembly.instantiate(m, kitchenImports([]));
			const b = await WebAssembly.instantiate(m, kitchenImports([]));
			try { a.exports.trap(); } catch (e) {}
			return String(b.exports.callAdd(4, 2));`,
			"42"},
		{"a trap in the start function rejects instantiation", `
			await WebAssembly.instantiate(trapStartBytes);
			return "instantiated";`,
			"rejected: RuntimeError: unreachable"},
		{"a bad import result throws out of the call", `
			const {instance} = await WebAssembly.instantiate(kitchen, {env: {...kitchenImports([]).env, add64: () => 5}});
			try { instance.exports.callAdd64(1n, 1n); } catch (e) { return e.name; }`,
			"TypeError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newWasmEnv(t)
			if got := env.evalAsync(t, tt.body); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWebAssembly_compiledOncePerRealm(t *testing.T) {
	env := newWasmEnv(t)
	env.evalAsync(t, `
		await WebAssembly.compile(kitchen);
		new WebAssembly.Module(kitchen.slice());
		await WebAssembly.instantiate(kitchen, kitchenImports([]));
		return "";`)
	if n := len(env.r.wasm.modules); n != 1 {
		t.Errorf("%d compiled modules, want 1", n)
	}
	if got := env.evalJSON(t, `(() => { try { structuredClone(new WebAssembly.Module(kitchen)) instanceof WebAssembly.Module; return structuredClone(new WebAssembly.Module(kitchen)) instanceof WebAssembly.Module; } catch (e) { return e.name; } })()`); got != "true" {
		t.Errorf("structuredClone(Module) = %s", got)
	}
}

// wasiShim is the minimal WASI preview1 a Go reactor needs, written the way
// the in-game loader writes it (WASM_IN_GAME.md).
const wasiShim = `
globalThis.makeWasi = (getMemory, procExitThrows) => {
	const view = () => new DataView(getMemory().buffer);
	const out = {stdout: "", stderr: ""};
	const dec = new TextDecoder();
	const EBADF = 8;
	const wasi = {
		args_sizes_get: (a, b) => { view().setUint32(a, 0, true); view().setUint32(b, 0, true); return 0; },
		environ_sizes_get: (a, b) => { view().setUint32(a, 0, true); view().setUint32(b, 0, true); return 0; },
		args_get: () => 0,
		environ_get: () => 0,
		// Go's runtime dies if nanotime is 0, and virtual time starts at 0.
		clock_time_get: (id, precision, ptr) => {
			view().setBigUint64(ptr, BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)), true);
			return 0;
		},
		random_get: (ptr, len) => {
			for (let off = 0; off < len; off += 65536) {
				crypto.getRandomValues(new Uint8Array(getMemory().buffer, ptr + off, Math.min(65536, len - off)));
			}
			return 0;
		},
		fd_write: (fd, iovs, n, written) => {
			const v = view();
			let total = 0;
			for (let i = 0; i < n; i++) {
				const p = v.getUint32(iovs + i * 8, true), l = v.getUint32(iovs + i * 8 + 4, true);
				const s = dec.decode(new Uint8Array(getMemory().buffer, p, l));
				if (fd === 1) out.stdout += s; else out.stderr += s;
				total += l;
			}
			v.setUint32(written, total, true);
			return 0;
		},
		poll_oneoff: (inp, outp, n, count) => { view().setUint32(count, n, true); return 0; },
		sched_yield: () => 0,
		proc_exit: (code) => { if (procExitThrows) throw new Error("exit " + code); },
		fd_prestat_get: () => EBADF,
		fd_prestat_dir_name: () => EBADF,
		fd_fdstat_get: () => EBADF,
		fd_fdstat_set_flags: () => EBADF,
		fd_close: () => EBADF,
	};
	return {imports: {wasi_snapshot_preview1: wasi}, out};
};`

// TestWebAssembly_goReactor runs a real Go wasip1 reactor, the kind of
// module ramfarm ships, built from testdata/reactor.
func TestWebAssembly_goReactor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go wasm module")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	wasmPath := filepath.Join(t.TempDir(), "reactor.wasm")
	cmd := exec.Command(gobin, "build", "-buildmode=c-shared", "-o", wasmPath, "./testdata/reactor")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	wasmBytes, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, 1)
	vm := env.r.VM()
	if err := vm.Set("reactorBuf", vm.NewArrayBuffer(wasmBytes)); err != nil {
		t.Fatal(err)
	}
	env.eval(t, wasiShim)

	tests := []struct {
		name string
		body string
		want string
	}{
		{"shared memory and growth", `
			let inst;
			const w = makeWasi(() => inst.exports.memory, true);
			inst = (await WebAssembly.instantiate(new Uint8Array(reactorBuf), w.imports)).instance;
			const e = inst.exports;
			e._initialize();
			const before = e.memory.buffer;
			const p = e.buffer();
			new TextEncoder().encodeInto("hello, wasm", new Uint8Array(e.memory.buffer, p, 64));
			e.upper(5);
			const text = new TextDecoder().decode(new Uint8Array(e.memory.buffer, p, 11));
			const held = e.hold(32);
			const after = e.memory.buffer;
			return [text, held, before.byteLength === 0, after.byteLength >= 32 << 20].join();`,
			"HELLO, wasm,32,true,true"},
		{"a panic traps and the instance stays broken", `
			let inst;
			const w = makeWasi(() => inst.exports.memory, true);
			inst = (await WebAssembly.instantiate(new Uint8Array(reactorBuf), w.imports)).instance;
			inst.exports._initialize();
			const out = [];
			try { inst.exports.crash(); } catch (e) { out.push(e.name + ": " + e.message); }
			out.push(w.out.stderr.includes("panic: reactor crash"));
			try { inst.exports.upper(0); } catch (e) { out.push(e.name); }
			return out.join();`,
			"RuntimeError: unreachable,true,RuntimeError"},
		{"a throwing proc_exit passes its exception through", `
			let inst;
			const w = makeWasi(() => inst.exports.memory, true);
			inst = (await WebAssembly.instantiate(new Uint8Array(reactorBuf), w.imports)).instance;
			inst.exports._initialize();
			const out = [];
			try { inst.exports.exit(3); } catch (e) { out.push(e.message); }
			try { inst.exports.upper(0); } catch (e) { out.push(e.name); }
			return out.join();`,
			"exit 3,RuntimeError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := env.evalAsync(t, tt.body); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// An instance no script can reach any more is closed: its wazero module
// (and linear memory) does not outlive it.
func TestWasm_droppedInstanceIsClosed(t *testing.T) {
	env := newTestEnv(t, 1)
	env.eval(t, `globalThis.mod = new WebAssembly.Module(new Uint8Array([0,97,115,109,1,0,0,0,5,3,1,0,1,7,7,1,3,109,101,109,2,0]));
		for (let i = 0; i < 20; i++) new WebAssembly.Instance(globalThis.mod, {});
		globalThis.kept = new WebAssembly.Instance(globalThis.mod, {});`)
	w := env.r.wasm
	if n := len(w.instances); n != 21 {
		t.Fatalf("%d instances registered, want 21", n)
	}
	for i := 0; i < 10 && len(w.instances) > 1; i++ {
		runtime.GC()
		env.r.Settle()
	}
	if n := len(w.instances); n != 1 {
		t.Fatalf("%d instances left after the dropped ones were collected, want the 1 kept", n)
	}
	if got := env.eval(t, `kept.exports.mem.buffer.byteLength`).String(); got != "65536" {
		t.Errorf("the kept instance's memory: %s bytes", got)
	}
}

// TestRealm_TrapAfter: a call TrapAfter picks runs, then ends as a trap
// would (a RuntimeError, the instance broken, the import it made done);
// other calls, and other exports, are not touched.
func TestRealm_TrapAfter(t *testing.T) {
	env := newWasmEnv(t)
	var seen []string
	env.r.TrapAfter(func(export string) bool {
		seen = append(seen, export)
		return export == "logIt"
	})
	got := env.evalAsync(t, `
		const log = [];
		const {instance} = await WebAssembly.instantiate(kitchen, kitchenImports(log));
		const out = [instance.exports.callAdd(1, 2)];
		try { instance.exports.logIt(7); } catch (e) { out.push(e instanceof WebAssembly.RuntimeError, e.message); }
		try { instance.exports.callAdd(1, 2); } catch (e) { out.push(e.name); }
		return out.concat(log).join();`)
	if want := "12,true,unreachable (injected by the harness),RuntimeError,7"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if want := []string{"callAdd", "logIt"}; !slices.Equal(seen, want) {
		t.Errorf("asked about %q, want %q", seen, want)
	}
}
