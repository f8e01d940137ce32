package selector

import (
	"math"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
)

// Model is what the estimates assume about the workers, the batch
// planner and the BitNode. The player has no augmentations, and every
// thread runs on a 1-core host: the player's multipliers scale all
// targets alike, and extra cores only make tasks need less, so the
// ranking and the RAM asked for stay sound. The BitNode's multipliers do
// not scale all alike (growth and weaken rates change the thread shape,
// not only the money), so they are the game's.
type Model struct {
	HackRAM, GrowRAM, WeakenRAM ram.Amount // per thread
	BatchGap                    int64      // ms between two batches landing
	MaxFraction                 float64    // the largest share of max money one batch takes
	// BitNode is the multipliers of the BitNode the game runs; the zero
	// value is BitNode 1's.
	BitNode formulas.BitNode
}

// bn is m's BitNode multipliers, BitNode 1's when unset.
func (m Model) bn() formulas.BitNode {
	if m.BitNode == (formulas.BitNode{}) {
		return formulas.BN1()
	}
	return m.BitNode
}

// Yield is what harvesting a target is expected to earn, kept at min
// security and max money, with HWGW batches of one size.
type Yield struct {
	HackThreads, GrowThreads, WeakenThreads int
	Fraction                                float64    // of max money one batch takes
	BatchRAM                                ram.Amount // one batch, held for a weaken time
	Batches                                 int        // in flight in the RAM given (may be 0)
	MaxBatches                              int        // full overlap: weaken time / batch gap
	PerGBs                                  float64    // expected money per GB·second held
	Rate                                    float64    // expected money per second with Batches
}

// maxBatches bounds MaxBatches so RAM products stay far inside int64.
const maxBatches = 1 << 20

// HarvestYield estimates a target's harvest at the hack fraction that
// fits avail RAM. Every batch holds its RAM for about a weaken time and
// takes chance × fraction × max money, so a batch earns PerGBs =
// stolen / (batch RAM × weaken time), however many overlap.
//
// The plan is the batch size (hack threads, up to MaxFraction) that earns
// most in avail, counting batches up to full overlap, of sizes that fit.
// Per GB, tiny batches lose to rounding (one hack thread still needs a
// whole weaken thread) and large ones to grow threads rising faster than
// the money taken, so with RAM to spare the best is in between, and with
// more RAM than small batches can overlap in, larger ones win. Sizes are
// tried one by one up to 8 hack threads, then in steps of a quarter,
// which keeps an estimate to a few dozen grow solves. When not even one
// batch fits, the plan is the one-thread batch: Rate is 0, and PerGBs
// says what the target will earn per GB once RAM comes. A target that
// cannot be hacked yields the zero Yield.
func HarvestYield(t Target, hacking float64, avail ram.Amount, m Model) Yield {
	s, p, bn := prepared(t), formulas.NewPlayer(hacking), m.bn()
	pct := formulas.HackPercent(s, p, bn)
	chance := formulas.HackChance(s, p)
	tw := formulas.WeakenTime(s, p, bn)
	if !(pct > 0) || !(chance > 0) || !(t.MoneyMax > 0) || !(t.Growth > 0) || !(tw > 0) || math.IsInf(tw, 0) ||
		t.RequiredHacking > hacking {
		return Yield{}
	}
	nmax := int(math.Min(maxBatches, math.Max(1, math.Floor(tw*1000/float64(m.BatchGap)))))
	hmax := int(math.Min(1<<30, math.Max(1, math.Floor(m.MaxFraction/pct))))
	plan := func(h int) Yield {
		b := batchOf(s, p, pct, h, m)
		stolen := chance * b.fraction * t.MoneyMax * bn.ScriptHackMoneyGain
		n := int(min(int64(nmax), int64(avail/b.ram)))
		return Yield{
			HackThreads: h, GrowThreads: b.grow, WeakenThreads: b.weaken, Fraction: b.fraction,
			BatchRAM: b.ram, Batches: n, MaxBatches: nmax,
			PerGBs: stolen / (b.ram.GB() * tw), Rate: float64(n) * stolen / tw,
		}
	}
	// Batches are counted whole for Rate, but compared as a fraction of
	// avail: whether 2 or 3 batches fit must not flip the choice, and with
	// it a target's rank, at every few GB.
	score := func(y Yield) float64 {
		return math.Min(float64(nmax), float64(avail)/float64(y.BatchRAM)) * y.PerGBs * float64(y.BatchRAM)
	}
	best := plan(1)
	for h := 2; h <= hmax && best.Batches > 0; h = max(h+1, h+h/4) {
		y := plan(h)
		if y.Batches == 0 {
			break // batches only grow with h
		}
		if score(y) > score(best) {
			best = y
		}
	}
	return best
}

