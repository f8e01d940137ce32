package selector

import (
	"cmp"
	"slices"

	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// pass is what every Tick and Observe runs: timeouts first (their Kills
// precede any Launch that replaces them), then vacating hosts, then the
// policy's decisions.
func (e *Engine) pass() {
	e.expire()
	e.checkVacates()
	e.resendStops()
	if e.observed {
		e.decide()
	}
}

// expire ends what waited too long. A task with no launch result counts
// as a failed launch; one silent since its launch, or for longer than
// the timeout since its last heartbeat, is killed and its target waits
// for a new launch.
func (e *Engine) expire() {
	limit := e.cfg.HeartbeatTimeout
	for _, t := range slices.Clone(e.tasks) {
		switch {
		case t.state == stLaunching && e.now-t.since > limit:
			e.fail(t, "no launch result for launch "+itoa(t.launch))
		case t.state == stStarting && e.now-t.since > limit:
			e.kill(t, "no heartbeat "+itoa(e.now-t.since)+"ms after launch")
		case (t.state == stRunning || t.state == stStopping) && e.now-t.heard > limit:
			e.kill(t, "silent for "+itoa(e.now-t.heard)+"ms")
		}
	}
	for pid, at := range e.killed {
		if e.now-at > 2*limit {
			delete(e.killed, pid)
		}
	}
}

// checkVacates answers each vacate whose host the memory status shows
// cordoned and empty (or no longer lists), and asks the tasks again.
func (e *Engine) checkVacates() {
	if !e.observed {
		return
	}
	for _, host := range stable.Keys(e.vacating) {
		v := e.vacating[host]
		if v.done {
			continue
		}
		i, listed := slices.BinarySearchFunc(e.hosts, host, func(h HostRAM, name string) int { return cmp.Compare(h.Host, name) })
		if listed && (!e.hosts[i].Cordoned || e.hosts[i].Allocated > 0) {
			e.leave(host)
			for _, t := range e.tasks {
				if t.state == stRunning && e.seats[t.pid] == host {
					e.stop(t, "its seat is on "+host+", which is being vacated")
				}
			}
			continue
		}
		v.done = true
		e.logf("vacated " + host)
		for _, p := range v.replies {
			e.emit(Vacated{ID: e.id(), Host: host, Reply: p})
		}
		for _, t := range e.tasks {
			delete(t.left, host)
		}
	}
}

// resendStops repeats Stop to tasks still heartbeating after Resend.
func (e *Engine) resendStops() {
	for _, t := range e.tasks {
		if t.state == stStopping && e.now-t.stop >= e.cfg.Resend {
			t.stop = e.now
			e.emit(Stop{ID: e.id(), Pid: t.pid, Port: t.port})
		}
	}
}

// candidate is a target waiting for a task, with what the task needs.
type candidate struct {
	tgt         *target
	kind        Kind
	least, most ram.Amount
	prio        int
}

// candidates lists the targets that could get a task now, best first:
// furthest along, then most valuable per GB.
func (e *Engine) candidates() []candidate {
	var out []candidate
	for _, g := range e.seen {
		if g.task != nil || !e.eligible(g) || e.now < g.until || !(g.value > 0) {
			continue
		}
		least, most := e.need(g, g.phase)
		if most == 0 {
			continue
		}
		out = append(out, candidate{tgt: g, kind: g.phase, least: max(least, e.cfg.MinTaskRAM), most: most,
			prio: e.priority(g, g.phase)})
	}
	stable.Sort(out, func(a, b candidate) int { return cmp.Compare(b.prio, a.prio) })
	return out
}

// phaseStride separates the phases' priorities: any harvest outranks any
// sow, any sow any till. Within a phase, the target's value rank orders.
const phaseStride = 1000

// priority is the allocation priority of a task of kind on g: the memory
// daemon grows higher priorities first.
func (e *Engine) priority(g *target, kind Kind) int {
	return int(kind)*phaseStride + min(g.rank, phaseStride-1)
}

// starting counts the tasks launched and not heard from yet.
func (e *Engine) starting() int {
	n := 0
	for _, t := range e.tasks {
		if t.state == stLaunching || t.state == stStarting {
			n++
		}
	}
	return n
}

// leftover is the free RAM that no task waits for: what growth leaves.
// A host's free RAM counts only if it holds a worker thread: slivers on
// many hosts add up to RAM no task can get.
func (e *Engine) leftover(growable bool) ram.Amount {
	least := min(e.cfg.HackRAM, e.cfg.GrowRAM, e.cfg.WeakenRAM)
	var free ram.Amount
	for _, h := range e.hosts {
		if f := h.Usable - h.Allocated; f >= least && e.open(h) {
			free += f
		}
	}
	for _, t := range e.tasks {
		free -= e.waits(t, growable)
	}
	return free
}

// fitFree is the free RAM on open hosts in whole chunks of size.
func (e *Engine) fitFree(chunk ram.Amount) ram.Amount {
	var fit ram.Amount
	for _, h := range e.hosts {
		if !e.open(h) {
			continue
		}
		if f := h.Usable - h.Allocated; f >= chunk {
			fit += f / chunk * chunk
		}
	}
	return fit
}

// seat is the RAM a task of kind needs for its own script, on one host.
func (e *Engine) seat(kind Kind) ram.Amount { return e.cfg.TaskRAM[kind] }

// seated reports whether a seat of size fits: in the RAM no task waits
// for (left), and whole on one open host.
func (e *Engine) seated(size, left ram.Amount) bool {
	return size == 0 || (left >= size && e.largestFree() >= size)
}

// waits is the free RAM task t waits for: its unmet demand, but no more
// than the free RAM it could take in whole chunks. Pieces smaller than its
// chunk on every host will never be its, so they are left to others.
func (e *Engine) waits(t *task, growable bool) ram.Amount {
	u := t.unmet(growable)
	if t.chunk <= 0 || u == 0 {
		return u
	}
	return min(u, e.fitFree(t.chunk))
}

// outranked is the unmet demand of running tasks below prio: a new task
// at prio grows before them in the memory daemon, so their wait does not
// hold it back.
func (e *Engine) outranked(prio int) ram.Amount {
	var sum ram.Amount
	for _, t := range e.tasks {
		if t.prio < prio {
			sum += e.waits(t, true)
		}
	}
	return sum
}

func (e *Engine) launch(c candidate, size ram.Amount, growable bool) {
	e.start(c, size, growable, false)
}

// start launches a task of c sized to size: growable, fixed, or a fixed
// round (PolicyReplan).
func (e *Engine) start(c candidate, size ram.Amount, growable, round bool) {
	t := &task{
		round:  round,
		launch: e.id(), born: e.now, kind: c.kind, tgt: c.tgt, state: stLaunching, since: e.now,
		cap: size, prio: c.prio, gotCap: size, gotPrio: c.prio, sentCap: size, sentPrio: c.prio, capAt: e.now, prioAt: e.now,
	}
	e.tasks = append(e.tasks, t)
	e.byLaunch[t.launch] = t
	c.tgt.task = t
	e.emit(Launch{ID: t.launch, Kind: c.kind, Target: c.tgt.host, Priority: c.prio, RAM: size, Growable: growable, Round: round})
	e.logf("launch id=" + itoa(t.launch) + " " + c.kind.String() + " " + c.tgt.host + " ram=" + size.String() +
		" value=" + ftoa(c.tgt.value))
}

// decideGrow is PolicyGrow: running tasks take new RAM first (through
// their priorities, and by raising the caps of tasks held below their
// need), only RAM no task waits for starts new ones, and a much better
// waiting target makes the least valuable tasks give way.
//
// A new task needs a seat for its script on one host besides the RAM of
// its work. The memory daemon grants seats after it grew every running
// allocation, so a seat comes only out of RAM no task waits for; the
// work's allocation, at the task's priority, then grows ahead of the
// tasks it outranks.
func (e *Engine) decideGrow() {
	e.reconcile()
	if e.now < e.graceEnd {
		return
	}
	cands := e.candidates()
	left := e.restore(e.leftover(true), cands)
	n := e.starting()
	ripening := e.ripening()
	for _, c := range cands {
		if n >= e.cfg.MaxStarting {
			return // RAM left waits for the next launch slot
		}
		if c.tgt.past && ripening {
			continue
		}
		seat := e.seat(c.kind)
		room := left - seat + e.outranked(c.prio)
		if !e.seated(seat, left) || room < c.least {
			// The best target waiting for RAM that tasks worth less
			// can make: what is free waits for it too, or a lesser
			// launch would take what its victims give back.
			if !c.tgt.past && e.makeRoom(c, c.least+seat-left, true) {
				return
			}
			continue
		}
		// The task asks for the RAM there is now, at most what it can
		// use; restore raises its cap as more appears, unless a better
		// target wants it. So RAM a task frees is never swallowed by
		// another's growth before the selector could give it to a
		// better target.
		size := max(c.least, min(c.most, room))
		e.launch(c, size, true)
		left -= size + seat
		n++
	}
	// A running task held at its cap below what it could use takes the
	// RAM of tasks worth much less (a harvest launched into the little
	// RAM there was, next to preparations of targets past the horizon).
	if t := e.shortest(cands); t != nil {
		need := t.chunk // room on one host for its next chunk
		if t.capped() {
			_, most := e.need(t.tgt, t.kind)
			need = min(most, e.usable) - t.cap - max(left, 0)
		}
		e.makeRoom(candidate{tgt: t.tgt, kind: t.kind, prio: t.prio}, need, false)
	}
}

// ripening reports whether a target worth preparing will be ready to
// harvest within Settle: its harvest will want RAM then, and a task
// past the horizon started now would be in its way, still protected
// by Settle (its work lands only after a weaken time).
func (e *Engine) ripening() bool {
	for _, t := range e.tasks {
		if t.state != stRunning || t.kind == KindHarvest || t.tgt.past {
			continue
		}
		// Timed from its start: the target's readings lag its work.
		end := t.born + int64(1000*PrepTime(t.kind, t.tgt.obs, e.hacking, max(t.held, 1), e.model))
		if end-e.now <= e.cfg.Settle {
			return true
		}
	}
	return false
}

// heldBack reports whether t's cap stays where it is: a waiting
// candidate, or a running task still short of RAM or held back by its
// own cap, would cut it again.
func (e *Engine) heldBack(t *task, cands []candidate) bool {
	for _, c := range cands {
		if yields(t, c, e.cfg.ShrinkRatio) {
			return true
		}
	}
	for _, o := range e.tasks {
		if o != t && o.state == stRunning && (o.unmet(true) > 0 || o.capped()) &&
			yields(t, candidate{tgt: o.tgt, kind: o.kind}, e.cfg.ShrinkRatio) {
			return true
		}
	}
	return false
}

// shortest is the most valuable running task that could use more RAM and
// cannot get it: it holds its cap, or no host has room for its next
// chunk. nil if none, or if the best such task is held back.
func (e *Engine) shortest(cands []candidate) *task {
	var best *task
	for _, t := range e.tasks {
		if t.state != stRunning || t.tgt.task != t || t.tgt.past {
			continue
		}
		if (!t.capped() || t.held+max(t.chunk, 1) <= t.cap) && (t.chunk <= 0 || e.fitFree(t.chunk) >= t.chunk) {
			continue // wants no more than its cap, or still growing towards it
		}
		if _, most := e.need(t.tgt, t.kind); min(most, e.usable) <= t.cap {
			continue
		}
		if best == nil || t.tgt.value > best.tgt.value {
			best = t
		}
	}
	if best != nil && e.heldBack(best, cands) {
		return nil
	}
	return best
}

// reconcile sends each running task its priority and cap again until its
// heartbeats show it applied them.
func (e *Engine) reconcile() {
	for _, t := range e.tasks {
		if t.state != stRunning || t.tgt.task != t {
			continue
		}
		if p := e.priority(t.tgt, t.kind); t.tgt.seen && p != t.prio {
			e.logf("priority " + t.name() + " " +
				itoa(int64(t.prio)) + " -> " + itoa(int64(p)) + " (value " + ftoa(t.tgt.value) + ")")
			t.prio = p
		}
		// No cap above the pool: hosts shrink, are cordoned or vanish. (A
		// cap of 0 would lift it.)
		if e.usable > 0 {
			t.cap = min(t.cap, e.usable)
		}
		if t.gotPrio != t.prio && (t.sentPrio != t.prio || e.now-t.prioAt >= e.cfg.Resend) {
			t.sentPrio, t.prioAt = t.prio, e.now
			e.emit(SetPriority{ID: e.id(), Pid: t.pid, Port: t.port, Priority: t.prio})
		}
		e.sendCap(t)
	}
}

func (e *Engine) sendCap(t *task) {
	if t.gotCap != t.cap && (t.sentCap != t.cap || e.now-t.capAt >= e.cfg.Resend) {
		t.sentCap, t.capAt = t.cap, e.now
		e.emit(Resize{ID: e.id(), Pid: t.pid, Port: t.port, RAM: t.cap})
	}
}

// makeRoom shrinks or stops the least valuable running tasks, each worth
// at most 1/ShrinkRatio of c per GB, until need would be left once they
// released. It counts RAM already on its way back, so it never frees
// twice for the same wait. With whole set it acts only if that makes all
// of need: a task is not cut for a launch that still could not start.
// It reports whether need is met.
func (e *Engine) makeRoom(c candidate, need ram.Amount, whole bool) bool {
	if e.usable == 0 {
		return false // every host cordoned or gone: no launch to make room for
	}
	for _, t := range e.tasks {
		need -= t.releasing()
	}
	if need <= 0 {
		return true
	}
	// Victims: see yields; tasks that ran less than Settle are left alone.
	var victims []*task
	for _, t := range e.tasks {
		if t.state == stRunning && t.tgt.task == t && e.now-t.born >= e.cfg.Settle && yields(t, c, e.cfg.ShrinkRatio) {
			victims = append(victims, t)
		}
	}
	stable.Sort(victims, leastValuableFirst)
	type cut struct {
		t    *task
		to   ram.Amount
		stop bool
	}
	var cuts []cut
	for _, v := range victims {
		if need <= 0 {
			break
		}
		// Capping at what it holds ends its growth; below that it
		// releases chunks as their work lands. A harvest keeps half of
		// what it holds for a target that still has to be prepared: it
		// earns now, and the other does not yet.
		base := min(v.held, v.cap)
		need -= v.unmet(true)
		least, _ := e.need(v.tgt, v.kind)
		switch {
		case v.kind == KindHarvest && c.kind != KindHarvest:
			keep := v.keep
			if keep == 0 {
				keep = base / 2
			}
			to := max(base-need, keep, least)
			if to < v.cap {
				v.keep = keep
				need -= base - min(base, to)
				cuts = append(cuts, cut{t: v, to: min(base, to)})
			}
		case need <= 0:
			cuts = append(cuts, cut{t: v, to: base})
		case base-need >= max(least, 1):
			cuts = append(cuts, cut{t: v, to: base - need})
			need = 0
		default:
			need -= base
			cuts = append(cuts, cut{t: v, stop: true})
		}
	}
	if whole && need > 0 {
		return false
	}
	why := "room for " + c.kind.String() + " " + c.tgt.host + " (value " + ftoa(c.tgt.value) + ")"
	for _, x := range cuts {
		if x.stop {
			e.stop(x.t, why)
		} else {
			e.shrink(x.t, x.to, why)
		}
	}
	return need <= 0
}

// leastValuableFirst orders the tasks that could give way: earlier phases
// first, then the targets worth least per GB.
func leastValuableFirst(a, b *task) int {
	return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.tgt.value, b.tgt.value), cmp.Compare(a.prio, b.prio))
}

