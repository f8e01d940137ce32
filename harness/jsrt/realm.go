// Package jsrt runs the game's JavaScript in goja the way the game does:
// one shared realm per emulated game, ES module scripts loaded and shared
// by the game's rules, browser globals on a virtual clock, and a
// WebAssembly object backed by wazero.
//
// A Realm is single-threaded, like the page the game runs in: every method
// and every clock callback must run on the goroutine that drives the
// clock. goja drains the promise job queue whenever a Go→JS call returns
// to the top of the stack, so timer callbacks and the resolvers other
// layers call (ns.sleep and the like) advance awaiting chains by
// themselves; Settle is the hook for the end of each clock event.
package jsrt

import (
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/dop251/goja"
	"github.com/tetratelabs/wazero"
)

// Clock is the part of the virtual clock the realm needs. Times are in
// milliseconds; After must fire callbacks in time order, and in call order
// for equal times.
type Clock interface {
	Now() float64
	After(delayMs float64, fn func()) int64
	Cancel(id int64) bool
}

// Files gives a server's file text; it is read on every load, so a changed
// file is seen by the next launch.
type Files interface {
	Read(host, path string) (text string, ok bool)
}

// Level says which console method produced a line.
type Level uint8

const (
	// LevelLog is console.log, info and debug.
	LevelLog Level = iota
	// LevelWarn is console.warn.
	LevelWarn
	// LevelError is console.error, uncaught exceptions and unhandled
	// rejections (prefixed "Uncaught").
	LevelError
)