// batch is one HWGW batch's shape.
type batch struct {
	fraction     float64
	grow, weaken int
	ram          ram.Amount
}

// batchOf shapes the batch with h hack threads: grow threads regrow the
// money taken, and weaken threads undo the security both add.
func batchOf(s formulas.Server, p formulas.Player, pct float64, h int, m Model) batch {
	bn := m.bn()
	f := math.Min(1, float64(h)*pct)
	g := threads(formulas.GrowThreads(s, s.MoneyMax, s.MoneyMax*(1-f), p, 1, bn))
	per := formulas.WeakenAmount(1, 1, bn)
	w := threads(formulas.HackSecurity(float64(h), pct)/per) + threads(2*formulas.ServerFortifyAmount*float64(g)/per)
	// A harvest holds a chunk of the largest worker's RAM per thread.
	return batch{fraction: f, grow: g, weaken: w, ram: clampRAM(float64(max(m.HackRAM, m.GrowRAM, m.WeakenRAM)) * float64(h+g+w))}
}

// Need is the RAM a task of kind needs on t: least is its smallest useful
// size (one weaken thread; one grow and one weaken; one batch of one hack
// thread), most is all of its work at once (every weaken thread to min
// security; every grow thread to max money and the weakens that undo
// them; full overlap at MaxFraction). Both are 0 when the task has
// nothing it could do.
func Need(kind Kind, t Target, hacking float64, m Model) (least, most ram.Amount) {
	bn := m.bn()
	per := formulas.WeakenAmount(1, 1, bn)
	extra := math.Max(0, t.Security-t.MinSecurity)
	switch kind {
	case KindTill:
		w := max(1, threads(extra/per))
		return m.WeakenRAM, m.WeakenRAM.Times(w)
	case KindSow:
		if !(t.Growth > 0) || !(t.MoneyMax > 0) {
			return 0, 0
		}
		s := formulas.Server{HackDifficulty: math.Max(t.Security, t.MinSecurity), MinDifficulty: t.MinSecurity,
			MoneyMax: t.MoneyMax, ServerGrowth: t.Growth}
		g := max(1, threads(formulas.GrowThreads(s, t.MoneyMax, t.MoneyAvailable, formulas.NewPlayer(hacking), 1, bn)))
		w := max(1, threads((2*formulas.ServerFortifyAmount*float64(g)+extra)/per))
		return m.GrowRAM + m.WeakenRAM, clampRAM(float64(m.GrowRAM)*float64(g) + float64(m.WeakenRAM)*float64(w))
	case KindHarvest:
		y := HarvestYield(t, hacking, ram.Max, m)
		if y.BatchRAM == 0 {
			return 0, 0
		}
		s, p := prepared(t), formulas.NewPlayer(hacking)
		// The harvest task plans one grow thread more than the exact
		// count (core/hwgw's GrowSafety), so its smallest batch is that
		// much larger.
		return batchOf(s, p, formulas.HackPercent(s, p, bn), 1, m).ram + max(m.HackRAM, m.GrowRAM, m.WeakenRAM),
			clampRAM(float64(y.BatchRAM) * float64(y.MaxBatches))
	}
	return 0, 0
}

// prepared is t as harvest keeps it: at min security and max money.
func prepared(t Target) formulas.Server {
	return formulas.Server{
		HackDifficulty: t.MinSecurity, MinDifficulty: t.MinSecurity, BaseDifficulty: t.BaseSecurity,
		RequiredHackingSkill: t.RequiredHacking, MoneyAvailable: t.MoneyMax, MoneyMax: t.MoneyMax,
		ServerGrowth: t.Growth, HasAdminRights: true,
	}
}

// inferPhase is the phase t's state calls for. The engine only moves a
// target forward with it: harvest tolerates drift and corrects it.
func inferPhase(t Target) Kind {
	switch {
	case t.Security > t.MinSecurity+1e-9:
		return KindTill
	case t.MoneyAvailable < t.MoneyMax*(1-1e-9):
		return KindSow
	}
	return KindHarvest
}

// threads rounds a fractional thread count up, forgiving float noise
// (0.05/0.05 may come out a hair above 1), and bounds it.
func threads(x float64) int {
	if !(x > 0) {
		return 0
	}
	return int(math.Min(1<<30, math.Ceil(x-1e-9)))
}

func clampRAM(hundredths float64) ram.Amount {
	if !(hundredths < float64(ram.Max)) {
		return ram.Max
	}
	return ram.Amount(math.Ceil(hundredths))
}
