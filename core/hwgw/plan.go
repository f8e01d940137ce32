// Package hwgw plans the hack, grow and weaken threads of one target: the
// threads of an HWGW batch for a hack fraction, its landing delays and
// overlap depth, the largest batch that fits some RAM, where a batch's
// operations go when it is divided over several chunks, the correction
// of a drifted target, and the till and sow sizes. It is pure arithmetic
// over the game's formulas; the harvest and prep engines run what it
// plans.
package hwgw

import (
	"math"
	"strconv"

	"ramfarm/core/formulas"
	"ramfarm/core/internal/detail"
	"ramfarm/core/ram"
)

// Op is one of a batch's four operations. Their order is the landing
// order: the target is at min security and max money before the hack and
// after the second weaken, and at min security between the first weaken
// and the grow.
type Op uint8

const (
	OpHack    Op = iota // steals the batch's fraction of max money
	OpWeaken1           // cancels the hack's security rise
	OpGrow              // restores max money
	OpWeaken2           // cancels the grow's security rise
)

// NumOps is the number of a batch's operations.
const NumOps = 4

// Action is the worker script an operation runs.
type Action uint8

const (
	ActionHack Action = iota
	ActionGrow
	ActionWeaken
)

// Action is the worker script op runs.
func (o Op) Action() Action {
	switch o {
	case OpHack:
		return ActionHack
	case OpGrow:
		return ActionGrow
	}
	return ActionWeaken
}

// Default worker RAM per thread (FACTS.md §7: base 1.6 plus the call).
const (
	DefaultHackRAM   ram.Amount = 170
	DefaultGrowRAM   ram.Amount = 175
	DefaultWeakenRAM ram.Amount = 175
)

// NoGrowSafety in Model.GrowSafety plans the exact grow thread count.
const NoGrowSafety = -1

// splitMargin is the extra security a weaken divided over several
// processes removes: each part's amount and each subtraction rounds, so
// without it the parts could leave the target a few ULPs above min.
const splitMargin = 1e-9

// forceSuccess as a hack roll succeeds at any chance (roll < chance, and
// chance ≥ 0), so a plan can ask what a successful hack does even where
// the chance is 0.
const forceSuccess = -1.0

// Model is what the planner is given about one target and the player.
type Model struct {
	// Target is the server to harvest. Only its fixed figures are read
	// (MoneyMax, MinDifficulty, BaseDifficulty, ServerGrowth,
	// RequiredHackingSkill): a batch starts from min security and max
	// money, and root is assumed.
	Target  formulas.Server
	Player  formulas.Player
	BitNode formulas.BitNode
	// HackRAM, GrowRAM and WeakenRAM are the worker scripts' RAM per
	// thread; 0 selects 1.70, 1.75 and 1.75 GB.
	HackRAM, GrowRAM, WeakenRAM ram.Amount
	// Spacing is the time between a batch's landings, ms; 0 selects 50.
	Spacing int64
	// Period is the time between two batches' hack landings, ms; 0
	// selects 4·Spacing, the least that keeps batches from interleaving.
	Period int64
	// GrowSafety is the grow threads a batch adds to the exact count:
	// they absorb a hack that takes a little more than planned because
	// the player's level rose while the batch was in flight. 0 selects 1;
	// NoGrowSafety adds none.
	GrowSafety int
}

