package harvest

import (
	"strings"
	"testing"

	"ramfarm/core/hwgw"
)

// A part of a batch killed at each point of its life: replaced while a
// replacement still lands in its place; otherwise, before the batch's
// hack lands, the rest of the batch is cancelled and its chunks take a
// new batch at once; after, the batch lands short and the engine
// rebalances once. Either way landings stay in order, every operation
// runs the time it was planned for (the scenario world checks both), and
// the target ends at max money and min security.
func TestEngine_lostPart(t *testing.T) {
	// at is when the kill comes, from batch 1's slot, the spacing and the
	// operations' run times; 0 is at the first look after its start.
	type at func(slot, s int64, dur [hwgw.NumOps]float64) int64
	start := func(int64, int64, [hwgw.NumOps]float64) int64 { return 0 }
	const all = hwgw.NumOps // every part of the batch
	tests := []struct {
		name      string
		op        hwgw.Op
		at        at
		want      string // the engine's log line on it
		rebalance bool
	}{
		{"hack at start", hwgw.OpHack, start, "replaced batch=1 op=H", false},
		{"grow at start", hwgw.OpGrow, start, "replaced batch=1 op=G", false},
		{"first weaken at start", hwgw.OpWeaken1, start, "cancelling batch=1", false},
		{"second weaken at start", hwgw.OpWeaken2, start, "cancelling batch=1", false},
		{"whole batch at start", all, start, "cancelling batch=1", false},
		{"grow well before its landing", hwgw.OpGrow, func(slot, s int64, d [hwgw.NumOps]float64) int64 {
			return slot + 2*s - int64(d[hwgw.OpGrow]) - 1000
		}, "replaced batch=1 op=G", false},
		{"hack past its deadline", hwgw.OpHack, func(slot, _ int64, d [hwgw.NumOps]float64) int64 {
			return slot - int64(d[hwgw.OpHack])/2
		}, "cancelling batch=1", false},
		{"grow past its deadline", hwgw.OpGrow, func(slot, s int64, d [hwgw.NumOps]float64) int64 {
			return slot - s
		}, "cancelling batch=1", false},
		{"first weaken after the hack", hwgw.OpWeaken1, func(slot, s int64, _ [hwgw.NumOps]float64) int64 {
			return slot + s/2
		}, "batch=1 lands short after its hack", true},
		{"grow after the hack", hwgw.OpGrow, func(slot, s int64, _ [hwgw.NumOps]float64) int64 {
			return slot + 3*s/2
		}, "batch=1 lands short after its hack", true},
		{"second weaken after the grow", hwgw.OpWeaken2, func(slot, s int64, _ [hwgw.NumOps]float64) int64 {
			return slot + 5*s/2
		}, "batch=1 lands short after its hack", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &world{t: t}
			for _, c := range []string{"config target=n00dles level=50 fraction=0.05 period=20000 cap=137GB", "host big max=1024GB"} {
				if out := w.run(c); len(out) > 0 && strings.HasPrefix(out[0], "error") {
					t.Fatal(out)
				}
			}
			for len(w.e.flight) == 0 {
				w.run("run until=" + itoa(w.now+1000))
			}
			b := w.e.flight[0]
			var dur [hwgw.NumOps]float64
			for op := range hwgw.NumOps {
				dur[op] = w.e.duration(hwgw.Op(op))
			}
			kill := tc.at(b.slot, w.e.cfg.Spacing, dur)
			if kill == 0 {
				kill = w.e.Ready().Wake
			}
			w.run("run until=" + itoa(kill))
			if tc.op == all {
				w.run("kill batch=1")
			} else {
				w.run("kill batch=1 op=" + tc.op.String())
			}
			after := w.run("run until=" + itoa(kill+2000))
			if !contains(after, tc.want) {
				t.Fatalf("within 2 s of the kill, no %q: %q", tc.want, after)
			}
			if tc.op == all && contains(after, "replaced") {
				t.Errorf("parts of a batch past saving replaced: %q", after)
			}
			if strings.HasPrefix(tc.want, "cancelling") && !contains(after, "start batch=6 ") {
				t.Errorf("the cancelled batch's chunks start no new batch within 2 s: %q", after)
			}
			rest := w.run("run until=2000000")
			if got := contains(after, "mode filling -> rebalancing") || contains(rest, "mode filling -> rebalancing"); got != tc.rebalance {
				t.Errorf("rebalanced %v, want %v: %q", got, tc.rebalance, append(after, rest...))
			}
			if n := strings.Count(strings.Join(append(after, rest...), "\n"), "correcting"); tc.rebalance && n > 1 {
				t.Errorf("%d corrections, want one", n)
			}
			tgt := w.target
			if tgt.MoneyAvailable < tgt.MoneyMax*0.99 || tgt.HackDifficulty > tgt.MinDifficulty+0.01 || w.e.mode != ModeFilling {
				t.Errorf("at the end %s", w.summary())
			}
			// Undisturbed, 80 batches land by then; a replaced part costs
			// nothing, a cancelled batch one, a rebalance the four in
			// flight with it.
			least := int64(80)
			switch {
			case tc.rebalance:
				least = 76
			case strings.HasPrefix(tc.want, "cancelling"):
				least = 79
			}
			if w.e.landed < least {
				t.Errorf("%d batches landed, want at least %d: %s", w.e.landed, least, w.summary())
			}
		})
	}
}

// contains reports whether a line of out contains s.
func contains(out []string, s string) bool {
	for _, l := range out {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
