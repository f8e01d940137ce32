package portalloc

import (
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"ramfarm/core/proc"
)

// TestEngine_Step_property drives the allocator with random acquires, returns
// (own ports, other processes' ports, to the port itself), deaths and
// full ports. After every step the pool partitions the range; every
// write to a leased port goes to its lessee; and once everyone has died,
// one tick leaves nothing leased and delivery settles the pool back to
// empty.
func TestEngine_Step_property(t *testing.T) {
	seqs := 100
	if testing.Short() || runtime.GOARCH == "wasm" {
		seqs = 10 // interpreted WebAssembly runs some 30 times slower
	}
	for seed := range uint64(seqs) {
		rng := rand.New(rand.NewPCG(seed, 7))
		e, err := New(Config{First: 101, Last: 112})
		if err != nil {
			t.Fatal(err)
		}
		m := &pmodel{t: t, e: e, rng: rng, lessee: map[proc.Port]proc.Pid{}, known: map[proc.Port]proc.Pid{}, alive: map[proc.Pid]bool{}, dead: map[proc.Pid]bool{}}
		for range 400 {
			m.step()
			m.check()
		}
		for p := range m.alive {
			m.dead[p] = true
		}
		clear(m.alive)
		m.perform(1)
		m.tick()
		if e.Held() != 0 {
			t.Fatalf("seed %d: %d ports still leased", seed, e.Held())
		}
		for range 3 {
			m.perform(1)
			m.tick()
		}
		m.perform(1)
		if len(e.parked) != 0 || len(e.free) != 0 || e.next != e.first || len(e.busy) != 0 || len(e.sends) != 0 {
			t.Fatalf("seed %d: pool not settled: %s", seed, dump(e, true))
		}
	}
}

type pmodel struct {
	t      *testing.T
	e      *Engine
	rng    *rand.Rand
	pid    proc.Pid
	rid    int64
	lessee map[proc.Port]proc.Pid // leases as the engine has them
	known  map[proc.Port]proc.Pid // leases their owner was told of
	alive  map[proc.Pid]bool
	dead   map[proc.Pid]bool
	watch  []proc.Pid
	acks   []Delivered
	who    map[int64]proc.Pid
}

func (m *pmodel) living() []proc.Pid { return slices.Sorted(maps.Keys(m.alive)) }

func (m *pmodel) step() {
	m.rid++
	if m.who == nil {
		m.who = map[int64]proc.Pid{}
	}
	living := m.living()
	var ev Event
	switch r := m.rng.IntN(10); {
	case r < 3 || len(living) == 0:
		m.pid++
		m.alive[m.pid] = true
		ev = Acquire{Rid: m.rid, Pid: m.pid, Reply: 1000 + proc.Port(m.pid)}
	case r < 5:
		p := living[m.rng.IntN(len(living))]
		var own []proc.Port
		for _, port := range slices.Sorted(maps.Keys(m.known)) {
			if m.known[port] == p {
				own = append(own, port)
			}
		}
		if len(own) == 0 {
			ev = Acquire{Rid: m.rid, Pid: p, Reply: 1000 + proc.Port(p)}
		} else if m.rng.IntN(2) == 0 {
			ev = Return{Rid: m.rid, Pid: p, Port: own[m.rng.IntN(len(own))]}
		} else {
			ev = Acquire{Rid: m.rid, Pid: p, Reply: own[0]}
		}
	case r < 7: // a port that is not the sender's, answered to various ports
		p := living[m.rng.IntN(len(living))]
		port := proc.Port(95 + m.rng.IntN(20))
		reply := []proc.Port{0, 1000 + proc.Port(p), proc.Port(101 + m.rng.IntN(12))}[m.rng.IntN(3)]
		if m.e.owner[port] == p {
			return
		}
		if m.known[reply] != p {
			reply = 0
		}
		ev = Return{Rid: m.rid, Pid: p, Port: port, Reply: reply}
	case r < 8:
		p := living[m.rng.IntN(len(living))]
		delete(m.alive, p)
		m.dead[p] = true
		return
	default:
		m.tick()
		return
	}
	before := dump(m.e, false)
	var owner proc.Pid
	if r, ok := ev.(Return); ok {
		owner = m.e.owner[r.Port]
	}
	if err := m.e.Step(ev); err != nil {
		m.t.Fatalf("%s: %v", DescribeEvent(ev), err)
	}
	switch ev := ev.(type) {
	case Acquire:
		m.who[ev.Rid] = ev.Pid
	case Return:
		m.who[ev.Rid] = ev.Pid
		if owner != ev.Pid && dump(m.e, false) != before {
			m.t.Fatalf("%s by a non-owner changed the leases", DescribeEvent(ev))
		}
	}
	if m.rng.IntN(2) == 0 {
		m.perform(0.8)
	}
}

