package hwgw

import (
	"errors"
	"math"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
	"ramfarm/internal/testservers"
)

// Hand-computed batches at min security and max money (FACTS.md §2).
//
// n00dles (req 1, min 1, growth 3000, $1.75m) at level 50:
// hack% = 0.99·(50/50)/240 = 0.004125; 12 threads take 4.95% ($86,625)
// and add 0.024 security: 1 weaken (0.05). Grow from $1,663,375: k =
// ln(1.0035)·30 = 0.1048 per thread and ln(1.75m/1.663375m) = 0.0508, so
// 1 thread, +1 safety = 2, adding at most 0.008: 1 weaken. RAM 12·1.7 +
// 2·1.75 + 2·1.75 = 27.4 GB. Hack time 5·(2.5·1·1+500)/(50+50) = 25.125 s,
// grow 80.4 s, weaken 100.5 s. The first weaken decides the lead:
// 100.5 s − 50 ms.
//
// joesguns (req 10, min 5, growth 20, $62.5m) at level 100:
// hack% = 0.95·(91/100)/240 = 0.0036020833; 13 threads take 4.68%
// ($2,926,692.7) and add 0.026: 1 weaken. k = ln(1.0035)·0.2 = 0.000698778;
// ln(1/(1−0.0468271)) = 0.047958 → 68.6 → 69 threads, +1 = 70, adding at
// most 0.28: 6 weakens (0.3). RAM 13·1.7 + 7·1.75 + 70·1.75 = 156.85 GB.
// Hack time 5·(2.5·10·5+500)/150 = 20.8333 s, weaken 83.3333 s.
//
// foodnstuff (req 1, min 3, growth 5, $50m) at level 50, one hack thread:
// hack% = 0.97/240 = 0.0040416667; k = ln(1.0035)·0.05 = 0.000174694;
// ln(1/(1−0.0040417)) = 0.00404986 → 23.2 → 24 threads, +1 = 25, adding
// at most 0.1: 2 weakens; the hack's 0.002 needs 1. RAM 1.7 + 3·1.75 +
// 25·1.75 = 50.7 GB.
func TestPlanner_Batch_handComputed(t *testing.T) {
	tests := []struct {
		target         string
		level          float64
		hack           int
		threads        [NumOps]int
		ram            ram.Amount
		hackMs, weakMs float64
		depth          int // at a 20 s period
	}{
		{"n00dles", 50, 12, [NumOps]int{12, 1, 2, 1}, ram.MustGB(27.4), 25125, 100500, 5},
		{"joesguns", 100, 13, [NumOps]int{13, 1, 70, 6}, ram.MustGB(156.85), 20833.333333333336, 83333.33333333334, 4},
		{"foodnstuff", 50, 1, [NumOps]int{1, 1, 25, 2}, ram.MustGB(50.7), 25375, 101500, 5},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			m := model(t, tt.target, tt.level)
			m.Period = 20000
			p := planner(t, m)
			b := p.Batch(tt.hack, 1, false)
			if b.Threads != tt.threads || b.RAM != tt.ram {
				t.Errorf("threads %v ram %v, want %v %v", b.Threads, b.RAM, tt.threads, tt.ram)
			}
			if b.Duration[OpHack] != tt.hackMs || b.Duration[OpWeaken1] != tt.weakMs || b.Duration[OpGrow] != 3.2*tt.hackMs {
				t.Errorf("durations %v, want hack %v weaken %v", b.Duration, tt.hackMs, tt.weakMs)
			}
			if b.Lead != tt.weakMs-50 || b.Delay[OpWeaken1] != 0 {
				t.Errorf("lead %v delay %v", b.Lead, b.Delay)
			}
			if b.Depth != tt.depth || p.Depth() != tt.depth || b.Period != 20000 {
				t.Errorf("depth %d/%d period %d, want %d", b.Depth, p.Depth(), b.Period, tt.depth)
			}
			s := testservers.Server(t, tt.target)
			wantFrac := float64(tt.hack) * p.HackPercent()
			if math.Abs(b.Fraction-wantFrac) > 1e-15 {
				t.Errorf("fraction %v, want %v", b.Fraction, wantFrac)
			}
			want := s.MoneyMax * wantFrac * formulas.HackChance(s, m.Player)
			if math.Abs(b.Money-want) > want*1e-12 {
				t.Errorf("money %v, want %v", b.Money, want)
			}
			busy := b.Lead + 150
			if math.Abs(b.MoneyPerSec-b.Money*float64(b.Depth)*1000/busy) > 1e-6 ||
				math.Abs(b.MoneyPerGBSec-b.Money*1000/(b.RAM.GB()*busy)) > 1e-9 {
				t.Errorf("rates %v %v", b.MoneyPerSec, b.MoneyPerGBSec)
			}
		})
	}
}

