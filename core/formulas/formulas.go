// Package formulas reproduces Bitburner 2.6.1's hacking formulas bit for
// bit, so that the planners (through the WebAssembly module) and the
// emulated game (harness) get exactly the numbers the game computes.
//
// Every function follows the game's JavaScript evaluation order; a
// regrouped product or sum can change the last bit, and the grow-thread
// solver turns such a bit into a different thread count. Math.exp, Math.log
// and Math.pow go through V8-equivalent ports (package v8math), and every
// product that feeds a sum is wrapped in float64() so that no Go back end
// fuses it into an FMA, which JavaScript never does.
//
// The game functions are named in each doc comment; FACTS.md is the
// shared reference (§2, §3, §4, §6).
package formulas

import (
	"math"

	"ramfarm/core/formulas/v8math"
)

// Game constants (FACTS.md §1; Server/data/Constants.ts).
const (
	ServerBaseGrowthIncr      = 0.03
	ServerMaxGrowthLog        = 0.00349388925425578 // ln(1.0035)
	ServerFortifyAmount       = 0.002               // security per hack thread; grow adds twice this
	ServerWeakenAmount        = 0.05                // security removed per weaken thread
	BaseCostFor1GBOfRamServer = 55000
	BaseCostFor1GBOfRamHome   = 32000
	HomeComputerMaxRam        = 1 << 30 // GB
	HomeComputerMaxCores      = 8
	PurchasedServerLimit      = 25
	PurchasedServerMaxRam     = 1 << 20 // GB
)

// Server holds the fields of the game's Server object that the formulas
// read (the names match ns.getServer()).
type Server struct {
	HackDifficulty       float64 // current security
	MinDifficulty        float64
	BaseDifficulty       float64 // security at creation; drives hacking exp
	RequiredHackingSkill float64
	MoneyAvailable       float64
	MoneyMax             float64
	ServerGrowth         float64
	HasAdminRights       bool
}

// Mults are the player's multipliers used by hacking (ns.getPlayer().mults).
type Mults struct {
	Hacking       float64 // hacking level multiplier (mults.hacking)
	HackingChance float64
	HackingSpeed  float64
	HackingMoney  float64
	HackingGrow   float64
	HackingExp    float64
}

// DefaultMults returns the multipliers of a player without augmentations:
// all 1. The zero value is not usable, since 0 is a real multiplier.
func DefaultMults() Mults {
	return Mults{Hacking: 1, HackingChance: 1, HackingSpeed: 1, HackingMoney: 1, HackingGrow: 1, HackingExp: 1}
}

// Player holds the player fields the formulas read.
type Player struct {
	Hacking      float64 // hacking level (skills.hacking)
	Intelligence float64 // skills.intelligence
	Mults        Mults
}

// NewPlayer returns a player with the given hacking level, intelligence 0
// and default multipliers.
func NewPlayer(hacking float64) Player {
	return Player{Hacking: hacking, Mults: DefaultMults()}
}

// BitNode holds the BitNode multipliers the hacking, grow, weaken, server
// and purchased-server formulas use (BitNode/BitNodeMultipliers.ts). A
// BitNode's values come from BitNodeMults (bitnode.go), the game's table.
type BitNode struct {
	HackingLevelMultiplier float64
	HackingSpeedMultiplier float64
	HackExpGain            float64
	ScriptHackMoney        float64 // scales the hack percent
	ScriptHackMoneyGain    float64 // scales the money the player receives
	ServerGrowthRate       float64
	ServerWeakenRate       float64
	ServerMaxMoney         float64 // a world server's max money, set when it is created
	ServerStartingMoney    float64 // its money at creation
	ServerStartingSecurity float64 // its security at creation (and so its min security)
	PurchasedServerCost    float64
	PurchasedServerSoftcap float64
	PurchasedServerLimit   float64
	PurchasedServerMaxRam  float64
	HomeComputerRamCost    float64
	WorldDaemonDifficulty  float64 // scales w0r1d_d43m0n's required level
}

