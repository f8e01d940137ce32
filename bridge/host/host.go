// Package host drives the compiled core module from Go with wazero,
// exactly as the in-game loader (jsglue/lib/core.js) does from
// JavaScript: the same exports, the same WASI preview1 imports, the same
// JSON events and commands. Tests and benchmarks use it to measure and
// check the module the game runs, not a native stand-in.
package host

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"ramfarm/bridge"
)

// Runtime compiles the module once; Open instantiates it as often as
// needed, each instance with its own memory and engines.
type Runtime struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	clock    func() int64
	seed     uint64
	next     int
}

// Options configure a Runtime. The zero value is deterministic: a clock
// that reads 0 and a fixed random seed, like wazero's own defaults.
type Options struct {
	// Nanotime is read by clock_time_get (nanoseconds); nil is a fake
	// clock that advances 1µs per read. It must never return 0.
	Nanotime func() int64
	// Seed feeds random_get.
	Seed uint64
	// MemoryLimitPages caps each instance's memory (64 KiB pages); 0 is
	// wazero's default (4 GiB). A cap turns runaway allocation into a trap.
	MemoryLimitPages uint32
}

// New compiles the module.
func New(ctx context.Context, wasm []byte, opts Options) (*Runtime, error) {
	rc := wazero.NewRuntimeConfig()
	if opts.MemoryLimitPages > 0 {
		rc = rc.WithMemoryLimitPages(opts.MemoryLimitPages)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	r := &Runtime{rt: rt, clock: opts.Nanotime, seed: opts.Seed}
	if r.clock == nil {
		// A fake clock like wazero's default: it starts past zero (the Go
		// runtime aborts if the first reading is 0) and ticks on each read.
		var t int64 = 1e9
		r.clock = func() int64 { t += 1000; return t }
	}
	if err := r.instantiateWASI(ctx); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	c, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("host: compile core module: %w", err)
	}
	r.compiled = c
	return r, nil
}

// Close frees everything the runtime made.
func (r *Runtime) Close(ctx context.Context) error { return r.rt.Close(ctx) }

// Instance is one instance of the module.
type Instance struct {
	mod    api.Module
	mem    api.Memory
	fn     map[string]api.Function
	dead   bool
	Stderr []byte // what the Go runtime printed (panics)
}

// ErrTrapped is returned once the instance has trapped; open a new one.
var ErrTrapped = errors.New("host: core instance trapped")

// Open instantiates the module and runs its initializer.
func (r *Runtime) Open(ctx context.Context) (*Instance, error) {
	r.next++
	inst := &Instance{}
	cfg := wazero.NewModuleConfig().WithName("core-" + strconv.Itoa(r.next)).WithStartFunctions()
	mod, err := r.rt.InstantiateModule(withInstance(ctx, inst), r.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("host: instantiate: %w", err)
	}
	inst.mod, inst.mem = mod, mod.Memory()
	inst.fn = map[string]api.Function{}
	for _, name := range append([]string{"_initialize"}, bridge.Exports()...) {
		f := mod.ExportedFunction(name)
		if f == nil {
			return nil, fmt.Errorf("host: module lacks export %s", name)
		}
		inst.fn[name] = f
	}
	if _, err := inst.call(ctx, "_initialize"); err != nil {
		return nil, err
	}
	return inst, nil
}

func (in *Instance) call(ctx context.Context, name string, args ...uint64) (int32, error) {
	if in.dead {
		return 0, ErrTrapped
	}
	res, err := in.fn[name].Call(withInstance(ctx, in), args...)
	if err != nil {
		in.dead = true
		return 0, fmt.Errorf("%w in %s: %v\n%s", ErrTrapped, name, err, in.Stderr)
	}
	if len(res) == 0 {
		return 0, nil
	}
	return int32(uint32(res[0])), nil
}

func (in *Instance) input(ctx context.Context, b []byte) error {
	p, err := in.call(ctx, bridge.ExportBuf, uint64(len(b)))
	if err != nil {
		return err
	}
	if !in.mem.Write(uint32(p), b) {
		return errors.New("host: input buffer outside memory")
	}
	return nil
}

func (in *Instance) output(ctx context.Context, n int32) ([]byte, error) {
	p, err := in.call(ctx, bridge.ExportOut)
	if err != nil {
		return nil, err
	}
	b, ok := in.mem.Read(uint32(p), uint32(n))
	if !ok {
		return nil, errors.New("host: output outside memory")
	}
	return b, nil
}

// Engine is a service inside an instance.
type Engine struct {
	in *Instance
	h  int32
}

// Engine creates a service of role with its JSON config.
func (in *Instance) Engine(ctx context.Context, role string, config []byte) (*Engine, error) {
	if err := in.input(ctx, append([]byte(role), config...)); err != nil {
		return nil, err
	}
	h, err := in.call(ctx, bridge.ExportCreate, uint64(len(role)), uint64(len(config)))
	if err != nil {
		return nil, err
	}
	if h < 0 {
		msg, err := in.output(ctx, -h)
		if err != nil {
			return nil, err
		}
		return nil, errors.New(string(msg))
	}
	return &Engine{in: in, h: h}, nil
}

// Step applies a JSON array of events.
func (e *Engine) Step(ctx context.Context, events []byte) error {
	if err := e.in.input(ctx, events); err != nil {
		return err
	}
	r, err := e.in.call(ctx, bridge.ExportStep, uint64(uint32(e.h)), uint64(len(events)))
	if err != nil {
		return err
	}
	if r < 0 {
		msg, err := e.in.output(ctx, -r)
		if err != nil {
			return err
		}
		return errors.New(string(msg))
	}
	return nil
}

// Ready returns the pending commands as JSON. The slice is a view of the
// module's memory: valid until the next call into the instance.
func (e *Engine) Ready(ctx context.Context) ([]byte, error) {
	n, err := e.in.call(ctx, bridge.ExportReady, uint64(uint32(e.h)))
	if err != nil {
		return nil, err
	}
	if n < 0 {
		msg, err := e.in.output(ctx, -n)
		if err != nil {
			return nil, err
		}
		return nil, errors.New(string(msg))
	}
	return e.in.output(ctx, n)
}

// Advance acknowledges the last commands.
func (e *Engine) Advance(ctx context.Context) error {
	_, err := e.in.call(ctx, bridge.ExportAdvance, uint64(uint32(e.h)))
	return err
}

// Free destroys the service.
func (e *Engine) Free(ctx context.Context) error {
	_, err := e.in.call(ctx, bridge.ExportDestroy, uint64(uint32(e.h)))
	return err
}
