package memory

import (
	"cmp"
	"slices"

	"ramfarm/core/internal/siphash"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// Persistence. The daemon writes the engine's State to a file after every
// step that changed it, before it carries out that step's Ready, so a
// daemon started again (or a fresh instance after a trap) continues from
// it: every allocation keeps its id, owner, holdings and claims, ids are
// never handed out twice, and every answer a client may still wait for
// is owed again.
//
// What the State leaves out is what the next Tick observes anyway (each
// host's RAM, used RAM and root) or what belongs to the new process (the
// Config: its flags and the player's config file, read again at start).
// The send ids of the dead daemon mean nothing to the new one: letters it
// had in flight are owed again and go out on the first Tick after the
// restore; a client may then see an answer twice, which it ignores by rid
// (and a snapshot, by seq).

// State is everything an engine must remember across a restart.
type State struct {
	Secret    siphash.Key  // keys the tokens clients hold (Config.Secret of the first engine)
	NextAlloc AllocID      // the last id handed out
	Hosts     []HostState  // every host the engine knows, sorted by name
	Allocs    []AllocState // sorted by id
	Pending   []Request    // requests that wait for the next tick, in arrival order
	Cordons   []string     // cordoned hosts, sorted
	Letters   []Letter     // answers not known to have arrived
	Roles     []RoleState  // every role granted once, by role
	// Owed are snapshots not known to have arrived (answers, Rid > 0, and
	// growth news, Rid 0): each is sent again as a fresh snapshot.
	Owed []Owed
}

// RoleState is a role: its holder (0: free) and how many times it was
// granted, which its token is made from.
type RoleState struct {
	Role Role
	Pid  Pid
	Gen  uint32
}

// HostState is what a restored host needs before its first observation:
// its kind and cores, which the snapshots it appears in carry.
type HostState struct {
	Name  string
	Kind  HostKind
	Cores int
}

// AllocState is one allocation.
type AllocState struct {
	ID       AllocID
	Owner    Pid
	Script   string
	Reply    Port // 0 after a give, until the new owner names its port
	Priority int
	Options  Options
	Size     ram.Amount
	Desired  int
	Held     []Chunks // Cores 0
	Claims   []ClaimState
	Settled  []Pid // sorted
	Seq      int64
	RegrowAt int64
	Gen      uint32 // gives so far: the token's generation
	Rid      int64  // the request that made it, 0 once given
	Orphan   bool   // its owner died; it holds what its running workers use
}

// ClaimState is one live claim.
type ClaimState struct {
	Worker Pid
	Host   string
	RAM    ram.Amount
}

// Letter is an answer to Pid on Port that has not been seen to arrive. A
// StatusReport letter carries only its Rid: the report is made again
// when it is sent, after the first tick has observed the hosts.
type Letter struct {
	Port Port
	Pid  Pid
	Msg  Reply
}

// Owed is a snapshot owed on the stream of Alloc's snapshots to Port,
// answering Rid (0: growth news).
type Owed struct {
	Alloc AllocID
	Port  Port
	Rid   int64
}

// Export returns the engine's State. Two engines that would behave alike
// on every later event export equal States.
func (e *Engine) Export() State {
	var s State
	e.ExportInto(&s)
	return s
}

// ExportInto is Export into s, reusing the memory of its hosts and
// allocations (a previous export's, which it overwrites): the memory
// daemon exports after every step that changed anything, to save what
// changed, and a fresh State of 500 allocations is 500 allocations of
// memory more.
func (e *Engine) ExportInto(s *State) {
	hosts, allocs := s.Hosts[:0], s.Allocs[:cap(s.Allocs)]
	*s = State{Secret: e.secret, NextAlloc: e.nextAlloc, Hosts: hosts, Allocs: s.Allocs[:0]}
	for _, h := range e.hostList {
		s.Hosts = append(s.Hosts, HostState{Name: h.name, Kind: h.kind, Cores: h.cores})
	}
	for i, a := range e.order {
		var held []Chunks
		var settled []Pid
		if i < len(allocs) {
			held, settled = allocs[i].Held[:0], allocs[i].Settled[:0]
		}
		as := AllocState{ID: a.id, Owner: a.owner, Script: a.script, Reply: a.reply, Priority: a.prio, Options: a.opts,
			Size: a.size, Desired: a.desired, Held: append(held, a.held...), Seq: a.seq, RegrowAt: a.regrowAt, Gen: a.gen, Rid: a.rid, Orphan: a.orphan}
		// Most allocations have no claims and no settled workers: they
		// sort no keys.
		if len(a.claims) > 0 {
			for _, w := range stable.Keys(a.claims) {
				c := a.claims[w]
				as.Claims = append(as.Claims, ClaimState{Worker: w, Host: c.host.name, RAM: c.ram})
			}
		}
		if len(a.settled) > 0 {
			as.Settled = append(settled, stable.Keys(a.settled)...)
		}
		s.Allocs = append(s.Allocs, as)
	}
	s.Pending = append([]Request(nil), e.pending...)
	s.Cordons = stable.Keys(e.cordons)
	for r := RoleDiscovery; r < roleCount; r++ {
		if h := e.roles[r]; h.gen > 0 {
			s.Roles = append(s.Roles, RoleState{Role: r, Pid: h.pid, Gen: h.gen})
		}
	}
	// Letters in flight first, in send order, then those waiting to be
	// sent again: the order a restored engine sends them in.
	for _, id := range stable.Keys(e.sends) {
		rec := e.sends[id]
		switch {
		case rec.l != nil && !rec.l.dropped:
			s.Letters = append(s.Letters, exportLetter(rec.l))
		case rec.s != nil && !rec.s.dead && (rec.g.Rid != 0 || !rec.s.given):
			s.Owed = append(s.Owed, Owed{Alloc: rec.s.key.alloc, Port: rec.s.key.port, Rid: rec.g.Rid})
		}
	}
	for _, l := range e.retry {
		s.Letters = append(s.Letters, exportLetter(l))
	}
	// Streams with a snapshot owed, sorted (few of them have one).
	owed := len(s.Owed)
	for k, st := range e.streams {
		if st.pending != nil && (st.pending.Rid != 0 || !st.given) {
			s.Owed = append(s.Owed, Owed{Alloc: k.alloc, Port: k.port, Rid: st.pending.Rid})
		}
	}
	stable.Sort(s.Owed[owed:], func(x, y Owed) int {
		if c := cmp.Compare(x.Alloc, y.Alloc); c != 0 {
			return c
		}
		return cmp.Compare(x.Port, y.Port)
	})
}

func exportLetter(l *letter) Letter {
	msg := l.msg
	if r, ok := msg.(StatusReport); ok {
		msg = StatusReport{Rid: r.Rid}
	}
	return Letter{Port: l.port, Pid: l.pid, Msg: msg}
}

// Restore loads s into an engine that has stepped nothing yet. It checks
// all of s first and returns ErrBadState, changing nothing, when s could
// not have come from an engine. The restored engine's Ready then holds
// the full watch set (Watch) and a log line; the letters and snapshots
// owed go out on the next Tick, after its deaths.
func (e *Engine) Restore(s State) error {
	if e.nextAlloc != 0 || len(e.hosts) > 0 || len(e.pending) > 0 || e.nextSend != 0 {
		return wrap(ErrBadState, "the engine is not fresh")
	}
	if err := checkState(s); err != nil {
		return err
	}
	e.secret = s.Secret
	e.nextAlloc = s.NextAlloc
	for _, hs := range s.Hosts {
		h := &host{name: hs.Name, kind: hs.Kind, cores: max(hs.Cores, 1)}
		e.hosts[h.name] = h
		e.hostList = append(e.hostList, h)
	}
	for _, name := range s.Cordons {
		if e.cordons == nil {
			e.cordons = map[string]bool{}
		}
		e.cordons[name] = true
		if h := e.hosts[name]; h != nil {
			h.cordoned = true
		}
	}
	for _, as := range s.Allocs {
		a := &alloc{id: as.ID, owner: as.Owner, script: as.Script, reply: as.Reply, prio: as.Priority, opts: as.Options,
			size: as.Size, desired: as.Desired, seq: as.Seq, regrowAt: as.RegrowAt, gen: as.Gen, rid: as.Rid, orphan: as.Orphan}
		for _, c := range as.Held {
			a.grant(e.hosts[c.Host], c.Size, c.Count)
		}
		for _, cs := range as.Claims {
			e.addClaim(a, e.hosts[cs.Host], cs.Worker, cs.RAM)
		}
		for _, p := range as.Settled {
			if a.settled == nil {
				a.settled = map[Pid]struct{}{}
			}
			a.settled[p] = struct{}{}
		}
		e.allocs[a.id] = a
		e.order = append(e.order, a)
		if !a.orphan { // an orphan's owner is dead: its workers are watched
			e.owners[a.owner]++
			e.watch.add(a.owner)
		}
	}
	for _, rs := range s.Roles {
		e.roles[rs.Role] = holder{pid: rs.Pid, gen: rs.Gen}
		if rs.Pid != 0 {
			e.watch.add(rs.Pid)
		}
	}
	for _, r := range s.Pending {
		e.pending = append(e.pending, r)
		e.watch.add(r.Pid)
	}
	for _, l := range s.Letters {
		_, remake := l.Msg.(StatusReport)
		e.retry = append(e.retry, &letter{port: l.Port, pid: l.Pid, msg: l.Msg, failed: true, remake: remake})
		if e.retryPids[l.Pid]++; e.retryPids[l.Pid] == 1 {
			e.watch.add(l.Pid)
		}
	}
	// Owed snapshots wait for the first tick, like a stream whose port
	// was full: the snapshot keeps its seq (nothing changed since), and
	// a later answer on the same stream stands for the earlier ones.
	for _, o := range s.Owed {
		a := e.allocs[o.Alloc]
		st := e.stream(a, o.Port)
		g := e.snapshot(a, o.Rid)
		if st.pending != nil && g.Rid == 0 {
			g.Rid = st.pending.Rid
			e.withToken(a, &g)
		}
		st.pending = &g
		if !st.due {
			st.due = true
			e.due = append(e.due, st)
		}
	}
	var held, claimed ram.Amount
	for _, h := range e.hostList {
		held += h.allocated
		claimed += h.claimed
	}
	e.logf("restored " + itoa(int64(len(s.Allocs))) + " allocations holding " + held.String() + ", " + itoa(int64(len(e.claims))) +
		" claims of " + claimed.String() + ", " + itoa(int64(len(s.Pending))) + " waiting requests; next id " + itoa(int64(s.NextAlloc)+1))
	return nil
}

// checkState finds what makes s impossible before anything changes.
func checkState(s State) error {
	bad := func(detail string) error { return wrap(ErrBadState, detail) }
	hosts := map[string]bool{}
	for i, h := range s.Hosts {
		if h.Name == "" || h.Kind > HostHacknet || h.Cores < 0 || (i > 0 && s.Hosts[i-1].Name >= h.Name) {
			return bad("host " + itoa(int64(i)) + " is malformed or out of order")
		}
		hosts[h.Name] = true
	}
	workers := map[Pid]bool{}
	for i, a := range s.Allocs {
		id := itoa(int64(a.ID))
		switch {
		case a.ID <= 0 || a.ID > s.NextAlloc || (i > 0 && s.Allocs[i-1].ID >= a.ID):
			return bad("allocation " + id + " is out of order or above the last id")
		case a.Owner <= 0 || (a.Reply != 0 && !a.Reply.Valid()):
			return bad("allocation " + id + " has an invalid owner or reply port")
		case a.Orphan && len(a.Claims) == 0:
			return bad("allocation " + id + " is an orphan with no running worker to end it")
		case badCount(a.Size, a.Desired, 0) != "":
			return bad("allocation " + id + ": " + badCount(a.Size, a.Desired, 0))
		}
		heldOn := map[string]ram.Amount{}
		for j, c := range a.Held {
			if !hosts[c.Host] || badCount(c.Size, c.Count, 1) != "" || (j > 0 && cmpChunks(a.Held[j-1], c) >= 0) {
				return bad("allocation " + id + " holds malformed chunks")
			}
			heldOn[c.Host] += c.Size.Times(c.Count)
		}
		for _, c := range a.Claims {
			if c.Worker <= 0 || workers[c.Worker] || c.RAM <= 0 || c.RAM > ram.Max {
				return bad("allocation " + id + " has a malformed or duplicate claim")
			}
			workers[c.Worker] = true
			if heldOn[c.Host] -= c.RAM; heldOn[c.Host] < 0 {
				return bad("allocation " + id + "'s claims on " + c.Host + " exceed its chunks")
			}
		}
	}
	for i, r := range s.Roles {
		if r.Role <= RoleNone || r.Role >= roleCount || r.Pid < 0 || r.Gen == 0 || (i > 0 && s.Roles[i-1].Role >= r.Role) {
			return bad("role " + itoa(int64(i)) + " is malformed or out of order")
		}
	}
	for _, r := range s.Pending {
		if r.Pid <= 0 || !r.Reply.Valid() || badCount(r.ChunkSize, r.Count, 1) != "" {
			return bad("a waiting request is malformed")
		}
	}
	for _, l := range s.Letters {
		if !l.Port.Valid() || l.Msg == nil {
			return bad("a letter is malformed")
		}
	}
	for _, o := range s.Owed {
		_, found := slices.BinarySearchFunc(s.Allocs, o.Alloc, func(a AllocState, id AllocID) int { return cmp.Compare(a.ID, id) })
		if !found || !o.Port.Valid() || o.Rid < 0 {
			return bad("an owed snapshot names no allocation or port")
		}
	}
	return nil
}
