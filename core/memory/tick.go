package memory

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// stepTick runs one allocator tick: deaths, observations, revocation,
// growth of running allocations, then new requests. Running tasks grow
// before new ones start because they are the ones furthest along.
func (e *Engine) stepTick(ev Tick) error {
	if err := checkTick(ev); err != nil {
		return err
	}
	e.now = ev.Now
	// Workers first: an owner that died with some of its workers keeps
	// chunks only for those still running.
	for _, pid := range ev.Dead {
		e.buryClaim(pid)
	}
	for _, pid := range ev.Dead {
		e.bury(pid)
	}
	for _, w := range ev.Workers {
		e.observe(w)
	}
	for _, name := range ev.Gone {
		e.remove(name)
	}
	for _, h := range e.hostList {
		e.refresh(h, ev.Now)
	}
	e.resend()
	for _, h := range e.hostList {
		if h.allocated > h.usable {
			e.revoke(h)
		}
		e.reportOver(h)
	}
	e.grow()
	e.offerChanged()
	e.serve()
	e.offerChanged() // chunks revoked to seat a daemon: their owners hear now
	e.flushDue()
	return nil
}

// offerChanged sends a snapshot of every allocation whose holdings changed.
func (e *Engine) offerChanged() {
	for _, a := range e.order {
		if a.changed && a.reply != 0 {
			a.changed = false
			e.offer(a, a.reply, 0)
		}
	}
}

// checkTick finds what makes a Tick unusable before anything changes.
func checkTick(ev Tick) error {
	for _, pid := range ev.Dead {
		if pid <= 0 {
			return wrap(ErrBadPid, "pid "+itoa(int64(pid)))
		}
	}
	seen := make(map[string]struct{}, len(ev.Workers))
	for _, w := range ev.Workers {
		switch {
		case w.Host == "":
			return wrap(ErrBadWorker, "a worker has no host name")
		case w.Kind > HostHacknet:
			return wrap(ErrBadWorker, w.Host+" has kind "+itoa(int64(w.Kind)))
		case w.MaxRAM < 0 || w.MaxRAM > ram.Max || w.UsedRAM < 0 || w.UsedRAM > ram.Max:
			return wrap(ErrBadWorker, w.Host+" has RAM out of range")
		case w.Cores < 0:
			return wrap(ErrBadWorker, w.Host+" has "+itoa(int64(w.Cores))+" cores")
		}
		if _, dup := seen[w.Host]; dup {
			return wrap(ErrDuplicateHost, w.Host)
		}
		seen[w.Host] = struct{}{}
	}
	for _, name := range ev.Gone {
		if name == "" {
			return wrap(ErrBadWorker, "a gone host has no name")
		}
		if _, listed := seen[name]; listed {
			return wrap(ErrBadWorker, name+" is both listed and gone")
		}
	}
	return nil
}

// bury applies one death: a worker's claim ends (and an orphaned
// allocation with it, when that was its last); an owner's allocations end,
// and nothing more is said to it. An allocation whose workers outlive
// their owner (the parts of a batch run on when their task ends, so the
// batch lands whole) is orphaned instead: its unclaimed chunks go back at
// once, the chunks its live workers use stay held until they end. Freeing
// those too would leave RAM in use that no allocation accounts for: the
// allocator would soon grant it again and the new owner's start fail.
func (e *Engine) bury(pid Pid) {
	e.buryClaim(pid)
	e.buryRoles(pid)
	if e.owners[pid] > 0 {
		var freed, gaveBack, kept ram.Amount
		var ids, orphans []string
		for i := 0; i < len(e.order); i++ {
			a := e.order[i]
			if a.owner != pid || a.orphan {
				continue
			}
			if len(a.claims) > 0 {
				gaveBack += e.orphan(a)
				kept += a.total()
				orphans = append(orphans, itoa(int64(a.id)))
				continue
			}
			freed += a.total()
			ids = append(ids, itoa(int64(a.id)))
			e.free(a) // removes e.order[i]
			i--
		}
		var said []string
		if len(ids) > 0 {
			said = append(said, "freed alloc "+strings.Join(ids, ",")+" ("+freed.String()+")")
		}
		if len(orphans) > 0 {
			said = append(said, "kept alloc "+strings.Join(orphans, ",")+" for its running workers ("+kept.String()+" held, "+gaveBack.String()+" freed)")
		}
		e.logf("pid " + itoa(int64(pid)) + " died: " + strings.Join(said, "; "))
	}
	e.pending = slices.DeleteFunc(e.pending, func(r Request) bool {
		if r.Pid == pid {
			e.watch.remove(pid)
			delete(e.roomMade, seatKey{pid, r.Rid})
			return true
		}
		return false
	})
	e.dropLetters(pid)
}

