package harvest

import (
	"math"
	"slices"
	"strconv"

	"ramfarm/core/hwgw"
)

// A part of a batch is lost when its worker could not start or ended
// without landing its operation: someone killed it, or it died. What a
// demanding player expects is that the loss costs at most that batch's
// money, never the target's state and never the pipeline's pace:
//
//   - The part is replaced when a replacement still lands in its place:
//     the same operation and threads, started at a safe moment (the
//     target at min security, so it runs the planned time) no later than
//     its landing minus its duration, in the RAM the lost worker freed or
//     any other that counts its threads the same. A hack, whose landing
//     is the batch's first but whose run is the shortest, usually can be;
//     a weaken, which runs longest, rarely.
//   - Otherwise, while the batch's hack has not landed, the rest of the
//     batch is killed: a batch without its hack leaves the target where it
//     was (its grow meets max money and adds no security, its weakens min
//     security), and its chunks take the next batch at once.
//   - Once its hack has landed, killing the rest would leave the target
//     off; the rest lands, and the engine rebalances once (ReasonLost):
//     no new batches until those in flight land, then one correction.
//
// A lost part is recovered at the next Tick (the same round as the news
// of the loss), and again at each Tick until its deadline. A correction's
// lost part is not replaced: corrections repeat until the target is back.

// lose records a part whose work was lost, for recover. A part found gone
// after its landing time landed: its landed message was lost, or it ended
// as it landed.
func (e *Engine) lose(pt *part) {
	b := pt.b
	if b.cancelled || b.correction || b.land(pt.op, e.cfg.Spacing) <= e.Now() {
		return
	}
	e.Logf("lost batch=" + itoa(b.id) + " op=" + pt.op.String() + " host=" + pt.host.name + " pid=" + itoa(int64(pt.pid)))
	pt.lost = true
	b.lost = append(b.lost, pt)
}

// recover replaces the lost parts that can be, and gives up on the
// batches of those that no longer can (see lose): a batch with a part
// past saving gets no replacements for the others.
func (e *Engine) recover() {
	for _, b := range slices.Clone(e.flight) {
		if len(b.lost) == 0 {
			continue
		}
		if slices.ContainsFunc(b.lost, func(pt *part) bool { return e.Now() > e.deadline(pt) }) {
			e.abandon(b)
		} else {
			b.lost = slices.DeleteFunc(b.lost, e.replace)
		}
		e.settle(b)
	}
}

// deadline is the last moment a replacement for pt can start and land in
// its place: its landing less the operation's run at min security.
func (e *Engine) deadline(pt *part) int64 {
	return pt.b.land(pt.op, e.cfg.Spacing) - int64(math.Ceil(e.duration(pt.op)))
}

// duration is op's run time, ms, at min security and the player's level.
func (e *Engine) duration(op hwgw.Op) float64 { return e.sizes.of(1).Duration[op] }

// replace starts pt's work again if now is safe and a host has the room: pt's own, or another the failure rule does not
// block whose cores count the threads the same (any for a hack, whose
// threads cores do not change).
func (e *Engine) replace(pt *part) bool {
	if !e.safe(e.Now()) {
		return false
	}
	fits := func(h *host) bool {
		return !e.Blocked(h.name) && h.idle(e.size) >= pt.ram && (h.cores == pt.host.cores || pt.op == hwgw.OpHack)
	}
	var to *host
	if i, ok := e.find(pt.host.name); ok && e.hosts[i] == pt.host && fits(pt.host) {
		to = pt.host
	}
	for _, h := range e.hosts {
		if to == nil && fits(h) {
			to = h
		}
	}
	if to == nil {
		return false
	}
	b := pt.b
	np := &part{b: b, op: pt.op, host: to, threads: pt.threads, ram: pt.ram}
	b.parts[slices.Index(b.parts, pt)] = np
	e.startPart(np, e.duration(pt.op))
	e.Logf("replaced batch=" + itoa(b.id) + " op=" + pt.op.String() + " on " + to.name + "x" + strconv.Itoa(pt.threads))
	return true
}

// abandon gives up on a batch whose lost part cannot be replaced in time:
// before its hack lands, the rest of it is killed; after, it lands, and
// the engine rebalances.
func (e *Engine) abandon(b *batch) {
	b.lost = nil
	if !e.hackLands(b) {
		b.cancelled = true
		e.Logf("cancelling batch=" + itoa(b.id) + ": a lost part cannot land in its place, and without its hack the rest changes nothing")
		for _, p := range b.parts {
			if p.pid != 0 && !p.done {
				e.Kill(p.pid)
			}
		}
		return
	}
	b.failed = true
	e.Logf("batch=" + itoa(b.id) + " lands short after its hack")
	if e.mode == ModeFilling {
		e.becomeRebalancing(ReasonLost)
	}
}

// hackLands reports whether b's hack has landed or lands within Guard:
// its part is not lost.
func (e *Engine) hackLands(b *batch) bool {
	for _, p := range b.parts {
		if p.op == hwgw.OpHack {
			return !p.lost && b.land(hwgw.OpHack, e.cfg.Spacing) <= e.Now()+e.cfg.Guard
		}
	}
	return false
}
