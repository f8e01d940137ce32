package jsrt

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/dop251/goja"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// wasmState is the realm's wazero side: one runtime, compiled modules by
// content hash, and live instances by the name wazero knows them by.
//
// Instances are held weakly: a script that ends drops its exports object,
// the Go side of the instance becomes garbage, and its wazero module (with
// its linear memory, megabytes for a Go module) is closed at the next
// Settle. A long run that starts hundreds of scripts, each with its own
// instance, would otherwise keep every instance's memory for good.
type wasmState struct {
	rt        wazero.Runtime
	modules   map[[sha256.Size]byte]*wasmModule
	instances map[string]weak.Pointer[wasmInstance]
	seq       int

	mu      sync.Mutex // guards dropped: cleanups run on the runtime's goroutine
	dropped []*wasmHandle
	// cleanups are the instances' registered cleanups, stopped when the
	// realm closes: a cleanup holds its state and handle, which reach the
	// realm, so one never run would keep a closed game's realm, runtime
	// and every instance's memory (tens of MB a game) for good.
	cleanups map[string]runtime.Cleanup
}

// wasmHandle is what an instance's cleanup needs: the module to close and
// its name, without a reference back to the instance.
type wasmHandle struct {
	name string
	mod  api.Module
}

// wasmModule is a compiled module and, once first instantiated, the host
// modules that stand in for its JS imports.
type wasmModule struct {
	compiled   wazero.CompiledModule
	imports    []wasmImport
	memImports int
	hosts      map[string]api.Module
}

type wasmImport struct {
	module, name    string
	params, results []api.ValueType
	// first is the index of the first import with this module and name;
	// duplicates share its host function.
	first int
}

// wasmInstance is one instantiation. It is broken after a trap or a throw
// out of wasm: Go's runtime state is undefined then, so it only fails.
type wasmInstance struct {
	handle *wasmHandle
	name   string
	module *wasmModule
	mod    api.Module
	fns    []goja.Callable
	mems   []*wasmMemory
	depth  int
	broken string
}

// wasmMemory is an exported memory and the ArrayBuffer currently over it.
type wasmMemory struct {
	mem   api.Memory
	obj   goja.Value
	buf   goja.ArrayBuffer
	size  uint32
	valid bool
}

// jsThrow carries a JS exception out of a host function through wazero,
// which recovers the panic and wraps it.
type jsThrow struct{ err error }

func (t *jsThrow) Error() string { return "jsrt: JS import threw: " + t.err.Error() }

func (r *Realm) wasmNatives(set func(string, func(goja.FunctionCall) goja.Value)) {
	set("wasmCompile", func(c goja.FunctionCall) goja.Value {
		m, err := r.compileWasm(r.viewBytes(c.Argument(0)))
		if err != nil {
			panic(r.throwError(r.js.compileError, "WebAssembly.Module(): "+err.Error()))
		}
		return r.vm.ToValue(m)
	})
	set("wasmValidate", func(c goja.FunctionCall) goja.Value {
		_, err := r.compileWasm(r.viewBytes(c.Argument(0)))
		return r.vm.ToValue(err == nil)
	})
	set("wasmInstantiate", func(c goja.FunctionCall) goja.Value {
		return r.instantiate(c.Argument(0).Export().(*wasmModule), c.Argument(1))
	})
	set("memoryBuffer", func(c goja.FunctionCall) goja.Value {
		return r.memoryBuffer(c.Argument(0).Export().(*wasmMemory))
	})
	set("memoryGrow", func(c goja.FunctionCall) goja.Value {
		return r.memoryGrow(c.Argument(0).Export().(*wasmMemory), c.Argument(1))
	})
}

// wasmRuntime makes the realm's wazero runtime on first use. No WASI is
// instantiated and no wall clock or entropy is configured: the module gets
// time and randomness only through its JS imports.
func (r *Realm) wasmRuntime() *wasmState {
	if r.wasm == nil {
		cfg := wazero.NewRuntimeConfig()
		if r.cfg.WasmCache != nil {
			cfg = cfg.WithCompilationCache(r.cfg.WasmCache)
		}
		r.wasm = &wasmState{
			rt:        wazero.NewRuntimeWithConfig(context.Background(), cfg),
			modules:   map[[sha256.Size]byte]*wasmModule{},
			instances: map[string]weak.Pointer[wasmInstance]{},
		}
	}
	return r.wasm
}