// yields reports whether running task t gives way to waiting candidate
// c: a task of an earlier phase to a target not worth ShrinkRatio times
// more than c's (a target further along earns sooner, but tilling a much
// better target beats sowing a poor one), and any task to a target worth
// ShrinkRatio times more. Values are Worth, so a target still to be
// prepared is worth what it earns after its preparation; and a harvest
// gives way to one only by not growing (see makeRoom).
func yields(t *task, c candidate, ratio float64) bool {
	return placeYields(t.kind, t.tgt.value, c, ratio)
}

func placeYields(kind Kind, value float64, c candidate, ratio float64) bool {
	return (kind < c.kind && value < ratio*c.tgt.value) || value*ratio <= c.tgt.value
}

func (e *Engine) shrink(t *task, to ram.Amount, why string) {
	if e.usable > 0 {
		to = min(to, e.usable) // hosts may have shrunk below what it holds
	}
	if to >= t.cap {
		return
	}
	if to <= 0 {
		// A cap of 0 would lift it: a task left nothing stops.
		e.stop(t, why)
		return
	}
	e.logf("shrink " + t.name() + " from " + t.held.String() +
		" to " + to.String() + " (value " + ftoa(t.tgt.value) + "): " + why)
	t.cap = to
	e.sendCap(t)
}

