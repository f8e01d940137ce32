package scenario

import (
	"fmt"
	"strconv"

	"ramfarm/core/formulas"
	"ramfarm/harness/world"
)

// BitNode is the BitNode a scenario's game runs and the Source-Files the
// player owns: "bitNode": {"n": 12, "level": 3, "sourceFiles": {"1": 3}}.
// level is the game's (the player's Source-File n level + 1; default 1),
// so BitNode 12 level 3 is a player with Source-File 12 at level 2.
// sourceFiles are the others owned, number → level; getResetInfo()
// reports them with Source-File n. Absent, the game is BitNode 1 with no
// Source-Files.
type BitNode struct {
	Node        formulas.Node
	SourceFiles map[int]int
}

func parseBitNode(top *object) (BitNode, error) {
	bn := BitNode{Node: formulas.Node{N: 1, Level: 1}}
	o, err := top.object("bitNode")
	if err != nil || o == nil {
		return bn, err
	}
	if err := o.allow("n", "level", "sourceFiles"); err != nil {
		return bn, err
	}
	if err := o.require("n"); err != nil {
		return bn, err
	}
	n, level := 0.0, 1.0
	if err := firstErr(
		o.integer("n", 1, 14, &n),
		o.integer("level", 1, formulas.MaxBN12Level, &level),
	); err != nil {
		return bn, err
	}
	bn.Node = formulas.Node{N: int(n), Level: int(level)}
	if _, err := bn.Node.Mults(); err != nil {
		return bn, o.bad("level", "%v", err)
	}
	sf, err := o.object("sourceFiles")
	if err != nil {
		return bn, err
	}
	if sf != nil {
		bn.SourceFiles = map[int]int{}
		for _, k := range sf.keys {
			num, err := strconv.Atoi(k)
			if err != nil || num < 1 || num > 14 {
				return bn, sf.bad(k, "want a Source-File number from 1 to 14")
			}
			var lvl float64
			if err := sf.integer(k, 1, formulas.MaxBN12Level, &lvl); err != nil {
				return bn, err
			}
			bn.SourceFiles[num] = int(lvl)
		}
	}
	// The world checks the levels against the BitNode; check them here
	// too, so a bad file fails when it is read, not when it is run.
	probe, err := world.New(world.Config{RAMOf: func(string, string) (float64, bool) { return 0, false }})
	if err != nil {
		return bn, err
	}
	if err := probe.SetBitNode(bn.Node, bn.SourceFiles); err != nil {
		return bn, &Error{o.path, ErrBadValue, fmt.Sprint(err)}
	}
	return bn, nil
}

// apply makes w a game in the BitNode; w must have no servers yet.
func (b BitNode) apply(w *world.World) error { return w.SetBitNode(b.Node, b.SourceFiles) }
