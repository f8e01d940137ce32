package selector

import (
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
)

// Early-game targets as servers.json has them, prepared.
var early = []Target{
	{Host: "n00dles", MoneyMax: 1.75e6, MinSecurity: 1, BaseSecurity: 1, Growth: 3000, RequiredHacking: 1},
	{Host: "foodnstuff", MoneyMax: 5e7, MinSecurity: 3, BaseSecurity: 10, Growth: 5, RequiredHacking: 1},
	{Host: "sigma-cosmetics", MoneyMax: 5.75e7, MinSecurity: 3, BaseSecurity: 10, Growth: 10, RequiredHacking: 5},
	{Host: "joesguns", MoneyMax: 6.25e7, MinSecurity: 5, BaseSecurity: 15, Growth: 20, RequiredHacking: 10},
	{Host: "harakiri-sushi", MoneyMax: 1e8, MinSecurity: 5, BaseSecurity: 15, Growth: 40, RequiredHacking: 40},
}

func defaultModel(t *testing.T) Model {
	c, err := Config{}.validate()
	if err != nil {
		t.Fatal(err)
	}
	return c.model()
}

func TestHarvestYield(t *testing.T) {
	m := defaultModel(t)
	n00dles := early[0]
	// One hack thread takes 0.41 % of n00dles; one grow thread puts it
	// back, and the two weakens undo both: 4 threads, 4 chunks of 1.75 GB
	// (a harvest holds a chunk of the largest worker per thread), held
	// for a weaken time of 167 s, so 837 batches overlap at 200 ms.
	y := HarvestYield(n00dles, 10, 8*ram.GB, m)
	want := Yield{HackThreads: 1, GrowThreads: 1, WeakenThreads: 2, BatchRAM: 700, Batches: 1, MaxBatches: 837}
	if y.HackThreads != want.HackThreads || y.GrowThreads != want.GrowThreads || y.WeakenThreads != want.WeakenThreads ||
		y.BatchRAM != want.BatchRAM || y.Batches != want.Batches || y.MaxBatches != want.MaxBatches {
		t.Errorf("n00dles at 8 GB: got %+v, want %+v", y, want)
	}

	for _, tc := range []struct {
		name string
		t    Target
	}{
		{"hacking below the requirement", Target{Host: "x", MoneyMax: 1e6, MinSecurity: 1, Growth: 10, RequiredHacking: 11}},
		{"no money", Target{Host: "x", MinSecurity: 1, Growth: 10, RequiredHacking: 1}},
		{"no growth", Target{Host: "x", MoneyMax: 1e6, MinSecurity: 1, RequiredHacking: 1}},
		{"security 100", Target{Host: "x", MoneyMax: 1e6, MinSecurity: 100, Growth: 10, RequiredHacking: 1}},
	} {
		if y := HarvestYield(tc.t, 10, 64*ram.GB, m); y != (Yield{}) {
			t.Errorf("%s: got %+v, want the zero Yield", tc.name, y)
		}
	}

	// Whatever the target, level and RAM: batches fit and never exceed
	// full overlap, batches stay within MaxFraction, and more RAM never
	// earns less.
	for _, tg := range early {
		for _, hacking := range []float64{10, 50, 200} {
			if tg.RequiredHacking > hacking {
				continue
			}
			prev := 0.0
			for avail := ram.GB; avail <= 1<<20*ram.GB; avail *= 4 {
				y := HarvestYield(tg, hacking, avail, m)
				switch {
				case y.PerGBs <= 0:
					t.Errorf("%s at %v, %v: PerGBs %v", tg.Host, hacking, avail, y.PerGBs)
				case y.Batches > y.MaxBatches || y.BatchRAM.Times(y.Batches) > avail:
					t.Errorf("%s at %v, %v: %d batches of %v", tg.Host, hacking, avail, y.Batches, y.BatchRAM)
				case y.HackThreads > 1 && y.Fraction > m.MaxFraction:
					t.Errorf("%s at %v, %v: fraction %v", tg.Host, hacking, avail, y.Fraction)
				case y.Rate < prev:
					t.Errorf("%s at %v, %v: rate %v fell from %v", tg.Host, hacking, avail, y.Rate, prev)
				}
				prev = y.Rate
			}
		}
	}
}