// buryClaim ends the claim of a worker that died; an orphaned allocation
// gives back what its remaining workers do not use, and ends with the
// last of them.
func (e *Engine) buryClaim(pid Pid) {
	c := e.claims[pid]
	if c == nil {
		return
	}
	a := c.alloc
	e.endClaim(c, true)
	switch {
	case !a.orphan:
	case len(a.claims) == 0:
		e.logf("alloc " + itoa(int64(a.id)) + " of dead pid " + itoa(int64(a.owner)) + ": its last worker ended, freed (" + a.total().String() + ")")
		e.free(a)
	default:
		e.trim(a)
	}
}

// orphan keeps of a, whose owner died, only the chunks its live claims
// use, and returns the RAM it gave back. It never grows again, says
// nothing to anyone, and ends with its last claim (buryClaim).
func (e *Engine) orphan(a *alloc) ram.Amount {
	before := a.total()
	a.orphan = true
	a.desired = 0
	a.opts.Growable = false
	a.reply = 0
	a.changed = false
	e.killStreams(a)
	if e.owners[a.owner]--; e.owners[a.owner] <= 0 {
		delete(e.owners, a.owner)
	}
	e.watch.remove(a.owner)
	e.trim(a)
	return before - a.total()
}

// trim gives back the chunks of an orphan its live claims do not need:
// per host, it keeps the largest chunks until the claims there are
// covered.
func (e *Engine) trim(a *alloc) {
	for i := 0; i < len(a.held); {
		host := a.held[i].Host
		j := i
		for j < len(a.held) && a.held[j].Host == host {
			j++
		}
		runs := slices.Clone(a.held[i:j])
		stable.Sort(runs, func(x, y Chunks) int { return cmp.Compare(y.Size, x.Size) })
		need := a.claimedOn[host]
		h := e.hosts[host]
		for _, run := range runs {
			keep := 0
			for keep < run.Count && need > 0 {
				keep++
				need -= run.Size
			}
			if k := run.Count - keep; k > 0 && h != nil {
				a.take(h, run.Size, k)
			}
		}
		// take removed emptied runs: find where this host's runs end now.
		for i < len(a.held) && a.held[i].Host == host {
			i++
		}
	}
}

// observe records a worker's state.
func (e *Engine) observe(w WorkerState) {
	h := e.hosts[w.Host]
	if h == nil {
		h = &host{name: w.Host, cordoned: e.cordons[w.Host]}
		e.hosts[w.Host] = h
		i, _ := slices.BinarySearchFunc(e.hostList, w.Host, func(x *host, name string) int { return strings.Compare(x.name, name) })
		e.hostList = stable.Insert(e.hostList, i, h)
	}
	h.kind, h.rooted, h.max, h.used = w.Kind, w.Rooted, w.MaxRAM, w.UsedRAM
	h.cores = max(w.Cores, 1)
	// Fresh used RAM: foreign use may have shrunk. refresh recomputes it.
	h.foreign = 0
}

// remove forgets a host that no longer exists, with every chunk and claim
// on it.
func (e *Engine) remove(name string) {
	h := e.hosts[name]
	if h == nil {
		return
	}
	for _, a := range e.order {
		lost := a.heldOn(name)
		if lost == 0 {
			continue
		}
		for _, c := range a.claims {
			if c.host == h {
				e.endClaim(c, true)
			}
		}
		a.held = slices.DeleteFunc(a.held, func(c Chunks) bool { return c.Host == name })
		a.changed = true
		e.logf("revoke alloc=" + itoa(int64(a.id)) + " " + name + ":" + lost.String() + " (host gone)")
	}
	delete(e.hosts, name)
	e.hostList = slices.DeleteFunc(e.hostList, func(x *host) bool { return x == h })
}