// restore gives RAM no task waits for back to tasks capped below their
// need, highest priority first, and returns what is left. A task that a
// waiting target is worth ShrinkRatio times more than stays capped: it
// would be shrunk again. A raise smaller than the task's smallest size
// is not worth a message.
func (e *Engine) restore(left ram.Amount, cands []candidate) ram.Amount {
	var capped []*task
	for _, t := range e.tasks {
		// Only a task that would use more than its cap is held back by
		// it.
		if t.state != stRunning || t.tgt.task != t || !t.tgt.seen || !t.capped() {
			continue
		}
		if !e.heldBack(t, cands) {
			capped = append(capped, t)
		}
	}
	stable.Sort(capped, func(a, b *task) int { return cmp.Compare(b.prio, a.prio) })
	for _, t := range capped {
		if left <= 0 {
			break
		}
		least, most := e.need(t.tgt, t.kind)
		raise := min(min(most, e.usable)-t.cap, left)
		if raise < max(least, 1) {
			continue
		}
		e.logf("restore " + t.name() + " cap " + t.cap.String() +
			" to " + (t.cap + raise).String())
		t.cap += raise
		t.keep = 0
		e.sendCap(t)
		left -= raise
	}
	return left
}

// decideGreedy is PolicyGreedy: free RAM starts the next task, sized to
// what is free, and nothing ever grows. Its seat comes out of that RAM.
func (e *Engine) decideGreedy() {
	if e.now < e.graceEnd {
		return
	}
	e.fill(e.candidates(), false)
}

