package hwgw

import (
	"math/rand/v2"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/internal/testservers"
)

// apply lands a batch on a target at min security and max money, in
// landing order, with the game's outcome functions. Each op's threads are
// divided into parts (one part unless split), each on a host with at
// least the planned cores, landing in a random order within the op.
func apply(rng *rand.Rand, s formulas.Server, pl formulas.Player, b Batch, roll float64, split bool) (afterW1, afterG, final formulas.Server) {
	bn := formulas.BN1()
	parts := func(n int) []int {
		if !split || n < 2 {
			return []int{n}
		}
		var out []int
		for n > 0 {
			k := 1 + rng.IntN(n)
			out = append(out, k)
			n -= k
		}
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	cores := func() float64 {
		if !split {
			return float64(b.Cores)
		}
		return float64(b.Cores + rng.IntN(3))
	}
	for _, t := range parts(b.Threads[OpHack]) {
		s = formulas.HackOutcome(s, pl, float64(t), roll, bn).Server
	}
	for _, t := range parts(b.Threads[OpWeaken1]) {
		s = formulas.WeakenOutcome(s, float64(t), pl, cores(), bn).Server
	}
	afterW1 = s
	s = formulas.GrowOutcome(s, float64(b.Threads[OpGrow]), pl, cores(), bn).Server
	afterG = s
	for _, t := range parts(b.Threads[OpWeaken2]) {
		s = formulas.WeakenOutcome(s, float64(t), pl, cores(), bn).Server
	}
	return afterW1, afterG, s
}

// A planned batch, landed in order, returns every server to exactly min
// security and max money: at any level, fraction and core count, whether
// the hack succeeds or not, and with its hack and weakens divided over
// hosts when planned for that. The weaken before the grow leaves min
// security, so the grow runs at the rate it was planned for.
func TestPlanner_Batch_restoresTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	n := 0
	for _, name := range testservers.Names(t) {
		s := testservers.Server(t, name)
		for _, level := range []float64{s.RequiredHackingSkill, s.RequiredHackingSkill + 17, 2*s.RequiredHackingSkill + 50, 2500} {
			level = max(level, 1)
			pl := formulas.NewPlayer(level)
			safety := 0
			if n%3 == 0 {
				safety = NoGrowSafety
			}
			p := planner(t, Model{Target: s, Player: pl, BitNode: formulas.BN1(), GrowSafety: safety})
			for _, fraction := range []float64{0, 0.01, 0.1, 0.35, 0.7, 0.9} {
				for _, cores := range []int{1, 2, 5, 8} {
					for _, split := range []bool{false, true} {
						b := p.Batch(p.HackThreads(fraction), cores, split)
						for _, roll := range []float64{0, 0.999999} {
							n++
							w1, g, final := apply(rng, s, pl, b, roll, split)
							if w1.HackDifficulty != s.MinDifficulty || g.MoneyAvailable != s.MoneyMax ||
								final.HackDifficulty != s.MinDifficulty || final.MoneyAvailable != s.MoneyMax {
								t.Fatalf("%s level %v fraction %v cores %d split %v roll %v: %v → after W1 %v/%v, G %v/%v, end %v/%v",
									name, level, fraction, cores, split, roll, b.Threads,
									w1.MoneyAvailable, w1.HackDifficulty, g.MoneyAvailable, g.HackDifficulty,
									final.MoneyAvailable, final.HackDifficulty)
							}
						}
						if b.Fraction > max(fraction, p.HackPercent())+1e-15 || b.Threads[OpHack] < 1 {
							t.Errorf("%s: fraction %v for %v", name, b.Fraction, fraction)
						}
						if b.RAM != p.ramOf(b.Threads) || b.Cores != cores || b.Split != split {
							t.Errorf("%s: ram %v cores %d split %v", name, b.RAM, b.Cores, b.Split)
						}
					}
				}
			}
		}
	}
	t.Logf("%d batches landed", n)
}

// A hack that takes more than planned (the level rose while the batch was
// in flight) still leaves min security: the second weaken counts every
// grow thread, not just those the planned growth needed.
func TestPlanner_Batch_levelRise(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, name := range testservers.Names(t) {
		s := testservers.Server(t, name)
		level := max(1, s.RequiredHackingSkill)
		p := planner(t, Model{Target: s, Player: formulas.NewPlayer(level), BitNode: formulas.BN1()})
		for _, fraction := range []float64{0.01, 0.2, 0.6} {
			b := p.Batch(p.HackThreads(fraction), 1, false)
			_, _, final := apply(rng, s, formulas.NewPlayer(level+40), b, 0, false)
			if final.HackDifficulty != s.MinDifficulty {
				t.Errorf("%s fraction %v: security %v after a level rise", name, fraction, final.HackDifficulty)
			}
		}
	}
}

// A correction from any drifted state, landed in order (weakens divided),
// returns the target to min security and max money.
func TestPlanner_Correction(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	for _, name := range testservers.Names(t) {
		s := testservers.Server(t, name)
		pl := formulas.NewPlayer(max(1, s.RequiredHackingSkill) + 30)
		p := planner(t, Model{Target: s, Player: pl, BitNode: formulas.BN1()})
		for range 5 {
			money := s.MoneyMax * rng.Float64()
			sec := s.MinDifficulty + rng.Float64()*(100-s.MinDifficulty)
			cores := 1 + rng.IntN(4)
			b := p.Correction(money, sec, cores)
			if b.Threads[OpHack] != 0 || b.Money != 0 {
				t.Fatalf("%s: correction hacks: %v", name, b.Threads)
			}
			start := s
			start.MoneyAvailable, start.HackDifficulty = money, sec
			want := formulas.Millis(formulas.WeakenTime(start, pl, formulas.BN1()))
			if b.Duration[OpWeaken1] != want || b.Delay[OpWeaken1] != 0 {
				t.Errorf("%s: weaken %v at security %v, want %v", name, b.Duration[OpWeaken1], sec, want)
			}
			w1, g, final := apply(rng, start, pl, b, 0, true)
			if w1.HackDifficulty != s.MinDifficulty || g.MoneyAvailable != s.MoneyMax || final.HackDifficulty != s.MinDifficulty {
				t.Errorf("%s from %v/%v: %v → %v/%v", name, money, sec, b.Threads, final.MoneyAvailable, final.HackDifficulty)
			}
		}
	}
}