func TestNeed(t *testing.T) {
	m := defaultModel(t)
	n00dles := early[0]
	for _, tc := range []struct {
		name        string
		kind        Kind
		t           Target
		least, most ram.Amount
	}{
		// (2 - 1) / 0.05 = 20 weaken threads.
		{"till", KindTill, Target{MinSecurity: 1, Security: 2}, 175, 3500},
		{"till at min security", KindTill, Target{MinSecurity: 1, Security: 1}, 175, 175},
		// 1 grow thread and the weakens for it and the 0.5 security extra.
		{"sow at max money", KindSow, Target{MoneyMax: 1e6, MoneyAvailable: 1e6, MinSecurity: 1, Security: 1.5, Growth: 10}, 350, 2100},
		{"sow without growth", KindSow, Target{MoneyMax: 1e6, MinSecurity: 1, Security: 1}, 0, 0},
		// One batch, with the grow thread core/hwgw adds for safety, in
		// chunks of 1.75 GB a thread.
		{"harvest", KindHarvest, n00dles, 875, 31199175},
		{"harvest out of reach", KindHarvest, Target{MoneyMax: 1e6, MinSecurity: 1, Growth: 10, RequiredHacking: 99}, 0, 0},
		{"none", KindNone, n00dles, 0, 0},
	} {
		least, most := Need(tc.kind, tc.t, 10, m)
		if least != tc.least || most != tc.most {
			t.Errorf("%s: got %v..%v, want %v..%v", tc.name, least, most, tc.least, tc.most)
		}
	}
}

func TestInferPhase(t *testing.T) {
	for _, tc := range []struct {
		t    Target
		want Kind
	}{
		{Target{MoneyMax: 10, MoneyAvailable: 10, MinSecurity: 1, Security: 1.002}, KindTill},
		{Target{MoneyMax: 10, MoneyAvailable: 9, MinSecurity: 1, Security: 1}, KindSow},
		{Target{MoneyMax: 10, MoneyAvailable: 10, MinSecurity: 1, Security: 1}, KindHarvest},
	} {
		if got := inferPhase(tc.t); got != tc.want {
			t.Errorf("%+v: got %v, want %v", tc.t, got, tc.want)
		}
	}
}

// The BitNode's multipliers reach the estimates: a lower hack percent
// (BN12.3's ScriptHackMoney 0.94) and slower growth take more threads for
// the same target, and BitNode 8's zero money gain makes a harvest worth
// nothing.
func TestHarvestYield_bitNode(t *testing.T) {
	model := func(n formulas.Node) Model {
		c, err := Config{Node: n}.validate()
		if err != nil {
			t.Fatal(err)
		}
		return c.model()
	}
	joesguns := early[3]
	bn1 := HarvestYield(joesguns, 100, 1<<20*ram.GB, model(formulas.Node{}))
	bn11 := HarvestYield(joesguns, 100, 1<<20*ram.GB, model(formulas.Node{N: 11}))
	bn8 := HarvestYield(joesguns, 100, 1<<20*ram.GB, model(formulas.Node{N: 8}))
	// BitNode 11 grows at a fifth of the rate and weakens twice as fast.
	if !(bn11.GrowThreads > bn1.GrowThreads) || !(bn11.PerGBs < bn1.PerGBs) {
		t.Errorf("BN11 %+v vs BN1 %+v: want more grow threads and less per GB", bn11, bn1)
	}
	if bn8.PerGBs != 0 || bn8.Rate != 0 {
		t.Errorf("BN8 (no money from script hacks): %+v, want nothing earned", bn8)
	}
	_, sow1 := Need(KindSow, Target{Host: "j", MoneyMax: 6.25e7, MoneyAvailable: 1e6, MinSecurity: 5, Security: 5, Growth: 20}, 100,
		model(formulas.Node{}))
	_, sow12 := Need(KindSow, Target{Host: "j", MoneyMax: 6.25e7, MoneyAvailable: 1e6, MinSecurity: 5, Security: 5, Growth: 20}, 100,
		model(formulas.Node{N: 12, Level: 3}))
	if !(sow12 > sow1) {
		t.Errorf("sow RAM in BN12.3 %v, BN1 %v: want more in BN12.3 (growth rate 0.94)", sow12, sow1)
	}
}