// BN1 returns BitNode 1's multipliers: all 1. The zero value is not
// usable, since 0 is a real multiplier.
func BN1() BitNode { return bitNodeTable[0] }

// falsy reports whether JavaScript treats x as false (0, -0 or NaN).
func falsy(x float64) bool { return x == 0 || x != x }

// clampNumber is the game's utils/helpers/clampNumber: NaN gives min.
func clampNumber(v, lo, hi float64) float64 {
	if v != v {
		return lo
	}
	return math.Max(math.Min(v, hi), lo)
}

// capDifficulty is Server.capDifficulty: security stays within
// [max(minDifficulty, 1), 100].
func capDifficulty(sec, minDifficulty float64) float64 {
	if sec < minDifficulty {
		sec = minDifficulty
	}
	if sec < 1 {
		sec = 1
	}
	if sec > 100 {
		sec = 100
	}
	return sec
}

// IntelligenceBonus is calculateIntelligenceBonus: 1 + weight·int^0.8/600.
func IntelligenceBonus(intelligence, weight float64) float64 {
	return 1 + weight*v8math.Pow(intelligence, 0.8)/600
}

// HackChance is calculateHackingChance: the probability in [0, 1] that a
// hack succeeds. It is 0 without root or at security ≥ 100.
func HackChance(s Server, p Player) float64 {
	if !s.HasAdminRights || s.HackDifficulty >= 100 {
		return 0
	}
	difficultyMult := (100 - s.HackDifficulty) / 100
	skillMult := float64(1.75 * p.Hacking)
	skillChance := (skillMult - s.RequiredHackingSkill) / skillMult
	chance := skillChance * difficultyMult * p.Mults.HackingChance * IntelligenceBonus(p.Intelligence, 1)
	return clampNumber(chance, 0, 1)
}

// HackPercent is calculatePercentMoneyHacked: the fraction of the server's
// current money one thread steals, in [0, 1]. Root is not checked.
func HackPercent(s Server, p Player, bn BitNode) float64 {
	if s.HackDifficulty >= 100 {
		return 0
	}
	difficultyMult := (100 - s.HackDifficulty) / 100
	skillMult := (p.Hacking - (s.RequiredHackingSkill - 1)) / p.Hacking
	percent := difficultyMult * skillMult * p.Mults.HackingMoney * bn.ScriptHackMoney / 240
	return math.Min(1, math.Max(percent, 0))
}

// HackTime is calculateHackingTime, in seconds.
func HackTime(s Server, p Player, bn BitNode) float64 {
	difficultyMult := s.RequiredHackingSkill * s.HackDifficulty
	skillFactor := float64(2.5*difficultyMult) + 500
	skillFactor /= p.Hacking + 50
	return 5 * skillFactor / (p.Mults.HackingSpeed * bn.HackingSpeedMultiplier * IntelligenceBonus(p.Intelligence, 1))
}

// GrowTime is calculateGrowTime, in seconds: 3.2 × HackTime.
func GrowTime(s Server, p Player, bn BitNode) float64 { return 3.2 * HackTime(s, p, bn) }

// WeakenTime is calculateWeakenTime, in seconds: 4 × HackTime.
func WeakenTime(s Server, p Player, bn BitNode) float64 { return 4 * HackTime(s, p, bn) }

// Millis converts a duration in seconds to milliseconds as
// ns.getHackTime/getGrowTime/getWeakenTime do (seconds·1000, unrounded).
func Millis(seconds float64) float64 { return seconds * 1000 }

// DelayMs is how long ns.hack/grow/weaken sleeps: seconds·1000 +
// opts.additionalMsec, unrounded.
func DelayMs(seconds, additionalMsec float64) float64 {
	return float64(seconds*1000) + additionalMsec
}

