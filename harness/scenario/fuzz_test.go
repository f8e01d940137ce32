package scenario

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse feeds Parse arbitrary files. It must not panic; what it
// refuses is an *Error, so the author learns where; and what it accepts
// is the plain, checked value the runner trusts without checking again:
// parsing again gives the same value, the run lasts a positive time, its
// events (the file's and, for a few seeds, the drawn ones) are in time
// order within the run, and it sets up a fresh world without error. The
// seeds are the shipped scenarios, the test files' and hostile shapes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal + `}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is no *Error", err, err)
			}
			return
		}
		if again, err := Parse(b); err != nil || !reflect.DeepEqual(s, again) {
			t.Fatalf("parsing again: %v, or another value", err)
		}
		if s.Duration <= 0 || s.Name == "" || s.Story == "" {
			t.Fatalf("accepted duration %v, name %q, story %q", s.Duration, s.Name, s.Story)
		}
		for _, seed := range []uint64{0, 1, s.Seed} {
			evs := s.EventsFor(seed)
			for i, e := range evs {
				if e.At < 0 || e.At > s.Duration || (i > 0 && evs[i-1].At > e.At) {
					t.Fatalf("seed %d: event %d (%s) at %v in a run of %v, after %v", seed, i, e, e.At, s.Duration, evs[max(i-1, 0)].At)
				}
			}
		}
		if err := s.Setup(newWorld(t)); err != nil {
			t.Fatalf("an accepted scenario does not set up: %v", err)
		}
	})
}