// fill starts a fixed task (a round with round) for each candidate in
// turn whose smallest size and seat the free RAM holds, sized to what is
// free, at most what it can use.
func (e *Engine) fill(cands []candidate, round bool) {
	left := e.leftover(false)
	n := e.starting()
	for _, c := range cands {
		if n >= e.cfg.MaxStarting {
			return
		}
		seat := e.seat(c.kind)
		// A harvest divides its batches over hosts, as under grow.
		if left < c.least+seat || !e.seated(seat, left) {
			continue
		}
		size := min(c.most, left-seat)
		e.start(c, size, false, round)
		left -= size + seat
		n++
	}
}

// decideRestart is PolicyRestart: greedy, but a jump in usable RAM kills
// every task, and nothing launches until the memory status shows their
// allocations gone (or a heartbeat timeout passed, in case something
// else holds RAM).
func (e *Engine) decideRestart() {
	if e.jumped {
		e.jumped = false
		e.hold, e.holdSeen, e.holdSince = true, false, e.now
		for _, t := range slices.Clone(e.tasks) {
			e.kill(t, "replanning after a RAM jump")
		}
	}
	if e.hold {
		_, _, allocated := e.pool()
		if !(e.holdSeen && allocated == 0) && e.now-e.holdSince <= e.cfg.HeartbeatTimeout {
			return
		}
		e.hold = false
		e.logf("replan from scratch")
	}
	e.decideGreedy()
}

// largestFree is the most free RAM on any one open host.
func (e *Engine) largestFree() ram.Amount {
	var best ram.Amount
	for _, h := range e.hosts {
		if !e.open(h) {
			continue
		}
		best = max(best, h.Usable-h.Allocated)
	}
	return best
}
