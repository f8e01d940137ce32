// Package portalloc hands out private netscript ports. A process that
// wants answers (from the memory allocator, the task selector, ...) needs
// a port nobody else writes to; ports are global in the game, so one
// allocator owns a range and leases ports out until their owner returns
// them or dies.
//
// The Engine is a deterministic state machine: the daemon steps it with
// client messages and Ticks, performs Ready (clears first, then sends),
// reports each send's outcome as Delivered, and calls Advance.
package portalloc

import (
	"cmp"
	"slices"
	"strconv"

	"ramfarm/core/internal/stable"
	"ramfarm/core/proc"
)

// Config configures an Engine. The zero value is valid.
type Config struct {
	// First is the lowest port handed out; default 101, leaving 1..100 to
	// fixed uses (daemon inboxes, clients' bootstrap ports).
	First proc.Port
	// Last is the highest port handed out; default proc.MaxPort.
	Last proc.Port
}

func (c Config) validate() (Config, error) {
	if c.First == 0 {
		c.First = 101
	}
	if c.Last == 0 {
		c.Last = proc.MaxPort
	}
	switch {
	case !c.First.Valid():
		return c, wrap(ErrBadConfig, "first port "+itoa(int64(c.First))+" is not a port")
	case !c.Last.Valid():
		return c, wrap(ErrBadConfig, "last port "+itoa(int64(c.Last))+" is not a port")
	case c.First > c.Last:
		return c, wrap(ErrBadConfig, "first port "+itoa(int64(c.First))+" is above last port "+itoa(int64(c.Last)))
	}
	return c, nil
}

// Engine is the port allocator. It is not safe for concurrent use.
type Engine struct {
	first, last proc.Port

	// Free ports are every port from next to last, plus free: ports
	// handed back below next, sorted high to low so the lowest pops
	// from the end.
	next  proc.Port
	free  []proc.Port
	owner map[proc.Port]proc.Pid
	ports map[proc.Pid][]proc.Port // owner -> ports, in lease order

	// A port with a letter still on its way to it (a Done sent to the
	// port being returned) is parked instead of freed: given away now,
	// the letter would land in the next owner's port after its Clear.
	busy   map[proc.Port]int
	parked map[proc.Port]bool

	nextSend  int64
	sends     map[int64]*letter
	retry     []*letter
	retryPids map[proc.Pid]int

	out        Ready
	watched    []proc.Pid
	watchDirty bool
}

// letter is a reply that must arrive: if its port is full it is sent
// again on every tick until it arrives or its recipient dies.
type letter struct {
	port    proc.Port
	pid     proc.Pid
	msg     Reply
	failed  bool
	dropped bool
}

// New builds an Engine from cfg.
func New(cfg Config) (*Engine, error) {
	c, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return &Engine{
		first: c.First, last: c.Last, next: c.First,
		owner:     map[proc.Port]proc.Pid{},
		ports:     map[proc.Pid][]proc.Port{},
		busy:      map[proc.Port]int{},
		parked:    map[proc.Port]bool{},
		sends:     map[int64]*letter{},
		retryPids: map[proc.Pid]int{},
	}, nil
}

// Held is how many ports are leased out now.
func (e *Engine) Held() int { return len(e.owner) }

// Leases lists the ports leased out now, by port.
func (e *Engine) Leases() []Lease {
	out := make([]Lease, 0, len(e.owner))
	for p, pid := range e.owner {
		out = append(out, Lease{Port: p, Pid: pid})
	}
	stable.Sort(out, func(a, b Lease) int { return cmp.Compare(a.Port, b.Port) })
	return out
}

// Step applies one event. It returns an error only when the shell broke
// the contract; then nothing changed. Pointers to events are accepted.
func (e *Engine) Step(ev Event) error {
	switch ev := ev.(type) {
	case nil:
		return ErrNilEvent
	case Acquire:
		return e.stepAcquire(ev)
	case *Acquire:
		return stepPtr(ev, e.stepAcquire)
	case Return:
		return e.stepReturn(ev)
	case *Return:
		return stepPtr(ev, e.stepReturn)
	case Tick:
		return e.stepTick(ev)
	case *Tick:
		return stepPtr(ev, e.stepTick)
	case Delivered:
		return e.stepDelivered(ev)
	case *Delivered:
		return stepPtr(ev, e.stepDelivered)
	}
	return ErrUnknownEvent
}

func stepPtr[T any](p *T, step func(T) error) error {
	if p == nil {
		return ErrNilEvent
	}
	return step(*p)
}

// managed reports whether p is in the range this engine leases.
func (e *Engine) managed(p proc.Port) bool { return p >= e.first && p <= e.last }

