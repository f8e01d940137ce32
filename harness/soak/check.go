package soak

import (
	"fmt"
	"slices"

	"ramfarm/core/formulas"
	"ramfarm/harness"
	"ramfarm/harness/memdreport"
	"ramfarm/harness/world"
)

// The checker's patience, in samples (seconds) or ms. The memory daemon
// acts on its tick (1 s) and its report answers a request made at the
// previous sample, so a state it must repair within a tick may still show
// in one report after the change.
const (
	overSamples    = 3    // an overcommit that outlasts this many samples is a violation
	unfreedSamples = 3    // claims no live process explains, likewise
	deadOwnerMs    = 3000 // an allocation of a process dead this long must be gone
	// restartMs is how long after start.js runs a killed daemon's
	// replacement must run: start.js waits up to two minutes for a seat
	// (the memory daemon frees one as batches land), and then some.
	restartMs    = 150_000
	memdSettleMs = 2500  // a new memory daemon's first report arrives by then
	eps          = 0.011 // RAM is counted in hundredths of a GB
)

// outsideChunks are ramfarm's scripts that run on RAM no chunk holds.
var outsideChunks = []string{memdScript, startJS}

// check runs every invariant on the game as it is now, and on the memory
// daemon's newest report.
func (r *runner) check() {
	now := r.now()
	r.findMemd()
	if r.memd == 0 {
		r.asked = nil
		return
	}
	// One look at the process table serves the whole sample.
	procs := r.ramfarmProcs()
	nowRAM := chunkRAM(procs)
	rep := r.rd.Latest()
	if rep != nil && r.asked != nil && now-r.memdFrom >= memdSettleMs {
		if r.before != nil {
			r.checkRebuilt(rep)
			r.before = nil
		}
		r.checkReport(rep, r.asked, nowRAM)
		r.last = rep
	}
	r.asked = &asked{at: now, chunkRAM: nowRAM}
	r.rd.Ask(r.memd)
	running := map[string]bool{}
	for _, p := range procs {
		running[p.Filename] = true
	}
	r.checkRecoveries(running)
	r.checkHarvests()
	r.checkAnswers()
}

// answerMs is how long a request to the memory daemon may wait for its
// answer while the daemon runs (it answers on its next tick, a second at
// most, and retries a full reply port for a few ticks).
const answerMs = 15_000

type letterKey struct{ port, rid int64 }

type request struct {
	t   string
	pid int64
	at  float64 // when it was written, ms
}

// portWrote follows the requests written to the memory daemon's port and
// the answers written to their reply ports.
func (r *runner) portWrote(port int64, m harness.PortMessage) {
	switch {
	case m.Rid <= 0:
	case port == memdreport.MemdPort && m.Reply > 0 && m.Pid > 0:
		r.asking[letterKey{m.Reply, m.Rid}] = request{t: m.T, pid: m.Pid, at: r.now()}
	case port != memdreport.MemdPort:
		delete(r.asking, letterKey{port, m.Rid})
	}
}

// checkAnswers finds requests to the memory daemon from live processes
// that got no answer, neither the answer nor an error, within answerMs of
// running time of the daemon (a request written while it was away waits
// for its successor).
func (r *runner) checkAnswers() {
	now := r.now()
	for k, q := range r.asking {
		if !r.g.World.IsRunning(q.pid) {
			delete(r.asking, k)
			continue
		}
		if since := max(q.at, r.memdFrom); r.memd != 0 && now-since > answerMs {
			r.violate("every request answered", fmt.Sprintf("%s #%d from pid %d (%s), reply port %d, written at %s: no answer", q.t, k.rid, q.pid, r.scripts[q.pid], k.port, clock(q.at)))
			delete(r.asking, k)
		}
	}
}

// Harvest drift: a target under harvest is off while its security is
// above min by driftSecurity or its money below driftMoney of max. A
// batch takes it off for a moment as each hack lands, so one sample says
// little; off on every sample for two weaken times and half a minute more
// (a lost part, then one rebalance) means the task lost hold of it.
const (
	driftSecurity = 0.5
	driftMoney    = 0.5
	driftSlackMs  = 30_000
)

