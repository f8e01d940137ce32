package world

import (
	"errors"
	"maps"
	"testing"

	"ramfarm/core/formulas"
)

func noRAM(string, string) (float64, bool) { return 0, false }

// SetBitNode takes a BitNode only before the network exists, checks the
// Source-Files against it, and on an error changes nothing.
func TestWorld_SetBitNode(t *testing.T) {
	for _, tc := range []struct {
		name string
		node formulas.Node
		sf   map[int]int
		want map[int]int // owned after; nil: an error
	}{
		{"BN1", formulas.Node{}, nil, map[int]int{}},
		{"BN12.3 owns SF12.2", formulas.Node{N: 12, Level: 3}, map[int]int{5: 1}, map[int]int{5: 1, 12: 2}},
		{"SF12 contradicts the level", formulas.Node{N: 12, Level: 3}, map[int]int{12: 1}, nil},
		{"no BitNode 15", formulas.Node{N: 15}, nil, nil},
		{"no Source-File 15", formulas.Node{N: 2}, map[int]int{15: 1}, nil},
		{"SF4 stops at 3", formulas.Node{N: 2}, map[int]int{4: 4}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := New(Config{RAMOf: noRAM})
			if err != nil {
				t.Fatal(err)
			}
			err = w.SetBitNode(tc.node, tc.sf)
			if (err == nil) != (tc.want != nil) {
				t.Fatalf("err %v, want ok %v", err, tc.want != nil)
			}
			if err != nil {
				if !errors.Is(err, ErrBitNode) || w.BitNode() != (formulas.Node{N: 1, Level: 1}) || w.BitNodeMults() != formulas.BN1() {
					t.Errorf("%v: not ErrBitNode, or the world changed to %v", err, w.BitNode())
				}
				return
			}
			if !maps.Equal(w.SourceFiles(), tc.want) {
				t.Errorf("owned %v, want %v", w.SourceFiles(), tc.want)
			}
		})
	}
	w, _ := New(Config{RAMOf: noRAM})
	if err := w.AddServer(NewServer(ServerParams{Hostname: HomeHost})); err != nil {
		t.Fatal(err)
	}
	if err := w.SetBitNode(formulas.Node{N: 2}, nil); !errors.Is(err, ErrBitNode) {
		t.Errorf("after the network exists: %v, want ErrBitNode", err)
	}
}

// The BitNode's multipliers reach the purchased-server rules and the
// player's level: BitNode 10 allows round(25 × 0.6) = 15 servers of up to
// 2^19 GB at 5 × 55000 $/GB; BitNode 9's level multiplier 0.5 halves
// the level an exp gives.
func TestWorld_bitNodeRules(t *testing.T) {
	w, _ := New(Config{RAMOf: noRAM})
	if err := w.SetBitNode(formulas.Node{N: 10}, nil); err != nil {
		t.Fatal(err)
	}
	if w.PurchasedServerLimit() != 15 || w.PurchasedServerMaxRAM() != 1<<19 || w.PurchaseServerCostOf(8) != 8*55000*5 {
		t.Errorf("BN10: limit %d, max %v GB, 8 GB costs %v", w.PurchasedServerLimit(), w.PurchasedServerMaxRAM(), w.PurchaseServerCostOf(8))
	}
	w9, _ := New(Config{RAMOf: noRAM})
	if err := w9.SetBitNode(formulas.Node{N: 9}, nil); err != nil {
		t.Fatal(err)
	}
	w1, _ := New(Config{RAMOf: noRAM})
	for _, w := range []*World{w1, w9} {
		if err := w.Player().SetHackingExp(1e6); err != nil {
			t.Fatal(err)
		}
	}
	if l1, l9 := w1.Player().HackingLevel(), w9.Player().HackingLevel(); l9 != formulas.SkillFromExp(1e6, 0.5) || l9 >= l1 {
		t.Errorf("level at 1e6 exp: BN9 %v, BN1 %v", l9, l1)
	}
	if err := w9.Player().SetHackingLevel(1); err != nil || w9.Player().HackingExp() != 0 {
		t.Errorf("level 1 in BN9: err %v, exp %v (want 0)", err, w9.Player().HackingExp())
	}
}