// safe reports whether a reply to port r may be written for pid: a port
// outside the range is the client's own business, a port inside it must
// be pid's lease, or the reply would land in another process's port.
func (e *Engine) safe(r proc.Port, pid proc.Pid) bool {
	return !e.managed(r) || (pid > 0 && e.owner[r] == pid)
}

func (e *Engine) stepAcquire(ev Acquire) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	if !e.safe(ev.Reply, ev.Pid) {
		e.unanswered("acquire", ev.Rid, ev.Pid, ev.Reply)
		return nil
	}
	if ev.Pid <= 0 {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadMessage, "pid "+itoa(int64(ev.Pid))+" is invalid")
		return nil
	}
	p, ok := e.lowest()
	if !ok {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeExhausted,
			"no free port in "+itoa(int64(e.first))+".."+itoa(int64(e.last)))
		return nil
	}
	e.owner[p] = ev.Pid
	e.ports[ev.Pid] = append(e.ports[ev.Pid], p)
	e.watchDirty = true
	e.out.Clear = append(e.out.Clear, p)
	e.logf("port " + itoa(int64(p)) + " -> pid " + itoa(int64(ev.Pid)))
	e.post(ev.Pid, ev.Reply, Assigned{Rid: ev.Rid, Port: p})
	return nil
}

// lowest takes the lowest free port out of the pool.
func (e *Engine) lowest() (proc.Port, bool) {
	if n := len(e.free); n > 0 {
		p := e.free[n-1]
		e.free = e.free[:n-1]
		return p, true
	}
	if e.next > e.last {
		return 0, false
	}
	e.next++
	return e.next - 1, true
}

func (e *Engine) stepReturn(ev Return) error {
	r := ev.Reply
	if r == 0 {
		r = ev.Port
	}
	if !r.Valid() {
		return ErrBadReply
	}
	if !e.safe(r, ev.Pid) {
		e.unanswered("return", ev.Rid, ev.Pid, r)
		return nil
	}
	if ev.Pid <= 0 {
		e.reject(ev.Pid, r, ev.Rid, CodeBadMessage, "pid "+itoa(int64(ev.Pid))+" is invalid")
		return nil
	}
	if pid, ok := e.owner[ev.Port]; !ok || pid != ev.Pid {
		e.reject(ev.Pid, r, ev.Rid, CodeNotOwner,
			"port "+itoa(int64(ev.Port))+" is not leased to pid "+itoa(int64(ev.Pid)))
		return nil
	}
	e.logf("port " + itoa(int64(ev.Port)) + " returned by pid " + itoa(int64(ev.Pid)))
	e.unlease(ev.Pid, ev.Port)
	if ports := e.ports[ev.Pid]; len(ports) == 0 {
		delete(e.ports, ev.Pid)
	}
	// Post before the port goes back, so a Done to the port itself parks it.
	e.post(ev.Pid, r, Done{Rid: ev.Rid, Port: ev.Port})
	e.release(ev.Port)
	return nil
}

// unlease ends pid's lease of p (the port is not free yet). An Assigned
// for p still on its way would announce a lease that no longer exists.
func (e *Engine) unlease(pid proc.Pid, p proc.Port) {
	delete(e.owner, p)
	e.ports[pid] = slices.DeleteFunc(e.ports[pid], func(x proc.Port) bool { return x == p })
	e.watchDirty = true
	e.dropWhere(func(l *letter) bool {
		a, ok := l.msg.(Assigned)
		return ok && a.Port == p && l.pid == pid
	})
}

// release puts an unleased port back in the pool, or parks it while a
// letter is still on its way to it.
func (e *Engine) release(p proc.Port) {
	if e.busy[p] > 0 {
		e.parked[p] = true
		return
	}
	if p == e.next-1 {
		e.next--
		for len(e.free) > 0 && e.free[0] == e.next-1 {
			e.next--
			e.free = slices.Delete(e.free, 0, 1)
		}
		return
	}
	i, _ := slices.BinarySearchFunc(e.free, p, func(x, y proc.Port) int { return cmp.Compare(y, x) })
	e.free = stable.Insert(e.free, i, p)
}

func (e *Engine) stepTick(ev Tick) error {
	for _, pid := range ev.Dead {
		if pid <= 0 {
			return wrap(ErrBadPid, "pid "+itoa(int64(pid)))
		}
	}
	for _, pid := range ev.Dead {
		if ports := e.ports[pid]; len(ports) > 0 {
			line := "pid " + itoa(int64(pid)) + " died: ports"
			for _, p := range slices.Clone(ports) {
				line += " " + itoa(int64(p))
				e.unlease(pid, p)
				e.release(p)
			}
			e.logf(line + " freed")
		}
		delete(e.ports, pid)
		e.dropWhere(func(l *letter) bool { return l.pid == pid })
	}
	retry := e.retry
	e.retry = nil
	for _, l := range retry {
		e.sends[e.send(l.port, l.msg)] = l
	}
	return nil
}