func (l Level) String() string {
	switch l {
	case LevelLog:
		return "log"
	case LevelWarn:
		return "warn"
	case LevelError:
		return "error"
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// Defaults for zero Config fields.
const (
	// DefaultEpochMs is Date.now() at virtual time 0: 2024-01-01T00:00:00Z.
	DefaultEpochMs = 1704067200000
	// DefaultMaxCallStackSize is close to V8's depth for small frames.
	DefaultMaxCallStackSize = 10000
)

// Config builds a Realm. Clock and Files are required.
type Config struct {
	Clock Clock
	Files Files
	// Seed drives Math.random and crypto.getRandomValues, so a run is
	// repeatable.
	Seed uint64
	// Epoch is the wall time Date sees at virtual time 0; zero means
	// DefaultEpochMs. Date's local-time methods still use the process
	// time zone: run with TZ=UTC.
	Epoch time.Time
	// Console receives console output; nil drops it.
	Console func(level Level, text string)
	// MaxCallStackSize bounds JS recursion; 0 means DefaultMaxCallStackSize.
	MaxCallStackSize int
	// WasmCache, if set, shares wazero compilation across realms. The
	// caller owns and closes it.
	WasmCache wazero.CompilationCache
}

func (c *Config) validate() error {
	if c.Clock == nil {
		return ErrNoClock
	}
	if c.Files == nil {
		return ErrNoFiles
	}
	if c.Epoch.IsZero() {
		c.Epoch = time.UnixMilli(DefaultEpochMs).UTC()
	}
	if c.MaxCallStackSize <= 0 {
		c.MaxCallStackSize = DefaultMaxCallStackSize
	}
	return nil
}

//go:embed prelude.js
var preludeSource string

// intrinsics are the prelude's pieces that Go calls back into.
type intrinsics struct {
	inspect         goja.Callable
	structuredClone goja.Callable
	runMain         goja.Callable
	makeMemory      goja.Callable
	bigInt          goja.Callable
	compileError    *goja.Object
	linkError       *goja.Object
	runtimeError    *goja.Object
	rangeError      *goja.Object
}

// Realm is one emulated game's JavaScript world: a goja runtime whose
// globalThis every script on every server shares.
type Realm struct {
	plain   plainProtos  // for the structured-clone fast path
	instSym *goja.Symbol // see instanceKey
	cfg     Config
	vm      *goja.Runtime
	js      intrinsics

	random *rand.Rand

	timers    map[int64]*timer
	lastTimer int64
	nesting   int

	rejected  []*goja.Promise
	unhandled map[*goja.Promise]bool
	drain     *goja.Program
	task      goja.Callable // InJS's frame

	transforms map[transformKey]*transformed
	modules    map[moduleKey]*module

	wasm      *wasmState
	trapAfter func(export string) bool // see TrapAfter
	// wasmTime is the wall time spent inside calls of WebAssembly exports
	// from JS, the JS imports they call back included; wasmCalls counts
	// the calls on the stack, so a nested call is not timed twice.
	wasmTime  time.Duration
	wasmCalls int
	wasmOuter int64 // outermost export calls so far

	fault  error
	closed bool
}

// New builds a realm with the browser globals installed.
func New(cfg Config) (*Realm, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &Realm{
		cfg:        cfg,
		vm:         goja.New(),
		random:     rand.New(rand.NewPCG(cfg.Seed, 0x6a737274_63727970)),
		timers:     map[int64]*timer{},
		unhandled:  map[*goja.Promise]bool{},
		transforms: map[transformKey]*transformed{},
		modules:    map[moduleKey]*module{},
	}
	mathRandom := rand.New(rand.NewPCG(cfg.Seed, 0x6a737274_6d617468))
	r.vm.SetRandSource(mathRandom.Float64)
	epoch := cfg.Epoch
	r.vm.SetTimeSource(func() time.Time {
		return epoch.Add(time.Duration(cfg.Clock.Now() * float64(time.Millisecond)))
	})
	r.vm.SetMaxCallStackSize(cfg.MaxCallStackSize)
	r.vm.SetPromiseRejectionTracker(r.trackRejection)
	drain, err := goja.Compile("jsrt/drain", "", true)
	if err != nil {
		return nil, err
	}
	r.drain = drain
	if err := r.installPrelude(); err != nil {
		return nil, fmt.Errorf("jsrt: prelude: %w", err)
	}
	return r, nil
}

func (r *Realm) installPrelude() error {
	prg, err := goja.Compile("jsrt/prelude.js", preludeSource, true)
	if err != nil {
		return err
	}
	fv, err := r.vm.RunProgram(prg)
	if err != nil {
		return err
	}
	fn, ok := goja.AssertFunction(fv)
	if !ok {
		return errors.New("prelude is not a function")
	}
	out, err := fn(goja.Undefined(), r.natives())
	if err != nil {
		return err
	}
	o := out.ToObject(r.vm)
	callable := func(name string) goja.Callable {
		f, ok := goja.AssertFunction(o.Get(name))
		if !ok {
			err = fmt.Errorf("prelude gives no function %q", name)
		}
		return f
	}
	r.js = intrinsics{
		inspect:         callable("inspect"),
		structuredClone: callable("structuredClone"),
		runMain:         callable("runMain"),
		makeMemory:      callable("makeMemory"),
		bigInt:          callable("BigInt"),
		compileError:    o.Get("CompileError").ToObject(r.vm),
		linkError:       o.Get("LinkError").ToObject(r.vm),
		runtimeError:    o.Get("RuntimeError").ToObject(r.vm),
		rangeError:      o.Get("RangeError").ToObject(r.vm),
	}
	return err
}

// natives are the Go functions the prelude builds the globals from.
func (r *Realm) natives() *goja.Object {
	n := r.vm.NewObject()
	set := func(name string, fn func(goja.FunctionCall) goja.Value) {
		if err := n.Set(name, fn); err != nil {
			panic(err)
		}
	}
	set("log", func(c goja.FunctionCall) goja.Value {
		r.console(Level(c.Argument(0).ToInteger()), c.Argument(1).String())
		return goja.Undefined()
	})
	set("uncaught", func(c goja.FunctionCall) goja.Value {
		r.reportUncaught("Uncaught ", c.Argument(0))
		return goja.Undefined()
	})
	set("now", func(goja.FunctionCall) goja.Value { return r.vm.ToValue(r.cfg.Clock.Now()) })
	if err := n.Set("timeOrigin", float64(r.cfg.Epoch.UnixMilli())); err != nil {
		panic(err)
	}
	r.timerNatives(set)
	r.encodingNatives(set)
	r.compressionNatives(set)
	r.wasmNatives(set)
	return n
}

// VM is the shared runtime, for the layer that builds each script's ns.
// Only call it from the clock's goroutine.
func (r *Realm) VM() *goja.Runtime { return r.vm }

// WasmTime is the wall time spent so far inside WebAssembly calls made
// from JS (the outermost call of a nesting timed once).
func (r *Realm) WasmTime() time.Duration { return r.wasmTime }

// WasmCalls is the number of outermost calls of WebAssembly exports from
// JS so far (a call an import makes from inside one is not counted).
func (r *Realm) WasmCalls() int64 { return r.wasmOuter }

// Err reports a fault that broke the realm: an uncatchable goja error
// (stack overflow) reached the top, and goja dropped every queued promise
// job with it, so awaiting scripts may never resume.
func (r *Realm) Err() error { return r.fault }

// Settle runs any queued promise jobs and reports unhandled rejections.
// Bind it to the clock's after-each hook; call it only there or elsewhere
// at the top of the stack, since a rejection may still be handled by the
// JS further up.
func (r *Realm) Settle() {
	if r.closed {
		return
	}
	if _, err := r.vm.RunProgram(r.drain); err != nil {
		r.noteFault(err)
	}
	r.reportRejections()
	if r.wasm != nil {
		r.wasm.closeDropped()
	}
}

// Close cancels pending timers and frees the wasm runtime. Scripts'
// memory views stay readable; nothing runs afterwards.
func (r *Realm) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	ids := make([]int64, 0, len(r.timers))
	for id := range r.timers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		r.cfg.Clock.Cancel(r.timers[id].clockID)
	}
	r.timers = map[int64]*timer{}
	return r.closeWasm()
}

