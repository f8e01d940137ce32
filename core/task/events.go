// Package task is the contract every task engine (till, sow, harvest)
// speaks with its shell, and the machinery the engines share to keep it.
//
// A task's lifecycle is one for every kind: it asks for an allocation
// (Alloc), learns what it holds from the allocator's snapshots (Held),
// starts workers in it and claims their RAM (Start, Started), hears them
// end (Exited, Unclaim), grows and shrinks the allocation (Resize,
// Release) as its work and the selector's word (SetPriority, SetCap,
// Stop, Leave) say, reports to the selector (Heartbeat), and finishes
// holding and running nothing (Finished). The events that drive it and
// the commands it gives are the same types for every kind; Ready spells
// out the shell's duties. Base is the part of that lifecycle every engine
// keeps alike; an engine embeds it and adds its own rules.
package task

import (
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// Pid is the shared process identity.
type Pid = proc.Pid

// Event is anything a task engine steps on. Every input, the passage of
// time and the results of the commands it gave included, arrives as an
// Event through Engine.Step. Pointers to events are accepted too.
//
// The shell's loop: step the results of the last commands (Started;
// Refused when the Alloc was refused), every message the selector sent,
// an Exited for each worker found no longer running (it looks at every
// running worker on every round, whenever it is due to land: a killed
// worker is heard of at the next round, and one not heard of was found
// running; one it ended by a Kill it may report at once), the
// allocation's newest snapshot as Held when it or the last answered command changed,
// and last a Tick; then carry out Ready and Advance. Results are stepped
// at once; otherwise it waits for a message or until Ready.Wake. The
// engine decides only on Ticks, so reading the target last, after the
// exits, shows it what the landed work did.
type Event interface{ isEvent() }

// Tick is the passage of time, with what the shell read from the game at
// Now.
type Tick struct {
	Now      int64   // game time, ms; never decreases
	Money    float64 // the target's money (a till may pass 0)
	Security float64 // the target's security
	Hacking  float64 // the player's hacking level; 0 keeps the last one
}

// Chunk is a run of Count chunks of Size on one host.
type Chunk struct {
	Host  string
	Size  ram.Amount
	Count int
	Cores int // the host's cores, 0 when unknown (counted as 1)
}

// Held is the allocation's newest snapshot (memory.Granted): every chunk
// held now, of every size. Seq is the snapshot's number and Desired the
// allocator's desired count. Answered is the id of the last command the
// allocator answered (the shell waits for each answer): the snapshot
// reflects it and every command before it. A snapshot older than the last
// one stepped (a lower Seq, or the same Seq and no newer Answered) is old
// news and changes nothing.
type Held struct {
	Seq      int64
	Answered int64
	Desired  int
	Chunks   []Chunk
}

// Refused answers the Alloc: the allocator had no room (a fixed task, not
// growable, asks for what is free now or nothing).
type Refused struct {
	Reason string
}

// Started is the result of a Start: the worker's pid, or 0 when exec
// failed or the allocator refused its claim (then the shell ended it
// again). A worker with a pid runs and has its RAM claimed.
type Started struct {
	Cmd int64 // Start.ID
	Pid Pid
}

// Exited reports that a worker the engine started is no longer running:
// its operation landed, or it was killed, or it died (see Landed).
type Exited struct {
	Pid Pid
}

// Landed is a worker's word that its operation landed (its landed
// message). A worker that exits without it died before its work was done:
// a missing file, a deleted host, an ns call the player's game release
// lacks. Deaths in a row on one host keep new work off it (see Base).
type Landed struct {
	Pid Pid
	// Result is what the operation returned: for a hack worker, the money
	// it took, which the task adds to what it earned (Heartbeat.Earned).
	Result float64
}

// SetPriority is the selector's new allocation priority.
type SetPriority struct {
	Priority int
}

// SetCap is the selector's new cap: the most RAM the task may hold (0
// lifts it). Below what the task holds, chunks go back as their work
// lands; above, the allocation grows again. A fixed task never goes above
// the RAM it was started with.
type SetCap struct {
	RAM ram.Amount
}

// Stop asks the task to end: start nothing more, let the work in flight
// land, give everything back and finish.
type Stop struct{}

// Leave asks the task to move off Host (it is being vacated before an
// upgrade): no new work there, and its chunks there go back as their work
// lands. The allocation grows back elsewhere; once nothing of the task is
// left on Host, chunks granted there later are used again.
type Leave struct {
	Host string
}

func (Tick) isEvent()        {}
func (Held) isEvent()        {}
func (Refused) isEvent()     {}
func (Started) isEvent()     {}
func (Exited) isEvent()      {}
func (Landed) isEvent()      {}
func (SetPriority) isEvent() {}
func (SetCap) isEvent()      {}
func (Stop) isEvent()        {}
func (Leave) isEvent()       {}

// deref turns a pointer to an event into the event.
func deref(ev Event) (Event, error) {
	switch p := ev.(type) {
	case nil:
		return nil, ErrNilEvent
	case *Tick:
		if p != nil {
			return *p, nil
		}
	case *Held:
		if p != nil {
			return *p, nil
		}
	case *Refused:
		if p != nil {
			return *p, nil
		}
	case *Started:
		if p != nil {
			return *p, nil
		}
	case *Exited:
		if p != nil {
			return *p, nil
		}
	case *Landed:
		if p != nil {
			return *p, nil
		}
	case *SetPriority:
		if p != nil {
			return *p, nil
		}
	case *SetCap:
		if p != nil {
			return *p, nil
		}
	case *Stop:
		if p != nil {
			return *p, nil
		}
	case *Leave:
		if p != nil {
			return *p, nil
		}
	case Tick, Held, Refused, Started, Exited, Landed, SetPriority, SetCap, Stop, Leave:
		return ev, nil
	default:
		return nil, ErrUnknownEvent
	}
	return nil, ErrNilEvent
}
