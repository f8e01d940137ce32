package prep

import "ramfarm/core/ram"

// Command is something the engine wants done. Every command carries an ID,
// counting from 1; a Start's result comes back as Started with that ID,
// an Alloc's as Held or Refused.
type Command interface{ isCommand() }

// Op is a worker's operation.
type Op uint8

const (
	OpWeaken Op = iota
	OpGrow
)

// Alloc asks for the allocation: Count chunks of Size at Priority,
// growable (or, for a fixed task, shrinkable).
type Alloc struct {
	ID         int64
	Size       ram.Amount
	Count      int
	Priority   int
	Growable   bool
	Shrinkable bool
}

// Resize sets the allocation's desired count and priority.
type Resize struct {
	ID       int64
	Count    int
	Priority int
}

// Release gives back Count idle chunks on Host or, with Host empty, the
// whole allocation, claims included.
type Release struct {
	ID    int64
	Host  string
	Size  ram.Amount
	Count int
}

// Unclaim ends the claim of a worker that is no longer running, before
// its chunk is reused or given back: the allocator learns of the death
// only at its next tick, and until then counts the claim.
type Unclaim struct {
	ID  int64
	Pid Pid
}

// Start runs Threads threads of Op's worker against the target on Host
// and claims RAM for them; its result comes back as Started.
type Start struct {
	ID      int64
	Op      Op
	Host    string
	Threads int
	RAM     ram.Amount // per thread
}

// Kill ends a worker whose work is no longer needed (the target is ready).
type Kill struct {
	ID  int64
	Pid Pid
}

// Heartbeat is the task's state for the selector.
type Heartbeat struct {
	ID       int64
	Held     ram.Amount // RAM the allocation holds
	Want     ram.Amount // RAM the task would use at most (within its cap)
	Cap      ram.Amount // the cap it applies; 0 = none
	Priority int        // the priority it applies
	Stopping bool
}

// Finished is the last command: the task holds nothing and runs nothing.
// Done says the target is ready (till: min security; sow: max money at min
// security); otherwise it stopped on request or could not get RAM.
type Finished struct {
	ID   int64
	Done bool
}

func (Alloc) isCommand()     {}
func (Resize) isCommand()    {}
func (Release) isCommand()   {}
func (Unclaim) isCommand()   {}
func (Start) isCommand()     {}
func (Kill) isCommand()      {}
func (Heartbeat) isCommand() {}
func (Finished) isCommand()  {}

// Ready is what the engine wants done. The shell performs it, then calls
// Advance, with no Step in between.
type Ready struct {
	// Commands must be performed in order: an Unclaim before the Release
	// or Start that reuses the worker's chunk, a Resize before the
	// Releases after it (the allocator regrows an allocation holding less
	// than it desires), Kills before the Release of everything, Finished
	// last.
	Commands []Command
	// Logs are human-readable lines about decisions.
	Logs []string
}