// refresh recomputes a host's foreign and usable RAM. Foreign RAM is used
// RAM no live claim explains; a host not observed this tick keeps at least
// its last foreign RAM, since a claim made since then may be for a worker
// its stale used RAM does not show yet.
//
// The daemon's own RAM on its host is taken off first: it is neither
// foreign (it would eat the player's reserve) nor grantable. Use inside
// granted, unclaimed chunks is forgiven for ClaimGrace (see host).
func (e *Engine) refresh(h *host, now int64) {
	if now >= h.seatRoomUntil {
		h.seatRoom = 0
	}
	var self ram.Amount
	if h.name == e.selfHost {
		self = e.selfRAM
	}
	f := max(h.used-h.claimed-self, 0)
	// The least unexplained use over the last window is use no claim on
	// its way explains: foreign, however often the host's owners make new
	// claims (each restarts the grace below). Without this floor, a busy
	// task hid the player's scripts on its host for as long as it ran.
	floor := h.lows.push(now, f)
	h.forgiven = 0
	if inflight := min(f-floor, max(h.allocated-h.claimed, 0)); inflight > 0 {
		if !h.inflight || h.newClaim {
			h.inflight, h.inflightSince = true, now
		}
		if now-h.inflightSince < ClaimGrace {
			h.forgiven = inflight
			f -= inflight
		}
	} else {
		h.inflight = false
	}
	h.newClaim = false
	h.foreign = max(f, h.foreign)
	if !h.rooted || (h.kind == HostHacknet && !e.useHacknet) {
		h.usable = 0
		return
	}
	aside := e.setAside[h.name]
	if h.kind == HostHome {
		aside = max(aside, e.homeReserve)
	}
	h.usable = max(h.max-self-max(aside, h.foreign), 0)
}

// revoke takes chunks off an over-committed host until it fits: from the
// lowest priority first, newest first, never below what live claims use.
// Where claims alone pin more than fits, the host stays over until they
// end.
func (e *Engine) revoke(h *host) { e.revokeBelow(h, math.MaxInt) }

// revokeBelow is revoke, taking chunks only from allocations below prio.
func (e *Engine) revokeBelow(h *host, prio int) {
	victims := e.scratch[:0]
	for _, a := range e.order {
		if a.prio < prio && a.heldOn(h.name) > a.claimedOn[h.name] {
			victims = append(victims, a)
		}
	}
	stable.Sort(victims, func(x, y *alloc) int {
		if c := cmp.Compare(x.prio, y.prio); c != 0 {
			return c
		}
		return cmp.Compare(y.id, x.id)
	})
	for _, a := range victims {
		if h.allocated <= h.usable {
			break
		}
		e.revokeFrom(a, h)
	}
	clear(victims)
	e.scratch = victims[:0]
}

// revokeFrom takes a's chunks off h while h is over. It prefers the
// smallest chunk that ends the excess, else the largest that claims allow.
func (e *Engine) revokeFrom(a *alloc, h *host) {
	slack := a.heldOn(h.name) - a.claimedOn[h.name]
	for h.allocated > h.usable && slack > 0 {
		excess := h.allocated - h.usable
		lo, _ := slices.BinarySearchFunc(a.held, Chunks{Host: h.name}, cmpChunks)
		hi := lo
		for hi < len(a.held) && a.held[hi].Host == h.name {
			hi++
		}
		pick, k := -1, 1
		for i := lo; i < hi; i++ {
			if s := a.held[i].Size; s >= excess && s <= slack {
				pick = i
				break
			}
		}
		if pick < 0 {
			for i := hi - 1; i >= lo; i-- {
				if a.held[i].Size <= slack {
					pick = i
					break
				}
			}
			if pick < 0 {
				return
			}
			s := a.held[pick].Size
			k = min(a.held[pick].Count, int(slack/s), int(excess/s))
		}
		size := a.held[pick].Size
		a.take(h, size, k)
		a.changed = true
		slack -= size.Times(k)
		e.logf("revoke alloc=" + itoa(int64(a.id)) + " " + h.name + ":" + itoa(int64(k)) + "x" + size.String() +
			" (usable " + h.usable.String() + ")")
	}
}

