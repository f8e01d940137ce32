package sim

import (
	"reflect"
	"testing"
	"time"

	"ramfarm/harness"
)

// The summary sums each script file's CPU into its kind and divides by
// the game minutes run; every kind is listed, used or not.
func TestScriptCPU(t *testing.T) {
	by := map[string]harness.CPUUse{
		"ramfarm/memd.js":      {JS: 600 * time.Millisecond, Module: 300 * time.Millisecond, NSCalls: 900, ModuleCalls: 30},
		"ramfarm/till.js":      {JS: 100 * time.Millisecond, Module: 60 * time.Millisecond, NSCalls: 3, ModuleCalls: 6},
		"ramfarm/harvest.js":   {JS: 200 * time.Millisecond, NSCalls: 6, ModuleCalls: 3},
		"ramfarm/w/hack.js":    {JS: 30 * time.Millisecond},
		"ramfarm/w/weaken.js":  {JS: 30 * time.Millisecond},
		"ramfarm/start.js":     {JS: 3 * time.Millisecond},
		"ramfarm/selector.js":  {Module: 9 * time.Millisecond},
		"ramfarm/discover.js":  {JS: 6 * time.Millisecond},
		"someone/else/memd.js": {JS: 12 * time.Millisecond},
	}
	got, total := scriptCPU(by, 3*60000)
	want := []ScriptCPU{
		{"memd", 200, 100, 300, 10}, {"discover", 2, 0, 0, 0}, {"selector", 0, 3, 0, 0}, {"tasks", 100, 20, 3, 3},
		{"workers", 20, 0, 0, 0}, {"other", 5, 0, 0, 0},
	}
	if !reflect.DeepEqual(got, want) || total != 450 {
		t.Errorf("scriptCPU = %v, total %v; want %v, total 450", got, total, want)
	}
}
