package memory

// Delivery. A reply is either a letter (an answer, error, Done or report:
// each one matters, so a letter that failed is sent again on the next tick
// until it arrives or its recipient dies) or a snapshot on a stream (one
// allocation's Granted snapshots to one port: each replaces the one
// before, so a stream keeps only the newest undelivered snapshot and never
// has more than one in flight, however long its port stays full).

// letter is a reply that must arrive on its own.
type letter struct {
	port    Port
	pid     Pid // whose death makes the letter pointless
	msg     Reply
	failed  bool // failed at least once: its recipient is watched
	dropped bool // the recipient died while it was in flight
	remake  bool // a restored status report, made when it is sent again
}

// streamKey names a stream: answers to a Resize may go to another port
// than growth, and each port keeps its own order.
type streamKey struct {
	alloc AllocID
	port  Port
}

type stream struct {
	key      streamKey
	pending  *Granted // newest snapshot not yet sent
	inflight int64    // Send.ID awaiting Delivered, 0 if none
	blocked  bool     // the last send failed: wait for the next tick
	due      bool     // listed in Engine.due
	dead     bool     // the allocation ended
	// given: the allocation was given away since this stream opened; its
	// port is the old owner's, owed answers but no more growth news.
	given bool
}

// sendRec is what a Send in flight was, for its Delivered.
type sendRec struct {
	l *letter
	s *stream
	g Granted // the snapshot sent on s
}

// send queues msg for port and returns the Send's ID.
func (e *Engine) send(port Port, msg Reply) int64 {
	e.nextSend++
	e.out.Sends = append(e.out.Sends, Send{ID: e.nextSend, Port: port, Msg: msg})
	return e.nextSend
}

// post sends a letter to port for pid.
func (e *Engine) post(pid Pid, port Port, msg Reply) {
	l := &letter{port: port, pid: pid, msg: msg}
	e.sends[e.send(port, msg)] = sendRec{l: l}
}

// reject answers a client mistake with an Error; nothing else changes.
func (e *Engine) reject(pid Pid, port Port, rid int64, code Code, reason string) {
	e.logf("reject rid=" + itoa(rid) + " pid=" + itoa(int64(pid)) + ": " + reason)
	e.post(pid, port, Error{Rid: rid, Code: code, Reason: reason})
}

// offer publishes a's state as a new snapshot to port, answering rid (0:
// no request). A stream with a send in flight, or whose last send failed,
// keeps it pending; a pending snapshot it replaces hands over its Rid, so
// an answer is merged into newer news instead of lost.
func (e *Engine) offer(a *alloc, port Port, rid int64) {
	a.seq++
	g := e.snapshot(a, rid)
	s := e.stream(a, port)
	if s.pending != nil && g.Rid == 0 {
		g.Rid = s.pending.Rid
		e.withToken(a, &g)
	}
	s.pending = &g
	if s.inflight == 0 && !s.blocked {
		e.flush(s)
	}
}

// stream finds or opens a's stream to port.
func (e *Engine) stream(a *alloc, port Port) *stream {
	key := streamKey{a.id, port}
	if s := e.streams[key]; s != nil {
		return s
	}
	s := &stream{key: key}
	e.streams[key] = s
	a.streams = append(a.streams, s)
	return s
}

// flush sends s's pending snapshot.
func (e *Engine) flush(s *stream) {
	g := *s.pending
	s.pending = nil
	s.blocked = false
	s.inflight = e.send(s.key.port, g)
	e.sends[s.inflight] = sendRec{s: s, g: g}
}

// closeStream forgets an idle stream, so streams to one-off reply ports
// do not pile up.
func (e *Engine) closeStream(s *stream) {
	if s.dead || s.pending != nil || s.inflight != 0 {
		return
	}
	s.dead = true
	delete(e.streams, s.key)
	if a := e.allocs[s.key.alloc]; a != nil {
		for i, x := range a.streams {
			if x == s {
				a.streams = append(a.streams[:i], a.streams[i+1:]...)
				break
			}
		}
	}
}

// killStreams ends a's streams when the allocation ends: snapshots of an
// allocation that no longer exists are news to nobody.
func (e *Engine) killStreams(a *alloc) {
	for _, s := range a.streams {
		s.dead = true
		s.pending = nil
		delete(e.streams, s.key)
	}
	a.streams = nil
}

func (e *Engine) stepDelivered(ev Delivered) error {
	rec, ok := e.sends[ev.Send]
	if !ok {
		return wrap(ErrUnknownSend, "send "+itoa(ev.Send))
	}
	delete(e.sends, ev.Send)
	if s := rec.s; s != nil {
		s.inflight = 0
		if s.dead {
			return nil
		}
		if !ev.OK && !(s.given && rec.g.Rid == 0) {
			if s.pending == nil {
				g := rec.g
				s.pending = &g
			} else if s.pending.Rid == 0 {
				s.pending.Rid, s.pending.Token = rec.g.Rid, rec.g.Token
			}
			s.blocked = true
		}
		if s.pending == nil {
			e.closeStream(s)
		} else if !s.due {
			s.due = true
			e.due = append(e.due, s)
		}
		return nil
	}
	l := rec.l
	switch {
	case l.dropped:
	case ev.OK:
		if l.failed {
			e.unwatchRetry(l.pid)
		}
	case l.pid <= 0:
		// Nobody to watch, so nobody would ever be told it is pointless.
	default:
		if !l.failed {
			l.failed = true
			if e.retryPids[l.pid]++; e.retryPids[l.pid] == 1 {
				e.watch.add(l.pid)
			}
		}
		e.retry = append(e.retry, l)
	}
	return nil
}

func (e *Engine) unwatchRetry(pid Pid) {
	if e.retryPids[pid]--; e.retryPids[pid] <= 0 {
		delete(e.retryPids, pid)
		e.watch.remove(pid)
	}
}

// dropLetters forgets undelivered letters for a pid that died.
func (e *Engine) dropLetters(pid Pid) {
	if _, ok := e.retryPids[pid]; ok {
		delete(e.retryPids, pid)
		e.watch.remove(pid)
		e.retry = deleteLetters(e.retry, pid)
	}
	for _, rec := range e.sends {
		if rec.l != nil && rec.l.pid == pid {
			rec.l.dropped = true
		}
	}
}

func deleteLetters(ls []*letter, pid Pid) []*letter {
	out := ls[:0]
	for _, l := range ls {
		if l.pid != pid {
			out = append(out, l)
		}
	}
	clear(ls[len(out):])
	return out
}

// resend sends again, with fresh IDs, the letters that failed.
func (e *Engine) resend() {
	retry := e.retry
	e.retry = nil
	for _, l := range retry {
		if l.remake {
			l.msg, l.remake = e.report(l.msg.(StatusReport).Rid), false
		}
		e.sends[e.send(l.port, l.msg)] = sendRec{l: l}
	}
}

// flushDue sends the snapshots that waited for this tick.
func (e *Engine) flushDue() {
	for _, s := range e.due {
		s.due = false
		if !s.dead && s.pending != nil && s.inflight == 0 {
			e.flush(s)
		}
		s.blocked = false
	}
	clear(e.due)
	e.due = e.due[:0]
}