// grow gives running allocations the chunks they still want (those that
// gave some back wait RegrowAfter): highest priority first, oldest first
// among equals. Each takes what fits, so a
// lower priority still gets what a higher one cannot use.
func (e *Engine) grow() {
	e.maxFree = 0
	for _, h := range e.hostList {
		e.maxFree = max(e.maxFree, h.free())
	}
	cands := e.scratch[:0]
	for _, a := range e.order {
		if a.countSize(a.size) < a.desired && e.now >= a.regrowAt {
			cands = append(cands, a)
		}
	}
	stable.Sort(cands, func(x, y *alloc) int { return cmp.Compare(y.prio, x.prio) })
	for _, a := range cands {
		have := a.countSize(a.size)
		if got := e.place(a, a.desired-have); got > 0 {
			a.changed = true
			e.logf("grow alloc=" + itoa(int64(a.id)) + " +" + itoa(int64(got)) + "x" + a.size.String() +
				" now " + itoa(int64(have+got)) + "/" + itoa(int64(a.desired)))
		}
	}
	clear(cands)
	e.scratch = cands[:0]
}

// serve answers the requests queued since the last tick, highest priority
// first, in arrival order among equals.
func (e *Engine) serve() {
	reqs := e.pending
	e.pending = nil
	stable.Sort(reqs, func(x, y Request) int { return cmp.Compare(y.Priority, x.Priority) })
	for _, r := range reqs {
		e.watch.remove(r.Pid)
		a := &alloc{owner: r.Pid, script: r.Script, reply: r.Reply, prio: r.Priority, opts: r.Options, size: r.ChunkSize}
		var got int
		switch {
		case r.Growable:
			got = e.place(a, r.Count)
			a.desired = r.Count
		case r.Shrinkable:
			got = e.place(a, r.Count)
			a.desired = got
		case r.Seat && r.Priority >= DaemonPriority:
			// Room is made for a request once: if it is still short a tick
			// later (workers started in it before their owners heard), the
			// request is refused, and asking again makes room again.
			key := seatKey{r.Pid, r.Rid}
			var wait bool
			if got, wait = e.placeSeat(a, r, !e.roomMade[key]); wait {
				if e.roomMade == nil {
					e.roomMade = map[seatKey]bool{}
				}
				e.roomMade[key] = true
				e.pending = append(e.pending, r)
				e.watch.add(r.Pid)
				continue
			}
			delete(e.roomMade, key)
			a.desired = got
		default:
			if e.room(r.ChunkSize, r.Count) >= r.Count {
				got = e.place(a, r.Count)
			}
			a.desired = got
		}
		if a.desired == 0 && !r.Growable {
			reason := "no room for " + itoa(int64(r.Count)) + "x" + r.ChunkSize.String()
			e.logf("refuse rid=" + itoa(r.Rid) + " pid=" + itoa(int64(r.Pid)) + ": " + reason)
			e.post(r.Pid, r.Reply, Refused{Rid: r.Rid, Code: CodeNoRAM, Reason: reason})
			continue
		}
		e.nextAlloc++
		a.id = e.nextAlloc
		a.rid = r.Rid
		e.allocs[a.id] = a
		e.order = append(e.order, a)
		e.owners[a.owner]++
		e.watch.add(a.owner)
		line := "grant alloc=" + itoa(int64(a.id)) + " pid=" + itoa(int64(a.owner))
		if a.script != "" {
			line += " " + a.script
		}
		e.logf(line + " " + itoa(int64(got)) + "/" + itoa(int64(r.Count)) + "x" + a.size.String())
		e.offer(a, r.Reply, r.Rid)
	}
	clear(reqs)
}