// Normalize fills in defaults and rejects what no batch can be planned
// from.
func (m Model) Normalize() (Model, error) {
	bad := func(s string) (Model, error) { return m, detail.Wrap(ErrBadModel, s) }
	t := m.Target
	switch {
	case !finite(t.MoneyMax) || t.MoneyMax <= 0:
		return bad("target max money " + ftoa(t.MoneyMax) + " is not positive")
	case !finite(t.MinDifficulty) || t.MinDifficulty < 1 || t.MinDifficulty >= 100:
		return bad("target min security " + ftoa(t.MinDifficulty) + " is outside [1, 100)")
	case !finite(t.ServerGrowth) || t.ServerGrowth <= 0:
		return bad("target growth " + ftoa(t.ServerGrowth) + " is not positive")
	case !finite(t.RequiredHackingSkill) || t.RequiredHackingSkill < 0:
		return bad("target required skill " + ftoa(t.RequiredHackingSkill) + " is invalid")
	case !finite(m.Player.Hacking) || m.Player.Hacking < 1:
		return bad("player level " + ftoa(m.Player.Hacking) + " is below 1")
	case m.Player.Hacking < t.RequiredHackingSkill:
		return bad("player level " + ftoa(m.Player.Hacking) + " is below the target's required " + ftoa(t.RequiredHackingSkill))
	case !positive(m.Player.Mults.HackingSpeed, m.Player.Mults.HackingMoney, m.Player.Mults.HackingGrow,
		m.BitNode.HackingSpeedMultiplier, m.BitNode.ScriptHackMoney, m.BitNode.ServerGrowthRate, m.BitNode.ServerWeakenRate):
		return bad("a speed, money, growth or weaken multiplier is not positive")
	case m.HackRAM < 0 || m.GrowRAM < 0 || m.WeakenRAM < 0:
		return bad("worker RAM is negative")
	case m.Spacing < 0 || m.Period < 0:
		return bad("spacing and period must not be negative")
	case m.GrowSafety < NoGrowSafety:
		return bad("grow safety " + strconv.Itoa(m.GrowSafety) + " is below NoGrowSafety")
	}
	if m.HackRAM == 0 {
		m.HackRAM = DefaultHackRAM
	}
	if m.GrowRAM == 0 {
		m.GrowRAM = DefaultGrowRAM
	}
	if m.WeakenRAM == 0 {
		m.WeakenRAM = DefaultWeakenRAM
	}
	if m.Spacing == 0 {
		m.Spacing = 50
	}
	if m.Period == 0 {
		m.Period = 4 * m.Spacing
	}
	if m.Period < 4*m.Spacing {
		return bad("period " + itoa(m.Period) + "ms is below 4 spacings (" + itoa(4*m.Spacing) + "ms)")
	}
	switch m.GrowSafety {
	case 0:
		m.GrowSafety = 1
	case NoGrowSafety:
		m.GrowSafety = 0
	}
	return m, nil
}

// Planner plans batches for one target at one player level. It is
// immutable; a new level needs a new Planner.
type Planner struct {
	m       Model
	base    formulas.Server // the target at min security and max money, rooted
	percent float64         // hack percent per thread at min security
	chance  float64
	times   [NumOps]float64 // ms at min security
	depth   int
}

// NewPlanner checks m, fills in its defaults and precomputes what every
// batch shares.
func NewPlanner(m Model) (*Planner, error) {
	m, err := m.Normalize()
	if err != nil {
		return nil, err
	}
	p := &Planner{m: m, base: m.Target}
	p.base.HackDifficulty = m.Target.MinDifficulty
	p.base.MoneyAvailable = m.Target.MoneyMax
	p.base.HasAdminRights = true
	p.percent = formulas.HackPercent(p.base, m.Player, m.BitNode)
	if !(p.percent > 0) {
		return nil, detail.Wrap(ErrBadModel, "hack percent at min security is 0")
	}
	p.chance = formulas.HackChance(p.base, m.Player)
	p.times = p.timesAt(p.base)
	p.depth = max(1, int(p.times[OpWeaken1]/float64(m.Period)))
	return p, nil
}

func (p *Planner) timesAt(s formulas.Server) [NumOps]float64 {
	h := formulas.Millis(formulas.HackTime(s, p.m.Player, p.m.BitNode))
	g := formulas.Millis(formulas.GrowTime(s, p.m.Player, p.m.BitNode))
	w := formulas.Millis(formulas.WeakenTime(s, p.m.Player, p.m.BitNode))
	return [NumOps]float64{h, w, g, w}
}

// Model returns the model with its defaults filled in.
func (p *Planner) Model() Model { return p.m }

