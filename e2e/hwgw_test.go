package e2e

import (
	"math"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/harness"
	"ramfarm/harness/network"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// TestHWGWBatch: a scripted hack-weaken-grow-weaken batch against
// joesguns at min security and max money lands in order and returns the
// server to min security and max money; the money stolen and the exp
// gained equal the formulas' prediction.
func TestHWGWBatch(t *testing.T) {
	g, err := harness.New(harness.Config{Seed: 1, WasmCache: wasmCache})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := network.BuildDefault(g.World); err != nil {
		t.Fatal(err)
	}
	if err := g.World.SetMaxRAM("home", 1024); err != nil {
		t.Fatal(err)
	}
	if err := g.Install("home", jsglue.Files(coretest.Wasm(t))); err != nil {
		t.Fatal(err)
	}
	if err := g.World.Player().SetHackingLevel(100); err != nil {
		t.Fatal(err)
	}
	js := g.World.Server("joesguns")
	js.HasRoot = true
	js.HackDifficulty = js.MinDifficulty
	js.MoneyAvailable = js.MoneyMax

	// Plan the batch with the game's formulas.
	bn := formulas.BN1()
	pl := formulas.NewPlayer(100)
	before := formulas.Server{HackDifficulty: js.MinDifficulty, MinDifficulty: js.MinDifficulty, BaseDifficulty: js.BaseDifficulty,
		RequiredHackingSkill: js.RequiredHackingSkill, MoneyAvailable: js.MoneyMax, MoneyMax: js.MoneyMax,
		ServerGrowth: js.ServerGrowth, HasAdminRights: true}
	perThread := formulas.HackPercent(before, pl, bn)
	hackT := math.Floor(0.10 / perThread)
	predicted := formulas.HackOutcome(before, pl, hackT, 0, bn) // roll 0: success
	w1 := math.Ceil(formulas.HackSecurity(hackT, perThread) / formulas.WeakenAmount(1, 1, bn))
	afterHack := predicted.Server
	afterHack.HackDifficulty = js.MinDifficulty // W1 lands before G
	growT := formulas.GrowThreads(afterHack, js.MoneyMax, afterHack.MoneyAvailable, pl, 1, bn)
	w2 := math.Ceil(formulas.GrowSecurity(afterHack, js.MoneyMax, growT, pl, 1, bn) / formulas.WeakenAmount(1, 1, bn))

	weaken := formulas.Millis(formulas.WeakenTime(before, pl, bn))
	grow := formulas.Millis(formulas.GrowTime(before, pl, bn))
	hack := formulas.Millis(formulas.HackTime(before, pl, bn))
	const spacing = 100.0
	// Landing order H, W1, G, W2, spacing ms apart.
	ops := []struct {
		script  string
		threads float64
		delay   float64
	}{
		{"ramfarm/w/hack.js", hackT, weaken - hack - spacing},
		{"ramfarm/w/weaken.js", w1, 0},
		{"ramfarm/w/grow.js", growT, weaken - grow + spacing},
		{"ramfarm/w/weaken.js", w2, 2 * spacing},
	}
	exp0 := g.World.Player().HackingExp()
	var pids []int64
	for _, op := range ops {
		pid, err := g.Exec(op.script, "home", int64(op.threads), "joesguns", op.delay, false)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if err := g.RunFor(weaken + 10*spacing); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if _, done := g.Exited(pid); !done {
			t.Fatalf("worker %d still running", pid)
		}
	}
	st := g.Stats()
	if st.Failed != 0 || st.Hacks != 1 {
		t.Fatalf("hack rolls: %+v; this seed must succeed", st)
	}
	if js.HackDifficulty != js.MinDifficulty || js.MoneyAvailable != js.MoneyMax {
		t.Errorf("after the batch: security %v (min %v), money %v (max %v)", js.HackDifficulty, js.MinDifficulty, js.MoneyAvailable, js.MoneyMax)
	}
	if st.Money != predicted.Gained {
		t.Errorf("money stolen %v, formulas predict %v", st.Money, predicted.Gained)
	}
	wantExp := formulas.HackExp(before, pl, bn) * (hackT + w1 + growT + w2)
	if got := g.World.Player().HackingExp() - exp0; math.Abs(got-wantExp) > 1e-9*wantExp {
		t.Errorf("exp gained %v, formulas predict %v", got, wantExp)
	}
	t.Logf("batch %v/%v/%v/%v threads stole $%.0f (%.1f%%)", hackT, w1, growT, w2, st.Money, 100*st.Money/js.MoneyMax)
}
