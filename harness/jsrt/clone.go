package jsrt

import (
	"fmt"

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