// Depth is how many batches can be in flight: floor(weaken time / period),
// at least 1.
func (p *Planner) Depth() int { return p.depth }

// HackPercent is the fraction of max money one hack thread takes at min
// security.
func (p *Planner) HackPercent() float64 { return p.percent }

// HackThreads is the most hack threads that take no more than fraction of
// max money, at least 1.
func (p *Planner) HackThreads(fraction float64) int {
	if !(fraction > 0) {
		return 1
	}
	fraction = math.Min(fraction, 1)
	h := math.Floor(fraction / p.percent)
	for h > 1 && h*p.percent > fraction {
		h--
	}
	return max(1, int(h))
}

// Batch is one planned HWGW batch.
type Batch struct {
	Threads  [NumOps]int // by Op; 0 for an op the batch does not run
	RAM      ram.Amount  // every thread of every op
	Fraction float64     // of max money the hack takes
	Cores    int         // the grow and weaken threads are planned for hosts with at least this many (On, Place: the grow's)
	Split    bool        // planned for hack and weaken divided over several hosts
	// Duration is each op's run time, ms, as the game computes it from the
	// security the batch starts at (min, except for a correction).
	Duration [NumOps]float64
	// Delay is each op's additionalMsec when all four start together: op
	// i lands Lead + i·Spacing ms after the start.
	Delay   [NumOps]float64
	Lead    float64 // ms from the start to the hack's landing slot
	Spacing int64   // ms between landings
	Period  int64   // ms between batches
	Depth   int     // batches in flight at full overlap
	// Money is the expected money per batch: what a successful hack takes
	// times the hack chance (and the BitNode's money gain).
	Money float64
	// MoneyPerSec is the income at full overlap, each of Depth batches
	// holding its RAM for Busy ms.
	MoneyPerSec float64
	// MoneyPerGBSec is Money per GB of the batch per second it holds it;
	// it ranks targets independently of the RAM they are given.
	MoneyPerGBSec float64
}

// Busy is how long a batch holds its RAM, ms: from the start of its ops to
// its last landing.
func (b Batch) Busy() float64 { return b.Lead + float64(3*b.Spacing) }

// Land is when op lands, ms after the batch's start.
func (b Batch) Land(op Op) float64 { return b.Lead + float64(int64(op)*b.Spacing) }

// Batch plans a batch whose hack runs hack threads (at least 1) and whose
// grow and weakens run on hosts with at least cores cores. Every later count is
// solved by applying the game's outcome functions in landing order, so a
// batch that lands as planned leaves the target exactly at min security
// and max money. With split the hack and weaken threads may be divided
// over several hosts (the grow never is: grows landing together compound
// on the security the earlier ones raised); the weakens then carry a
// margin that covers the rounding of the parts.
func (p *Planner) Batch(hack, cores int, split bool) Batch {
	return p.batch(hack, cores, cores, split)
}

// On plans a batch of hack threads for division over hosts (Place): its
// grow runs whole on a host with growCores cores, so its count is the
// game's for them; its weakens are counted for 1-core hosts, and Place
// turns them into each host's threads for its cores. Cores is growCores.
func (p *Planner) On(hack, growCores int) Batch {
	return p.batch(hack, growCores, 1, true)
}