// checkHarvests finds targets under harvest off for longer than a
// rebalance takes.
func (r *runner) checkHarvests() {
	now := r.now()
	under := map[string]bool{}
	for _, p := range r.ramfarmProcs("ramfarm/harvest.js") {
		if t, ok := firstArg(p.Args); ok {
			under[t] = true
		}
	}
	for target := range r.offSince {
		if !under[target] {
			delete(r.offSince, target)
		}
	}
	for target := range under {
		s := r.g.World.Server(target)
		if s == nil {
			continue
		}
		if s.HackDifficulty <= s.MinDifficulty+driftSecurity && s.MoneyAvailable >= driftMoney*s.MoneyMax {
			delete(r.offSince, target)
			continue
		}
		since, ok := r.offSince[target]
		if !ok {
			r.offSince[target] = now
			continue
		}
		limit := 2*formulas.WeakenTime(harness.TargetOf(s), r.g.Hacker(), r.g.World.BitNodeMults()) + driftSlackMs
		if since >= 0 && now-since > limit {
			r.violate("harvest targets held", fmt.Sprintf("%s under harvest: security %.2f (min %.2f), money %.0f of %.0f, off since %s",
				target, s.HackDifficulty, s.MinDifficulty, s.MoneyAvailable, s.MoneyMax, clock(since)))
			r.offSince[target] = -1 // said once
		}
	}
}

// findMemd notes the memory daemon's pid, and when a new one started.
func (r *runner) findMemd() {
	if r.memd != 0 {
		return
	}
	for _, p := range r.ramfarmProcs(memdScript) {
		r.memd, r.memdFrom = p.Pid, r.now()
		r.rd.Latest() // a report of the daemon before is stale
		return
	}
}

// chunkRAM is, by host, the RAM the processes of ps in chunks use.
func chunkRAM(ps []*world.Process) map[string]float64 {
	out := map[string]float64{}
	for _, p := range ps {
		if !slices.Contains(outsideChunks, p.Filename) {
			out[p.Host] += p.RAMPerThread * float64(p.Threads)
		}
	}
	return out
}

