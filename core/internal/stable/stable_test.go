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

func TestKeysFunc(t *testing.T) {
	type key struct{ alloc, port int }
	m := map[key]bool{{2, 1}: true, {1, 9}: true, {2, 0}: false, {1, 3}: true}
	got := KeysFunc(m, func(x, y key) int { return cmp.Or(cmp.Compare(x.alloc, y.alloc), cmp.Compare(x.port, y.port)) })
	if want := []key{{1, 3}, {1, 9}, {2, 0}, {2, 1}}; !slices.Equal(got, want) {
		t.Errorf("KeysFunc = %v, want %v", got, want)
	}
}

func TestInsert(t *testing.T) {
	for i := 0; i <= 3; i++ {
		s := []string{"a", "b", "c"}
		want := slices.Insert(slices.Clone(s), i, "x")
		if got := Insert(s, i, "x"); !slices.Equal(got, want) {
			t.Errorf("Insert at %d = %q, want %q", i, got, want)
		}
	}
	if got := Insert([]int(nil), 0, 7); !slices.Equal(got, []int{7}) {
		t.Errorf("Insert into nil = %v", got)
	}
}