// Landing times: H, W1, G, W2 exactly one spacing apart, every delay ≥ 0
// and one of them 0 (no time wasted before the first landing).
func TestPlanner_Batch_landingOrder(t *testing.T) {
	for _, spacing := range []int64{5, 50, 200} {
		for _, name := range []string{"n00dles", "joesguns", "foodnstuff", "phantasy"} {
			p := planner(t, Model{Target: testservers.Server(t, name), Player: formulas.NewPlayer(150), BitNode: formulas.BN1(), Spacing: spacing})
			b := p.Batch(10, 1, false)
			zero := false
			for op := range Op(NumOps) {
				if b.Delay[op] < 0 {
					t.Errorf("%s %s delay %v", name, op, b.Delay[op])
				}
				zero = zero || b.Delay[op] == 0
				land := b.Delay[op] + b.Duration[op]
				if want := b.Lead + float64(int64(op)*spacing); math.Abs(land-want) > 1e-6 {
					t.Errorf("%s %s lands %v, want %v", name, op, land, want)
				}
			}
			if !zero || b.Period != 4*spacing {
				t.Errorf("%s: no zero delay (%v) or period %d", name, b.Delay, b.Period)
			}
		}
	}
}

func TestPlanner_Depth(t *testing.T) {
	tests := []struct {
		period int64
		want   int
	}{{0, 502}, {200, 502}, {1000, 100}, {20000, 5}, {100499, 1}, {100500, 1}, {1000000, 1}}
	for _, tt := range tests {
		m := model(t, "n00dles", 50) // weaken 100.5 s
		m.Period = tt.period
		if got := planner(t, m).Depth(); got != tt.want {
			t.Errorf("period %d: depth %d, want %d", tt.period, got, tt.want)
		}
	}
}

func TestPlanner_HackThreads(t *testing.T) {
	p := planner(t, model(t, "n00dles", 50)) // 0.004125 per thread
	tests := []struct {
		fraction float64
		want     int
	}{{0, 1}, {-1, 1}, {math.NaN(), 1}, {0.001, 1}, {0.004125, 1}, {0.00825, 2}, {0.05, 12}, {0.5, 121}, {1, 242}, {7, 242}}
	for _, tt := range tests {
		if got := p.HackThreads(tt.fraction); got != tt.want {
			t.Errorf("HackThreads(%v) = %d, want %d", tt.fraction, got, tt.want)
		}
	}
}

// Fit returns the largest batch within the budget: one more hack thread
// would not fit, or the fraction cap stops it.
func TestPlanner_Fit(t *testing.T) {
	for _, name := range []string{"n00dles", "joesguns", "foodnstuff", "sigma-cosmetics"} {
		p := planner(t, model(t, name, 120))
		for _, gb := range []float64{1, 7, 8.7, 16, 64, 300, 4096, 1 << 20} {
			for _, cores := range []int{1, 4} {
				budget := ram.MustGB(gb)
				b, ok := p.Fit(budget, cores, 0.9)
				one := p.Batch(1, cores, false)
				if ok != (one.RAM <= budget) {
					t.Fatalf("%s %vGB: ok=%v with a 1-thread batch of %v", name, gb, ok, one.RAM)
				}
				if !ok {
					continue
				}
				h := b.Threads[OpHack]
				if b.RAM > budget || b.Fraction > 0.9 {
					t.Errorf("%s %vGB: %v over budget or fraction %v", name, gb, b.RAM, b.Fraction)
				}
				if h < p.HackThreads(0.9) && p.Batch(h+1, cores, false).RAM <= budget {
					t.Errorf("%s %vGB cores %d: %d hack threads fit, %d would too", name, gb, cores, h, h+1)
				}
			}
		}
	}
}

