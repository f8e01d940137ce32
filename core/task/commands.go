package task

import (
	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
)

// Command is something the engine wants done. Every command carries an ID,
// counting from 1 in the order given; a Start's result comes back as
// Started with that ID, an Alloc's as Held or Refused, and a Held's
// Answered names the last command the allocator answered.
type Command interface{ isCommand() }

// Alloc asks for the allocation, once: Count chunks of Size at Priority,
// growable, or for a fixed task shrinkable (what is free now, at least
// one chunk) and never grown.
type Alloc struct {
	ID         int64
	Size       ram.Amount
	Count      int
	Priority   int
	Growable   bool
	Shrinkable bool
}

// Resize sets the allocation's chunk size, desired count and priority. A
// new size reshapes it: chunks of the old size stay held until released.
type Resize struct {
	ID       int64
	Size     ram.Amount
	Count    int
	Priority int
}

// Release gives back Count chunks of Size on Host, where no worker runs,
// or, with Host empty, the whole allocation, claims included.
type Release struct {
	ID    int64
	Host  string
	Size  ram.Amount
	Count int
}

// Start runs Threads threads of Action's worker against the target on
// Host, inside the allocation, and claims RAM for it: exactly RAM, the
// worker's RAM per thread times Threads as the engine counts it. A worker
// of a batch (Batch > 0) is the landing Op of that batch; it starts Delay
// ms later than the Tick's Now (the operation's additionalMsec), takes
// Duration ms and lands at Land, game time. Work outside batches has no
// delay. The Starts of one Ready start together: every exec before the
// first claim's answer is awaited.
type Start struct {
	ID       int64
	Action   hwgw.Action
	Host     string
	Threads  int
	RAM      ram.Amount
	Batch    int64
	Op       hwgw.Op
	Delay    float64 // ms
	Duration float64 // ms
	Land     float64 // ms, game time: Now + Delay + Duration
}

// Keep reports whether the worker runs on when its task ends, whatever
// ends it. A worker of a batch does: the batch's other parts land without
// it, and would leave the target off min security or max money. Work
// outside batches stands alone: ended with its task, it only forfeits its
// own effect, and its RAM is free at once instead of foreign until it
// lands.
func (s Start) Keep() bool { return s.Batch != 0 }

// At is the game time, ms, at which the operation should begin: a shell
// that execs later than the Tick's Now waits that much less. 0 means at
// once.
func (s Start) At() float64 {
	if s.Land == 0 {
		return 0
	}
	return s.Land - s.Duration
}

// Unclaim ends the claim of a worker that is no longer running, before
// its chunk is reused or given back: the allocator learns of the death
// only at its next tick, and until then counts the claim. An answer that
// the claim is unknown means the allocator saw the death first.
type Unclaim struct {
	ID  int64
	Pid Pid
}

// Kill ends a worker whose work is no longer needed.
type Kill struct {
	ID  int64
	Pid Pid
}

// Heartbeat is the task's state for the selector: sent when anything but
// the rate changed, and at least every Config.Heartbeat ms.
type Heartbeat struct {
	ID   int64
	Held ram.Amount // RAM the allocation holds, every size
	Want ram.Amount // RAM the task takes within its cap
	// Capped: the task would use more than its cap; what it takes within
	// it may be less (a harvest's batches come in whole threads).
	Capped   bool
	Cap      ram.Amount // the cap it applies; 0 = none
	Priority int        // the priority it applies
	Rate     float64    // expected money per second at its current size
	Chunk    ram.Amount // the size of the chunks it asks for
	Stopping bool       // it was asked to stop and is finishing
	Mode     string     // what the engine is doing, for people
	// GaveUp lists the hosts where its workers kept dying at start
	// (GiveUpAfter in a row), sorted: the selector keeps work off them.
	GaveUp []string
	// Earned is the money its hack workers took since it started, as
	// their landed messages said.
	Earned float64
}

// Finished is the last command: the task holds nothing and runs nothing.
type Finished struct {
	ID     int64
	Reason Reason
	Earned float64 // Heartbeat.Earned, to the end
}

// Done reports whether the task's phase is complete (till: min security;
// sow: max money at min security).
func (f Finished) Done() bool { return f.Reason == ReasonReady }

// Reason says why a task finished.
type Reason uint8

const (
	ReasonReady   Reason = iota // the target is where the task takes it
	ReasonStopped               // the selector asked it to stop
	ReasonRefused               // the allocator refused the Alloc
	ReasonNoRoom                // its cap holds no work at all
)

func (Alloc) isCommand()     {}
func (Resize) isCommand()    {}
func (Release) isCommand()   {}
func (Start) isCommand()     {}
func (Unclaim) isCommand()   {}
func (Kill) isCommand()      {}
func (Heartbeat) isCommand() {}
func (Finished) isCommand()  {}

// Ready is what the engine wants done. The shell carries it out, then
// calls Advance, with no Step in between; the results (Started, Refused,
// and the Held that follows an answer) are stepped after Advance.
type Ready struct {
	// Commands must be carried out in order, each request to the
	// allocator awaited before the next. The order carries the rules: an
	// Unclaim comes before the Release or Start that reuses the worker's
	// chunk; a Resize before the Releases after it (the allocator regrows
	// an allocation holding less than it desires, so chunks given back
	// before a lower count would come straight back); Kills before the
	// Release of everything; Finished last, after which the shell ends.
	// A run of Starts starts together.
	Commands []Command
	// Logs are human-readable lines about decisions.
	Logs []string
	// Wake is the latest game time, ms, at which the engine wants its next
	// Tick (a landing is due, a heartbeat is due, a look at the target);
	// the shell may tick sooner. 0 means no deadline: the task finished.
	Wake int64
}

// Engine is a task engine as its shell drives it: Step every event, then
// carry out Ready and Advance.
type Engine interface {
	// Step applies one event. It returns an error only when the shell
	// broke the contract; then nothing changed. Once the task finished,
	// every event is ignored.
	Step(Event) error
	// Ready returns what the engine wants done since the last Advance.
	Ready() Ready
	// HasReady reports whether Ready has commands or logs.
	HasReady() bool
	// Advance tells the engine that the shell did everything Ready
	// returned.
	Advance()
}