// call runs fn from Go, noting faults that are not ordinary JS throws.
func (r *Realm) call(fn goja.Callable, this goja.Value, args ...goja.Value) (goja.Value, error) {
	v, err := fn(this, args...)
	if err != nil && !isThrow(err) {
		r.noteFault(err)
	}
	return v, err
}

func (r *Realm) noteFault(err error) {
	if r.fault != nil {
		return
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		err = fmt.Errorf("maximum call stack size (%d) exceeded:%w", r.cfg.MaxCallStackSize, err)
	}
	r.fault = err
	r.console(LevelError, "jsrt: realm fault, queued promise jobs were dropped: "+err.Error())
}

// isThrow reports whether err is an ordinary JS exception, not a fault.
func isThrow(err error) bool {
	var ex *goja.Exception
	return errors.As(err, &ex)
}

func (r *Realm) console(level Level, text string) {
	if r.cfg.Console != nil {
		r.cfg.Console(level, text)
	}
}

// describe renders a thrown or rejected value as the browser console would.
func (r *Realm) describe(v goja.Value) string {
	if v == nil {
		v = goja.Undefined()
	}
	s, err := r.js.inspect(goja.Undefined(), v)
	if err != nil {
		return v.String()
	}
	return s.String()
}

func (r *Realm) reportUncaught(prefix string, v goja.Value) {
	r.console(LevelError, prefix+r.describe(v))
}

// reportThrow reports the exception a task ended with; faults are
// reported by noteFault instead.
func (r *Realm) reportThrow(err error) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		r.reportUncaught("Uncaught ", ex.Value())
	}
}

func (r *Realm) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		r.rejected = append(r.rejected, p)
		r.unhandled[p] = true
	case goja.PromiseRejectionHandle:
		delete(r.unhandled, p)
	}
}

// reportRejections reports, at the end of a task, the rejections nothing
// handled, as the browser's unhandledrejection does.
func (r *Realm) reportRejections() {
	for len(r.rejected) > 0 {
		list := r.rejected
		r.rejected = nil
		for _, p := range list {
			if r.unhandled[p] {
				delete(r.unhandled, p)
				r.reportUncaught("Uncaught (in promise) ", p.Result())
			}
		}
	}
}

// JSError is a value a script threw or rejected with. Value is the value
// itself; the message is what the browser console would print.
type JSError struct {
	Value goja.Value
	text  string
}

func (e *JSError) Error() string { return e.text }

// throwError builds an error from one of the prelude's Error subclasses.
func (r *Realm) throwError(ctor *goja.Object, msg string) *goja.Object {
	obj, err := r.vm.New(ctor, r.vm.ToValue(msg))
	if err != nil {
		panic(err)
	}
	return obj
}
