package detail

import (
	"errors"
	"testing"
)

func TestWrap(t *testing.T) {
	base := errors.New("pkg: thing is invalid")
	err := Wrap(base, "size 3 is odd")
	if !errors.Is(err, base) || err.Error() != "pkg: thing is invalid: size 3 is odd" {
		t.Errorf("Wrap = %v", err)
	}
	tests := []struct {
		err  error
		want string
	}{
		{err, "size 3 is odd"},
		{Wrap(errors.New("other: bad"), "x"), "x"},
		{base, "pkg: thing is invalid"},
		{outer{err}, "size 3 is odd"}, // found behind another wrapper
		{outer{base}, "outer: pkg: thing is invalid"},
	}
	for _, tt := range tests {
		if got := Of(tt.err); got != tt.want {
			t.Errorf("Of(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// outer wraps an error the way another package's error type would.
type outer struct{ err error }

func (o outer) Error() string { return "outer: " + o.err.Error() }
func (o outer) Unwrap() error { return o.err }
