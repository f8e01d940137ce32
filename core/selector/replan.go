package selector

import (
	"cmp"
	"slices"

	"ramfarm/core/internal/stable"
)

// decideReplan is PolicyReplan: a re-planning batcher, the strategy of
// the strongest public batch scripts (alainbryden's daemon.js, the most
// used, among them). Every decision (each Tick: the selector daemon's
// --tick, 1 s by default, the pace daemon.js's targeting loop keeps)
// plans from scratch: it looks at the free RAM on every open host and
// at every target, best first, and gives each target that has no work
// one round sized to what is free now, at most what the target can use:
//
//   - a target that needs preparing gets a till or sow round: one wave
//     of weaken (or grow and weaken) threads, as many as fit;
//   - a prepared target gets a harvest round: HWGW batches of the size
//     that earns most in the RAM given (full overlap of the largest
//     batch that fits, or fewer, larger batches when that earns more),
//     started together a batch gap apart, each operation placed on any
//     host with room (core/harvest, as under PolicyGrow).
//
// A round ends when its work has landed; a target takes no new round
// while one runs (daemon.js waits for a target's batches likewise,
// since the landing order of two overlapping schedules could not be
// kept), and the RAM each batch frees goes back to the pool at once for
// the next plan. Allocations are fixed and never grow: running work
// grows only because the next round is planned with the RAM there is
// then. It has what PolicyGrow has: the game's formulas with the
// BitNode's multipliers, the same target values (Worth), op-level
// placement over hosts and cores, and no delays but the tick.
//
// Rounds are tasks (core/task's Config.Round) rather than a batch loop
// of its own, so the worker scripts, RAM accounting, landing order and
// failure handling are the ones PolicyGrow's tasks use: the two
// policies differ only in how RAM is decided, which is the comparison
// the simulation makes.
func (e *Engine) decideReplan() {
	if e.now < e.graceEnd {
		return
	}
	e.fill(e.replanOrder(e.candidates()), true)
}

// replanOrder orders the targets as a re-planning batcher does: by what
// RAM given to them now earns (Worth, which counts a preparation's
// time), best first, whatever their phase; ties go to the target further
// along.
func (e *Engine) replanOrder(cands []candidate) []candidate {
	out := slices.Clone(cands)
	stable.Sort(out, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.tgt.value, a.tgt.value), cmp.Compare(b.kind, a.kind))
	})
	return out
}
