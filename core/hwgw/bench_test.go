package hwgw

import (
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
	"ramfarm/internal/testservers"
)

func benchPlanner(b *testing.B) *Planner {
	return planner(b, Model{Target: testservers.Server(b, "joesguns"), Player: formulas.NewPlayer(300), BitNode: formulas.BN1()})
}

func BenchmarkPlanner_Batch(b *testing.B) {
	p := benchPlanner(b)
	h := p.HackThreads(0.25)
	for _, split := range []bool{false, true} {
		name := "one-chunk"
		if split {
			name = "divided"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				p.Batch(h, 2, split)
			}
		})
	}
}

// BenchmarkPlanner_Fit searches the largest batch for a budget: about
// log2(hack threads) batch plans.
func BenchmarkPlanner_Fit(b *testing.B) {
	p := benchPlanner(b)
	for _, gb := range []float64{64, 4096} {
		b.Run(ram.MustGB(gb).String(), func(b *testing.B) {
			for b.Loop() {
				if _, ok := p.Fit(ram.MustGB(gb), 1, 0.9); !ok {
					b.Fatal("nothing fits")
				}
			}
		})
	}
}
