package harness

import (
	"maps"
	"time"
)

// CPUUse is the wall time the emulator spent running scripts on behalf
// of one script file: JS is the time in goja (the script's JavaScript, its
// ns calls and the promise jobs it ran), Module the time inside calls of
// WebAssembly exports (the core module, run by wazero). It is the
// emulator's time, not the browser's: goja is an interpreter and V8 is
// not, so the figures are a proxy that ranks scripts and shows a change,
// not the milliseconds a player's browser spends.
//
// NSCalls and ModuleCalls count the script's ns calls and its calls into
// the module (outermost only): unlike the times they do not depend on the
// machine or its load, so two runs compare exactly.
type CPUUse struct {
	JS, Module           time.Duration
	NSCalls, ModuleCalls int64
}

// cpuMeter charges the wall time of the realm to the process it runs
// for. The realm is shared and its promise jobs carry no owner, so the
// meter follows the evidence it has: a clock event that a process's own
// wait scheduled (a sleep, a hack landing), a script's start, and every
// ns call name the process that runs; the time until the next such mark
// is charged to it. A script woken by another's port write runs charged
// to the writer until its first ns call, which every ramfarm loop makes
// at once. Time outside any process (the harness between events) is
// charged to none.
type cpuMeter struct {
	cur     *process
	mark    time.Time
	wasmAt  time.Duration
	callsAt int64
	by      map[string]*CPUUse // by script file name
}

// use is the record of p's script file, kept on p: it is asked for on
// every ns call.
func (m *cpuMeter) use(p *process) *CPUUse {
	if p.cpu != nil {
		return p.cpu
	}
	u := m.by[p.Filename]
	if u == nil {
		u = &CPUUse{}
		m.by[p.Filename] = u
	}
	p.cpu = u
	return u
}

// switchTo charges the time since the last mark to the process that ran
// and makes p (nil: none) the one that runs now.
func (g *Game) switchTo(p *process) {
	m := &g.cpu
	if m.cur == p {
		return
	}
	now, wasm, calls := time.Now(), g.realm.WasmTime(), g.realm.WasmCalls()
	if m.cur != nil {
		u := m.use(m.cur)
		mod := wasm - m.wasmAt
		u.Module += mod
		u.JS += now.Sub(m.mark) - mod
		u.ModuleCalls += calls - m.callsAt
	}
	m.cur, m.mark, m.wasmAt, m.callsAt = p, now, wasm, calls
}

// CPU is the wall time spent on behalf of each script file so far, by
// file name (see CPUUse for what it measures).
func (g *Game) CPU() map[string]CPUUse {
	out := make(map[string]CPUUse, len(g.cpu.by))
	for name, u := range maps.All(g.cpu.by) {
		out[name] = *u
	}
	return out
}
