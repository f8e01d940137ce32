package jsrt

import (
	"fmt"
	"strconv"

	"github.com/dop251/goja"
)

// StructuredClone is the realm's structuredClone, for Go layers (ports)
// that copy script data the way the browser does. A value that cannot be
// cloned gives an error matching ErrDataClone that also wraps the JS
// DataCloneError as a *goja.Exception, ready to rethrow.
func (r *Realm) StructuredClone(v goja.Value) (goja.Value, error) {
	if r.closed {
		return nil, ErrClosed
	}
	if out, ok := r.cloneplain(v, 0); ok {
		return out, nil
	}
	out, err := r.call(r.js.structuredClone, goja.Undefined(), v)
	if err != nil {
		if ex, ok := err.(*goja.Exception); ok && isDataCloneError(ex.Value()) {
			return nil, fmt.Errorf("%w: %w", ErrDataClone, ex)
		}
		return nil, err
	}
	return out, nil
}

func isDataCloneError(v goja.Value) bool {
	obj, ok := v.(*goja.Object)
	if !ok {
		return false
	}
	name := obj.Get("name")
	return name != nil && name.String() == "DataCloneError"
}

// maxPlainDepth bounds the fast path; deeper values (and cycles) take the
// full structured-clone algorithm.
const maxPlainDepth = 32

// cloneplain copies the common case natively: primitives, and plain
// objects and arrays of them, which is what port messages are. It reports
// false for anything else (Map, Date, typed arrays, accessors, class
// instances, cycles), leaving those to the full algorithm in the prelude.
func (r *Realm) cloneplain(v goja.Value, depth int) (goja.Value, bool) {
	obj, ok := v.(*goja.Object)
	if !ok {
		return v, true // primitives are copied by value
	}
	if depth > maxPlainDepth {
		return nil, false
	}
	switch obj.ClassName() {
	case "Array":
		if obj.Prototype() != r.protos().array {
			return nil, false
		}
		n := obj.Get("length").ToInteger()
		items := make([]any, n)
		for i := int64(0); i < n; i++ {
			c, ok := r.cloneplain(obj.Get(strconv.FormatInt(i, 10)), depth+1)
			if !ok {
				return nil, false
			}
			items[i] = c
		}
		return r.vm.NewArray(items...), true
	case "Object":
		if obj.Prototype() != r.protos().object {
			return nil, false
		}
		out := r.vm.NewObject()
		// Like the full algorithm: own enumerable string keys, read with
		// [[Get]] (so getters run).
		for _, k := range obj.Keys() {
			c, ok := r.cloneplain(obj.Get(k), depth+1)
			if !ok {
				return nil, false
			}
			out.Set(k, c)
		}
		return out, true
	}
	return nil, false
}

type plainProtos struct{ object, array *goja.Object }

// protos returns the realm's own Object.prototype and Array.prototype,
// captured on first use.
func (r *Realm) protos() plainProtos {
	if r.plain.object == nil {
		r.plain = plainProtos{object: r.vm.NewObject().Prototype(), array: r.vm.NewArray().Prototype()}
	}
	return r.plain
}
