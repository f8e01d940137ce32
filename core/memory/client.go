package memory

import (
	"slices"

	"ramfarm/core/ram"
)

// Client messages. Each handler checks everything before it changes
// anything: a mistake gets an Error to the message's Reply port and leaves
// the engine as it was.

func (e *Engine) stepRequest(ev Request) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	if ev.Pid <= 0 {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadMessage, "pid "+itoa(int64(ev.Pid))+" is invalid")
		return nil
	}
	if reason := badCount(ev.ChunkSize, ev.Count, 1); reason != "" {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadSize, reason)
		return nil
	}
	e.pending = append(e.pending, ev)
	e.watch.add(ev.Pid)
	return nil
}

// badCount says what is wrong with count chunks of size, or "".
func badCount(size ram.Amount, count, least int) string {
	switch {
	case size <= 0 || size > ram.Max:
		return "chunk size " + size.String() + " is out of range"
	case count < least:
		return "count " + itoa(int64(count)) + " is below " + itoa(int64(least))
	case int64(count) > int64(ram.Max/size):
		return "count " + itoa(int64(count)) + " of " + size.String() + " is more RAM than exists"
	}
	return ""
}

// owned finds the allocation id that pid owns and token proves it owns,
// or rejects the message: a pid alone is what any script can copy.
func (e *Engine) owned(pid Pid, reply Port, rid int64, id AllocID, token int64) *alloc {
	if pid <= 0 {
		e.reject(pid, reply, rid, CodeBadMessage, "pid "+itoa(int64(pid))+" is invalid")
		return nil
	}
	a := e.allocs[id]
	if a == nil {
		e.reject(pid, reply, rid, CodeUnknown, "allocation "+itoa(int64(id))+" is unknown")
		return nil
	}
	if a.owner != pid || a.orphan { // an orphan's owner is dead: whoever writes its pid is not it
		e.reject(pid, reply, rid, CodeNotOwner, "pid "+itoa(int64(pid))+" does not own allocation "+itoa(int64(id)))
		return nil
	}
	if token != e.token(a) {
		e.reject(pid, reply, rid, CodeNotOwner, "pid "+itoa(int64(pid))+" gave no valid token for allocation "+itoa(int64(id)))
		return nil
	}
	return a
}

func (e *Engine) stepResize(ev Resize) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	a := e.owned(ev.Pid, ev.Reply, ev.Rid, ev.Alloc, ev.Token)
	if a == nil {
		return nil
	}
	size := a.size
	if ev.ChunkSize != 0 {
		size = ev.ChunkSize
	}
	if reason := badCount(size, ev.Count, 0); reason != "" {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadSize, reason)
		return nil
	}
	line := "resize alloc=" + itoa(int64(a.id)) + " desired=" + itoa(int64(ev.Count)) + "x" + size.String()
	if size != a.size {
		line += " (reshape from " + a.size.String() + ")"
	}
	if ev.Priority != nil && *ev.Priority != a.prio {
		line += " prio=" + itoa(int64(*ev.Priority))
		a.prio = *ev.Priority
	}
	e.logf(line)
	a.size = size
	a.desired = ev.Count
	if a.reply == 0 {
		a.reply = ev.Reply // given: the new owner names its port
	}
	e.offer(a, ev.Reply, ev.Rid)
	return nil
}

