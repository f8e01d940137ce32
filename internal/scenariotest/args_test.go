package scenariotest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		fields []string
		want   Args
	}{
		{nil, Args{}},
		{[]string{"rid=1", "contiguous", "size=4GB"}, Args{"rid": "1", "contiguous": "", "size": "4GB"}},
		{[]string{"a=", "b=x=y", "a=2"}, Args{"a": "2", "b": "x=y"}},
	} {
		if got := ParseArgs(tc.fields); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseArgs(%q) = %v, want %v", tc.fields, got, tc.want)
		}
	}
}

type kind int

func (k kind) String() string { return [...]string{"none", "till", "sow"}[k] }

// fatalTB records the first Fatalf and stops the reader there, as
// testing.T's Fatalf would.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

// read runs a reader against f, returning what it read or the message it
// failed with.
func read(f *fatalTB, r func(testing.TB) any) (got any, fatal string) {
	defer func() {
		if p := recover(); p != nil {
			if p != f {
				panic(p)
			}
			got, fatal = nil, f.msg
		}
	}()
	return r(f), ""
}

func TestArgs_readers(t *testing.T) {
	a := ParseArgs(strings.Fields("n=42 neg=-7 bad=4x f=0.25 e=1e6 m=4.4GB g=8 half=-0.5GB odd=4.001GB big=1e13GB gb=GB " +
		"flag empty= pids=3,14,15 holes=1,,2 word=a,b kind=sow nokind=reap"))
	for _, tc := range []struct {
		name  string
		read  func(testing.TB) any
		want  any
		fatal string // a substring of the failure, "" for none
	}{
		{"Has value", func(testing.TB) any { return a.Has("n") }, true, ""},
		{"Has flag", func(testing.TB) any { return a.Has("flag") }, true, ""},
		{"Has empty", func(testing.TB) any { return a.Has("empty") }, true, ""},
		{"Has absent", func(testing.TB) any { return a.Has("missing") }, false, ""},

		{"Int", func(t testing.TB) any { return a.Int(t, "n", 0) }, int64(42), ""},
		{"Int negative", func(t testing.TB) any { return a.Int(t, "neg", 0) }, int64(-7), ""},
		{"Int default", func(t testing.TB) any { return a.Int(t, "missing", 1000) }, int64(1000), ""},
		{"Int malformed", func(t testing.TB) any { return a.Int(t, "bad", 0) }, nil, "bad=4x: "},
		{"Int float", func(t testing.TB) any { return a.Int(t, "f", 0) }, nil, "f=0.25: "},
		{"Int flag", func(t testing.TB) any { return a.Int(t, "flag", 0) }, nil, "flag=: "},

		{"Float", func(t testing.TB) any { return a.Float(t, "f", 0) }, 0.25, ""},
		{"Float exponent", func(t testing.TB) any { return a.Float(t, "e", 0) }, 1e6, ""},
		{"Float integer", func(t testing.TB) any { return a.Float(t, "n", 0) }, 42.0, ""},
		{"Float default", func(t testing.TB) any { return a.Float(t, "missing", 20) }, 20.0, ""},
		{"Float malformed", func(t testing.TB) any { return a.Float(t, "bad", 0) }, nil, "bad=4x: "},
		{"Float GB", func(t testing.TB) any { return a.Float(t, "m", 0) }, nil, "m=4.4GB: "},

		{"RAM GB", func(t testing.TB) any { return a.RAM(t, "m", 0) }, ram.Amount(440), ""},
		{"RAM bare", func(t testing.TB) any { return a.RAM(t, "g", 0) }, 8 * ram.GB, ""},
		{"RAM negative", func(t testing.TB) any { return a.RAM(t, "half", 0) }, ram.Amount(-50), ""},
		{"RAM default", func(t testing.TB) any { return a.RAM(t, "missing", -1) }, ram.Amount(-1), ""},
		{"RAM malformed", func(t testing.TB) any { return a.RAM(t, "bad", 0) }, nil, "bad=4x: "},
		{"RAM no number", func(t testing.TB) any { return a.RAM(t, "gb", 0) }, nil, "gb=GB: "},
		{"RAM precision", func(t testing.TB) any { return a.RAM(t, "odd", 0) }, nil, "odd=4.001GB: " + ram.ErrPrecision.Error()},
		{"RAM too large", func(t testing.TB) any { return a.RAM(t, "big", 0) }, nil, "big=1e13GB: " + ram.ErrTooLarge.Error()},
		{"RAM flag", func(t testing.TB) any { return a.RAM(t, "flag", 0) }, nil, "flag=: "},

		{"List", func(testing.TB) any { return a.List("word") }, []string{"a", "b"}, ""},
		{"List one", func(testing.TB) any { return a.List("n") }, []string{"42"}, ""},
		{"List empty", func(testing.TB) any { return a.List("empty") }, []string(nil), ""},
		{"List flag", func(testing.TB) any { return a.List("flag") }, []string(nil), ""},
		{"List absent", func(testing.TB) any { return a.List("missing") }, []string(nil), ""},

		{"Ints", func(t testing.TB) any { return Ints[int64](t, a, "pids") }, []int64{3, 14, 15}, ""},
		{"Ints named type", func(t testing.TB) any { return Ints[ram.Amount](t, a, "n") }, []ram.Amount{42}, ""},
		{"Ints absent", func(t testing.TB) any { return Ints[int64](t, a, "missing") }, []int64(nil), ""},
		{"Ints flag", func(t testing.TB) any { return Ints[int64](t, a, "flag") }, []int64(nil), ""},
		{"Ints malformed", func(t testing.TB) any { return Ints[int64](t, a, "word") }, nil, "word=a,b: "},
		{"Ints hole", func(t testing.TB) any { return Ints[int64](t, a, "holes") }, nil, "holes=1,,2: "},

		{"Enum", func(t testing.TB) any { return Enum(t, a, "kind", kind(0), 1, 2) }, kind(2), ""},
		{"Enum default", func(t testing.TB) any { return Enum(t, a, "missing", kind(1), 1, 2) }, kind(1), ""},
		{"Enum unknown", func(t testing.TB) any { return Enum(t, a, "nokind", kind(0), 1, 2) }, nil, "nokind=reap: not one of till, sow"},
		{"Enum flag", func(t testing.TB) any { return Enum(t, a, "flag", kind(0), 1, 2) }, nil, "flag=: not one of till, sow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, fatal := read(&fatalTB{TB: t}, tc.read)
			switch {
			case tc.fatal == "" && fatal != "":
				t.Fatalf("failed: %s", fatal)
			case tc.fatal != "" && fatal == "":
				t.Fatalf("got %#v, want a failure with %q", got, tc.fatal)
			case !strings.Contains(fatal, tc.fatal):
				t.Fatalf("failed with %q, want %q in it", fatal, tc.fatal)
			case !reflect.DeepEqual(got, tc.want):
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestParseRAM(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ram.Amount
		err  error // the error wanted, nil for any
		bad  bool
	}{
		{in: "4", want: 4 * ram.GB},
		{in: "4GB", want: 4 * ram.GB},
		{in: "1.75GB", want: 175},
		{in: "0", want: 0},
		{in: "-0.5GB", want: -50},
		{in: "-4", want: -4 * ram.GB},
		{in: "", bad: true},
		{in: "GB", bad: true},
		{in: "4gb", bad: true},
		{in: "4 GB", bad: true},
		{in: "--4", err: ram.ErrNegative, bad: true},
		{in: "0.001", err: ram.ErrPrecision, bad: true},
		{in: "NaN", err: ram.ErrNotFinite, bad: true},
	} {
		got, err := ParseRAM(tc.in)
		switch {
		case tc.bad && err == nil:
			t.Errorf("ParseRAM(%q) = %v, want an error", tc.in, got)
		case tc.bad && tc.err != nil && err != tc.err:
			t.Errorf("ParseRAM(%q): %v, want %v", tc.in, err, tc.err)
		case !tc.bad && (err != nil || got != tc.want):
			t.Errorf("ParseRAM(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
