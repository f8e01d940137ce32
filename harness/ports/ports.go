// Package ports is the harness's model of netscript ports, with the rules
// of Bitburner 2.6.1 (NetscriptPort.ts): global FIFO queues created on
// first use, a fixed capacity, writes that evict the oldest item, values
// copied on the way in and on peek, and nextWrite waiters resolved by the
// next successful write. Values are opaque: the JS layer stores goja values
// and supplies structuredClone; Go tests store plain Go values.
package ports

import (
	"fmt"

	"ramfarm/harness/world/jsval"
)

// NullPortData is what read and peek return for an empty port. It is a
// plain string in the game too, so a script cannot tell it from a written
// "NULL PORT DATA".
const NullPortData = "NULL PORT DATA"

// DefaultCapacity is the game's Settings.MaxPortCapacity default.
const DefaultCapacity = 50

// MaxPort is the largest port number (CONSTANTS.NumNetscriptPorts, 2^53-1).
const MaxPort int64 = 1<<53 - 1

// Config configures a Registry.
type Config struct {
	// Capacity is the number of items a port holds (Settings.MaxPortCapacity);
	// 0 means DefaultCapacity.
	Capacity int
	// Clone copies a value as it enters a port and on peek. The game copies
	// objects with structuredClone and stores primitives as they are, so
	// Clone must return primitives unchanged; an error (DataCloneError for a
	// function) makes the write fail with nothing changed. Required.
	Clone func(v any) (any, error)
	// Wrote, if set, is told of every item a write put in a port (the
	// stored copy), after the port's waiter was resolved.
	Wrote func(n int64, v any)
}

// Registry holds every port of one game. Ports are global to the game (all
// scripts and servers share them), so a scenario has exactly one.
type Registry struct {
	capacity int
	clone    func(any) (any, error)
	wrote    func(int64, any)
	ports    map[int64]*port
}

// port exists while it holds data or has a pending waiter, as the game
// deletes its Port object otherwise; Exists exposes that for tests.
type port struct {
	data   []any
	waiter *Waiter
}

// Waiter is one pending nextWrite: every caller that asks before the next
// successful write gets the same Waiter, as the game hands them one shared
// promise. The JS layer maps a Waiter to that promise.
type Waiter struct {
	resolved bool
	fns      []func()
}

// Then registers fn to run, synchronously, when the waiter resolves; on a
// resolved waiter it runs fn at once.
func (w *Waiter) Then(fn func()) {
	if w.resolved {
		fn()
		return
	}
	w.fns = append(w.fns, fn)
}

// Resolved reports whether the write it waited for has happened.
func (w *Waiter) Resolved() bool { return w.resolved }

// New validates cfg and returns an empty registry.
func New(cfg Config) (*Registry, error) {
	if cfg.Clone == nil {
		return nil, ErrNoClone
	}
	if cfg.Capacity < 0 {
		return nil, ErrCapacity
	}
	if cfg.Capacity == 0 {
		cfg.Capacity = DefaultCapacity
	}
	return &Registry{capacity: cfg.Capacity, clone: cfg.Clone, wrote: cfg.Wrote, ports: make(map[int64]*port)}, nil
}

// Capacity returns the number of items a port holds.
func (r *Registry) Capacity() int { return r.capacity }

// Write appends a copy of v to port n, resolves its waiter, and returns the
// oldest item if the port went over capacity (nil otherwise, which a
// script cannot tell from an evicted null: the game returns null for both).
// A Clone error is returned with nothing changed.
func (r *Registry) Write(n int64, v any) (dropped any, err error) {
	checkPort(n)
	c, err := r.clone(v)
	if err != nil {
		return nil, err
	}
	p := r.get(n)
	p.data = append(p.data, c)
	if len(p.data) > r.capacity {
		dropped = p.data[0]
		p.data[0] = nil
		p.data = p.data[1:]
	}
	r.resolve(p)
	if r.wrote != nil {
		r.wrote(n, c)
	}
	return dropped, nil
}

// TryWrite appends a copy of v to port n and resolves its waiter, unless
// the port is full: then it returns false and changes nothing (the value
// is not even copied).
func (r *Registry) TryWrite(n int64, v any) (bool, error) {
	checkPort(n)
	if r.Full(n) {
		return false, nil
	}
	c, err := r.clone(v)
	if err != nil {
		return false, err
	}
	p := r.get(n)
	p.data = append(p.data, c)
	r.resolve(p)
	if r.wrote != nil {
		r.wrote(n, c)
	}
	return true, nil
}

