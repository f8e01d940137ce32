package ram

import (
	"errors"
	"math"
	"testing"
)

func TestFromGB(t *testing.T) {
	tests := []struct {
		in   float64
		want Amount
		err  error
	}{
		{0, 0, nil},
		{1.6, 160, nil},
		{1.75, 175, nil},
		{0.05, 5, nil},
		{8, 800, nil},
		{1.6 + 0.15, 175, nil}, // float sum as JS would compute it
		{1048576, 104857600, nil},
		{math.NaN(), 0, ErrNotFinite},
		{math.Inf(1), 0, ErrNotFinite},
		{math.Inf(-1), 0, ErrNotFinite},
		{-1, 0, ErrNegative},
		{1.234, 0, ErrPrecision},
		{1e300, 0, ErrTooLarge},
	}
	for _, tt := range tests {
		got, err := FromGB(tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("FromGB(%v) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestAmount_String(t *testing.T) {
	for a, want := range map[Amount]string{0: "0GB", 175: "1.75GB", 400: "4GB", -50: "-0.5GB"} {
		if got := a.String(); got != want {
			t.Errorf("Amount(%d).String() = %q, want %q", a, got, want)
		}
	}
}
