package selector

import (
	"cmp"
	"math"
	"slices"

	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
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
// With Config.ReplanCaps it also works a limited number of targets, as
// daemon.js does (see fillCapped): at most maxTargets harvested (2 at
// first) and 3 more prepared, the first target still to be prepared
// moved to the front so preparation always progresses, no new work in
// a pass once a round did not fit or 95% of the RAM is in use, and
// maxTargets rising while RAM stays idle and falling while it stays
// full. The caps are off by default because they cost replan money: on
// bn1-fresh, bn1-start and bn1-drawn (60 minutes, seeds 1-3) replan
// earned less with them in 8 runs of 9, by a factor of 1.8 to 3.7 in
// the medians. The preparations of better targets take the RAM and the
// target slots, and a small target already earning waits behind them.
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
	if e.cfg.ReplanCaps {
		e.fillCapped()
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

// The targeting caps of daemon.js, in our words. Its loop runs once a
// second; its counts of loops are kept here as game time, so a --tick
// other than 1 s keeps its timing.
const (
	// replanFirstTargets is maxTargets at the start.
	replanFirstTargets = 2
	// replanPrepAhead is how many targets may be prepared beyond
	// maxTargets (daemon.js's maxPreppingAtMaxTargets).
	replanPrepAhead = 3
	// replanFull is the share of the network's RAM in use at which no
	// new work starts, and above which RAM counts as full.
	replanFull = 0.95
	// replanIdle is the share at or below which RAM counts as idle.
	replanIdle = 0.80
	// replanRampAfter is how long RAM must have been idle before
	// maxTargets may rise within a pass (five loops), and only while
	// less than half of replanIdle is in use.
	replanRampAfter = 5000
	// replanFullFor is how long RAM must stay full before maxTargets
	// falls (more than 60 loops).
	replanFullFor = 60000
	// replanCycleDelay is daemon.js's cycle-timing-delay default (4 s;
	// older versions had 16 s), added to the longest weaken time of the
	// harvested targets: RAM idle for that long stayed idle through a
	// whole cycle of their work, so one more target can have it.
	replanCycleDelay = 4000
	// replanNoTargetCycle is the cycle counted when nothing is harvested
	// (daemon.js's 120 loops).
	replanNoTargetCycle = 120000
)

// replanCaps is the state of PolicyReplan's target caps.
type replanCaps struct {
	maxTargets int
	// idleSince and fullSince are when RAM became idle or full, for the
	// streak still running; -1 when it is not.
	idleSince, fullSince int64
}

func newReplanCaps() replanCaps {
	return replanCaps{maxTargets: replanFirstTargets, idleSince: -1, fullSince: -1}
}

// idleFor is how long RAM has been idle (0 if it is not).
func (c *replanCaps) idleFor(now int64) int64 {
	if c.idleSince < 0 {
		return 0
	}
	return now - c.idleSince
}

// netRAM is the network's RAM as daemon.js's utilization sees it: total is
// the usable RAM of the open hosts, and free what of it no allocation
// holds and no round launched but not yet granted waits for. The memory
// daemon's allocations are the RAM daemon.js sees used: its batches'
// scripts hold their RAM from the moment they are started until they
// end, and so do a round's allocations.
func (e *Engine) netRAM() (total, free ram.Amount) {
	total, free, _ = e.pool()
	for _, t := range e.tasks {
		free -= t.unmet(false)
	}
	return total, free
}

// used is the share of total not in free.
func used(total, free ram.Amount) float64 {
	if total <= 0 {
		return 1
	}
	return 1 - float64(free)/float64(total)
}

// fillCapped is one pass of daemon.js's targeting loop. Over the targets
// best first, the first still to be prepared and not harvested moved to
// the front: a target with a harvest round running counts as targeted,
// one with a till or sow round as prepping; any other gets no work once
// work is capped (a round did not fit this pass, the network is
// replanFull used, maxTargets are targeted, or maxTargets+replanPrepAhead
// are worked); else a target to prepare gets its round, and a prepared
// one gets a harvest round while fewer than maxTargets are targeted.
// After the pass maxTargets follows the network's use (see retarget).
func (e *Engine) fillCapped() {
	cands := map[*target]candidate{}
	var order []*target
	for _, c := range e.candidates() {
		cands[c.tgt] = c
	}
	for _, g := range e.seen {
		if _, ok := cands[g]; ok || (g.task != nil && e.eligible(g)) {
			order = append(order, g)
		}
	}
	stable.Sort(order, func(a, b *target) int {
		return cmp.Or(cmp.Compare(b.value, a.value), cmp.Compare(b.phase, a.phase))
	})
	if i := slices.IndexFunc(order, func(g *target) bool {
		return g.phase < KindHarvest && (g.task == nil || g.task.kind < KindHarvest)
	}); i > 0 {
		g := order[i]
		order = slices.Insert(slices.Delete(order, i, i+1), 0, g)
	}

	caps := &e.caps
	total, free := e.netRAM()
	left := e.leftover(false)
	n := e.starting()
	var targeting, prepping, skipped int
	capped := false
	for _, g := range order {
		c, waiting := cands[g]
		switch {
		case !waiting && g.task.kind == KindHarvest:
			targeting++
		case !waiting:
			prepping++
		case capped || used(total, free) >= replanFull || targeting >= caps.maxTargets ||
			targeting+prepping >= caps.maxTargets+replanPrepAhead || n >= e.cfg.MaxStarting:
			capped = true
			skipped++
		default:
			seat := e.seat(c.kind)
			if left < c.least+seat || !e.seated(seat, left) {
				capped = true // a round that does not fit stops new work this pass
				break
			}
			size := min(c.most, left-seat)
			e.start(c, size, false, true)
			left -= size + seat
			free -= size + seat
			n++
			if c.kind == KindHarvest {
				targeting++
			} else {
				prepping++
			}
		}
		if caps.idleFor(e.now) >= replanRampAfter && targeting == caps.maxTargets && caps.maxTargets < len(order) &&
			used(total, free) < replanIdle/2 {
			caps.maxTargets++
			e.logf("max targets " + itoa(int64(caps.maxTargets)) + ": RAM is mostly idle")
		}
	}
	e.retarget(used(total, free), targeting, skipped, len(order))
}

// retarget moves maxTargets after a pass in which use of the network's
// RAM was u: up by one once RAM stayed idle through a whole cycle of the
// harvested targets' work while targets waited, down by one once it
// stayed full for replanFullFor; never below one less than the targets
// harvested, nor below one.
func (e *Engine) retarget(u float64, targeting, skipped, possible int) {
	c := &e.caps
	c.idleSince = streak(u <= replanIdle, c.idleSince, e.now)
	c.fullSince = streak(u >= replanFull, c.fullSince, e.now)
	cycle := int64(replanNoTargetCycle)
	if targeting > 0 {
		var weaken float64
		for _, t := range e.tasks {
			if t.kind == KindHarvest && t.tgt.task == t {
				weaken = math.Max(weaken, readyTime(t.tgt.obs, e.hacking, e.model))
			}
		}
		cycle = int64(math.Ceil(weaken*1000)) + replanCycleDelay
	}
	switch {
	case c.idleFor(e.now) >= cycle:
		if skipped > 0 && c.maxTargets < possible {
			c.maxTargets++
			c.idleSince = -1
			e.logf("max targets " + itoa(int64(c.maxTargets)) + ": RAM stayed idle for " + itoa(cycle) + "ms")
		}
	case c.fullSince >= 0 && e.now-c.fullSince >= replanFullFor:
		if c.maxTargets > 1 {
			c.maxTargets--
			e.logf("max targets " + itoa(int64(c.maxTargets)) + ": RAM stayed full")
		}
		c.fullSince = -1
	}
	c.maxTargets = max(c.maxTargets, targeting-1, 1)
}

// streak is when a streak of passes with on began, given since (-1: no
// streak) and this pass at now.
func streak(on bool, since, now int64) int64 {
	switch {
	case !on:
		return -1
	case since < 0:
		return now
	}
	return since
}
