package sim

import (
	"strings"
	"testing"
	"time"

	"ramfarm/core/formulas"
	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
	"ramfarm/internal/coretest"
)

// The BitNode scenarios run with their BitNode's multipliers from the
// game's table: the world is built with them (foodnstuff's max money is
// BitNode 1's times ServerMaxMoney, its security times
// ServerStartingSecurity), start.js reads the BitNode from the game and
// says so, and the first 20 minutes make less money than bn1-fresh's
// (BitNode 2 keeps 0.08 of the max money, BitNode 12.3 0.888 and hacks
// take 0.942 of the share).
func TestRun_bitNodes(t *testing.T) {
	foodnstuff := func(sc *scenario.Scenario) *world.Server {
		w, err := world.New(world.Config{RAMOf: func(string, string) (float64, bool) { return 0, false }})
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Setup(w); err != nil {
			t.Fatal(err)
		}
		return w.Server("foodnstuff")
	}
	load := func(name string) *scenario.Scenario {
		sc, err := scenario.Load("../../scenarios/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		sc.Duration = 20 * time.Minute
		sc.Events = nil // the purchases come later than 20 minutes, or matter little to this
		return sc
	}
	run := func(sc *scenario.Scenario) (Result, string) {
		var said string
		res, err := Run(Options{Scenario: sc, Wasm: coretest.Wasm(t), Policy: "grow", Trace: func(line string) {
			if i := strings.Index(line, "INFO start: BitNode"); i >= 0 {
				said = line[i:]
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		return res, said
	}
	base := load("bn1-fresh")
	bn1 := foodnstuff(base)
	res1, said1 := run(base)
	if said1 != "INFO start: BitNode 1, level 1" {
		t.Errorf("bn1-fresh: start.js said %q", said1)
	}
	for _, tc := range []struct {
		name string
		node formulas.Node
		say  string
	}{
		{"bn2-fresh", formulas.Node{N: 2, Level: 1}, "INFO start: BitNode 2, level 1"},
		{"bn12-fresh", formulas.Node{N: 12, Level: 3}, "INFO start: BitNode 12, level 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := load(tc.name)
			bn, err := tc.node.Mults()
			if err != nil {
				t.Fatal(err)
			}
			if sc.BitNode.Node != tc.node {
				t.Fatalf("BitNode %v, want %v", sc.BitNode.Node, tc.node)
			}
			f := foodnstuff(sc)
			if bn1.MoneyMax != 25*2e6 || f.MoneyMax != 25*2e6*bn.ServerMaxMoney || f.MoneyAvailable != 2e6*bn.ServerStartingMoney ||
				f.BaseDifficulty != bn1.BaseDifficulty*bn.ServerStartingSecurity {
				t.Errorf("foodnstuff: max $%v (BN1 $%v, factor %v), security %v (BN1 %v, factor %v)", f.MoneyMax, bn1.MoneyMax,
					bn.ServerMaxMoney, f.BaseDifficulty, bn1.BaseDifficulty, bn.ServerStartingSecurity)
			}
			res, said := run(sc)
			if said != tc.say {
				t.Errorf("start.js said %q, want %q", said, tc.say)
			}
			t.Logf("%s: $%.0f in 20 min (bn1-fresh $%.0f), first money at %v s", tc.name, res.MoneyTotal, res1.MoneyTotal,
				deref(res.FirstMoneyS))
			if !(res.MoneyTotal > 0) || !(res.MoneyTotal < res1.MoneyTotal) {
				t.Errorf("$%.0f made in 20 min, want some, and less than bn1-fresh's $%.0f", res.MoneyTotal, res1.MoneyTotal)
			}
		})
	}
}
