package jsonx

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []string{
		`null`, `true`, `false`, `0`, `-1.5e3`, `"a\"b\\c\n\u00e9\ud83d\ude00"`,
		`[]`, `{}`, `[1,[2,[3]],{"a":{"b":null}}]`, ` {"k" : [ 1 , "x" ] } `,
		`9007199254740991`, `1e400`,
	}
	for _, in := range tests {
		v, err := Parse([]byte(in))
		if err != nil {
			t.Errorf("Parse(%s): %v", in, err)
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(in), &want); err != nil && in != `1e400` {
			t.Fatalf("reference rejects %s: %v", in, err)
		}
		if in == `1e400` {
			if !math.IsInf(v.Num, 1) {
				t.Errorf("1e400 = %v, want +Inf", v.Num)
			}
			continue
		}
		if got := toAny(v); !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%s) = %#v, want %#v", in, got, want)
		}
	}
}

// TestParser: a Parser that parsed others before parses each input as
// Parse does, whether its memory has room or must grow.
func TestParser(t *testing.T) {
	big := `[` + strings.Repeat(`{"k":"msg","body":{"t":"alloc","rid":1,"held":[["a",2,3]]}},`, 300) + `{}]`
	var p Parser
	for _, in := range []string{`{"a":[1,2,"x"]}`, big, `[]`, `[[[1]],{"b":{}}]`, big, `{"a":[1,2,"x"]}`} {
		got, err := p.Parse([]byte(in))
		want, _ := Parse([]byte(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Parser.Parse(%.40s...) = %v, %v; want Parse's %v", in, toAny(got), err, toAny(want))
		}
	}
	if _, err := p.Parse([]byte(`[1,`)); err == nil {
		t.Error("a Parser accepts a cut array")
	}
}

func TestParse_Errors(t *testing.T) {
	for _, in := range []string{
		``, `{`, `[1,]`, `{"a"}`, `{"a":1,}`, `01`, `1.`, `-`, `"abc`, `"\x"`, `tru`, `[1] x`,
		"\"a\x01\"", `{1:2}`, `"\u12"`,
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", in)
		}
	}
	deep := make([]byte, 0, 200)
	for i := 0; i < 100; i++ {
		deep = append(deep, '[')
	}
	if _, err := Parse(deep); err == nil {
		t.Error("deep nesting accepted")
	}
}

func TestWriter(t *testing.T) {
	var w Writer
	w.BeginObject()
	w.Key("a")
	w.Int(1)
	w.Key("b")
	w.BeginArray()
	w.String("x\"y")
	w.Num(1.5)
	w.Num(math.NaN())
	w.BeginObject()
	w.EndObject()
	w.Bool(true)
	w.Null()
	w.EndArray()
	w.Key("c")
	w.Num(1e21)
	w.Key("d")
	w.Num(4)
	w.EndObject()
	want := `{"a":1,"b":["x\"y",1.5,null,{},true,null],"c":1e+21,"d":4}`
	if got := string(w.Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var check any
	if err := json.Unmarshal(w.Bytes(), &check); err != nil {
		t.Errorf("output is not JSON: %v", err)
	}
}

func TestFields(t *testing.T) {
	v, _ := Parse([]byte(`{"n":3,"f":1.5,"s":"x","b":true,"z":null}`))
	f := NewFields(v)
	if f.Int("n", true, 0, 10) != 3 || f.Num("f", true) != 1.5 || f.Str("s", true) != "x" || !f.Bool("b") || f.Err() != nil {
		t.Fatalf("reads failed: %v", f.Err())
	}
	if f.Int("z", false, 0, 1) != 0 || f.Err() != nil {
		t.Fatalf("null optional field: %v", f.Err())
	}
	for _, tc := range []struct {
		read func(*Fields)
		want string
	}{
		{func(f *Fields) { f.Int("f", true, 0, 10) }, `field "f" out of range: want an integer in [0, 10], got 1.5`},
		{func(f *Fields) { f.Int("n", true, 5, 10) }, `field "n" out of range: want an integer in [5, 10], got 3`},
		{func(f *Fields) { f.Str("n", true) }, `field "n" wrong type: want string, got number`},
		{func(f *Fields) { f.Num("missing", true) }, `field "missing" missing`},
	} {
		f := NewFields(v)
		tc.read(f)
		if f.Err() == nil || f.Err().Error() != tc.want {
			t.Errorf("error = %v, want %s", f.Err(), tc.want)
		}
	}
	if NewFields(Value{Kind: Array}).Err() == nil {
		t.Error("array accepted as object")
	}
}

func toAny(v Value) any {
	switch v.Kind {
	case Bool:
		return v.Bool
	case Number:
		return v.Num
	case String:
		return v.Str
	case Array:
		out := []any{}
		for _, e := range v.Arr {
			out = append(out, toAny(e))
		}
		return out
	case Object:
		out := map[string]any{}
		for _, m := range v.Obj {
			out[m.Key] = toAny(m.Val)
		}
		return out
	}
	return nil
}

func TestWriter_lists(t *testing.T) {
	type pid int64
	var w Writer
	w.BeginObject()
	w.StringList("log", nil)
	w.StringList("errors", []string{"a", `b"`})
	IntList(&w, "watch", []pid{})
	IntList(&w, "kill", []pid{3, 1})
	w.EndObject()
	if got, want := string(w.Bytes()), `{"errors":["a","b\""],"watch":[],"kill":[3,1]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