func (r *Realm) closeWasm() error {
	if r.wasm == nil {
		return nil
	}
	w := r.wasm
	for _, c := range w.cleanups {
		c.Stop()
	}
	err := w.rt.Close(context.Background())
	w.cleanups, w.instances, w.modules, w.dropped = nil, nil, nil, nil
	r.wasm = nil
	return err
}

// compileWasm compiles bytes once per realm, keyed by their hash.
func (r *Realm) compileWasm(b []byte) (*wasmModule, error) {
	if r.closed {
		return nil, ErrClosed
	}
	w := r.wasmRuntime()
	sum := sha256.Sum256(b)
	if m, ok := w.modules[sum]; ok {
		return m, nil
	}
	// wazero may keep the slice; the JS buffer may change after this call.
	cm, err := w.rt.CompileModule(context.Background(), append([]byte(nil), b...))
	if err != nil {
		return nil, err
	}
	m := &wasmModule{compiled: cm, memImports: len(cm.ImportedMemories())}
	seen := map[[2]string]int{}
	for i, def := range cm.ImportedFunctions() {
		mod, name, _ := def.Import()
		imp := wasmImport{module: mod, name: name, params: def.ParamTypes(), results: def.ResultTypes(), first: i}
		if j, ok := seen[[2]string{mod, name}]; ok {
			if !sameTypes(m.imports[j].params, imp.params) || !sameTypes(m.imports[j].results, imp.results) {
				return nil, fmt.Errorf("import %q %q appears twice with different signatures (not supported)", mod, name)
			}
			imp.first = j
		} else {
			seen[[2]string{mod, name}] = i
		}
		m.imports = append(m.imports, imp)
	}
	w.modules[sum] = m
	return m, nil
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hostModules builds, once per compiled module, an anonymous host module
// per import module name whose functions route each call to the JS
// function of the calling instance.
func (r *Realm) hostModules(m *wasmModule) (map[string]api.Module, error) {
	if m.hosts != nil {
		return m.hosts, nil
	}
	w := r.wasm
	ctx := context.Background()
	builders := map[string]wazero.HostModuleBuilder{}
	var order []string
	for i, imp := range m.imports {
		if imp.first != i {
			continue
		}
		b, ok := builders[imp.module]
		if !ok {
			b = w.rt.NewHostModuleBuilder(imp.module)
			builders[imp.module] = b
			order = append(order, imp.module)
		}
		idx := i
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, caller api.Module, stack []uint64) {
				r.callImport(caller, idx, stack)
			}), imp.params, imp.results).
			Export(imp.name)
	}
	hosts := map[string]api.Module{}
	for _, name := range order {
		compiled, err := builders[name].Compile(ctx)
		if err != nil {
			return nil, err
		}
		inst, err := w.rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
		if err != nil {
			return nil, err
		}
		hosts[name] = inst
	}
	m.hosts = hosts
	return hosts, nil
}

