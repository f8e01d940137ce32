package formulas

// The outcome functions compute what a completed ns.hack/grow/weaken does
// to the target and the player (FACTS.md §3). The game re-reads everything
// at completion, so pass the state at that moment, not at the call; the
// duration comes from the state at the call (HackTime and friends).

// HackResult is the effect of a completed ns.hack.
type HackResult struct {
	Success bool    // the roll was below the hack chance
	Drained float64 // money taken from the server
	Gained  float64 // money the player receives; ns.hack's return value
	Exp     float64 // hacking exp the player receives
	Server  Server  // the target afterwards
}

// HackOutcome is the completion of ns.hack (NetscriptHelpers.hack): with
// roll = Math.random(), it succeeds iff roll < HackChance. Success takes
// money·percent·threads (at most all of it), adds HackSecurity and gives
// full exp, except that draining $0 gives the failure exp. Failure gives a
// quarter of the exp and changes nothing else.
func HackOutcome(s Server, p Player, threads, roll float64, bn BitNode) HackResult {
	chance := HackChance(s, p)
	expSuccess := HackExp(s, p, bn) * threads
	expFailure := expSuccess / 4
	if !(roll < chance) {
		return HackResult{Exp: expFailure, Server: s}
	}
	percent := HackPercent(s, p, bn)
	drained := float64(s.MoneyAvailable * percent * threads)
	if drained <= 0 {
		drained = 0
		expSuccess = expFailure
	}
	if drained > s.MoneyAvailable {
		drained = s.MoneyAvailable
	}
	after := s
	after.MoneyAvailable -= drained
	if after.MoneyAvailable < 0 {
		after.MoneyAvailable = 0
	}
	after.HackDifficulty = capDifficulty(s.HackDifficulty+HackSecurity(threads, percent), s.MinDifficulty)
	return HackResult{
		Success: true,
		Drained: drained,
		Gained:  drained * bn.ScriptHackMoneyGain,
		Exp:     expSuccess,
		Server:  after,
	}
}

// GrowResult is the effect of a completed ns.grow.
type GrowResult struct {
	// Returned is ns.grow's return value: money after / before, with
	// before taken as 1 when it was ≤ 0.
	Returned float64
	// Ratio is processSingleServerGrowth's return value: after / before
	// without that guard (+Inf or NaN from an empty server).
	Ratio  float64
	Exp    float64 // hacking exp the player receives
	Server Server  // the target afterwards
}

// GrowOutcome is the completion of ns.grow (processSingleServerGrowth):
// money becomes GrowMoney and security rises by GrowSecurity. cores are
// the cores of the host running the grow, read at completion. Exp is
// always full.
func GrowOutcome(s Server, threads float64, p Player, cores float64, bn BitNode) GrowResult {
	before := s.MoneyAvailable
	nsBefore := before
	if nsBefore <= 0 {
		nsBefore = 1
	}
	moneyAfter := GrowMoney(s, threads, p, cores, bn)
	after := s
	after.MoneyAvailable = moneyAfter
	if before != moneyAfter {
		after.HackDifficulty = capDifficulty(s.HackDifficulty+GrowSecurity(s, moneyAfter, threads, p, cores, bn), s.MinDifficulty)
	}
	return GrowResult{
		Returned: moneyAfter / nsBefore,
		Ratio:    moneyAfter / before,
		Exp:      HackExp(after, p, bn) * threads,
		Server:   after,
	}
}

// WeakenResult is the effect of a completed ns.weaken.
type WeakenResult struct {
	// Amount is the nominal WeakenAmount, ns.weaken's return value even
	// when the floor at minDifficulty removed less.
	Amount float64
	Exp    float64 // hacking exp the player receives
	Server Server  // the target afterwards
}

// WeakenOutcome is the completion of ns.weaken: security drops by
// WeakenAmount(threads, cores of the host at completion), floored at
// minDifficulty. Exp is always full.
func WeakenOutcome(s Server, threads float64, p Player, cores float64, bn BitNode) WeakenResult {
	amount := WeakenAmount(threads, cores, bn)
	after := s
	after.HackDifficulty = capDifficulty(s.HackDifficulty-amount, s.MinDifficulty)
	return WeakenResult{
		Amount: amount,
		Exp:    HackExp(after, p, bn) * threads,
		Server: after,
	}
}