// HackExp is calculateHackingExpGain: the exp per thread of a successful
// hack and of any grow or weaken. It depends on the server's
// baseDifficulty, not its current security, and is 0 if that is 0.
func HackExp(s Server, p Player, bn BitNode) float64 {
	if falsy(s.BaseDifficulty) {
		return 0
	}
	exp := 3.0
	exp += float64(s.BaseDifficulty * 0.3)
	return exp * p.Mults.HackingExp * bn.HackExpGain
}

// LevelMult is the multiplier the hacking level is computed with:
// mults.hacking × BN.HackingLevelMultiplier.
func LevelMult(m Mults, bn BitNode) float64 { return m.Hacking * bn.HackingLevelMultiplier }

// SkillFromExp is calculateSkill: the level reached with exp, at least 1.
func SkillFromExp(exp, mult float64) float64 {
	v := math.Floor(mult * (float64(32*v8math.Log(exp+534.6)) - 200))
	return clampNumber(v, 1, math.MaxFloat64)
}

// ExpFromSkill is calculateExp, the continuous inverse of SkillFromExp:
// the exp at which skill is reached, at least 0.
func ExpFromSkill(skill, mult float64) float64 {
	v := v8math.Exp((skill/mult+200)/32) - 534.6
	return clampNumber(v, 0, math.MaxFloat64)
}

// CoreBonus is getCoreBonus: 1 + (cores−1)/16, the factor a host's cores
// give to grow and weaken.
func CoreBonus(cores float64) float64 { return 1 + float64((cores-1)/16) }

// GrowthLog is calculateServerGrowthLog: the natural log of the factor a
// grow with threads threads multiplies money by (−Inf if the server has no
// growth). cores are the cores of the host running the grow. Threads are
// multiplied last, as GrowThreads relies on.
func GrowthLog(s Server, threads float64, p Player, cores float64, bn BitNode) float64 {
	if falsy(s.ServerGrowth) {
		return math.Inf(-1)
	}
	cycles := math.Max(threads, 0)
	adjGrowthLog := math.Log1p(ServerBaseGrowthIncr / s.HackDifficulty) // matches V8's Math.log1p
	if adjGrowthLog >= ServerMaxGrowthLog {
		adjGrowthLog = ServerMaxGrowthLog
	}
	growthAdjusted := s.ServerGrowth / 100 * bn.ServerGrowthRate
	coreBonus := 1 + float64((cores-1)*(1.0/16))
	return adjGrowthLog * growthAdjusted * p.Mults.HackingGrow * coreBonus * cycles
}

// GrowFactor is calculateServerGrowth (ns.formulas.hacking.growPercent):
// the multiplier, e.g. 1.0035, a grow applies (0 if the server has no
// growth).
func GrowFactor(s Server, threads float64, p Player, cores float64, bn BitNode) float64 {
	if falsy(s.ServerGrowth) {
		return 0
	}
	return v8math.Exp(GrowthLog(s, threads, p, cores, bn))
}

// GrowMoney is calculateGrowMoney (ns.formulas.hacking.growAmount): the
// money after a grow. Each thread adds $1 before the multiplication, so an
// empty server grows; the result is capped at moneyMax.
func GrowMoney(s Server, threads float64, p Player, cores float64, bn BitNode) float64 {
	factor := GrowFactor(s, threads, p, cores, bn)
	if factor < 1 {
		factor = 1
	}
	money := s.MoneyAvailable
	money += threads
	money *= factor
	if money > s.MoneyMax || money != money {
		money = s.MoneyMax
	}
	return money
}

