package stable

import (
	"cmp"
	"slices"
	"testing"
)

type pair struct {
	key  int
	seen int // the element's place before sorting
}

func TestSort(t *testing.T) {
	byKey := func(a, b pair) int { return cmp.Compare(a.key, b.key) }
	for _, n := range []int{0, 1, 2, 3, 19, 20, 21, 100, 1000} {
		s := make([]pair, n)
		for i := range s {
			s[i] = pair{key: i * 7919 % (n/3 + 1), seen: i} // scattered, with ties
		}
		want := slices.Clone(s)
		slices.SortStableFunc(want, byKey)
		Sort(s, byKey)
		if !slices.Equal(s, want) {
			t.Errorf("n=%d: Sort gave %v, want %v", n, s, want)
		}
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		m    map[string]bool
		want []string
	}{
		{nil, []string{}},
		{map[string]bool{"n00dles": true}, []string{"n00dles"}},
		{map[string]bool{"sigma-cosmetics": true, "foodnstuff": false, "n00dles": true, "home": true},
			[]string{"foodnstuff", "home", "n00dles", "sigma-cosmetics"}},
	}
	for _, tt := range tests {
		if got := Keys(tt.m); !slices.Equal(got, tt.want) {
			t.Errorf("Keys(%v) = %q, want %q", tt.m, got, tt.want)
		}
	}
}