func (e *Engine) stepRelease(ev Release) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	a := e.owned(ev.Pid, ev.Reply, ev.Rid, ev.Alloc, ev.Token)
	if a == nil {
		return nil
	}
	if ev.Host == "" {
		e.logf("release alloc=" + itoa(int64(a.id)) + " whole (" + a.total().String() + ")")
		e.free(a)
		e.post(ev.Pid, ev.Reply, Done{Rid: ev.Rid, Alloc: a.id})
		return nil
	}
	if reason := badCount(ev.ChunkSize, ev.Count, 1); reason != "" {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadSize, reason)
		return nil
	}
	if n := a.count(ev.Host, ev.ChunkSize); n < ev.Count {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeOverRelease,
			"allocation "+itoa(int64(a.id))+" holds "+itoa(int64(n))+"x"+ev.ChunkSize.String()+" on "+ev.Host+", not "+itoa(int64(ev.Count)))
		return nil
	}
	left := a.heldOn(ev.Host) - ev.ChunkSize.Times(ev.Count)
	if c := a.claimedOn[ev.Host]; left < c {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeOverRelease,
			"claims on "+ev.Host+" need "+c.String()+", only "+left.String()+" would be left")
		return nil
	}
	e.logf("release alloc=" + itoa(int64(a.id)) + " " + ev.Host + ":" + itoa(int64(ev.Count)) + "x" + ev.ChunkSize.String())
	a.take(e.hosts[ev.Host], ev.ChunkSize, ev.Count)
	switch {
	case ev.ChunkSize != a.size:
		// Chunks of an older size, given back in a reshape: they make
		// room for the new size, which grows on.
	case a.opts.Growable:
		a.regrowAt = e.now + RegrowAfter
	default:
		// It asked once: given back is given up.
		a.desired = max(0, a.desired-ev.Count)
	}
	e.offer(a, ev.Reply, ev.Rid)
	return nil
}

func (e *Engine) stepClaim(ev Claim) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	a := e.owned(ev.Pid, ev.Reply, ev.Rid, ev.Alloc, ev.Token)
	if a == nil {
		return nil
	}
	reject := func(code Code, reason string) error {
		e.reject(ev.Pid, ev.Reply, ev.Rid, code, reason)
		return nil
	}
	switch {
	case ev.Worker <= 0:
		return reject(CodeBadMessage, "worker pid "+itoa(int64(ev.Worker))+" is invalid")
	case ev.Host == "":
		return reject(CodeBadMessage, "claim names no host")
	case ev.RAM <= 0 || ev.RAM > ram.Max:
		return reject(CodeBadSize, "claim of "+ev.RAM.String()+" is out of range")
	case e.claims[ev.Worker] != nil:
		return reject(CodeDuplicate, "worker "+itoa(int64(ev.Worker))+" already holds a claim")
	}
	held, claimed := a.heldOn(ev.Host), a.claimedOn[ev.Host]
	if claimed+ev.RAM > held {
		return reject(CodeOverClaim, "claims on "+ev.Host+" would be "+(claimed+ev.RAM).String()+", allocation "+
			itoa(int64(a.id))+" holds "+held.String())
	}
	e.addClaim(a, e.hosts[ev.Host], ev.Worker, ev.RAM).newClaim = true
	e.post(ev.Pid, ev.Reply, Done{Rid: ev.Rid, Alloc: a.id})
	return nil
}

// addClaim records worker's claim of r in a's chunks on h, and returns h.
func (e *Engine) addClaim(a *alloc, h *host, worker Pid, r ram.Amount) *host {
	c := &claim{worker: worker, alloc: a, host: h, ram: r}
	e.claims[worker] = c
	if a.claims == nil {
		a.claims = map[Pid]*claim{}
		a.claimedOn = map[string]ram.Amount{}
	}
	a.claims[worker] = c
	a.claimedOn[h.name] += r
	h.claimed += r
	e.watch.add(worker)
	return h
}

func (e *Engine) stepUnclaim(ev Unclaim) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	a := e.owned(ev.Pid, ev.Reply, ev.Rid, ev.Alloc, ev.Token)
	if a == nil {
		return nil
	}
	c := a.claims[ev.Worker]
	if _, ok := a.settled[ev.Worker]; ok && c == nil {
		delete(a.settled, ev.Worker)
		e.post(ev.Pid, ev.Reply, Done{Rid: ev.Rid, Alloc: a.id})
		return nil
	}
	if c == nil {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeUnknown,
			"worker "+itoa(int64(ev.Worker))+" holds no claim in allocation "+itoa(int64(a.id)))
		return nil
	}
	e.endClaim(c, false)
	e.post(ev.Pid, ev.Reply, Done{Rid: ev.Rid, Alloc: a.id})
	return nil
}

