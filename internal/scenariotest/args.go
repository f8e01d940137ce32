package scenariotest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

// Args is a command's arguments: key=value fields by key, and bare words
// (flags) with an empty value. A key given twice keeps its last value.
//
// The readers return their default when the key is absent, and fail the
// test, naming the key, on a malformed value.
type Args map[string]string

// ParseArgs splits a command's fields (without the command word) into
// Args.
func ParseArgs(fields []string) Args {
	a := Args{}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		a[k] = v
	}
	return a
}

// Has reports whether k was given, as a flag or with a value.
func (a Args) Has(k string) bool {
	_, ok := a[k]
	return ok
}

// Int reads k as a decimal integer, def if absent.
func (a Args) Int(t testing.TB, k string, def int64) int64 {
	t.Helper()
	v, ok := a[k]
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("%s=%s: %v", k, v, err)
	}
	return n
}

// Float reads k as a number, def if absent.
func (a Args) Float(t testing.TB, k string, def float64) float64 {
	t.Helper()
	v, ok := a[k]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s=%s: %v", k, v, err)
	}
	return f
}

// RAM reads k as an amount of RAM in GB, as ParseRAM does, def if absent.
func (a Args) RAM(t testing.TB, k string, def ram.Amount) ram.Amount {
	t.Helper()
	v, ok := a[k]
	if !ok {
		return def
	}
	r, err := ParseRAM(v)
	if err != nil {
		t.Fatalf("%s=%s: %v", k, v, err)
	}
	return r
}

// List reads k as a comma-separated list; nil if absent or empty.
func (a Args) List(k string) []string {
	if a[k] == "" {
		return nil
	}
	return strings.Split(a[k], ",")
}

// ParseRAM parses an amount of RAM in GB, with an optional "GB" suffix and
// an optional leading "-": "4", "1.75GB", "-0.5GB". The amount must be one
// ram.FromGB accepts (a multiple of 0.01 GB, at most ram.Max).
func ParseRAM(s string) (ram.Amount, error) {
	v, neg := strings.CutPrefix(s, "-")
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "GB"), 64)
	if err != nil {
		return 0, err
	}
	r, err := ram.FromGB(f)
	if err != nil {
		return 0, err
	}
	if neg {
		r = -r
	}
	return r, nil
}

// Ints reads k as a comma-separated list of decimal integers (pids,
// ports...); nil if absent or empty.
func Ints[T ~int64](t testing.TB, a Args, k string) []T {
	t.Helper()
	var out []T
	for _, f := range a.List(k) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			t.Fatalf("%s=%s: %v", k, a[k], err)
		}
		out = append(out, T(n))
	}
	return out
}

// Enum reads k as the name (String) of one of values, def if absent.
func Enum[T fmt.Stringer](t testing.TB, a Args, k string, def T, values ...T) T {
	t.Helper()
	v, ok := a[k]
	if !ok {
		return def
	}
	for _, x := range values {
		if x.String() == v {
			return x
		}
	}
	names := make([]string, len(values))
	for i, x := range values {
		names[i] = x.String()
	}
	t.Fatalf("%s=%s: not one of %s", k, v, strings.Join(names, ", "))
	var zero T
	return zero
}
