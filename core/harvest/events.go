package harvest

import (
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// Pid is the shared process identity.
type Pid = proc.Pid

// Event is anything the engine steps on. Every input, the passage of time
// and the results of the commands it issued included, arrives as an Event
// through Engine.Step. Pointers to events are accepted too.
//
// The shell's loop: collect worker exits and step them as Exited (after
// unclaiming each worker from the allocation), step any allocation
// snapshot as Held and any budget from the selector, read the clock, the
// target and the player and step a Tick, then perform Ready and Advance.
// Reading the target after collecting the exits matters: the engine
// compares what it sees with what the landed batches should have left.
type Event interface{ isEvent() }

// Tick is the passage of time, with what the shell observed at Now. The
// engine decides only on ticks: it starts batches, gives chunks back,
// checks the target and sends heartbeats.
type Tick struct {
	Now      int64   // game time, ms; never decreases
	Money    float64 // the target's money
	Security float64 // the target's security
	Hacking  float64 // the player's hacking level; 0 keeps the last one
}

// Chunk is a run of Count chunks of Size on one host.
type Chunk struct {
	Host  string
	Size  ram.Amount
	Count int
	Cores int // the host's cores (0 counts as 1): grow and weaken are stronger with more
}

// Held is a full snapshot of the allocation (memory.Granted): every chunk
// held now, of every size. Answered is the snapshot's Rid, which must be
// the id of the engine's Resize or Release command it answers (the shell
// sends each to the allocator with its command id as the Rid), or 0 for
// growth: a snapshot reflects every Release up to the highest Answered seen
// so far, and none after it.
type Held struct {
	Answered int64
	Chunks   []Chunk
}

// Budget is the selector's word on how large the task may grow. Past full
// overlap the engine reshapes to the largest batches whose chunks fit RAM;
// when it holds more than RAM it reshapes down at once.
type Budget struct {
	RAM ram.Amount // total RAM the task may hold; 0 withdraws the budget
	// MaxChunk is the largest chunk to ask for: what one host can hold. A
	// batch larger than that is divided over chunks of MaxChunk (see the
	// placement rule in core/hwgw). 0 means no limit.
	MaxChunk ram.Amount
}

// Started is the result of a StartOp: the worker's pid, or 0 when exec
// failed. The shell claims the worker's RAM (StartOp.RAM on StartOp.Host)
// from the allocation before stepping it.
type Started struct {
	Cmd int64 // StartOp.ID
	Pid Pid
}

// Exited reports that a worker the engine started is no longer running:
// its operation landed (or it was killed).
type Exited struct {
	Pid Pid
}

// Shutdown asks the task to stop: no batch starts any more, in-flight ones
// land, everything is given back, then Done.
type Shutdown struct{}

// Leave asks the task to move off Host (it is being vacated before an
// upgrade): no batch starts there, and each chunk there goes back once the
// batch in it has landed. The allocation grows back elsewhere; once
// nothing is left on Host, chunks granted there later are used again.
type Leave struct {
	Host string
}

func (Tick) isEvent()     {}
func (Held) isEvent()     {}
func (Budget) isEvent()   {}
func (Started) isEvent()  {}
func (Exited) isEvent()   {}
func (Shutdown) isEvent() {}
func (Leave) isEvent()    {}