// instantiate links the JS imports like the browser (every import must be
// a function when instantiating, whether called or not) and builds the
// exports object.
func (r *Realm) instantiate(m *wasmModule, importObject goja.Value) goja.Value {
	if r.closed {
		panic(r.vm.NewTypeError(ErrClosed.Error()))
	}
	if m.memImports > 0 {
		panic(r.throwError(r.js.linkError, "WebAssembly.Instance(): jsrt does not support memory imports"))
	}
	fns := make([]goja.Callable, len(m.imports))
	for i, imp := range m.imports {
		if importObject == nil || goja.IsUndefined(importObject) {
			panic(r.vm.NewTypeError("WebAssembly.Instance(): Imports argument must be present and must be an object"))
		}
		modv := importObject.ToObject(r.vm).Get(imp.module)
		modObj, ok := modv.(*goja.Object)
		if !ok {
			panic(r.vm.NewTypeError(fmt.Sprintf("WebAssembly.Instance(): Import #%d %q: module is not an object or function", i, imp.module)))
		}
		fn, ok := goja.AssertFunction(modObj.Get(imp.name))
		if !ok {
			panic(r.throwError(r.js.linkError, fmt.Sprintf("WebAssembly.Instance(): Import #%d %q %q: function import requires a callable", i, imp.module, imp.name)))
		}
		fns[i] = fn
	}
	hosts, err := r.hostModules(m)
	if err != nil {
		panic(r.throwError(r.js.linkError, "WebAssembly.Instance(): "+err.Error()))
	}
	w := r.wasm
	w.seq++
	inst := &wasmInstance{name: fmt.Sprintf("jsrt.wasm.%d", w.seq), module: m, fns: fns}
	inst.handle = &wasmHandle{name: inst.name}
	if w.cleanups == nil {
		w.cleanups = map[string]runtime.Cleanup{}
	}
	w.cleanups[inst.name] = runtime.AddCleanup(inst, func(h *wasmHandle) {
		w.mu.Lock()
		w.dropped = append(w.dropped, h)
		w.mu.Unlock()
	}, inst.handle)
	// Registered first: the start function may already call imports.
	w.instances[inst.name] = weak.Make(inst)
	ctx := experimental.WithImportResolver(context.Background(), func(name string) api.Module { return hosts[name] })
	inst.depth++
	mod, err := w.rt.InstantiateModule(ctx, m.compiled, wazero.NewModuleConfig().WithName(inst.name).WithStartFunctions())
	inst.depth--
	if err != nil {
		delete(w.instances, inst.name)
		var jt *jsThrow
		if errors.As(err, &jt) {
			panic(jt.err)
		}
		if strings.Contains(err.Error(), "wasm error:") {
			panic(r.throwError(r.js.runtimeError, trapMessage(err)))
		}
		panic(r.throwError(r.js.linkError, "WebAssembly.Instance(): "+err.Error()))
	}
	inst.mod = mod
	inst.handle.mod = mod
	return r.exportsObject(inst)
}

func (r *Realm) exportsObject(inst *wasmInstance) goja.Value {
	cm := inst.module.compiled
	fdefs := cm.ExportedFunctions()
	mdefs := cm.ExportedMemories()
	names := make([]string, 0, len(fdefs)+len(mdefs))
	for n := range fdefs {
		names = append(names, n)
	}
	for n := range mdefs {
		names = append(names, n)
	}
	// wazero does not keep export order; sorted names keep it stable.
	sort.Strings(names)
	exports := r.vm.NewObject()
	if err := exports.SetPrototype(nil); err != nil {
		panic(err)
	}
	// The exports object keeps its instance alive (instances are held
	// weakly), through a property no script sees. Memory objects must not:
	// the prelude's WeakMap would then never let them, or it, go.
	if err := exports.DefineDataPropertySymbol(r.instanceKey(), r.vm.ToValue(inst), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
		panic(err)
	}
	for _, n := range names {
		var v goja.Value
		if def, ok := fdefs[n]; ok {
			v = r.exportFunc(inst, n, inst.mod.ExportedFunction(n), def)
		} else {
			v = r.exportMemory(inst, inst.mod.ExportedMemory(n))
		}
		if err := exports.Set(n, v); err != nil {
			panic(err)
		}
	}
	return exports
}

func (r *Realm) exportMemory(inst *wasmInstance, mem api.Memory) goja.Value {
	for _, m := range inst.mems {
		if m.mem == mem {
			return m.obj
		}
	}
	m := &wasmMemory{mem: mem}
	obj, err := r.js.makeMemory(goja.Undefined(), r.vm.ToValue(m))
	if err != nil {
		panic(err)
	}
	m.obj = obj
	inst.mems = append(inst.mems, m)
	return obj
}

