package world

import (
	"math"

	"ramfarm/core/formulas/v8math"
)

// StartingMoney is a fresh player's money: 1000 plus the 151 in
// CONSTANTS.Donations.
const StartingMoney = 1151

// Mults are the player's hacking multipliers. In BitNode 1 without
// augmentations every one is 1; the formulas still take them so the
// harness can follow the game's order of operations.
type Mults struct {
	Hacking       float64 // level
	HackingChance float64
	HackingSpeed  float64
	HackingMoney  float64
	HackingGrow   float64
	HackingExp    float64
}

// Player is the player's hacking state. Exp and level change together
// through its methods, so the level is always the game's function of exp.
type Player struct {
	money float64
	exp   float64
	level float64
	mults Mults
	// levelMult is the BitNode's HackingLevelMultiplier: the level is
	// computed with mults.hacking × it.
	levelMult float64
}

// hackingMult is the multiplier the level is computed with.
func (p *Player) hackingMult() float64 { return p.mults.Hacking * p.levelMult }

// newPlayer returns a fresh BitNode-1 player: level 1, no exp, $1151.
func newPlayer() *Player {
	return &Player{
		money:     StartingMoney,
		level:     1,
		levelMult: 1,
		mults:     Mults{Hacking: 1, HackingChance: 1, HackingSpeed: 1, HackingMoney: 1, HackingGrow: 1, HackingExp: 1},
	}
}

// Player returns the world's player.
func (w *World) Player() *Player { return w.player }

// Money returns the player's money in $.
func (p *Player) Money() float64 { return p.money }

// HackingExp returns the total hacking exp.
func (p *Player) HackingExp() float64 { return p.exp }

// HackingLevel returns the hacking level, as ns.getHackingLevel does.
func (p *Player) HackingLevel() float64 { return p.level }

// Mults returns a copy of the player's multipliers.
func (p *Player) Mults() Mults { return p.mults }

// GainMoney adds money (negative takes it away), as Player.gainMoney
// does: NaN is ignored and nothing clamps the result.
func (p *Player) GainMoney(x float64) {
	if !math.IsNaN(x) {
		p.money += x
	}
}

// LoseMoney takes money away, as Player.loseMoney does: NaN is ignored,
// Infinity minus Infinity leaves Infinity, and money may go negative.
func (p *Player) LoseMoney(x float64) {
	if math.IsNaN(x) || (math.IsInf(p.money, 1) && math.IsInf(x, 1)) {
		return
	}
	p.money -= x
}

// CanAfford is Player.canAfford: false for a NaN cost.
func (p *Player) CanAfford(cost float64) bool { return !math.IsNaN(cost) && p.money >= cost }

// SetMoney sets the money outright, for a scenario's starting state.
func (p *Player) SetMoney(x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ErrBadAmount
	}
	p.money = x
	return nil
}

// GainHackingExp is Person.gainHackingExp: NaN is ignored, exp is floored
// at 0 and the level is recomputed.
func (p *Player) GainHackingExp(exp float64) {
	if math.IsNaN(exp) {
		return
	}
	p.exp += exp
	if p.exp < 0 {
		p.exp = 0
	}
	p.level = skillFromExp(p.exp, p.hackingMult())
}

// SetHackingExp sets the total exp and recomputes the level.
func (p *Player) SetHackingExp(exp float64) error {
	if math.IsNaN(exp) || math.IsInf(exp, 0) || exp < 0 {
		return ErrBadAmount
	}
	p.exp = exp
	p.level = skillFromExp(p.exp, p.hackingMult())
	return nil
}

// SetHackingLevel sets the exp to the least amount that gives level: the
// game's inverse formula, moved by a few units in the last place where
// float rounding leaves it off the level's first exp.
func (p *Player) SetHackingLevel(level float64) error {
	if !(level >= 1) || math.IsInf(level, 1) || level != math.Floor(level) {
		return ErrBadAmount
	}
	m := p.hackingMult()
	if skillFromExp(0, m) >= level {
		// Every exp gives at least level 1; a multiplier below 1 puts the
		// inverse formula's answer far above 0, too far to walk down.
		return p.SetHackingExp(0)
	}
	exp := expFromSkill(level, m)
	for skillFromExp(exp, m) < level {
		exp = math.Nextafter(exp, math.Inf(1))
	}
	for exp > 0 && skillFromExp(math.Nextafter(exp, 0), m) >= level {
		exp = math.Nextafter(exp, 0)
	}
	return p.SetHackingExp(exp)
}

// skillFromExp is the game's calculateSkill (PersonObjects/formulas/
// skill.ts): max(1, floor(m·(32·ln(exp+534.6) − 200))), with V8's log so
// levels flip at exactly the game's exp.
func skillFromExp(exp, mult float64) float64 {
	return math.Max(math.Floor(mult*(32*v8math.Log(exp+534.6)-200)), 1)
}

// expFromSkill is the game's calculateExp, clamped at 0.
func expFromSkill(skill, mult float64) float64 {
	return math.Max(v8math.Exp((skill/mult+200)/32)-534.6, 0)
}