// checkReport checks the memory daemon's accounting against the game:
//   - allocated ≤ usable on every host, but for chunks live claims pin
//     (a host that shrank under running workers), for at most a tick;
//   - in the game, what runs outside the chunks fits beside them;
//   - claims are explained by live processes (a dead worker's claim is
//     freed within a tick);
//   - no allocation outlives its owner by more than a tick;
//   - no allocation id is reused by another owner.
func (r *runner) checkReport(rep *memdreport.Report, a *asked, nowRAM map[string]float64) {
	now := r.now()
	// A chunk a claim uses in part cannot be revoked: an allocation may
	// hold up to a chunk more than its claims on a host that shrank.
	partial := map[string]float64{}
	for _, al := range rep.Allocs {
		for _, h := range al.Held {
			host, _ := h[0].(string)
			gb, _ := h[1].(float64)
			partial[host] += gb
		}
	}
	for _, w := range rep.Workers {
		s := r.g.World.Server(w.Host)
		excused := r.excused[w.Host] > now
		over := w.Allocated > max(w.Usable, w.Claimed+partial[w.Host])+eps
		if s != nil && !excused {
			// In the game, what runs outside the chunks must fit beside
			// them; on a host that shrank under claims (memd says it is
			// over, and grants nothing there), beside the claims.
			held := w.Allocated
			if w.Allocated > w.Usable {
				held = w.Claimed // a host memd says is over: only its claims must fit
			}
			other := s.RAMUsed - nowRAM[w.Host]
			over = over || other > s.MaxRAM-held+eps
		}
		r.persist(r.over, w.Host, over, overSamples, "allocated ≤ usable", func() string {
			return fmt.Sprintf("%s: %.2f GB allocated, %.2f usable, %.2f claimed, %.2f foreign of %.2f", w.Host, w.Allocated, w.Usable, w.Claimed, w.Foreign, w.Max)
		})
		// Claims of processes that died since the report was asked for
		// are freed by the tick after: only a host without a recent death
		// can show a claim that outlived its process.
		live := max(a.chunkRAM[w.Host], nowRAM[w.Host])
		settled := now-r.lastDeath[w.Host] > deadOwnerMs
		r.persist(r.unfreed, w.Host, settled && w.Claimed > live+eps, unfreedSamples, "claims freed with their process", func() string {
			return fmt.Sprintf("%s: %.2f GB claimed, ramfarm's processes there use %.2f", w.Host, w.Claimed, live)
		})
	}
	// A port leased to a process dead for more than a tick is leaked; one
	// leased while another live process was told it was its own (a
	// restarted daemon that forgot) shows as a holder change.
	if r.portHolder == nil {
		r.portHolder = map[int64]int64{}
	}
	for _, l := range rep.Leases {
		port, pid := l[0], l[1]
		if t, dead := r.ended[pid]; dead && a.at-t > deadOwnerMs {
			r.violate("ports freed with their holder", fmt.Sprintf("port %d still leased to pid %d, dead since %s", port, pid, clock(t)))
		}
		if was, ok := r.portHolder[port]; ok && was != pid && r.g.World.IsRunning(was) {
			r.violate("no port leased to two live processes", fmt.Sprintf("port %d leased to pid %d while pid %d (%s), its holder before, still runs", port, pid, was, r.scripts[was]))
		}
		r.portHolder[port] = pid
	}
	if r.allocOwner == nil {
		r.allocOwner = map[int64]int64{}
	}
	for _, al := range rep.Allocs {
		if owner, ok := r.allocOwner[al.Alloc]; ok && owner != al.Pid && !(al.Seat && r.launcher(owner)) {
			r.violate("allocation ids never reused", fmt.Sprintf("allocation %d belonged to pid %d, now to pid %d (%s)", al.Alloc, owner, al.Pid, al.Script))
		}
		r.allocOwner[al.Alloc] = al.Pid
		// An owner's allocation ends with it, but for the chunks its
		// running workers use (an orphan): less than a chunk more per host.
		if t, dead := r.ended[al.Pid]; dead && a.at-t > deadOwnerMs {
			if spare := heldGB(al) - al.Claimed; !al.Orphan || spare >= float64(len(al.Held))*maxChunk(al) {
				r.violate("allocation freed with its owner", fmt.Sprintf("allocation %d (%s) of pid %d, dead since %s, holds %.2f GB, %.2f GB claimed (orphan %v)",
					al.Alloc, al.Script, al.Pid, clock(t), heldGB(al), al.Claimed, al.Orphan))
			}
		}
	}
}

// launcher reports whether pid runs (or ran) a script that seats others:
// a seat is asked for by its launcher and given to the process it starts,
// so its owner changes once.
func (r *runner) launcher(pid int64) bool {
	return slices.Contains(launchers, r.scripts[pid])
}

var launchers = []string{startJS, "ramfarm/selector.js"}

// persist counts the consecutive samples a host is in a bad state and
// reports a violation once when the count reaches limit.
func (r *runner) persist(counts map[string]int, host string, bad bool, limit int, invariant string, detail func() string) {
	if !bad {
		delete(counts, host)
		return
	}
	counts[host]++
	if counts[host] == limit {
		r.violate(invariant, detail()+fmt.Sprintf(" (for %d samples)", limit))
	}
}

