package jsonx

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes: the daemons hand it whatever a
// player's script wrote to a port. Besides never panicking, whatever it
// accepts must mean one thing: the value, written back with Writer,
// parses to the same value (an infinity, which JSON cannot spell, comes
// back as null, as JSON.stringify writes it), writing is stable, the
// input is JSON by encoding/json's grammar, and no accepted value nests
// deeper than maxDepth allows. The seeds in testdata/fuzz/FuzzParse are
// the daemons' real messages and the shapes that have hurt parsers:
// truncations, deep nesting, huge numbers, escapes and surrogates,
// duplicate keys.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"a":[1,2,"x"]}`))
	f.Add([]byte(strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)))
	var reused Parser // parses every input after the others, into the same memory
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Parse(b)
		if rv, rerr := reused.Parse(b); (rerr == nil) != (err == nil) || !reflect.DeepEqual(rv, v) {
			t.Fatalf("a Parser parses %q to %#v, %v; Parse to %#v, %v", b, rv, rerr, v, err)
		}
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %T %v, want a *SyntaxError", err, err)
			}
			return
		}
		if !json.Valid(b) {
			t.Fatalf("we accept %q, which is not JSON", b)
		}
		if d := nesting(v); d > maxDepth+1 {
			t.Fatalf("accepted %d levels of nesting, the limit is %d", d, maxDepth+1)
		}
		once := encode(v)
		back, err := Parse(once)
		if err != nil {
			t.Fatalf("our own output %q does not parse: %v", once, err)
		}
		if want := finite(v); !reflect.DeepEqual(back, want) {
			t.Fatalf("%q → %q parses to %#v, want %#v", b, once, back, want)
		}
		if twice := encode(back); !bytes.Equal(once, twice) {
			t.Fatalf("writing is not stable: %q, then %q", once, twice)
		}
		// Wrapped to one level more than the limit, it is refused.
		k := maxDepth + 2 - nesting(v)
		deeper := append(append([]byte(strings.Repeat("[", k)), b...), strings.Repeat("]", k)...)
		if _, err := Parse(deeper); err == nil {
			t.Fatalf("%d levels of nesting accepted", maxDepth+2)
		}
	})
}

// encode writes v with Writer, the way the services write their output.
func encode(v Value) []byte {
	var w Writer
	writeValue(&w, v)
	return w.Bytes()
}

func writeValue(w *Writer, v Value) {
	switch v.Kind {
	case Null:
		w.Null()
	case Bool:
		w.Bool(v.Bool)
	case Number:
		w.Num(v.Num)
	case String:
		w.String(v.Str)
	case Array:
		w.BeginArray()
		for _, e := range v.Arr {
			writeValue(w, e)
		}
		w.EndArray()
	case Object:
		w.BeginObject()
		for _, m := range v.Obj {
			w.Key(m.Key)
			writeValue(w, m.Val)
		}
		w.EndObject()
	}
}

// finite is v with every infinity null, as written out; empty containers
// are nil, as Parse leaves them.
func finite(v Value) Value {
	switch v.Kind {
	case Number:
		if math.IsInf(v.Num, 0) {
			return Value{}
		}
	case Array:
		var arr []Value
		for _, e := range v.Arr {
			arr = append(arr, finite(e))
		}
		return Value{Kind: Array, Arr: arr}
	case Object:
		var obj []Member
		for _, m := range v.Obj {
			obj = append(obj, Member{m.Key, finite(m.Val)})
		}
		return Value{Kind: Object, Obj: obj}
	}
	return v
}

// nesting counts the levels of arrays and objects of v: 0 for a scalar.
func nesting(v Value) int {
	d := 0
	for _, e := range v.Arr {
		d = max(d, nesting(e))
	}
	for _, m := range v.Obj {
		d = max(d, nesting(m.Val))
	}
	if v.Kind == Array || v.Kind == Object {
		d++
	}
	return d
}
