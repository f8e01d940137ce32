package sim

import (
	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
	"ramfarm/harness"
	"ramfarm/harness/world"
)

// usefulFraction is the share of max money the batches of the best plan
// steal: harvest's default MaxFraction, past which grow costs rise
// steeply for little money.
const usefulFraction = 0.9

// useful measures the RAM the best possible plan could put to profitable
// work: every hack target at full overlap of its largest batches, plus the
// prep that takes it to min security and max money now. It is computed
// from the game's formulas, so it does not depend on what the system
// under test decided.
type useful struct {
	plans map[string]targetPlan // by hostname
	bn    formulas.BitNode      // the game's BitNode multipliers; zero: BitNode 1's
}

// targetPlan is the part of a target's useful RAM that depends only on
// the player and the target's fixed figures, with what it was made for.
type targetPlan struct {
	player  formulas.Player
	fixed   formulas.Server
	planner *hwgw.Planner // nil: no batch can be planned
	batches ram.Amount    // depth × the RAM of one batch
}

func newUseful() *useful { return &useful{plans: map[string]targetPlan{}} }

// isTarget reports whether s can be hacked for money now: rooted, with
// money, within the player's level, and not the player's own (home and
// bought servers; hacknet servers, which the harness does not model,
// are the player's own too).
func isTarget(s *world.Server, level float64) bool {
	return s.HasRoot && s.MoneyMax > 0 && s.RequiredHackingSkill <= level && !s.IsHome && !s.Purchased
}

// gb is the useful RAM of servers for player pl.
func (u *useful) gb(servers []*world.Server, pl formulas.Player) float64 {
	var sum ram.Amount
	for _, s := range servers {
		if !isTarget(s, pl.Hacking) {
			continue
		}
		tp := u.plan(s, pl)
		if tp.planner == nil {
			continue
		}
		sum += tp.batches
		if s.HackDifficulty > s.MinDifficulty {
			sum += tp.planner.Till(s.HackDifficulty, 1).RAM
		}
		if s.MoneyAvailable < s.MoneyMax {
			sum += tp.planner.Sow(s.MoneyAvailable, 1).RAM
		}
	}
	return sum.GB()
}

// plan returns s's batch part, planned again only when the player (the
// level, as a rule) or the target's fixed figures changed.
func (u *useful) plan(s *world.Server, pl formulas.Player) targetPlan {
	fixed := harness.TargetOf(s)
	fixed.HackDifficulty, fixed.MoneyAvailable, fixed.HasAdminRights = 0, 0, false
	if tp, ok := u.plans[s.Hostname]; ok && tp.player == pl && tp.fixed == fixed {
		return tp
	}
	tp := targetPlan{player: pl, fixed: fixed}
	// An error means no batch exists (a hack takes nothing at this
	// level): the target has no useful RAM.
	if p, err := hwgw.NewPlanner(hwgw.Model{Target: fixed, Player: pl, BitNode: u.bitNode()}); err == nil {
		tp.planner = p
		tp.batches = p.Batch(p.HackThreads(usefulFraction), 1, false).RAM.Times(p.Depth())
	}
	u.plans[s.Hostname] = tp
	return tp
}

// bitNode is the BitNode the plans are made in.
func (u *useful) bitNode() formulas.BitNode {
	if u.bn == (formulas.BitNode{}) {
		return formulas.BN1()
	}
	return u.bn
}