// checkRebuilt compares the first report of a memory daemon after a
// restart or a trap with the last before it: every allocation whose owner
// still runs is there, with the same owner, and every port leased to a
// process that still runs is leased to it. (What an allocation holds may
// change in between: its owner releases, the daemon grows it; the e2e
// restart test compares holdings exactly.)
func (r *runner) checkRebuilt(after *memdreport.Report) {
	byID := map[int64]memdreport.Alloc{}
	for _, a := range after.Allocs {
		byID[a.Alloc] = a
	}
	for _, b := range r.before.Allocs {
		if !r.g.World.IsRunning(b.Pid) {
			continue
		}
		switch a, ok := byID[b.Alloc]; {
		case !ok && b.Seat:
			// A seat may have been given to the process started in it.
		case !ok:
			r.violate("state rebuilt after a restart", fmt.Sprintf("allocation %d (%s, pid %d) is gone", b.Alloc, b.Script, b.Pid))
		case a.Pid != b.Pid && !(b.Seat && r.launcher(b.Pid)):
			r.violate("state rebuilt after a restart", fmt.Sprintf("allocation %d was pid %d's, now pid %d's", b.Alloc, b.Pid, a.Pid))
		}
	}
	holder := map[int64]int64{}
	for _, l := range after.Leases {
		holder[l[0]] = l[1]
	}
	for _, l := range r.before.Leases {
		if port, pid := l[0], l[1]; r.g.World.IsRunning(pid) && holder[port] != pid {
			r.violate("state rebuilt after a restart", fmt.Sprintf("port %d of pid %d (%s), which still runs, is not leased to it", port, pid, r.scripts[pid]))
		}
	}
}

func maxChunk(a memdreport.Alloc) float64 {
	var m float64
	for _, h := range a.Held {
		gb, _ := h[1].(float64)
		m = max(m, gb)
	}
	return m
}

func heldGB(a memdreport.Alloc) float64 {
	var sum float64
	for _, h := range a.Held {
		gb, _ := h[1].(float64)
		n, _ := h[2].(float64)
		sum += gb * n
	}
	return sum
}

// recovering is a fault whose recovery is being watched.
type recovering struct {
	kind Kind
	from float64 // when the fault's effect ended, ms
	used float64 // GB at work before the fault
	// daemon is the daemon a restart fault killed, which must run again
	// within restartMs of from (start.js run again).
	daemon string
}

// watchRecovery starts watching how long the system takes to work again
// after a fault whose effect ends at until.
func (r *runner) watchRecovery(k Kind, until float64, daemon string) {
	used := 0.0
	if r.last != nil {
		for _, w := range r.last.Workers {
			used += w.Claimed
		}
	}
	r.recovering = append(r.recovering, &recovering{kind: k, from: until, used: used, daemon: daemon})
}

// checkRecoveries ends the watch of every fault the system has recovered
// from: each daemon runs (a killed one was started again within
// restartMs of start.js), and the tasks use at least 80 % of what they
// used before, or of what is usable now if that is less.
func (r *runner) checkRecoveries(running map[string]bool) {
	now := r.now()
	if r.last == nil {
		return
	}
	var used, usable float64
	for _, w := range r.last.Workers {
		used += w.Claimed
		usable += w.Usable
	}
	up := true
	for _, d := range daemons {
		up = up && running[d]
	}
	r.recovering = slices.DeleteFunc(r.recovering, func(w *recovering) bool {
		if now < w.from {
			return false
		}
		if w.daemon != "" && now-w.from > restartMs && !running[w.daemon] {
			r.violate("daemons restarted", fmt.Sprintf("%s, killed, is not running %.0f s after start.js ran again at %s", w.daemon, restartMs/1000.0, clock(w.from)))
			w.daemon = ""
		}
		if !up {
			return false
		}
		if used+eps < 0.8*min(w.used, usable) {
			return false
		}
		r.out.Recoveries = append(r.out.Recoveries, Recovery{Kind: w.kind, Ms: now - w.from, OK: true})
		return true
	})
}

// finishRecoveries records the faults the run ended before recovering
// from.
func (r *runner) finishRecoveries() {
	for _, w := range r.recovering {
		r.out.Recoveries = append(r.out.Recoveries, Recovery{Kind: w.kind, Ms: r.now() - w.from, OK: false})
	}
	r.recovering = nil
}
