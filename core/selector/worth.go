package selector

import (
	"math"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
)

// Worth is what RAM given to a target now is expected to earn, per GB and
// second, averaged over the next Horizon ms: nothing while the target is
// prepared (till, then sow) and until the first batch lands, then its
// harvest's money per GB·s. A target that is ready earns after one weaken
// time; one that must be sown first earns only after the waves of grow
// threads that the RAM it can get allows. So a better target that is not
// prepared yet competes for RAM against what a ready one pays now, and a
// preparation that would not end within the horizon is worth next to
// nothing: only RAM nothing else can use goes to it.
//
// avail is the RAM the target's task could get (the harvest yield is
// estimated for it) and invest the RAM its preparation could use: RAM
// running harvests hold earns already and is not counted.
//
// Past reports a target whose preparation outlasts the horizon.
func Worth(kind Kind, t Target, hacking float64, avail, invest ram.Amount, horizon int64, m Model) (value float64, past bool) {
	return worth(HarvestYield(t, hacking, avail, m).PerGBs, kind, t, hacking, invest, horizon, m)
}

// worth is Worth given the harvest's money per GB·s.
func worth(perGBs float64, kind Kind, t Target, hacking float64, invest ram.Amount, horizon int64, m Model) (float64, bool) {
	if !(perGBs > 0) || horizon <= 0 {
		return 0, true
	}
	delay := PrepTime(kind, t, hacking, invest, m)
	if math.IsInf(delay, 1) {
		return 0, true
	}
	h, d := float64(horizon)/1000, delay+readyTime(t, hacking, m)
	if d < h*(1-beyond) {
		return perGBs * (h - d) / h, false
	}
	// Beyond the horizon it is worth a sliver, less the longer it takes:
	// RAM that no better use wants may still prepare it.
	return perGBs * beyond * h / d, true
}

// beyond is the share of its harvest's worth that a target whose
// preparation outlasts the horizon keeps.
const beyond = 0.01

// PrepTime is the seconds a task of kind needs to bring t to min security
// and max money with invest RAM: each pass of its weaken or grow threads
// takes a weaken time (the longest of the operations), and when the RAM
// cannot hold every thread at once the work takes that many passes.
// +Inf when invest holds not even one thread.
func PrepTime(kind Kind, t Target, hacking float64, invest ram.Amount, m Model) float64 {
	if kind == KindHarvest || kind == KindNone {
		return 0
	}
	passes := func(need ram.Amount) float64 {
		if need <= 0 {
			return 0
		}
		if invest <= 0 {
			return math.Inf(1)
		}
		return math.Ceil(float64(need) / float64(invest))
	}
	var secs float64
	atMin := t
	atMin.Security = t.MinSecurity
	if kind == KindTill {
		_, till := Need(KindTill, t, hacking, m)
		if t.Security > t.MinSecurity+1e-9 {
			secs += passes(till) * weakenSeconds(t, t.Security, hacking, m)
		}
	}
	// A sow starts from what a till leaves: min security.
	sowFrom := atMin
	if kind == KindSow {
		sowFrom = t
	}
	if t.MoneyAvailable < t.MoneyMax*(1-1e-9) {
		_, sow := Need(KindSow, sowFrom, hacking, m)
		secs += passes(sow) * weakenSeconds(t, math.Max(sowFrom.Security, t.MinSecurity), hacking, m)
	}
	return secs
}

// readyTime is the seconds from a harvest's start to its first landing:
// a weaken time at min security.
func readyTime(t Target, hacking float64, m Model) float64 {
	return weakenSeconds(t, t.MinSecurity, hacking, m)
}

func weakenSeconds(t Target, security, hacking float64, m Model) float64 {
	s := prepared(t)
	s.HackDifficulty = security
	return formulas.WeakenTime(s, formulas.NewPlayer(hacking), m.bn())
}
