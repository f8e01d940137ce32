package memory

import (
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// Pid and Port are the shared process and port identities.
type (
	Pid  = proc.Pid
	Port = proc.Port
)

// AllocID names an allocation. The engine assigns them, counting from 1.
type AllocID int64

// HostKind tells the allocator what sort of server a worker is; it drives
// the placement options (coreDependent prefers home, longRunning avoids
// home and purchased servers) and the set-aside rules.
type HostKind uint8

const (
	HostDefault   HostKind = iota // an ordinary network server
	HostHome                      // the player's home computer
	HostPurchased                 // a purchased server
	HostHacknet                   // a hacknet server; unused unless Config.UseHacknet
)

// Every client message carries Reply, the port its answer goes to: errors
// go back to whoever sent the message, never to the allocation's owner.

// Event is anything the engine steps on. Every input, including the passage
// of time and the results of commands it issued, arrives as an Event
// through Engine.Step.
type Event interface{ isEvent() }

// Options are the placement and sizing options of a request.
type Options struct {
	// Contiguous places every chunk on one host when any host can hold them
	// all; otherwise chunks spread as usual.
	Contiguous bool
	// CoreDependent prefers hosts with more cores (home first): grow and
	// weaken are stronger there.
	CoreDependent bool
	// LongRunning avoids home and then purchased servers, keeping the
	// player's own machines free for short work.
	LongRunning bool
	// Shrinkable accepts fewer chunks than asked (at least one) instead of
	// a refusal.
	Shrinkable bool
	// Seat is a script's own process (a daemon, a task): long-lived, and
	// its files are on home. Home first, then ordinary servers; purchased
	// servers last, since the player vacates them to upgrade them.
	Seat bool
	// Growable keeps the allocation's desired count: the allocator sends
	// more chunks on every tick until the allocation holds that many.
	// A growable request is never refused for lack of RAM; it may start
	// with zero chunks.
	Growable bool
}

// Request asks for Count chunks of ChunkSize each. The answer (a Granted
// or a Refused with the same Rid) goes to Reply; later growth of a
// growable allocation also goes to Reply, as Granted snapshots.
type Request struct {
	Rid       int64 // request id chosen by the client, echoed in the answer
	Pid       Pid   // owner process; the allocation dies with it
	Script    string
	Reply     Port
	ChunkSize ram.Amount
	Count     int // desired chunk count (> 0)
	Priority  int // higher grows first; ties go to the older allocation
	Options
}

// Resize changes an allocation's desired chunk count and, when ChunkSize
// differs from the current size, reshapes it: from now on the allocator
// grants chunks of the new size up to Count, while chunks of older sizes
// stay held until the owner releases them. Only the owner may resize.
// Lowering Count takes nothing away (the owner releases what it no longer
// needs); raising it makes any allocation grow on later ticks. Answer: a
// Granted snapshot (or an Error).
type Resize struct {
	Rid       int64
	Pid       Pid
	Reply     Port
	Alloc     AllocID
	Token     int64      // the allocation's token (Granted.Token)
	ChunkSize ram.Amount // 0 keeps the current size
	Count     int        // new desired count of ChunkSize chunks (>= 0)
	Priority  *int       // nil keeps the current priority
}

// Release gives RAM back. With Host empty it releases the whole allocation
// (and its claims) and the allocation ends. Otherwise it releases Count
// chunks of ChunkSize held on Host; it is refused if the allocation holds
// fewer, or if what remains on Host could not cover the live claims there.
// Releasing chunks does not lower a growable allocation's desired count:
// one that should stay smaller is resized first. A non-growable one's
// desired count drops by the chunks of its size it releases: it is not
// topped up again (revoked chunks are). Only the owner may release.
// Answer: a Granted snapshot, or Done when the whole allocation ended.
type Release struct {
	Rid       int64
	Pid       Pid
	Reply     Port
	Alloc     AllocID
	Token     int64 // the allocation's token (Granted.Token)
	Host      string
	ChunkSize ram.Amount
	Count     int
}

// Claim records that process Worker, started by the owner inside the
// allocation's chunks on Host, uses RAM there. Claimed RAM is not counted
// as foreign, and a claim ends by itself when Worker dies. The claims on a
// host may not exceed what the allocation holds there. Only the owner may
// claim. Answer: Done (or an Error).
type Claim struct {
	Rid    int64
	Pid    Pid
	Reply  Port
	Alloc  AllocID
	Token  int64 // the allocation's token (Granted.Token)
	Host   string
	Worker Pid
	RAM    ram.Amount
}

// Unclaim ends a claim before its process dies. Answer: Done.
type Unclaim struct {
	Rid    int64
	Pid    Pid
	Reply  Port
	Alloc  AllocID
	Token  int64 // the allocation's token (Granted.Token)
	Worker Pid
}

// Give hands an allocation to another process, which owns it from then
// on: the allocation dies with To, not with the giver, and only To may
// resize, release or claim in it. A launcher (the task selector, the boot
// script) asks for a one-chunk allocation, starts a process in that chunk,
// claims the process's RAM there and gives the allocation to it: the
// process's own RAM is then accounted like any worker's, and returns to
// the pool the tick the process ends, whoever launched it. Only the owner
// may give. Answer: Done.
type Give struct {
	Rid   int64
	Pid   Pid
	Reply Port
	Alloc AllocID
	Token int64 // the allocation's token (Granted.Token)
	To    Pid
}

// Status asks for a snapshot of every worker and allocation; the answer,
// a StatusReport, goes to Reply. Anyone may ask; Pid names the asker, so a
// report its full port cannot take is dropped when it dies instead of
// being retried for ever.
type Status struct {
	Rid   int64
	Pid   Pid
	Reply Port
}

// WorkerState is one host as the daemon observed it this tick.
type WorkerState struct {
	Host   string
	Kind   HostKind
	Rooted bool // scripts can run there only with root
	MaxRAM ram.Amount
	// UsedRAM is the game's used RAM on the host, every process included;
	// the engine subtracts its live claims to find foreign use.
	UsedRAM ram.Amount
	Cores   int
}

// Tick is one allocator tick: the daemon's observations, in the order the
// engine applies them. Dead processes are applied first, so claims of a
// process that just ended stop counting before the host's used RAM (which
// no longer includes it) is read. Then the workers are updated (a worker
// not listed keeps its last state; Gone lists hosts that no longer exist).
// Then collection, revocation of chunks a host can no longer hold, growth,
// and new requests run, in that order.
type Tick struct {
	Now     int64 // game time in ms: for logs, and the grace a claim gets (ClaimGrace)
	Dead    []Pid // processes found not running since the last tick
	Workers []WorkerState
	Gone    []string
}

// Delivered reports the outcome of a Send the engine asked for: OK false
// means the port was full and nothing was written. The engine keeps the
// message (coalesced with anything newer for the same allocation) and
// retries on a later tick.
type Delivered struct {
	Send int64 // Send.ID
	OK   bool
}

// Cordon stops (On) or resumes granting new chunks on Host, so that a
// host can be vacated (for a purchased-server upgrade) while the system
// runs: chunks already there stay until their owners release them. It is
// the shell's (the selector's) decision, not a client's, so it has no
// reply; a host not yet seen is cordoned when it appears.
//
// Only the selector cordons: Token must be the selector role's (see
// Register); another is logged and changes nothing.
type Cordon struct {
	Host  string
	On    bool
	Token int64
}

// Configure changes the player's settings while the engine runs: the
// RAM kept free on home and on named hosts, and whether hacknet servers
// lend RAM. The next Tick applies them; where less is usable than is
// granted, chunks are revoked as for a host that shrank. The process's
// own host and RAM (Config.SelfHost, SelfRAM) are not settings.
type Configure struct {
	HomeReserve ram.Amount
	SetAside    map[string]ram.Amount
	UseHacknet  bool
}

func (Configure) isEvent() {}
func (Cordon) isEvent()    {}
func (Request) isEvent()   {}
func (Resize) isEvent()    {}
func (Release) isEvent()   {}
func (Claim) isEvent()     {}
func (Give) isEvent()      {}
func (Unclaim) isEvent()   {}
func (Status) isEvent()    {}
func (Tick) isEvent()      {}
func (Delivered) isEvent() {}
