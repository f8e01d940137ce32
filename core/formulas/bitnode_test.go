package formulas

import (
	"errors"
	"reflect"
	"testing"

	"ramfarm/gamedata"
)

// The compiled table must be gamedata/bitnodes.json, field by field, at
// every level a player can be at (BitNode 12 at many).
func TestBitNodeTableMatchesData(t *testing.T) {
	tab, err := gamedata.BitNodes()
	if err != nil {
		t.Fatal(err)
	}
	bt := reflect.TypeOf(BitNode{})
	for n := 1; n <= 14; n++ {
		levels := []int{1, 2, 3, 4}
		if n == 12 {
			levels = append(levels, 5, 10, 50, 217, MaxBN12Level)
		}
		for _, lvl := range levels {
			got, err := BitNodeMults(n, lvl)
			if err != nil {
				t.Fatalf("BN%d.%d: %v", n, lvl, err)
			}
			want, err := tab.Multipliers(n, lvl)
			if err != nil {
				t.Fatal(err)
			}
			gv := reflect.ValueOf(got)
			for i := 0; i < bt.NumField(); i++ {
				name := bt.Field(i).Name
				w, ok := want[name]
				if !ok {
					t.Fatalf("field %s is not in bitnodes.json", name)
				}
				if g := gv.Field(i).Float(); g != w {
					t.Errorf("BN%d.%d %s = %v, want %v (bitnodes.json)", n, lvl, name, g, w)
				}
			}
		}
	}
}

func TestNode_Mults(t *testing.T) {
	for _, c := range []struct {
		node Node
		ok   bool
		hack float64 // HackingLevelMultiplier when ok
	}{
		{Node{}, true, 1},
		{Node{N: 1}, true, 1},
		{Node{N: 2, Level: 1}, true, 0.8},
		{Node{N: 12}, true, 0.9803921568627451},
		{Node{N: 12, Level: 3}, true, 0.9423223345470444},
		{Node{N: 14, Level: 4}, true, 0.4},
		{Node{N: 15}, false, 0},
		{Node{N: -1}, false, 0},
		{Node{N: 3, Level: -2}, false, 0},
		{Node{N: 3, Level: 5}, false, 0},
		{Node{N: 12, Level: MaxBN12Level + 1}, false, 0},
	} {
		b, err := c.node.Mults()
		if (err == nil) != c.ok {
			t.Errorf("%+v: err %v, want ok %v", c.node, err, c.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrBadBitNode) {
			t.Errorf("%+v: %v is not ErrBadBitNode", c.node, err)
		}
		if c.ok && b.HackingLevelMultiplier != c.hack {
			t.Errorf("%+v: HackingLevelMultiplier %v, want %v", c.node, b.HackingLevelMultiplier, c.hack)
		}
	}
	if BN1() != (BitNode{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}) {
		t.Errorf("BN1() = %+v, want all 1", BN1())
	}
}
