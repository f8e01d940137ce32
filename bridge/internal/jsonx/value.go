// Package jsonx is the JSON reader and writer used at the WebAssembly
// boundary. It avoids encoding/json on purpose: reflection costs about ten
// times the boundary crossing itself and 1.4 MB of module size (see the
// game reference's WASM_IN_GAME.md). Values are a small tree; decoders for
// each message read the fields they need from it.
package jsonx

import (
	"errors"
	"math"
	"strconv"
)

// Kind is the JSON type of a Value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one parsed JSON value. Object members keep their order.
type Value struct {
	Kind Kind
	Bool bool
	Num  float64
	Str  string
	Arr  []Value
	Obj  []Member
}

// Member is one key of an object.
type Member struct {
	Key string
	Val Value
}

// Get returns the member named key of an object.
func (v Value) Get(key string) (Value, bool) {
	for _, m := range v.Obj {
		if m.Key == key {
			return m.Val, true
		}
	}
	return Value{}, false
}

// Errors of the field accessors; they wrap the field name.
var (
	ErrMissing  = errors.New("missing")
	ErrWrongTyp = errors.New("wrong type")
	ErrRange    = errors.New("out of range")
)

// FieldError names the field a decoder rejected, so the sender learns which
// key of its message was wrong.
type FieldError struct {
	Field string
	Err   error
	Want  string
}

func (e *FieldError) Error() string {
	s := "field " + strconv.Quote(e.Field) + " " + e.Err.Error()
	if e.Want != "" {
		s += ": want " + e.Want
	}
	return s
}

func (e *FieldError) Unwrap() error { return e.Err }

// Fields reads typed fields of an object and remembers the first error, so
// a decoder is a straight list of reads followed by one error check.
type Fields struct {
	v   Value
	err error
}

// NewFields starts reading the members of v, which must be an object.
func NewFields(v Value) *Fields {
	f := &Fields{v: v}
	if v.Kind != Object {
		f.err = errors.New("message is a " + v.Kind.String() + ", want an object")
	}
	return f
}

// Err is the first error met.
func (f *Fields) Err() error { return f.err }

func (f *Fields) fail(name string, err error, want string) {
	if f.err == nil {
		f.err = &FieldError{Field: name, Err: err, Want: want}
	}
}

func (f *Fields) get(name string, required bool, kind Kind) (Value, bool) {
	if f.err != nil {
		return Value{}, false
	}
	v, ok := f.v.Get(name)
	if !ok || (v.Kind == Null && !required) {
		if required {
			f.fail(name, ErrMissing, "")
		}
		return Value{}, false
	}
	if v.Kind != kind {
		f.fail(name, ErrWrongTyp, kind.String()+", got "+v.Kind.String())
		return Value{}, false
	}
	return v, true
}

// Int reads an integer field in [lo, hi]. Fractions, NaN and infinities
// are rejected.
func (f *Fields) Int(name string, required bool, lo, hi int64) int64 {
	v, ok := f.get(name, required, Number)
	if !ok {
		return 0
	}
	n := v.Num
	if n != math.Trunc(n) || n < float64(lo) || n > float64(hi) {
		f.fail(name, ErrRange, "an integer in ["+strconv.FormatInt(lo, 10)+", "+strconv.FormatInt(hi, 10)+"], got "+FormatNum(n))
		return 0
	}
	return int64(n)
}

// Num reads a finite number field.
func (f *Fields) Num(name string, required bool) float64 {
	v, ok := f.get(name, required, Number)
	if !ok {
		return 0
	}
	return v.Num
}

// Str reads a string field.
func (f *Fields) Str(name string, required bool) string {
	v, ok := f.get(name, required, String)
	if !ok {
		return ""
	}
	return v.Str
}

// Bool reads a boolean field; absent means false.
func (f *Fields) Bool(name string) bool {
	v, ok := f.get(name, false, Bool)
	return ok && v.Bool
}

// Has reports whether the field is present and not null.
func (f *Fields) Has(name string) bool {
	v, ok := f.v.Get(name)
	return ok && v.Kind != Null
}

// Arr reads an array field.
func (f *Fields) Arr(name string, required bool) []Value {
	v, ok := f.get(name, required, Array)
	if !ok {
		return nil
	}
	return v.Arr
}

// Fail records a decoder's own check on a field.
func (f *Fields) Fail(name string, err error, want string) { f.fail(name, err, want) }