// GrowThreads is numCycleForGrowthCorrected (ns.formulas.hacking.growThreads
// with start = moneyAvailable): the integer number of threads one grow
// needs to take money from start to target, counting the $1 per thread and
// the host's cores. target is capped at moneyMax and start floored at 0;
// it is 0 when target ≤ start and +Inf when the server has no growth.
//
// It solves (start+x)·e^(k·x) = target by Newton's method on
// ln((start+x)/target) + k·x, then rounds up with the game's exact checks,
// which can recompute e^(k·c) for the candidate integers.
func GrowThreads(s Server, target, start float64, p Player, cores float64, bn BitNode) float64 {
	if falsy(s.ServerGrowth) {
		return math.Inf(1)
	}
	if start < 0 {
		start = 0
	}
	if target > s.MoneyMax {
		target = s.MoneyMax
	}
	if target <= start {
		return 0
	}
	k := GrowthLog(s, 1, p, cores, bn)
	weighted := float64(target*(1.0/16)) + float64(start*(15.0/16))
	x := (target - start) / (1 + float64(weighted*k))
	var diff float64
	for {
		ox := start + x
		// ln(ox/target) by division: 1/target overflows for tiny targets.
		newx := (x - float64(ox*v8math.Log(ox/target))) / (1 + float64(ox*k))
		diff = newx - x
		x = newx
		if !(diff < -1 || diff > 1) {
			break
		}
	}
	ccycle := math.Ceil(x)
	if ccycle-x > 0.999999 {
		fcycle := ccycle - 1
		if target <= (start+fcycle)*v8math.Exp(float64(k*fcycle)) {
			return fcycle
		}
	}
	if ccycle >= x+(math.Abs(diff)+0.000001) {
		return ccycle
	}
	if target <= (start+ccycle)*v8math.Exp(float64(k*ccycle)) {
		return ccycle
	}
	return ccycle + 1
}

// GrowthAnalyze is numCycleForGrowth (ns.growthAnalyze): the fractional
// threads to multiply money by growth, ignoring the $1 per thread. The
// game checks growth ≥ 1 before calling it; this does not.
func GrowthAnalyze(s Server, growth float64, p Player, cores float64, bn BitNode) float64 {
	if falsy(s.ServerGrowth) {
		return math.Inf(1)
	}
	return v8math.Log(growth) / GrowthLog(s, 1, p, cores, bn)
}

// WeakenAmount is getWeakenEffect (ns.weakenAnalyze): the security a
// weaken with threads threads removes from a host with cores cores.
func WeakenAmount(threads, cores float64, bn BitNode) float64 {
	return float64(ServerWeakenAmount * threads * CoreBonus(cores) * bn.ServerWeakenRate)
}

// HackSecurity is the security a successful hack adds (and
// ns.hackAnalyzeSecurity with a host): 0.002·min(threads, ⌈1/percent⌉),
// percent being HackPercent at completion. Threads beyond those that take
// all the money add nothing.
func HackSecurity(threads, percent float64) float64 {
	return float64(ServerFortifyAmount * math.Min(threads, math.Ceil(1/percent)))
}

// GrowSecurity is the security a grow adds when it took the server's money
// from s.MoneyAvailable to moneyAfter (processSingleServerGrowth): 0.004 per
// thread that growth needed, at most threads, and nothing if the money did
// not change (a server at moneyMax).
func GrowSecurity(s Server, moneyAfter, threads float64, p Player, cores float64, bn BitNode) float64 {
	if s.MoneyAvailable == moneyAfter {
		return 0
	}
	used := GrowThreads(s, moneyAfter, s.MoneyAvailable, p, cores, bn)
	used = math.Min(math.Max(0, math.Ceil(used)), threads)
	return float64(2 * ServerFortifyAmount * used)
}

// GrowthAnalyzeSecurity is ns.growthAnalyzeSecurity with a host: 0.004 per
// thread, counting at most the threads needed to reach moneyMax.
func GrowthAnalyzeSecurity(s Server, threads float64, p Player, cores float64, bn BitNode) float64 {
	needed := math.Ceil(GrowThreads(s, s.MoneyMax, s.MoneyAvailable, p, cores, bn))
	return float64(2 * ServerFortifyAmount * math.Min(threads, needed))
}
