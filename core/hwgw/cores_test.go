package hwgw

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
	"ramfarm/gamedata"
	"ramfarm/internal/testservers"
)

// vectorCases reads the cases of one of the game's vector files.
func vectorCases[In any](t *testing.T, name string) []struct {
	In  In      `json:"in"`
	Out float64 `json:"out"`
} {
	t.Helper()
	b, err := gamedata.Read("vectors/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			In  In      `json:"in"`
			Out float64 `json:"out"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

// The planner's sow counts grow threads for a host's cores as the game
// does: every case of the game's grow_threads vectors that starts at min
// security and grows to max money (cores 1 and 4) is Sow's count on a
// host with those cores.
func TestPlanner_Sow_growThreadsVectors(t *testing.T) {
	type in struct {
		State       string  `json:"security_state"`
		Security    float64 `json:"hackDifficulty"`
		Growth      float64 `json:"serverGrowth"`
		MoneyMax    float64 `json:"moneyMax"`
		StartMoney  float64 `json:"startMoney"`
		TargetMoney float64 `json:"targetMoney"`
		Cores       int     `json:"cores"`
	}
	byCores := map[int]int{}
	for _, c := range vectorCases[in](t, "grow_threads.json") {
		v := c.In
		if v.State != "min" || v.TargetMoney < v.MoneyMax || v.StartMoney < 0 || v.StartMoney >= v.MoneyMax {
			continue
		}
		s := formulas.Server{MoneyMax: v.MoneyMax, MinDifficulty: v.Security, BaseDifficulty: 3 * v.Security, ServerGrowth: v.Growth}
		p := planner(t, Model{Target: s, Player: formulas.NewPlayer(1), BitNode: formulas.BN1()})
		if got := p.Sow(v.StartMoney, v.Cores); got.Grow != int(c.Out) {
			t.Errorf("%+v: Sow grows with %d threads, the game %v", v, got.Grow, c.Out)
		}
		byCores[v.Cores]++
	}
	if byCores[1] == 0 || byCores[4] == 0 {
		t.Fatalf("cases by cores %v; want some at 1 and at 4", byCores)
	}
}

// The planner's till counts weaken threads for a host's cores as the game
// does: for every case of the game's weaken_amount vectors (cores 1 to
// 16), security just under what its threads remove takes exactly that
// many threads there.
func TestPlanner_Till_weakenAmountVectors(t *testing.T) {
	type in struct {
		Threads float64 `json:"threads"`
		Cores   int     `json:"cores"`
	}
	s := testservers.Server(t, "joesguns")
	p := planner(t, Model{Target: s, Player: formulas.NewPlayer(100), BitNode: formulas.BN1()})
	seen := map[int]bool{}
	for _, c := range vectorCases[in](t, "weaken_amount.json") {
		if c.In.Threads < 1 || c.In.Threads != float64(int(c.In.Threads)) || s.MinDifficulty+c.Out >= 100 {
			continue // fractional threads are no worker's; security caps at 100
		}
		from := s.MinDifficulty + c.Out*(1-1e-9)
		if got := p.Till(from, c.In.Cores).Weaken; got != int(c.In.Threads) {
			t.Errorf("%+v (removes %v): Till weakens with %d threads", c.In, c.Out, got)
		}
		seen[c.In.Cores] = true
	}
	if len(seen) < 4 {
		t.Fatalf("cores seen %v; want 1, 2, 3, 4, 8, 16", seen)
	}
}

// land applies a placed batch to a target at min security and max money,
// in landing order, each piece with the cores of its bin's host.
func land(s formulas.Server, pl formulas.Player, pieces []Piece, bins []Bin) formulas.Server {
	bn := formulas.BN1()
	for _, pc := range pieces {
		c := float64(max(1, bins[pc.Bin].Cores))
		switch pc.Op.Action() {
		case ActionHack:
			s = formulas.HackOutcome(s, pl, float64(pc.Threads), 0, bn).Server
		case ActionGrow:
			s = formulas.GrowOutcome(s, float64(pc.Threads), pl, c, bn).Server
		default:
			s = formulas.WeakenOutcome(s, float64(pc.Threads), pl, c, bn).Server
		}
	}
	return s
}

// The same batch on a 4-core host takes fewer grow and weaken threads
// than on a 1-core one, and leaves the target at min security and max
// money all the same.
func TestPlanner_Batch_fourCores(t *testing.T) {
	s := testservers.Server(t, "joesguns")
	pl := formulas.NewPlayer(100)
	p := planner(t, Model{Target: s, Player: pl, BitNode: formulas.BN1()})
	for _, fraction := range []float64{0.05, 0.3, 0.8} {
		h := p.HackThreads(fraction)
		one, four := p.Batch(h, 1, false), p.Batch(h, 4, false)
		if four.Threads[OpHack] != one.Threads[OpHack] || four.Threads[OpGrow] >= one.Threads[OpGrow] ||
			four.Threads[OpWeaken1]+four.Threads[OpWeaken2] >= one.Threads[OpWeaken1]+one.Threads[OpWeaken2] || four.RAM >= one.RAM {
			t.Errorf("fraction %v: 4 cores %v (%v), 1 core %v (%v); want fewer grow and weaken threads", fraction,
				four.Threads, four.RAM, one.Threads, one.RAM)
		}
		for _, b := range []Batch{one, four} {
			var pieces []Piece
			for op := range Op(NumOps) {
				pieces = append(pieces, Piece{Op: op, Threads: b.Threads[op]})
			}
			got := land(s, pl, pieces, []Bin{{Cores: b.Cores}})
			if got.HackDifficulty != s.MinDifficulty || got.MoneyAvailable != s.MoneyMax {
				t.Errorf("fraction %v, %d cores: %v lands at %v/%v", fraction, b.Cores, b.Threads, got.MoneyAvailable, got.HackDifficulty)
			}
		}
	}
}

// Placed over hosts of mixed cores, a batch takes no more threads of any
// operation than planned for 1-core hosts, its hack lands on the hosts
// with the fewest cores and its weakens on those with the most, and it
// leaves the target at min security and max money. With every host at
// one core it is exactly Pack's placement.
func TestPlanner_Place(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 4))
	pl := formulas.NewPlayer(300)
	n := 0
	for _, name := range []string{"n00dles", "joesguns", "phantasy", "omega-net", "the-hub"} {
		s := testservers.Server(t, name)
		p := planner(t, Model{Target: s, Player: pl, BitNode: formulas.BN1()})
		per := p.PerThread()
		for range 40 {
			h := p.HackThreads(0.02 + 0.8*rng.Float64())
			bins := make([]Bin, 2+rng.IntN(5))
			for i := range bins {
				bins[i] = Bin{Room: ram.GB.Times(rng.IntN(400)), Cores: 1 + rng.IntN(8)}
			}
			plan := p.On(h, bins[0].Cores)
			bins[0].Room += per[OpGrow].Times(plan.Threads[OpGrow])
			one := p.Batch(h, 1, true)
			placed, pieces, ok := p.Place(plan, bins)
			if !ok {
				continue
			}
			for op := range Op(NumOps) {
				if placed.Threads[op] > one.Threads[op] {
					t.Fatalf("%s: placed %v, planned for 1 core %v", name, placed.Threads, one.Threads)
				}
			}
			if got := land(s, pl, pieces, bins); got.HackDifficulty != s.MinDifficulty || got.MoneyAvailable != s.MoneyMax {
				t.Fatalf("%s: %v over %v lands at %v/%v", name, pieces, bins, got.MoneyAvailable, got.HackDifficulty)
			}
			if placed.RAM != p.ramOf(placed.Threads) {
				t.Errorf("%s: placed RAM %v for %v", name, placed.RAM, placed.Threads)
			}
			// Each op visits the hosts by cores: the hack fewest first,
			// the weakens most first, the grow's host last.
			last := map[Op]int{}
			for _, pc := range pieces {
				if pc.Op == OpGrow || pc.Bin == 0 {
					continue
				}
				c := bins[pc.Bin].Cores
				if prev, ok := last[pc.Op]; ok && ((pc.Op == OpHack && c < prev) || (pc.Op != OpHack && c > prev)) {
					t.Errorf("%s: %v after %d cores: %v over %v", pc.Op, c, prev, pieces, bins)
				}
				last[pc.Op] = c
			}
			n++

			// All at one core: Pack's bins are the grow's share of the
			// first host, the others, then the first host's rest.
			flat := slices.Clone(bins)
			for i := range flat {
				flat[i].Cores = 1
			}
			plan1 := p.On(h, 1)
			flat[0].Room = bins[0].Room - per[OpGrow].Times(plan.Threads[OpGrow]) + per[OpGrow].Times(plan1.Threads[OpGrow])
			_, got, ok1 := p.Place(plan1, flat)
			caps := []ram.Amount{per[OpGrow].Times(plan1.Threads[OpGrow])}
			for _, b := range flat[1:] {
				caps = append(caps, b.Room)
			}
			caps = append(caps, flat[0].Room-caps[0])
			want, ok2 := p.Pack(plan1.Threads, caps)
			for i := range want {
				if want[i].Bin == len(caps)-1 {
					want[i].Bin = 0
				}
			}
			if ok1 != ok2 || !slices.Equal(got, want) {
				t.Fatalf("%s at one core: Place %v (%v), Pack %v (%v)", name, got, ok1, want, ok2)
			}
		}
	}
	if n < 100 {
		t.Fatalf("%d batches placed; want at least 100", n)
	}
}