func (r *Realm) exportFunc(inst *wasmInstance, name string, fn api.Function, def api.FunctionDefinition) goja.Value {
	params, results := def.ParamTypes(), def.ResultTypes()
	f := r.vm.ToValue(func(c goja.FunctionCall) goja.Value {
		if inst.broken != "" {
			panic(r.throwError(r.js.runtimeError, "instance is unusable after an earlier failure: "+inst.broken))
		}
		stack := make([]uint64, max(len(params), len(results)))
		for i, t := range params {
			stack[i] = r.toWasm(c.Argument(i), t)
		}
		inst.depth++
		outer := r.wasmCalls == 0
		var began time.Time
		if outer {
			began = time.Now()
			r.wasmOuter++
		}
		r.wasmCalls++
		err := fn.CallWithStack(context.Background(), stack)
		r.wasmCalls--
		if outer {
			r.wasmTime += time.Since(began)
		}
		inst.depth--
		inst.refreshMemories()
		if err == nil && r.trapAfter != nil && r.trapAfter(name) {
			err = errTrapInjected
		}
		if err != nil {
			r.wasmFailed(inst, err)
		}
		if inst.broken != "" {
			r.closeIfIdle(inst)
		}
		switch len(results) {
		case 0:
			return goja.Undefined()
		case 1:
			return r.fromWasm(stack[0], results[0])
		}
		vals := make([]any, len(results))
		for i, t := range results {
			vals[i] = r.fromWasm(stack[i], t)
		}
		return r.vm.NewArray(vals...)
	}).(*goja.Object)
	// As in the browser: name is the function index, length the arity.
	_ = f.DefineDataProperty("name", r.vm.ToValue(fmt.Sprint(def.Index())), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = f.DefineDataProperty("length", r.vm.ToValue(len(params)), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	return f
}

// errTrapInjected is the trap TrapAfter makes a call end in.
var errTrapInjected = errors.New("wasm error: unreachable (injected by the harness)")

// TrapAfter makes every call of an exported wasm function for which
// trap(export name) says true end as if it trapped as it returned: the
// call ran, its results are lost, the instance is broken and the caller
// gets a WebAssembly.RuntimeError, as after a real trap. nil (the
// default) traps nothing. It is for tests of a script's trap path: the
// module itself has no way to trap on demand.
func (r *Realm) TrapAfter(trap func(export string) bool) { r.trapAfter = trap }

// wasmFailed turns a failed call into the JS throw and breaks the
// instance: a JS exception from an import is rethrown as is, a trap
// becomes a WebAssembly.RuntimeError.
func (r *Realm) wasmFailed(inst *wasmInstance, err error) {
	var jt *jsThrow
	if errors.As(err, &jt) {
		if inst.broken == "" {
			inst.broken = "an import threw: " + jt.err.Error()
		}
		r.closeIfIdle(inst)
		panic(jt.err)
	}
	msg := trapMessage(err)
	if inst.broken == "" {
		inst.broken = msg
	}
	r.closeIfIdle(inst)
	panic(r.throwError(r.js.runtimeError, msg))
}

// closeIfIdle frees a broken instance's wazero module once no call of it
// is on the stack. Its memory stays readable through existing buffers.
func (r *Realm) closeIfIdle(inst *wasmInstance) {
	if inst.depth > 0 || inst.mod == nil || r.wasm == nil {
		return
	}
	delete(r.wasm.instances, inst.name)
	_ = inst.mod.Close(context.Background())
	inst.mod = nil
	inst.handle.mod = nil
}

// closeDropped closes the modules of instances no script can reach any
// more. It runs on the realm's goroutine, between clock events.
func (w *wasmState) closeDropped() {
	w.mu.Lock()
	dropped := w.dropped
	w.dropped = nil
	w.mu.Unlock()
	for _, h := range dropped {
		delete(w.instances, h.name)
		delete(w.cleanups, h.name)
		if h.mod != nil {
			_ = h.mod.Close(context.Background())
		}
	}
}

// trapMessage is the trap's name from a wazero error, like V8's
// "RuntimeError: unreachable"; the wasm stack trace is dropped.
func trapMessage(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, "wasm error: "); i >= 0 {
		msg = msg[i+len("wasm error: "):]
	}
	return msg
}

// callImport runs the JS function behind one import for the instance that
// called it.
func (r *Realm) callImport(caller api.Module, idx int, stack []uint64) {
	inst := r.wasm.instances[caller.Name()].Value()
	if inst == nil {
		panic(fmt.Errorf("jsrt: import called from unknown instance %q", caller.Name()))
	}
	imp := inst.module.imports[idx]
	inst.refreshMemories()
	args := make([]goja.Value, len(imp.params))
	for i, t := range imp.params {
		args[i] = r.fromWasm(stack[i], t)
	}
	ret, err := inst.fns[idx](goja.Undefined(), args...)
	if err != nil {
		panic(&jsThrow{err})
	}
	if ex := r.vm.Try(func() { r.storeResults(ret, imp.results, stack) }); ex != nil {
		panic(&jsThrow{ex})
	}
}

func (r *Realm) storeResults(ret goja.Value, types []api.ValueType, stack []uint64) {
	switch len(types) {
	case 0:
		return
	case 1:
		stack[0] = r.toWasm(ret, types[0])
		return
	}
	var vals []goja.Value
	r.vm.ForOf(ret, func(v goja.Value) bool {
		vals = append(vals, v)
		return true
	})
	if len(vals) != len(types) {
		panic(r.vm.NewTypeError(fmt.Sprintf("multi-return length mismatch: want %d values, got %d", len(types), len(vals))))
	}
	for i, t := range types {
		stack[i] = r.toWasm(vals[i], t)
	}
}

// toWasm is the JS API's ToWebAssemblyValue for the number types.
func (r *Realm) toWasm(v goja.Value, t api.ValueType) uint64 {
	switch t {
	case api.ValueTypeI32:
		return uint64(uint32(toInt32(r.toNumber(v))))
	case api.ValueTypeF32:
		return uint64(math.Float32bits(float32(r.toNumber(v))))
	case api.ValueTypeF64:
		return math.Float64bits(r.toNumber(v))
	case api.ValueTypeI64:
		return r.toBigInt64(v)
	}
	panic(r.vm.NewTypeError("jsrt: wasm value type " + api.ValueTypeName(t) + " is not supported"))
}

func (r *Realm) fromWasm(x uint64, t api.ValueType) goja.Value {
	switch t {
	case api.ValueTypeI32:
		return r.vm.ToValue(int32(uint32(x)))
	case api.ValueTypeF32:
		return r.vm.ToValue(float64(math.Float32frombits(uint32(x))))
	case api.ValueTypeF64:
		return r.vm.ToValue(math.Float64frombits(x))
	case api.ValueTypeI64:
		return r.vm.ToValue(big.NewInt(int64(x)))
	}
	return goja.Undefined()
}

func isBigInt(v goja.Value) bool {
	_, ok := v.Export().(*big.Int)
	return ok
}

// toNumber is ToNumber, which throws for a BigInt where goja would convert.
func (r *Realm) toNumber(v goja.Value) float64 {
	if isBigInt(v) {
		panic(r.vm.NewTypeError("Cannot convert a BigInt value to a number"))
	}
	return v.ToNumber().ToFloat()
}

// toBigInt64 is ToBigInt64: a Number throws, as in the browser.
func (r *Realm) toBigInt64(v goja.Value) uint64 {
	if !isBigInt(v) {
		if _, isObj := v.(*goja.Object); !isObj {
			if e := v.Export(); e != nil {
				switch e.(type) {
				case int64, float64:
					panic(r.vm.NewTypeError(fmt.Sprintf("Cannot convert %s to a BigInt", v.String())))
				}
			}
		}
		conv, err := r.js.bigInt(goja.Undefined(), v)
		if err != nil {
			panic(err)
		}
		v = conv
	}
	x := v.Export().(*big.Int)
	return new(big.Int).And(x, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
}

// refreshMemories detaches the buffers of memories that grew, as the
// browser does when memory.grow runs, so no view reads stale bytes.
func (inst *wasmInstance) refreshMemories() {
	for _, m := range inst.mems {
		if m.valid && m.mem.Size() != m.size {
			m.buf.Detach()
			m.valid = false
		}
	}
}

func (r *Realm) memoryBuffer(m *wasmMemory) goja.Value {
	size := m.mem.Size()
	if !m.valid || size != m.size {
		if m.valid {
			m.buf.Detach()
		}
		data, _ := m.mem.Read(0, size)
		// NewArrayBuffer keeps the slice: JS views and wasm share bytes.
		m.buf = r.vm.NewArrayBuffer(data)
		m.size = size
		m.valid = true
	}
	return r.vm.ToValue(m.buf)
}

func (r *Realm) memoryGrow(m *wasmMemory, delta goja.Value) goja.Value {
	d := r.toNumber(delta)
	if math.IsNaN(d) || d < 0 || d > math.MaxUint32 {
		panic(r.vm.NewTypeError("WebAssembly.Memory.grow(): Argument 0 must be non-negative"))
	}
	prev, ok := m.mem.Grow(uint32(d))
	if !ok {
		panic(r.throwError(r.js.rangeError, "WebAssembly.Memory.grow(): Maximum memory size exceeded"))
	}
	// Growing, even by zero pages, detaches the old buffer.
	if m.valid {
		m.buf.Detach()
		m.valid = false
	}
	return r.vm.ToValue(prev)
}

// instanceKey is the symbol under which an exports object holds its
// instance.
func (r *Realm) instanceKey() *goja.Symbol {
	if r.instSym == nil {
		r.instSym = goja.NewSymbol("jsrt.instance")
	}
	return r.instSym
}
