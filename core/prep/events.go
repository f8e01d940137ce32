package prep

import (
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// Pid is the shared process identity.
type Pid = proc.Pid

// Event is anything the engine steps on: observations, allocation
// snapshots, the results of its commands and the selector's commands.
//
// The shell's loop: step the results of the last commands (Started, and
// Held or Refused after an Alloc), every selector message, an Exited for
// each worker found not running, the allocation's newest snapshot as Held
// when it changed, and last an Observe; then carry out Ready and Advance.
// Without results or a new snapshot it waits for a message (at most a
// second) before the next round. The engine decides only on Observe.
type Event interface{ isEvent() }

// Observe is what the shell read from the game at Now.
type Observe struct {
	Now      int64   // game time, ms; never decreases
	Money    float64 // the target's money (a till may pass 0)
	Security float64 // the target's security
}

// Chunk is a run of Count chunks of Size on one host.
type Chunk struct {
	Host  string
	Size  ram.Amount
	Count int
}

// Held is a full snapshot of the allocation (memory.Granted). A snapshot
// stepped after a Release or Resize was carried out reflects it: the shell
// waits for each answer and keeps the newest snapshot by Seq. One with a
// Seq not above the last one stepped is old news and changes nothing.
type Held struct {
	Seq     int64
	Desired int // the allocator's desired count
	Chunks  []Chunk
}

// Refused answers the Alloc: the allocator had no room (a fixed task).
type Refused struct {
	Reason string
}

// Started is the result of a Start: the worker's pid, or 0 when exec
// failed. The shell has claimed the worker's RAM in the allocation.
type Started struct {
	Cmd int64 // Start.ID
	Pid Pid
}

// Exited reports that a worker the engine started is no longer running:
// its operation landed, or it was killed.
type Exited struct {
	Pid Pid
}

// SetPriority is the selector's new allocation priority.
type SetPriority struct {
	Priority int
}

// SetCap is the selector's new cap: the most RAM the task may hold (0
// lifts it). Below what the task holds, chunks go back as their work
// lands; above, the allocation grows again.
type SetCap struct {
	RAM ram.Amount
}

// Stop asks the task to end: start nothing more, let work land, give
// everything back and finish.
type Stop struct{}

// Leave asks the task to move off Host (it is being vacated): no new work
// there, and its chunks there go back as their work lands. The allocation
// grows back elsewhere.
type Leave struct {
	Host string
}

func (Observe) isEvent()     {}
func (Held) isEvent()        {}
func (Refused) isEvent()     {}
func (Started) isEvent()     {}
func (Exited) isEvent()      {}
func (SetPriority) isEvent() {}
func (SetCap) isEvent()      {}
func (Stop) isEvent()        {}
func (Leave) isEvent()       {}