// Till and sow sizes bring the target exactly to min security and max
// money when applied with the game's outcomes.
func TestPlanner_TillSow(t *testing.T) {
	for _, name := range []string{"n00dles", "foodnstuff", "joesguns", "phantasy", "omega-net"} {
		for _, cores := range []int{1, 3, 8} {
			s := testservers.Server(t, name)
			pl := formulas.NewPlayer(300)
			p := planner(t, Model{Target: s, Player: pl, BitNode: formulas.BN1()})
			c := float64(cores)
			base := s.BaseDifficulty
			till := p.Till(base, cores)
			s.HackDifficulty = base
			after := formulas.WeakenOutcome(s, float64(till.Weaken), pl, c, formulas.BN1()).Server
			if after.HackDifficulty != s.MinDifficulty || (till.Weaken > 0 && formulas.WeakenOutcome(s, float64(till.Weaken-1), pl, c, formulas.BN1()).Server.HackDifficulty == s.MinDifficulty) {
				t.Errorf("%s till %d threads: security %v", name, till.Weaken, after.HackDifficulty)
			}
			if till.RAM != DefaultWeakenRAM.Times(till.Weaken) {
				t.Errorf("till ram %v", till.RAM)
			}
			s.HackDifficulty, s.MoneyAvailable = s.MinDifficulty, s.MoneyMax/25
			sow := p.Sow(s.MoneyAvailable, cores)
			grown := formulas.GrowOutcome(s, float64(sow.Grow), pl, c, formulas.BN1()).Server
			done := formulas.WeakenOutcome(grown, float64(sow.Weaken), pl, c, formulas.BN1()).Server
			if grown.MoneyAvailable != s.MoneyMax || done.HackDifficulty != s.MinDifficulty {
				t.Errorf("%s sow %+v: money %v security %v", name, sow, grown.MoneyAvailable, done.HackDifficulty)
			}
			if p.Sow(s.MoneyMax, cores) != (Prep{}) || p.Till(s.MinDifficulty, cores) != (Prep{}) {
				t.Errorf("%s: work planned for a prepared target", name)
			}
		}
	}
}

func TestNewPlanner_errors(t *testing.T) {
	ok := model(t, "joesguns", 100)
	tests := []struct {
		name string
		edit func(*Model)
	}{
		{"no money", func(m *Model) { m.Target.MoneyMax = 0 }},
		{"nan money", func(m *Model) { m.Target.MoneyMax = math.NaN() }},
		{"min security 0", func(m *Model) { m.Target.MinDifficulty = 0 }},
		{"min security 100", func(m *Model) { m.Target.MinDifficulty = 100 }},
		{"no growth", func(m *Model) { m.Target.ServerGrowth = 0 }},
		{"level 0", func(m *Model) { m.Player.Hacking = 0 }},
		{"level below required", func(m *Model) { m.Player.Hacking = 9 }},
		{"zero speed", func(m *Model) { m.Player.Mults.HackingSpeed = 0 }},
		{"zero weaken rate", func(m *Model) { m.BitNode.ServerWeakenRate = 0 }},
		{"zero hack money", func(m *Model) { m.BitNode.ScriptHackMoney = 0 }},
		{"negative ram", func(m *Model) { m.GrowRAM = -1 }},
		{"negative spacing", func(m *Model) { m.Spacing = -1 }},
		{"short period", func(m *Model) { m.Spacing, m.Period = 50, 199 }},
		{"safety", func(m *Model) { m.GrowSafety = -2 }},
	}
	for _, tt := range tests {
		m := ok
		tt.edit(&m)
		if _, err := NewPlanner(m); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: err %v", tt.name, err)
		}
	}
	p := planner(t, ok)
	got := p.Model()
	if got.HackRAM != 170 || got.GrowRAM != 175 || got.WeakenRAM != 175 || got.Spacing != 50 || got.Period != 200 || got.GrowSafety != 1 {
		t.Errorf("defaults: %+v", got)
	}
	none := ok
	none.GrowSafety = NoGrowSafety
	if a, b := planner(t, ok).Batch(10, 1, false), planner(t, none).Batch(10, 1, false); a.Threads[OpGrow] != b.Threads[OpGrow]+1 {
		t.Errorf("safety: %v vs %v", a.Threads, b.Threads)
	}
}

func model(t testing.TB, target string, level float64) Model {
	return Model{Target: testservers.Server(t, target), Player: formulas.NewPlayer(level), BitNode: formulas.BN1()}
}

func planner(t testing.TB, m Model) *Planner {
	t.Helper()
	p, err := NewPlanner(m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOp_String(t *testing.T) {
	tests := []struct{ got, want string }{
		{OpHack.String() + " " + OpWeaken1.String() + " " + OpGrow.String() + " " + OpWeaken2.String(), "H W1 G W2"},
		{OpHack.Action().String() + " " + OpWeaken1.Action().String() + " " + OpGrow.Action().String() + " " + OpWeaken2.Action().String(),
			"hack weaken grow weaken"},
		{Op(7).String() + " " + Action(7).String(), "op7 action7"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