// perform does Ready: clears, then writes (each may find its port full),
// then reports the outcomes.
func (m *pmodel) perform(okRate float64) {
	rd := m.e.Ready()
	m.e.Advance()
	if rd.Watch != nil {
		m.watch = rd.Watch
	}
	for _, p := range rd.Clear {
		delete(m.lessee, p)
		delete(m.known, p)
	}
	for _, s := range rd.Sends {
		var rid int64
		switch msg := s.Msg.(type) {
		case Assigned:
			rid = msg.Rid
			m.lessee[msg.Port] = m.who[rid]
		case Done:
			rid = msg.Rid
		case Error:
			rid = msg.Rid
		}
		if r, ok := m.lessee[s.Port]; ok && r != m.who[rid] {
			m.t.Fatalf("%s lands in port %d leased to %d", DescribeSend(s), s.Port, r)
		}
		ok := m.rng.Float64() < okRate
		switch msg := s.Msg.(type) {
		case Done:
			delete(m.lessee, msg.Port)
			delete(m.known, msg.Port)
		case Assigned:
			if ok {
				m.known[msg.Port] = m.who[rid]
			}
		}
		m.acks = append(m.acks, Delivered{Send: s.ID, OK: ok})
	}
	for _, d := range m.acks {
		if err := m.e.Step(d); err != nil {
			m.t.Fatal(err)
		}
	}
	m.acks = m.acks[:0]
}

func (m *pmodel) tick() {
	m.perform(0.8)
	var dead []proc.Pid
	for _, p := range m.watch {
		if m.dead[p] {
			dead = append(dead, p)
		}
	}
	if err := m.e.Step(Tick{Dead: dead}); err != nil {
		m.t.Fatal(err)
	}
	for port, p := range m.lessee {
		if m.dead[p] {
			delete(m.lessee, port)
			delete(m.known, port)
		}
	}
}

// check: leased, parked, free and never-used ports partition the range,
// and the books of owners and letters agree.
func (m *pmodel) check() {
	e := m.e
	seen := map[proc.Port]string{}
	mark := func(p proc.Port, what string) {
		if !e.managed(p) || seen[p] != "" {
			m.t.Fatalf("port %d is %s and %s: %s", p, seen[p], what, dump(e, true))
		}
		seen[p] = what
	}
	for p := range e.owner {
		mark(p, "leased")
	}
	for p := range e.parked {
		mark(p, "parked")
		if e.busy[p] == 0 {
			m.t.Fatalf("port %d parked with nothing on its way", p)
		}
	}
	for i, p := range e.free {
		mark(p, "free")
		if p >= e.next || (i > 0 && e.free[i-1] <= p) {
			m.t.Fatalf("free list %v, next %d", e.free, e.next)
		}
	}
	for p := e.first; p <= e.last; p++ {
		if (p >= e.next) != (seen[p] == "") {
			m.t.Fatalf("port %d: next %d, %q", p, e.next, seen[p])
		}
	}
	n := 0
	for pid, ports := range e.ports {
		for _, p := range ports {
			if e.owner[p] != pid {
				m.t.Fatalf("port %d listed for %d, owned by %d", p, pid, e.owner[p])
			}
			n++
		}
	}
	if n != len(e.owner) {
		m.t.Fatalf("%d leases listed, %d owned", n, len(e.owner))
	}
	busy := map[proc.Port]int{}
	for _, l := range e.sends {
		if e.managed(l.port) {
			busy[l.port]++
		}
	}
	for _, l := range e.retry {
		if e.managed(l.port) {
			busy[l.port]++
		}
	}
	if !maps.Equal(busy, e.busy) {
		m.t.Fatalf("busy %v, letters say %v", e.busy, busy)
	}
}