// Read removes and returns the oldest item of port n (the stored copy), or
// NullPortData when it is empty.
func (r *Registry) Read(n int64) any {
	checkPort(n)
	p := r.ports[n]
	if p == nil || len(p.data) == 0 {
		return NullPortData
	}
	v := p.data[0]
	p.data[0] = nil
	p.data = p.data[1:]
	r.dropIfIdle(n, p)
	return v
}

// Peek returns a fresh copy of the oldest item of port n without removing
// it, or NullPortData when it is empty. The item was cloned once on its
// way in, so a Clone error here means a broken Clone and panics.
func (r *Registry) Peek(n int64) any {
	checkPort(n)
	p := r.ports[n]
	if p == nil || len(p.data) == 0 {
		return NullPortData
	}
	c, err := r.clone(p.data[0])
	if err != nil {
		panic(fmt.Sprintf("ports: cloning a stored value failed: %v", err))
	}
	return c
}

// Clear empties port n. A pending waiter stays pending.
func (r *Registry) Clear(n int64) {
	checkPort(n)
	if p := r.ports[n]; p != nil {
		p.data = nil
		r.dropIfIdle(n, p)
	}
}

// Full reports whether port n holds at least Capacity items.
func (r *Registry) Full(n int64) bool { return r.Len(n) >= r.capacity }

// Empty reports whether port n holds nothing (true for a port never used).
func (r *Registry) Empty(n int64) bool { return r.Len(n) == 0 }

// Len returns the number of items in port n.
func (r *Registry) Len(n int64) int {
	checkPort(n)
	if p := r.ports[n]; p != nil {
		return len(p.data)
	}
	return 0
}

// NextWrite returns the waiter for the next successful Write or TryWrite
// to port n, creating the port if needed; callers before that write share
// one Waiter. A Then callback that calls NextWrite gets a new Waiter, for
// the write after.
func (r *Registry) NextWrite(n int64) *Waiter {
	checkPort(n)
	p := r.get(n)
	if p.waiter == nil {
		p.waiter = &Waiter{}
	}
	return p.waiter
}

// Exists reports whether the game would hold a Port object for n: it has
// data or a pending waiter. It is for tests; scripts cannot observe it.
func (r *Registry) Exists(n int64) bool {
	checkPort(n)
	_, ok := r.ports[n]
	return ok
}

// Reset drops every port, as an augmentation install or BitNode reset
// does. Pending waiters are dropped unresolved: their scripts are gone too.
func (r *Registry) Reset() { r.ports = make(map[int64]*port) }

func (r *Registry) get(n int64) *port {
	p := r.ports[n]
	if p == nil {
		p = &port{}
		r.ports[n] = p
	}
	return p
}

// resolve fires the port's waiter after the write is complete, so its
// callbacks see the new state; the waiter is detached first, so callbacks
// that wait again wait for the following write.
func (r *Registry) resolve(p *port) {
	w := p.waiter
	if w == nil {
		return
	}
	p.waiter = nil
	w.resolved = true
	fns := w.fns
	w.fns = nil
	for _, fn := range fns {
		fn()
	}
}

func (r *Registry) dropIfIdle(n int64, p *port) {
	if len(p.data) == 0 && p.waiter == nil {
		delete(r.ports, n)
	}
}

// checkPort panics on a number PortNumber would have rejected: the ns layer
// validates first, so reaching here is a bug in the harness, not a script
// error.
func checkPort(n int64) {
	if n < 1 || n > MaxPort {
		panic(fmt.Sprintf("ports: port number %d not validated with PortNumber", n))
	}
}

// PortNumber validates a port argument as the game's helpers.portNumber
// does and returns the port. Numbers and numeric strings (parseFloat rules)
// are accepted; the error texts are the game's, prefixed with "fn: ", the
// netscript function's name. JS null is nil or jsval.Null, JS undefined is
// jsval.Undefined.
func PortNumber(fn string, v any) (int64, error) {
	x, err := jsval.Number("portNumber", v)
	if err != nil {
		return 0, &jsval.Error{Kind: ErrPortNumber, Msg: fn + ": " + err.Error()}
	}
	if !jsval.IsPositiveInteger(x) {
		return 0, &jsval.Error{Kind: ErrPortNumber,
			Msg: fn + ": portNumber should be a positive integer, was " + jsval.Format(x)}
	}
	if x > float64(MaxPort) {
		return 0, &jsval.Error{Kind: ErrPortNumber, Msg: fmt.Sprintf(
			"%s: Trying to use an invalid port: %s. Must be less or equal to %d.", fn, jsval.Format(x), MaxPort)}
	}
	return int64(x), nil
}
