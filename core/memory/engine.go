// Package memory is the RAM allocator: it hands out RAM on the player's
// servers in chunks, grows running tasks before it starts new ones, and
// takes chunks back when a host can no longer hold them.
//
// The Engine is a deterministic state machine (see DESIGN.md): the daemon
// steps it with client messages and Ticks, performs the Sends in Ready,
// reports each one's outcome as Delivered, and calls Advance.
//
// The daemon reads the ports before it observes the servers for a Tick
// and steps what it read first: a worker is then always in the observed
// used RAM once its Claim has been stepped, so its RAM is never mistaken
// for free.
package memory

import (
	"strconv"

	"ramfarm/core/internal/siphash"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// Engine is the allocator. It is not safe for concurrent use.
type Engine struct {
	homeReserve ram.Amount
	setAside    map[string]ram.Amount
	useHacknet  bool
	selfHost    string
	selfRAM     ram.Amount
	secret      siphash.Key

	hosts    map[string]*host
	hostList []*host // sorted by name: the only order hosts are visited in

	allocs    map[AllocID]*alloc
	order     []*alloc // sorted by id
	nextAlloc AllocID
	owners    map[Pid]int // live allocations per owner
	claims    map[Pid]*claim
	pending   []Request // arrival order
	// roomMade are the seat requests room was made for, waiting for the
	// tick that grants it (placeSeat).
	roomMade map[seatKey]bool
	cordons  map[string]bool // hosts that take no new chunks
	roles    [roleCount]holder

	nextSend  int64
	sends     map[int64]sendRec
	streams   map[streamKey]*stream
	retry     []*letter
	retryPids map[Pid]int // failed letters per recipient
	due       []*stream

	// maxFree bounds every host's free RAM while a tick places chunks
	// (placing only lowers it), so an allocation whose chunk is larger
	// skips the scan over hosts.
	maxFree ram.Amount
	scratch []*alloc

	now int64 // the last tick's game time, ms

	out   Ready
	watch watchSet
}

// New builds an Engine from cfg.
func New(cfg Config) (*Engine, error) {
	c, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return &Engine{
		homeReserve: c.HomeReserve,
		setAside:    c.SetAside,
		useHacknet:  c.UseHacknet,
		selfHost:    c.SelfHost,
		selfRAM:     c.SelfRAM,
		secret:      c.Secret,
		hosts:       map[string]*host{},
		allocs:      map[AllocID]*alloc{},
		owners:      map[Pid]int{},
		claims:      map[Pid]*claim{},
		sends:       map[int64]sendRec{},
		streams:     map[streamKey]*stream{},
		retryPids:   map[Pid]int{},
		watch:       watchSet{refs: map[Pid]int{}, delta: map[Pid]bool{}},
	}, nil
}

// Step applies one event. It returns an error only when the shell broke
// the contract (the event is malformed or names nothing the engine sent);
// then nothing changed. Pointers to events are accepted too.
func (e *Engine) Step(ev Event) error {
	switch ev := ev.(type) {
	case nil:
		return ErrNilEvent
	case Request:
		return e.stepRequest(ev)
	case *Request:
		return stepPtr(ev, e.stepRequest)
	case Resize:
		return e.stepResize(ev)
	case *Resize:
		return stepPtr(ev, e.stepResize)
	case Release:
		return e.stepRelease(ev)
	case *Release:
		return stepPtr(ev, e.stepRelease)
	case Claim:
		return e.stepClaim(ev)
	case *Claim:
		return stepPtr(ev, e.stepClaim)
	case Unclaim:
		return e.stepUnclaim(ev)
	case *Unclaim:
		return stepPtr(ev, e.stepUnclaim)
	case Give:
		return e.stepGive(ev)
	case *Give:
		return stepPtr(ev, e.stepGive)
	case Configure:
		return e.stepConfigure(ev)
	case *Configure:
		return stepPtr(ev, e.stepConfigure)
	case Cordon:
		return e.stepCordon(ev)
	case *Cordon:
		return stepPtr(ev, e.stepCordon)
	case Register:
		return e.stepRegister(ev)
	case *Register:
		return stepPtr(ev, e.stepRegister)
	case Status:
		return e.stepStatus(ev)
	case *Status:
		return stepPtr(ev, e.stepStatus)
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

// HasReady reports whether Ready has anything to do.
func (e *Engine) HasReady() bool {
	return len(e.out.Sends) > 0 || len(e.out.Logs) > 0 || len(e.watch.delta) > 0
}

// Ready returns what the engine wants done since the last Advance. It does
// not clear anything: call Advance once it is done, with no Step between
// Ready and Advance. Watch holds every pid whose death changes something:
// owners, claimed workers, requesters waiting for a tick (their requests
// are dropped) and recipients of failed replies (the retries stop).
func (e *Engine) Ready() Ready {
	rd := e.out
	rd.Watch = e.watch.changed()
	return rd
}

// Advance tells the engine that the shell did everything Ready returned.
func (e *Engine) Advance() {
	e.watch.advance()
	e.out = Ready{}
}

func (e *Engine) logf(line string) { e.out.Logs = append(e.out.Logs, line) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (e *Engine) stepConfigure(ev Configure) error {
	c, err := Config{HomeReserve: ev.HomeReserve, SetAside: ev.SetAside, UseHacknet: ev.UseHacknet}.validate()
	if err != nil {
		return err
	}
	if c.HomeReserve != e.homeReserve {
		e.logf("config: home reserve " + e.homeReserve.String() + " -> " + c.HomeReserve.String())
	}
	for _, name := range stable.Keys(e.setAside) {
		if _, kept := c.SetAside[name]; !kept {
			e.logf("config: nothing set aside on " + name + " (was " + e.setAside[name].String() + ")")
		}
	}
	for _, name := range stable.Keys(c.SetAside) {
		if old, ok := e.setAside[name]; !ok || old != c.SetAside[name] {
			e.logf("config: " + c.SetAside[name].String() + " set aside on " + name)
		}
	}
	if c.UseHacknet != e.useHacknet {
		e.logf("config: hacknet servers " + map[bool]string{true: "lend RAM", false: "lend no RAM"}[c.UseHacknet])
	}
	e.homeReserve, e.setAside, e.useHacknet = c.HomeReserve, c.SetAside, c.UseHacknet
	return nil
}

func (e *Engine) stepCordon(ev Cordon) error {
	if ev.Host == "" {
		return ErrBadWorker
	}
	if !e.Acts(RoleSelector, ev.Token) {
		e.logf("WARN reject cordon of " + ev.Host + ": no valid selector token")
		return nil
	}
	if e.cordons == nil {
		e.cordons = map[string]bool{}
	}
	if ev.On {
		e.cordons[ev.Host] = true
	} else {
		delete(e.cordons, ev.Host)
	}
	if h := e.hosts[ev.Host]; h != nil {
		h.cordoned = ev.On
	}
	state := "cordoned"
	if !ev.On {
		state = "open again"
	}
	e.logf(ev.Host + " " + state)
	return nil
}
