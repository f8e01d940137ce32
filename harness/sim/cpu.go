package sim

import (
	"math"
	"slices"
	"strings"

	"ramfarm/harness"
)

// heapMetric is the Go heap in use, read at every sample for the peak.
const heapMetric = "/memory/classes/heap/objects:bytes"

// ScriptCPU is what one kind of in-game script cost per game minute: ms
// of JavaScript and ms inside the core module, and the ns calls and
// module calls made (counts that do not depend on the machine's load).
type ScriptCPU struct {
	Kind              string  `json:"kind"`
	JSMsPerMin        float64 `json:"js_ms_per_min"`
	ModuleMsPerMin    float64 `json:"module_ms_per_min"`
	NSCallsPerMin     float64 `json:"ns_calls_per_min"`
	ModuleCallsPerMin float64 `json:"module_calls_per_min"`
}

// cpuKinds name the kinds of script the summary reports, in its order.
var cpuKinds = []string{"memd", "discover", "selector", "tasks", "workers", "other"}

// cpuKind is the kind of a script file: the daemons by name, the tasks
// (till, sow, harvest), the workers (w/), and everything else (the boot
// script, the player's commands, foreign scripts).
func cpuKind(file string) string {
	switch strings.TrimSuffix(strings.TrimPrefix(file, ramfarmDir), ".js") {
	case "memd":
		return "memd"
	case "discover":
		return "discover"
	case "selector":
		return "selector"
	case "till", "sow", "harvest":
		return "tasks"
	}
	if strings.HasPrefix(file, ramfarmDir+"w/") {
		return "workers"
	}
	return "other"
}

// scriptCPU sums the game's per-file CPU by kind over a run of end ms,
// per game minute, and their total; every kind is listed, used or not.
func scriptCPU(by map[string]harness.CPUUse, end float64) ([]ScriptCPU, float64) {
	mins := end / 60000
	if mins <= 0 {
		return nil, 0
	}
	out := make([]ScriptCPU, len(cpuKinds))
	for i, k := range cpuKinds {
		out[i].Kind = k
	}
	var total float64
	for file, u := range by {
		c := &out[slices.Index(cpuKinds, cpuKind(file))]
		js, mod := u.JS.Seconds()*1000/mins, u.Module.Seconds()*1000/mins
		c.JSMsPerMin += js
		c.ModuleMsPerMin += mod
		c.NSCallsPerMin += float64(u.NSCalls) / mins
		c.ModuleCallsPerMin += float64(u.ModuleCalls) / mins
		total += js + mod
	}
	for i := range out {
		c := &out[i]
		c.JSMsPerMin, c.ModuleMsPerMin = cents(c.JSMsPerMin), cents(c.ModuleMsPerMin)
		c.NSCallsPerMin, c.ModuleCallsPerMin = cents(c.NSCallsPerMin), cents(c.ModuleCallsPerMin)
	}
	return out, cents(total)
}

// cents rounds x to two decimals.
func cents(x float64) float64 { return math.Round(x*100) / 100 }
