package discovery

import (
	"cmp"
	"slices"

	"ramfarm/core/internal/stable"
)

// Delivery. Every recipient's news comes on a stream: a worker's
// registrations to the memory daemon, or one subscriber's target lists.
// On a stream each message replaces the one before, so a stream keeps
// only its newest undelivered message and never has more than one in
// flight, however long its port stays full.

type stream struct {
	port     Port
	pending  Msg   // newest message not yet sent
	inflight int64 // Send.ID awaiting Delivered, 0 if none
	blocked  bool  // the last send failed: wait for the next Scan
	dead     bool  // nobody wants its news any more
}

// sendRec is a Send in flight, for its Delivered.
type sendRec struct {
	s   *stream // nil for a Reject, which is sent once
	msg Msg
}

// action is an Open or a Nuke in flight, for its Result.
type action struct {
	host    string
	program Program
	nuke    bool
}

type subKey struct {
	pid  Pid
	port Port
}

// sub is a target subscriber.
type sub struct {
	key subKey
	rid int64 // a Subscribe not answered yet, waiting for the first scan
	stream
}

func (s *sub) takeRid() int64 {
	r := s.rid
	s.rid = 0
	return r
}

func cmpSub(s *sub, k subKey) int {
	if c := cmp.Compare(s.key.pid, k.pid); c != 0 {
		return c
	}
	return cmp.Compare(s.key.port, k.port)
}

// offer makes m the stream's newest news and sends it unless a send is in
// flight or the port was full. A pending answer it replaces hands over its
// Rid, so an answer merges into newer news instead of being lost.
func (e *Engine) offer(s *stream, m Msg) {
	if t, ok := m.(Targets); ok && t.Rid == 0 {
		if old, ok := s.pending.(Targets); ok {
			t.Rid = old.Rid
			m = t
		}
	}
	s.pending = m
	if s.inflight == 0 && !s.blocked {
		e.flush(s)
	}
}

func (e *Engine) flush(s *stream) {
	m := s.pending
	s.pending = nil
	s.blocked = false
	s.inflight = e.send(s.port, m, s)
}

func (e *Engine) send(port Port, m Msg, s *stream) int64 {
	id := e.id()
	e.out.Sends = append(e.out.Sends, Send{ID: id, Port: port, Msg: m})
	e.sends[id] = sendRec{s: s, msg: m}
	return id
}

// retry sends again, at a Scan, what full ports refused: registrations
// first, in scan order, then target lists by subscriber.
func (e *Engine) retry() {
	for _, rec := range e.order {
		if rec.reg != nil {
			e.unblock(rec.reg)
		}
	}
	for _, s := range e.subList {
		e.unblock(&s.stream)
	}
}

func (e *Engine) unblock(s *stream) {
	s.blocked = false
	if s.pending != nil && s.inflight == 0 {
		e.flush(s)
	}
}

func (e *Engine) stepDelivered(ev Delivered) error {
	rec, ok := e.sends[ev.Send]
	if !ok {
		return wrap(ErrUnknownSend, "send "+itoa(ev.Send))
	}
	delete(e.sends, ev.Send)
	s := rec.s
	if s == nil {
		return nil
	}
	s.inflight = 0
	if s.dead {
		return nil
	}
	if !ev.OK {
		if s.pending == nil {
			s.pending = rec.msg
		} else if t, ok := s.pending.(Targets); ok && t.Rid == 0 {
			// The newer list carries the answer that failed.
			if old, ok := rec.msg.(Targets); ok {
				t.Rid = old.Rid
				s.pending = t
			}
		}
		s.blocked = true
		return nil
	}
	if s.pending != nil && !s.blocked {
		e.flush(s)
	}
	return nil
}

// stepSubscribe adds a subscriber, or answers one again.
func (e *Engine) stepSubscribe(ev Subscribe) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	if ev.Pid <= 0 {
		e.logf("reject rid=" + itoa(ev.Rid) + ": pid " + itoa(int64(ev.Pid)) + " is invalid")
		e.send(ev.Reply, Reject{Rid: ev.Rid, Reason: "pid " + itoa(int64(ev.Pid)) + " is invalid"}, nil)
		return nil
	}
	key := subKey{ev.Pid, ev.Reply}
	s := e.subs[key]
	if s == nil {
		s = &sub{key: key, stream: stream{port: ev.Reply}}
		e.subs[key] = s
		i, _ := slices.BinarySearchFunc(e.subList, key, cmpSub)
		e.subList = stable.Insert(e.subList, i, s)
		e.watchChanged = e.watchChanged || !e.isWatched(ev.Pid, s)
		e.logf("subscriber pid=" + itoa(int64(ev.Pid)) + " port=" + itoa(int64(ev.Reply)))
	}
	if e.seq == 0 {
		s.rid = ev.Rid // answered by the first list
		return nil
	}
	e.offer(&s.stream, e.snapshot(ev.Rid))
	return nil
}

// isWatched reports whether another subscription than except already
// watches pid.
func (e *Engine) isWatched(pid Pid, except *sub) bool {
	for _, s := range e.subList {
		if s.key.pid == pid && s != except {
			return true
		}
	}
	return false
}

// bury ends a dead process's subscriptions.
func (e *Engine) bury(pid Pid) {
	e.subList = slices.DeleteFunc(e.subList, func(s *sub) bool {
		if s.key.pid != pid {
			return false
		}
		s.dead = true
		s.pending = nil
		delete(e.subs, s.key)
		e.watchChanged = true
		e.logf("subscriber pid=" + itoa(int64(pid)) + " port=" + itoa(int64(s.key.port)) + " died")
		return true
	})
}

// watched is the sorted set of subscriber pids.
func (e *Engine) watched() []Pid {
	out := make([]Pid, 0, len(e.subList))
	for _, s := range e.subList {
		if len(out) == 0 || out[len(out)-1] != s.key.pid {
			out = append(out, s.key.pid)
		}
	}
	return out
}

func (e *Engine) snapshot(rid int64) Targets {
	return Targets{Rid: rid, Seq: e.seq, Now: e.targetsNow, Level: e.targetsLevel, Targets: slices.Clone(e.targets)}
}

// stepResult applies the outcome of an Open or a Nuke. A nuke that worked
// makes the server a worker and maybe a target at once.
func (e *Engine) stepResult(ev Result) error {
	a, ok := e.actions[ev.ID]
	if !ok {
		return wrap(ErrUnknownAction, "id "+itoa(ev.ID))
	}
	delete(e.actions, ev.ID)
	rec := e.servers[a.host]
	if rec == nil {
		return nil // the server is gone: its results mean nothing
	}
	if !a.nuke {
		if !ev.OK {
			e.fail(rec, "open "+a.host+" with "+a.program.File()+" failed: "+ev.Reason)
		}
		return nil
	}
	if rec.nuke != ev.ID {
		return nil // a server of the same name that came back since
	}
	rec.nuke = 0
	if !ev.OK {
		e.fail(rec, "nuke "+a.host+" failed: "+ev.Reason)
		return nil
	}
	rec.failures = nil
	if !rec.Rooted {
		rec.Rooted = true
		e.logf("rooted " + a.host + " ports=" + itoa(int64(rec.PortsRequired)))
	}
	e.register(rec)
	e.publish()
	return nil
}

// fail logs a failed command, once while its server keeps failing the
// same way: a nuke that cannot work is tried on every scan.
func (e *Engine) fail(rec *server, line string) {
	if !slices.Contains(rec.failures, line) {
		rec.failures = append(rec.failures, line)
		e.logf(line)
	}
}
