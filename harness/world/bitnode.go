package world

import (
	"errors"
	"fmt"
	"maps"
	"math"

	"ramfarm/core/formulas"
	"ramfarm/harness/world/jsval"
)

// ErrBitNode is returned for a BitNode, level or Source-File the game has
// none of, or a BitNode set after the network was built (the game applies
// a BitNode's multipliers when it creates the servers).
var ErrBitNode = errors.New("world: bad BitNode")

// SetBitNode makes the world a game in BitNode node (number and level)
// with the Source-Files sf (number → level) owned. It must come before
// any server is added: the BitNode's multipliers set each server's money
// and security when it is created, the player's level, the hacking
// formulas and the purchased-server rules. The player owns Source-File
// node.N at node.Level − 1 (the game's level is that + 1); sf may name it
// only at that level. On an error nothing changes.
func (w *World) SetBitNode(node formulas.Node, sf map[int]int) error {
	if len(w.servers) > 0 {
		return fmt.Errorf("%w: the network is built already", ErrBitNode)
	}
	bn, err := node.Mults()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBitNode, err)
	}
	node = node.Or1()
	owned := make(map[int]int, len(sf)+1)
	for n, lvl := range sf {
		if n < 1 || n > 14 {
			return fmt.Errorf("%w: Source-File %d does not exist", ErrBitNode, n)
		}
		if lvl < 1 || (n != 12 && lvl > 3) {
			return fmt.Errorf("%w: Source-File %d at level %d (1 to 3, or more for 12)", ErrBitNode, n, lvl)
		}
		if n == node.N && lvl != node.Level-1 {
			return fmt.Errorf("%w: Source-File %d at level %d, but %s means level %d", ErrBitNode, n, lvl, node, node.Level-1)
		}
		owned[n] = lvl
	}
	if node.Level > 1 {
		owned[node.N] = node.Level - 1
	}
	w.node, w.bn, w.sourceFiles = node, bn, owned
	w.player.levelMult = bn.HackingLevelMultiplier
	w.player.level = skillFromExp(w.player.exp, w.player.hackingMult())
	return nil
}

// BitNode is the BitNode the game runs (number and level).
func (w *World) BitNode() formulas.Node { return w.node }

// BitNodeMults are its multipliers.
func (w *World) BitNodeMults() formulas.BitNode { return w.bn }

// SourceFiles is the player's Source-Files: number → level, as
// getResetInfo().ownedSF holds them (only those owned).
func (w *World) SourceFiles() map[int]int { return maps.Clone(w.sourceFiles) }

// PurchasedServerLimit is getPurchasedServerLimit in this BitNode.
func (w *World) PurchasedServerLimit() int { return int(formulas.PurchasedServerLimitFor(w.bn)) }

// PurchasedServerMaxRAM is getPurchasedServerMaxRam in this BitNode.
func (w *World) PurchasedServerMaxRAM() float64 { return formulas.PurchasedServerMaxRamFor(w.bn) }

// PurchaseServerCostOf is getPurchaseServerCost in this BitNode: +Inf for
// a RAM that is not a positive power of 2 up to PurchasedServerMaxRAM.
func (w *World) PurchaseServerCostOf(ram float64) float64 {
	return formulas.PurchasedServerCost(ram, w.bn)
}

// HomeRAMCostOf is what doubling home from ram GB costs in this BitNode.
func (w *World) HomeRAMCostOf(ram float64) float64 { return formulas.HomeRamUpgradeCost(ram, w.bn) }

// NewServerIn is NewServer in a BitNode with multipliers bn: as the
// game's Server constructor does, the data's money is scaled into the
// money and max money, and its security into the security and min
// security.
func NewServerIn(p ServerParams, bn formulas.BitNode) *Server {
	s := NewServer(p)
	if bn == formulas.BN1() {
		return s
	}
	s.MoneyAvailable = p.MoneyAvailable * bn.ServerStartingMoney
	s.MoneyMax = 25 * p.MoneyAvailable * bn.ServerMaxMoney
	if p.HackDifficulty != 0 {
		real := p.HackDifficulty * bn.ServerStartingSecurity
		s.HackDifficulty = math.Min(real, 100)
		s.BaseDifficulty = s.HackDifficulty
		s.MinDifficulty = math.Min(math.Max(1, jsval.Round(real/3)), 100)
	}
	return s
}