// batch is Batch with the grow planned for hosts with growCores cores and
// the weakens for hosts with weakenCores.
func (p *Planner) batch(hack, growCores, weakenCores int, split bool) Batch {
	hack, growCores, weakenCores = max(hack, 1), max(growCores, 1), max(weakenCores, 1)
	hr := formulas.HackOutcome(p.base, p.m.Player, float64(hack), forceSuccess, p.m.BitNode)
	afterHack := hr.Server
	if split {
		// Parts land at rising security: each counts all its threads
		// (FACTS.md §2.9), so the sum can exceed one process's cap.
		afterHack.HackDifficulty = clampSecurity(p.base.MinDifficulty+float64(formulas.ServerFortifyAmount*float64(hack)), p.base.MinDifficulty)
	}
	var b Batch
	b.Threads[OpHack] = hack
	b.Threads[OpWeaken1] = p.weakenThreads(afterHack.HackDifficulty, weakenCores, split)
	atMin := afterHack
	atMin.HackDifficulty = p.base.MinDifficulty
	b.Threads[OpGrow] = p.growThreads(atMin, growCores, p.m.GrowSafety)
	b.Threads[OpWeaken2] = p.weakenThreads(p.growSecurity(b.Threads[OpGrow]), weakenCores, split)
	b.Fraction = hr.Drained / p.base.MoneyMax
	b.Money = hr.Gained * p.chance
	return p.finish(b, p.times, growCores, split)
}

// WithThreads is b with other thread counts: its durations, cores and
// split stay, and what follows from the counts is worked out again.
func (p *Planner) WithThreads(b Batch, threads [NumOps]int) Batch {
	return p.finish(Batch{Threads: threads}, b.Duration, b.Cores, b.Split)
}

// finish fills in what follows from the thread counts and durations.
func (p *Planner) finish(b Batch, times [NumOps]float64, cores int, split bool) Batch {
	b.Cores, b.Split, b.Duration = cores, split, times
	b.Lead, b.Delay = 0, [NumOps]float64{}
	b.Spacing, b.Period, b.Depth = p.m.Spacing, p.m.Period, p.depth
	b.RAM = p.ramOf(b.Threads)
	for op := range Op(NumOps) {
		if b.Threads[op] > 0 {
			b.Lead = math.Max(b.Lead, times[op]-float64(int64(op)*p.m.Spacing))
		}
	}
	for op := range Op(NumOps) {
		if b.Threads[op] > 0 {
			b.Delay[op] = b.Land(op) - times[op]
		}
	}
	if busy := b.Busy() / 1000; busy > 0 && b.RAM > 0 {
		b.MoneyPerSec = b.Money * float64(b.Depth) / busy
		b.MoneyPerGBSec = b.Money / (b.RAM.GB() * busy)
	}
	return b
}

func (p *Planner) ramOf(t [NumOps]int) ram.Amount {
	return p.m.HackRAM.Times(t[OpHack]) + p.m.WeakenRAM.Times(t[OpWeaken1]+t[OpWeaken2]) + p.m.GrowRAM.Times(t[OpGrow])
}

// weakenThreads is the fewest threads that take security from down to
// min on hosts with cores cores, by the game's own subtraction and clamp;
// with split, margin below min to spare.
func (p *Planner) weakenThreads(from float64, cores int, split bool) int {
	lo := p.base.MinDifficulty
	if from <= lo {
		return 0
	}
	margin := 0.0
	if split {
		margin = splitMargin
	}
	c := float64(cores)
	per := formulas.WeakenAmount(1, c, p.m.BitNode)
	w := max(0, int(math.Ceil((from-lo+margin)/per))-1)
	for from-formulas.WeakenAmount(float64(w), c, p.m.BitNode) > lo-margin {
		w++
	}
	return w
}

// growSecurity is the security after a grow of g threads lands at min
// security, counting every thread: the game counts only the threads the
// growth needed (FACTS.md §2.9), which is more than planned when a hack
// took more than planned, and never more than all of them. Float addition
// is monotone, so a weaken that cancels this cancels any smaller rise
// exactly.
func (p *Planner) growSecurity(g int) float64 {
	if g == 0 {
		return p.base.MinDifficulty
	}
	rise := float64(2 * formulas.ServerFortifyAmount * float64(g))
	return clampSecurity(p.base.MinDifficulty+rise, p.base.MinDifficulty)
}

