package jsglue

import (
	"bytes"
	"testing"

	"ramfarm/bridge"
	"ramfarm/harness/ramcalc"
)

// The generated files in lib/ are the ones the bridge's schema gives
// today, as make check-gen checks: a field renamed on the Go side fails
// here, not in a run.
func TestGenerated(t *testing.T) {
	for name, want := range bridge.JSFiles() {
		got, err := scripts.ReadFile("lib/" + name)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("lib/%s is not what the schema generates (%v); run make gen", name, err)
		}
	}
}

// No name on any service's wire is a netscript function's: the game
// charges a script for every property it reads by such a name, whatever
// the object (CmdHalt), so the generated files and the scripts that use
// them would pay for a kind or key.
func TestWireNamesFree(t *testing.T) {
	calc, err := ramcalc.New()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	fields := func(fs []bridge.Field) {
		for _, f := range fs {
			names[f.Name] = true
		}
	}
	for _, sw := range bridge.Wires() {
		for _, list := range [][]bridge.Wire{sw.Events, sw.Commands} {
			for _, w := range list {
				names[w.Kind] = true
				fields(w.Fields)
			}
		}
		for _, p := range sw.Ready {
			names[p.Name] = true
		}
	}
	extra := func(name string) float64 {
		t.Helper()
		res, err := calc.ScriptRAM("t.js", map[string]string{"t.js": "export async function main(ns) { ns." + name + "; }\n"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res.RAM - ramcalc.BaseCost
	}
	for name := range names {
		if gb := extra(name); gb != 0 {
			t.Errorf("wire name %q costs %.2f GB to read", name, gb)
		}
	}
	// The names the wire once used, which the check must see.
	for _, name := range []string{"kill", "nuke", "scan"} {
		if extra(name) == 0 {
			t.Errorf("%s is not charged: the check sees nothing", name)
		}
	}
}
