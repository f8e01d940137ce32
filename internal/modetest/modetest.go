// Package modetest checks an engine's moves between its modes (raft's
// TestStateTransition): the table an engine's canBecome answers from, and
// that its become panics on exactly the moves the table forbids.
package modetest

import "testing"

// Check goes through every pair of modes up to last. allowed lists, for
// each mode, the modes it may become; canBecome must agree, and become
// (the engine's move from one mode to the other, on a fresh engine) must
// panic on exactly the moves not listed.
func Check[M ~uint8](t *testing.T, last M, allowed map[M][]M, canBecome func(from, to M) bool, become func(from, to M)) {
	t.Helper()
	for from := M(0); from <= last; from++ {
		for to := M(0); to <= last; to++ {
			want := false
			for _, m := range allowed[from] {
				want = want || m == to
			}
			if got := canBecome(from, to); got != want {
				t.Errorf("%d -> %d: allowed %v, want %v", from, to, got, want)
			}
			panicked := func() (p bool) {
				defer func() { p = recover() != nil }()
				become(from, to)
				return false
			}()
			if panicked == want {
				t.Errorf("%d -> %d: panicked %v", from, to, panicked)
			}
		}
	}
	if canBecome(last+1, 0) {
		t.Errorf("unknown mode %d may move", last+1)
	}
}