// DaemonPriority is the lowest priority of a daemon's seat: a ramfarm
// daemon (discovery, the selector) started again while every chunk is
// held must not wait for tasks to give RAM back, since the tasks depend on
// it. Such a seat takes chunks that no live worker uses from allocations
// of lower priority, as a host that shrank would.
const DaemonPriority = 1 << 30

// seatKey names a seat request: its requester and request id.
type seatKey struct {
	pid Pid
	rid int64
}

// seatRoomHold is how long, in ms, room made for a daemon's seat is kept
// for it: the tick that grants it, and the requester's retry after a
// refusal.
const seatRoomHold = 3000

// placeSeat places a daemon's seat: in free RAM or room set aside for
// seats at an earlier game time. With neither, and mayMake, it makes room
// (revoking unclaimed chunks below the seat's priority), sets it aside,
// and says to wait: the request is served by a tick at a later game time,
// when every owner whose chunks were revoked has run since it heard, and
// the game's used RAM shows any worker it started in them before.
func (e *Engine) placeSeat(a *alloc, r Request, mayMake bool) (got int, wait bool) {
	aside := map[*host]ram.Amount{}
	young := false // room set aside at this very game time
	for _, h := range e.hostList {
		switch {
		case h.seatRoom == 0:
		case h.seatRoomAt < e.now:
			aside[h], h.seatRoom = h.seatRoom, 0
			e.maxFree = max(e.maxFree, h.free())
		default:
			young = true
		}
	}
	switch {
	case e.room(r.ChunkSize, r.Count) >= r.Count:
		got = e.place(a, r.Count)
	case young:
		wait = true
	case mayMake:
		for _, h := range e.makeRoom(r.ChunkSize, r.Count, r.Priority) {
			h.seatRoom = max(h.seatRoom, min(h.free(), r.ChunkSize.Times(r.Count)))
			h.seatRoomAt, h.seatRoomUntil = e.now, e.now+seatRoomHold
			wait = true
		}
	}
	for h, room := range aside {
		h.seatRoom = max(h.seatRoom, room-a.heldOn(h.name))
	}
	return got, wait
}

// makeRoom revokes unclaimed chunks of allocations below prio, on the
// hosts that can then hold count chunks of size, one host at a time,
// until there is room for them all or nothing more can be taken. It
// returns the hosts it freed room on.
func (e *Engine) makeRoom(size ram.Amount, count, prio int) []*host {
	var made []*host
	for _, h := range e.hostList {
		if e.room(size, count) >= count {
			break
		}
		if !h.rooted || h.cordoned || h.usable < size {
			continue
		}
		// Unclaimed chunks, less what the game shows in use there that no
		// claim explains yet (workers whose claims are on their way).
		var spare ram.Amount
		for _, a := range e.order {
			if a.prio < prio {
				spare += a.heldOn(h.name) - a.claimedOn[h.name]
			}
		}
		spare = max(spare-h.forgiven, 0)
		if h.allocated-spare+size > h.usable {
			continue
		}
		// Lower the line revoke works to by one chunk, so it frees that
		// much room, from allocations below prio only.
		usable := h.usable
		h.usable = usable - size
		e.revokeBelow(h, prio)
		h.usable = usable
		e.maxFree = max(e.maxFree, h.free())
		made = append(made, h)
		e.logf("room for a daemon's seat of " + size.String() + " made on " + h.name + ", kept for it until the next tick")
	}
	return made
}

// reportOver says when a host holds more than it can: live workers pin
// chunks revoke may not take (the host shrank, or a foreign script took
// RAM, under them). Nothing new goes there until they end; the player
// should know why the host is over, once, and when it is not any more.
func (e *Engine) reportOver(h *host) {
	over := h.allocated > h.usable
	switch {
	case over && !h.over:
		e.logf("WARN " + h.name + " holds " + h.allocated.String() + " of ramfarm's but can hold " + h.usable.String() +
			": live workers pin it; no new work goes there until they end")
	case !over && h.over:
		e.logf(h.name + " fits again: " + h.allocated.String() + " of " + h.usable.String())
	}
	h.over = over
}