func (e *Engine) stepGive(ev Give) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	a := e.owned(ev.Pid, ev.Reply, ev.Rid, ev.Alloc, ev.Token)
	if a == nil {
		return nil
	}
	if ev.To <= 0 || ev.To == ev.Pid {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadMessage, "cannot give allocation "+itoa(int64(a.id))+" to pid "+itoa(int64(ev.To)))
		return nil
	}
	if e.owners[a.owner]--; e.owners[a.owner] <= 0 {
		delete(e.owners, a.owner)
	}
	e.watch.remove(a.owner)
	// Growth news now goes to the new owner's port, which its first
	// Resize names; until then none is sent. A new token: the giver's
	// stops working, and nobody learns the new one.
	a.owner, a.reply = ev.To, 0
	a.gen++
	a.rid = 0
	for _, s := range a.streams {
		s.given = true // answers the old owner is owed still go; growth news does not
		if s.pending != nil && s.pending.Rid == 0 {
			s.pending = nil
		}
	}
	e.owners[a.owner]++
	e.watch.add(a.owner)
	e.logf("give alloc=" + itoa(int64(a.id)) + " pid=" + itoa(int64(ev.Pid)) + " to pid=" + itoa(int64(ev.To)))
	e.post(ev.Pid, ev.Reply, Done{Rid: ev.Rid, Alloc: a.id})
	return nil
}

// endClaim ends a claim. Unless its worker died, the worker may still
// run: its RAM counts as foreign until the host is observed again, since
// a host's last observed used RAM may predate the worker.
func (e *Engine) endClaim(c *claim, died bool) {
	a := c.alloc
	delete(e.claims, c.worker)
	delete(a.claims, c.worker)
	if a.claimedOn[c.host.name] -= c.ram; a.claimedOn[c.host.name] == 0 {
		delete(a.claimedOn, c.host.name)
	}
	c.host.claimed -= c.ram
	if died {
		if a.settled == nil {
			a.settled = map[Pid]struct{}{}
		}
		a.settled[c.worker] = struct{}{}
	} else {
		c.host.foreign += c.ram
	}
	e.watch.remove(c.worker)
}

// free ends an allocation: its chunks, claims and streams.
func (e *Engine) free(a *alloc) {
	for _, ch := range a.held {
		e.hosts[ch.Host].allocated -= ch.Size.Times(ch.Count)
	}
	a.held = nil
	for _, c := range a.claims {
		e.endClaim(c, false)
	}
	e.killStreams(a)
	delete(e.allocs, a.id)
	if i, ok := slices.BinarySearchFunc(e.order, a.id, cmpAllocID); ok {
		e.order = slices.Delete(e.order, i, i+1)
	}
	if a.orphan {
		return // its owner was let go when it died
	}
	if e.owners[a.owner]--; e.owners[a.owner] <= 0 {
		delete(e.owners, a.owner)
	}
	e.watch.remove(a.owner)
}

func (e *Engine) stepStatus(ev Status) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	if ev.Pid <= 0 {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadMessage, "pid "+itoa(int64(ev.Pid))+" is invalid")
		return nil
	}
	e.post(ev.Pid, ev.Reply, e.report(ev.Rid))
	return nil
}

// report is the engine's state as a StatusReport.
func (e *Engine) report(rid int64) StatusReport {
	r := StatusReport{Rid: rid, Workers: make([]WorkerReport, 0, len(e.hostList)), Allocs: make([]AllocReport, 0, len(e.order))}
	for _, h := range e.hostList {
		r.Workers = append(r.Workers, WorkerReport{
			Host: h.name, MaxRAM: h.max, Usable: h.usable, Allocated: h.allocated, Claimed: h.claimed, Foreign: h.foreign,
			Cordoned: h.cordoned,
		})
	}
	for _, a := range e.order {
		r.Allocs = append(r.Allocs, AllocReport{
			Alloc: a.id, Pid: a.owner, Script: a.script, Priority: a.prio, Seat: a.opts.Seat, Orphan: a.orphan,
			Claimed: a.claimed(), Granted: e.snapshot(a, 0),
		})
	}
	return r
}
