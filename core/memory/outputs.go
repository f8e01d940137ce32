package memory

import "ramfarm/core/ram"

// Reply is a message the engine sends to a client's port.
type Reply interface{ isReply() }

// Chunks is a run of Count chunks of Size on one host.
type Chunks struct {
	Host  string
	Size  ram.Amount
	Count int
	// Cores is the host's CPU cores when a snapshot was taken (0 in the
	// engine's own records). A snapshot carries them so that the owner
	// plans grow and weaken threads for the host they run on: the game
	// makes both stronger there, and nothing else tells a task.
	Cores int
}

// Granted is a full snapshot of an allocation: every chunk it holds now,
// of every size. Snapshots replace each other (Seq counts up per
// allocation), so a client that missed one loses nothing: the next one
// says everything. Rid is the request it answers, or 0 for growth. While
// a port is full, an allocation's snapshots to it are merged and only the
// newest is sent, carrying the Rid of the latest answer it replaced: a
// Granted with Rid r also answers the earlier Resize and Release of that
// allocation whose answers went to the same port.
type Granted struct {
	Rid       int64
	Alloc     AllocID
	Seq       int64
	ChunkSize ram.Amount // current chunk size
	Desired   int        // desired count of ChunkSize chunks
	Held      []Chunks   // sorted by host, then size
	// Token proves ownership: Resize, Release, Claim, Unclaim and Give
	// must carry it. Only the snapshot that answers the request that made
	// the allocation has it, and that goes to the requester's own port:
	// a script that reads other ports, or copies an owner's pid, never
	// learns it. 0 elsewhere, and when tokens are off (Config.Secret).
	Token int64
}

// Code is why a request was refused or rejected.
type Code uint8

const (
	CodeNone        Code = iota
	CodeNoRAM            // not enough usable RAM (a domain refusal)
	CodeUnknown          // unknown allocation id
	CodeNotOwner         // the sender does not own the allocation, or gave no valid token
	CodeBadSize          // zero, negative, NaN or malformed size or count
	CodeOverRelease      // releasing more than is held on that host
	CodeOverClaim        // claims would exceed what is held on that host
	CodeBadMessage       // malformed message
	CodeDuplicate        // the worker pid already holds a claim
	CodeRoleHeld         // another live process holds the role
)

// Refused answers a request the allocator could not satisfy now.
type Refused struct {
	Rid    int64
	Code   Code
	Reason string
}

// Error answers a request that broke the contract; nothing changed.
type Error struct {
	Rid    int64
	Code   Code
	Reason string
}

// Done acknowledges a Claim, an Unclaim, a Give or the release of a whole
// allocation.
type Done struct {
	Rid   int64
	Alloc AllocID
}

// StatusReport answers Status.
type StatusReport struct {
	Rid     int64
	Workers []WorkerReport // sorted by host
	Allocs  []AllocReport  // sorted by id
}

// WorkerReport is one worker as the allocator accounts it.
type WorkerReport struct {
	Host      string
	MaxRAM    ram.Amount
	Usable    ram.Amount // MaxRAM less max(set-aside, foreign)
	Allocated ram.Amount
	Claimed   ram.Amount
	Foreign   ram.Amount
	Cordoned  bool // takes no new chunks
}

// AllocReport is one allocation.
type AllocReport struct {
	Alloc    AllocID
	Pid      Pid
	Script   string
	Priority int
	Seat     bool // asked for as a seat: the owner's own process runs in it
	// Orphan: the owner died while its workers ran; it holds only what
	// they use (Claimed), until the last ends.
	Orphan  bool
	Claimed ram.Amount
	Granted
}

func (Granted) isReply()      {}
func (Refused) isReply()      {}
func (Error) isReply()        {}
func (Done) isReply()         {}
func (StatusReport) isReply() {}

// Send asks the shell to write Msg to Port with tryWrite and to report the
// outcome as Delivered{Send: ID}. Sends to one port must be written in the
// order given.
type Send struct {
	ID   int64
	Port Port
	Msg  Reply
}

// Ready is what the engine wants done. The shell performs it, then calls
// Advance.
type Ready struct {
	Sends []Send
	// Logs are human-readable lines about decisions, for the daemon's log.
	Logs []string
	// Watch, when non-nil, is the new full set of pids whose death the
	// daemon must report in Tick.Dead, sorted: owners, claimed workers,
	// requesters whose request waits for the next tick, and recipients of
	// replies that failed and are being retried. The daemon reports every
	// watched pid it finds not running, on every tick until it leaves the
	// set.
	Watch []Pid
}
