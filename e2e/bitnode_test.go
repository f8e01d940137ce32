package e2e

import (
	"math"
	"slices"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/harness"
	"ramfarm/harness/scenario"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// bitNodeGame is bn1-start played in BitNode node: start.js is run, as a
// player would, and must find the BitNode out for itself.
func bitNodeGame(t *testing.T, node formulas.Node) *harness.Game {
	t.Helper()
	g, _ := scenarioGame(t, "../scenarios/bn1-start.json", func(sc *scenario.Scenario) {
		sc.BitNode = scenario.BitNode{Node: node}
	}, jsglue.Files(coretest.Wasm(t)))
	if _, err := g.Exec("ramfarm/start.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestBitNodeAtRunTime is issue 16's "the in-game scripts pick up the
// BitNode at run time": the same scripts start in BitNode 1 and in
// BitNode 12 at level 3. start.js learns the BitNode from
// ramfarm/bitnode.js (getResetInfo), the selector is started with it and
// starts every task with it, and the plans differ as the multipliers
// say: a till's weaken threads are (security − min) / (0.05 ×
// ServerWeakenRate), with BitNode 12.3's security 1.5 times higher at the
// start and its weaken rate 0.942.
func TestBitNodeAtRunTime(t *testing.T) {
	tills := map[formulas.Node]map[string]int{}
	for _, node := range []formulas.Node{{N: 1, Level: 1}, {N: 12, Level: 3}} {
		t.Run(node.String(), func(t *testing.T) {
			g := bitNodeGame(t, node)
			bn, err := node.Mults()
			if err != nil {
				t.Fatal(err)
			}
			run(t, g, 30_000)
			flags := []any{"--bitnode", float64(node.N), "--bn-level", float64(node.Level)}
			hasFlags := func(args []any) bool {
				for i := range len(args) - 3 {
					if slices.Equal(args[i:i+4], flags) {
						return true
					}
				}
				return false
			}
			tills[node] = map[string]int{}
			launched := 0
			for _, s := range g.World.Servers() {
				ps, _ := g.World.PS(s.Hostname)
				for _, p := range ps {
					switch p.Filename {
					case "ramfarm/selector.js":
						if !hasFlags(p.Args) {
							t.Errorf("selector args %v, want %v", p.Args, flags)
						}
					case "ramfarm/till.js", "ramfarm/sow.js", "ramfarm/harvest.js":
						launched++
						if node.N == 1 && slices.Contains(p.Args, any("--bitnode")) {
							t.Errorf("%s %v: BitNode 1 is the default and needs no flag", p.Filename, p.Args)
						}
						if node.N != 1 && !hasFlags(p.Args) {
							t.Errorf("%s %v: want %v", p.Filename, p.Args, flags)
						}
						if p.Filename == "ramfarm/till.js" {
							tills[node][p.Args[0].(string)] = int(p.Pid)
						}
					}
				}
			}
			if launched == 0 || len(tills[node]) == 0 {
				t.Fatalf("%d tasks and %d tills after 30 s", launched, len(tills[node]))
			}
			// A till asks for one 1.75 GB chunk per weaken thread, up to the
			// RAM the selector gave it: on n00dles, all of them. BitNode
			// 12.3 starts n00dles at security 1.5 (1 × 1.5) over a min of
			// round(0.5) = 1, and its weaken rate makes that
			// ceil(0.5 / (0.05 × 0.9423)) = 11 threads (10 at BitNode 1's
			// rate); BitNode 1 starts n00dles at its min: no till.
			r := status(t, g, pidOf(g, "ramfarm/memd.js"))
			s := g.World.Server("n00dles")
			want := int(math.Ceil((s.BaseDifficulty - s.MinDifficulty) / formulas.WeakenAmount(1, 1, bn)))
			pid, tilled := tills[node]["n00dles"]
			got := 0
			for _, a := range r.Allocs {
				if tilled && a.Pid == int64(pid) {
					got = a.Desired
				}
			}
			if got != want || (node.N == 12 && want != 11) {
				t.Errorf("n00dles (security %v, min %v): a till of %d chunks, want %d", s.BaseDifficulty, s.MinDifficulty, got, want)
			}
			tills[node]["n00dles"] = got
		})
	}
	if n1, n12 := tills[formulas.Node{N: 1, Level: 1}]["n00dles"], tills[formulas.Node{N: 12, Level: 3}]["n00dles"]; n1 == n12 {
		t.Errorf("n00dles' till: %d chunks in both BitNodes, want a different plan", n1)
	}
}
