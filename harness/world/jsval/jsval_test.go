package jsval

import (
	"errors"
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	a, b := 0.1, 0.2 // variables: Go constant arithmetic would be exact
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-1, "-1"},
		{1.5, "1.5"},
		{0.1, "0.1"},
		{a + b, "0.30000000000000004"},
		{1.6, "1.6"},
		{3.1009, "3.1009"},
		{123.456, "123.456"},
		{1000000, "1000000"},
		{9007199254740991, "9007199254740991"},
		{9007199254740992, "9007199254740992"},
		{1e20, "100000000000000000000"},
		{1e21, "1e+21"},
		{1.5e21, "1.5e+21"},
		{123456789012345680000, "123456789012345680000"},
		{0.000001, "0.000001"},
		{0.0000015, "0.0000015"},
		{1e-7, "1e-7"},
		{1.25e-7, "1.25e-7"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseFloat(t *testing.T) {
	tests := []struct {
		in   string
		want float64 // NaN means NaN
	}{
		{"3", 3},
		{"  \t\n3", 3},
		{"\u00a0\ufeff\u20003", 3},
		{"3abc", 3},
		{"1.5", 1.5},
		{"-1", -1},
		{"+2", 2},
		{".5", 0.5},
		{"5.", 5},
		{"5.e1", 50},
		{"1e3", 1000},
		{"1E3", 1000},
		{"1e", 1},
		{"1e+", 1},
		{"1e-2x", 0.01},
		{"0x10", 0},
		{"1_000", 1},
		{"Infinity", math.Inf(1)},
		{"-Infinityx", math.Inf(-1)},
		{"+Infinity", math.Inf(1)},
		{"infinity", math.NaN()},
		{"1e400", math.Inf(1)},
		{"-1e400", math.Inf(-1)},
		{"", math.NaN()},
		{"abc", math.NaN()},
		{"NaN", math.NaN()},
		{".", math.NaN()},
		{"-", math.NaN()},
		{"+.e1", math.NaN()},
		{"9007199254740993", 9007199254740992},
	}
	for _, tt := range tests {
		got := ParseFloat(tt.in)
		if math.IsNaN(tt.want) != math.IsNaN(got) || (!math.IsNaN(got) && got != tt.want) {
			t.Errorf("ParseFloat(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if x := ParseFloat("-0"); x != 0 || !math.Signbit(x) {
		t.Errorf("ParseFloat(\"-0\") = %v, want -0", x)
	}
}

func TestRound(t *testing.T) {
	negZero := math.Copysign(0, -1)
	tests := []struct {
		in, want float64
	}{
		{0.5, 1},
		{1.5, 2},
		{2.5, 3},
		{-0.5, negZero},
		{-1.5, -1}, // Go's math.Round gives -2
		{-2.5, -2},
		{0.49999999999999994, 0}, // floor(x+0.5) would give 1
		{-0.3, negZero},
		{0.3, 0},
		{489.99999999999994, 490},
		{4503599627370495.5, 4503599627370496},
		{9007199254740991, 9007199254740991},
		{math.Inf(1), math.Inf(1)},
	}
	for _, tt := range tests {
		got := Round(tt.in)
		if got != tt.want || math.Signbit(got) != math.Signbit(tt.want) {
			t.Errorf("Round(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if !math.IsNaN(Round(math.NaN())) {
		t.Error("Round(NaN) is not NaN")
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		want    float64
		wantErr string
		kind    error
	}{
		{"float", 2.5, 2.5, "", nil},
		{"int", 7, 7, "", nil},
		{"int64", int64(-3), -3, "", nil},
		{"uint8", uint8(9), 9, "", nil},
		{"numeric string", "3", 3, "", nil},
		{"string prefix", "12px", 12, "", nil},
		{"Infinity string", "Infinity", math.Inf(1), "", nil},
		{"NaN number", math.NaN(), 0, "'x' is NaN.", ErrNaN},
		{"NaN string", "NaN", 0, "'x' should be a number. Is of type 'string', value: 'NaN'", ErrNotNumber},
		{"word", "abc", 0, "'x' should be a number. Is of type 'string', value: 'abc'", ErrNotNumber},
		{"empty", "", 0, "'x' should be a number. Is of type 'string', value: empty string", ErrNotNumber},
		{"long", "abcdefghijklmnop", 0, "'x' should be a number. Is of type 'string', value: 'abcdefghijkl...'", ErrNotNumber},
		{"fifteen kept", "abcdefghijklmno", 0, "'x' should be a number. Is of type 'string', value: 'abcdefghijklmno'", ErrNotNumber},
		{"nil", nil, 0, "'x' should be a number. Is null.", ErrNotNumber},
		{"Null", Null, 0, "'x' should be a number. Is null.", ErrNotNumber},
		{"Undefined", Undefined, 0, "'x' should be a number. Is undefined.", ErrNotNumber},
		{"bool", true, 0, "'x' should be a number. Is of type 'boolean', value: 'true'", ErrNotNumber},
		{"function", func() {}, 0, "'x' should be a number. Is a function.", ErrNotNumber},
		{"object", map[string]any{"a": 1}, 0, `'x' should be a number. Is of type 'object', value: '{"a":1}'`, ErrNotNumber},
		{"long object", []any{1, 2, 3, 4, 5, 6, 7, 8}, 0, `'x' should be a number. Is of type 'object', value: '[1,2,3,4,5,6...'`, ErrNotNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Number("x", tt.in)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Errorf("Number = %v, %v; want %v", got, err, tt.want)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error kind: %v is not %v", err, tt.kind)
			}
		})
	}
}

func TestIsPositiveInteger(t *testing.T) {
	tests := []struct {
		in   float64
		want bool
	}{
		{1, true}, {1e300, true}, {0, false}, {-1, false}, {1.5, false},
		{math.Inf(1), false}, {math.NaN(), false}, {9007199254740992, true},
	}
	for _, tt := range tests {
		if got := IsPositiveInteger(tt.in); got != tt.want {
			t.Errorf("IsPositiveInteger(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestIsNullish(t *testing.T) {
	tests := []struct {
		in   any
		want bool
	}{
		{nil, true}, {Null, true}, {Undefined, true}, {0, false}, {"", false}, {false, false},
	}
	for _, tt := range tests {
		if got := IsNullish(tt.in); got != tt.want {
			t.Errorf("IsNullish(%#v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