// growThreads is the threads one grow needs to take s to max money on a
// host with cores cores, plus extra when any are needed, checked with the
// game's grow.
func (p *Planner) growThreads(s formulas.Server, cores, extra int) int {
	c := float64(cores)
	g := int(formulas.GrowThreads(s, s.MoneyMax, s.MoneyAvailable, p.m.Player, c, p.m.BitNode))
	if g == 0 {
		return 0
	}
	g += extra
	for formulas.GrowMoney(s, float64(g), p.m.Player, c, p.m.BitNode) < s.MoneyMax {
		g++
	}
	return g
}

// Fit is the batch with the most hack threads, stealing at most
// maxFraction of max money, whose RAM fits budget (one chunk on one host
// with cores cores). It is false when not even one hack thread fits.
func (p *Planner) Fit(budget ram.Amount, cores int, maxFraction float64) (Batch, bool) {
	lo := p.Batch(1, cores, false)
	if lo.RAM > budget {
		return lo, false
	}
	// RAM grows with hack threads: each op's count is monotone in them.
	l, h := 1, p.HackThreads(maxFraction)
	best := lo
	for l < h {
		mid := l + (h-l+1)/2
		if b := p.Batch(mid, cores, false); b.RAM <= budget {
			l, best = mid, b
		} else {
			h = mid - 1
		}
	}
	return best, true
}

// Prep is the grow and weaken work that moves a target to min security
// (till) or to max money at min security (sow): the size of those tasks.
type Prep struct {
	Weaken int
	Grow   int
	RAM    ram.Amount
}

// Till is the weaken threads that take the target from security down to
// min on hosts with cores cores.
func (p *Planner) Till(security float64, cores int) Prep {
	w := p.weakenThreads(clampSecurity(security, p.base.MinDifficulty), max(cores, 1), false)
	return Prep{Weaken: w, RAM: p.m.WeakenRAM.Times(w)}
}

// Sow is the grow threads that take the target from money to max at min
// security, and the weaken threads that cancel their security rise, on
// hosts with cores cores. It adds no safety threads: a sow that falls
// short is simply run again.
func (p *Planner) Sow(money float64, cores int) Prep {
	cores = max(cores, 1)
	s := p.base
	s.MoneyAvailable = math.Max(0, money)
	g := p.growThreads(s, cores, 0)
	w := p.weakenThreads(p.growSecurity(g), cores, false)
	return Prep{Weaken: w, Grow: g, RAM: p.m.WeakenRAM.Times(w) + p.m.GrowRAM.Times(g)}
}

// Correction plans a batch without a hack that takes the target from the
// observed money and security back to max money at min security: a
// weaken to min, a grow to max, a weaken for the grow. It runs from the
// observed security, so its durations are the ones at that security; its
// weakens may be divided over hosts.
func (p *Planner) Correction(money, security float64, cores int) Batch {
	return p.CorrectionUpTo(money, security, cores, -1)
}

// CorrectionUpTo is Correction with at most grow grow threads (all it
// needs when grow < 0), and the weakens that go with them.
func (p *Planner) CorrectionUpTo(money, security float64, cores, grow int) Batch {
	cores = max(cores, 1)
	s := p.base
	s.HackDifficulty = clampSecurity(security, p.base.MinDifficulty)
	s.MoneyAvailable = math.Max(0, money)
	var b Batch
	b.Threads[OpWeaken1] = p.weakenThreads(s.HackDifficulty, cores, true)
	atMin := s
	atMin.HackDifficulty = p.base.MinDifficulty
	g := p.growThreads(atMin, cores, p.m.GrowSafety)
	if grow >= 0 {
		g = min(g, grow)
	}
	b.Threads[OpGrow] = g
	b.Threads[OpWeaken2] = p.weakenThreads(p.growSecurity(g), cores, true)
	return p.finish(b, p.timesAt(s), cores, true)
}

// clampSecurity is the game's capDifficulty: [max(min, 1), 100].
func clampSecurity(sec, minDifficulty float64) float64 {
	return math.Min(100, math.Max(sec, math.Max(minDifficulty, 1)))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func positive(xs ...float64) bool {
	for _, x := range xs {
		if !finite(x) || x <= 0 {
			return false
		}
	}
	return true
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