func (e *Engine) stepDelivered(ev Delivered) error {
	l, ok := e.sends[ev.Send]
	if !ok {
		return wrap(ErrUnknownSend, "send "+itoa(ev.Send))
	}
	delete(e.sends, ev.Send)
	switch {
	case l.dropped:
		e.settle(l)
	case ev.OK:
		if l.failed {
			e.unwatchRetry(l.pid)
		}
		e.settle(l)
	case l.pid <= 0:
		e.settle(l) // nobody to watch, so nobody would end the retries
	default:
		if !l.failed {
			l.failed = true
			e.retryPids[l.pid]++
			e.watchDirty = true
		}
		e.retry = append(e.retry, l)
	}
	return nil
}

// settle notes that a letter will never be written again.
func (e *Engine) settle(l *letter) {
	if !e.managed(l.port) {
		return
	}
	if e.busy[l.port]--; e.busy[l.port] > 0 {
		return
	}
	delete(e.busy, l.port)
	if e.parked[l.port] {
		delete(e.parked, l.port)
		e.release(l.port)
	}
}

func (e *Engine) unwatchRetry(pid proc.Pid) {
	if e.retryPids[pid]--; e.retryPids[pid] <= 0 {
		delete(e.retryPids, pid)
		e.watchDirty = true
	}
}

// dropWhere forgets the undelivered letters that match: waiting ones at
// once, those in flight when their Delivered comes.
func (e *Engine) dropWhere(match func(*letter) bool) {
	kept := e.retry[:0]
	for _, l := range e.retry {
		if match(l) {
			e.drop(l)
			e.settle(l)
		} else {
			kept = append(kept, l)
		}
	}
	clear(e.retry[len(kept):])
	e.retry = kept
	for _, l := range e.sends {
		if match(l) {
			e.drop(l)
		}
	}
}

func (e *Engine) drop(l *letter) {
	if l.failed {
		l.failed = false
		e.unwatchRetry(l.pid)
	}
	l.dropped = true
}

func (e *Engine) send(port proc.Port, msg Reply) int64 {
	e.nextSend++
	e.out.Sends = append(e.out.Sends, Send{ID: e.nextSend, Port: port, Msg: msg})
	return e.nextSend
}

func (e *Engine) post(pid proc.Pid, port proc.Port, msg Reply) {
	l := &letter{port: port, pid: pid, msg: msg}
	if e.managed(port) {
		e.busy[port]++
	}
	e.sends[e.send(port, msg)] = l
}

func (e *Engine) reject(pid proc.Pid, port proc.Port, rid int64, code Code, reason string) {
	e.logf("reject rid=" + itoa(rid) + " pid=" + itoa(int64(pid)) + ": " + reason)
	e.post(pid, port, Error{Rid: rid, Code: code, Reason: reason})
}

// unanswered logs a message whose reply port belongs to someone else:
// answering it would write into another process's port, so nothing is
// sent and nothing changes.
func (e *Engine) unanswered(what string, rid int64, pid proc.Pid, port proc.Port) {
	e.logf("ignore " + what + " rid=" + itoa(rid) + " pid=" + itoa(int64(pid)) + ": port " +
		itoa(int64(port)) + " is not its lease")
}

// HasReady reports whether Ready has anything to do.
func (e *Engine) HasReady() bool {
	return len(e.out.Clear) > 0 || len(e.out.Sends) > 0 || len(e.out.Logs) > 0 || e.watchChanged() != nil
}

// Ready returns what the engine wants done since the last Advance, without
// clearing it. Call Advance once it is done, with no Step in between.
func (e *Engine) Ready() Ready {
	rd := e.out
	rd.Watch = e.watchChanged()
	return rd
}

// Advance tells the engine the shell did everything Ready returned.
func (e *Engine) Advance() {
	if w := e.watchChanged(); w != nil {
		e.watched = w
	}
	e.watchDirty = false
	e.out = Ready{}
}

// watchChanged is the watch set (owners, and recipients of failed
// replies) if it differs from the daemon's, else nil.
func (e *Engine) watchChanged() []proc.Pid {
	if !e.watchDirty {
		return nil
	}
	w := make([]proc.Pid, 0, len(e.ports)+len(e.retryPids))
	for p, ports := range e.ports {
		if len(ports) > 0 {
			w = append(w, p)
		}
	}
	for p := range e.retryPids {
		w = append(w, p)
	}
	stable.Sort(w, cmp.Compare[proc.Pid])
	w = slices.Compact(w)
	if slices.Equal(w, e.watched) {
		return nil
	}
	return w
}

func (e *Engine) logf(line string) { e.out.Logs = append(e.out.Logs, line) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
