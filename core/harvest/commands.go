package harvest

import (
	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
)

// Command is something the engine wants done. Every command carries an ID,
// counting from 1; a StartOp's result comes back as Started with that ID,
// and a Resize's or Release's as a Held whose Answered is that ID.
type Command interface{ isCommand() }

// StartOp starts one worker: Threads threads of Op's action (hack, grow or
// weaken) against the target on Host, sleeping Delay ms more than the
// operation takes (ns.hack/grow/weaken's additionalMsec). Delay is counted
// from the Tick's Now; a shell that execs later may shorten it by the lag,
// or pass Land and let the worker compute it. All the StartOps of one
// Ready are meant to start together, at once.
type StartOp struct {
	ID       int64
	Batch    int64
	Op       hwgw.Op
	Host     string
	Threads  int
	RAM      ram.Amount // Threads × the worker's RAM per thread: what to claim
	Delay    float64    // ms
	Duration float64    // ms the game takes for the operation, as planned
	Land     float64    // ms, game time: Now + Delay + Duration
}

// Resize sets the allocation's chunk size and desired count (memory.Resize;
// the first one is the allocation's Request, growable). A new size
// reshapes it: chunks of the old size stay held until released.
type Resize struct {
	ID        int64
	ChunkSize ram.Amount
	Count     int
}

// Release gives back Count chunks of Size on Host, or, with Host empty,
// the whole allocation (memory.Release). The workers that ran in those
// chunks have all exited.
type Release struct {
	ID    int64
	Host  string
	Size  ram.Amount
	Count int
}

// Heartbeat is the task's status for the selector, sent on every mode
// change and every Config.Heartbeat ms.
type Heartbeat struct {
	ID          int64
	Mode        Mode
	InFlight    int        // batches started and not landed
	Depth       int        // batches wanted in flight
	ChunkSize   ram.Amount // current chunk size
	PerBatch    int        // chunks per batch
	Held        ram.Amount // RAM held, every size
	Fraction    float64    // of max money a batch takes (on a 1-core host)
	MoneyPerSec float64    // expected income of the batches in flight
	Landed      int64      // batches landed so far
}

// Rebalance tells the selector that the target drifted from min security
// and max money and that the task is correcting it in its own chunks, with
// Weaken and Grow threads, before it starts batches again.
type Rebalance struct {
	ID       int64
	Reason   Reason
	Money    float64 // observed
	Security float64 // observed
	Weaken   int
	Grow     int
}

// Done is the last command: the task holds nothing and runs nothing.
type Done struct {
	ID     int64
	Reason Reason
}

func (StartOp) isCommand()   {}
func (Resize) isCommand()    {}
func (Release) isCommand()   {}
func (Heartbeat) isCommand() {}
func (Rebalance) isCommand() {}
func (Done) isCommand()      {}

// Mode is what the engine is doing.
type Mode uint8

const (
	ModeFilling     Mode = iota // adding batches, one per chunk set, up to the depth
	ModeReshaping               // moving to another chunk size as old batches land
	ModeRebalancing             // no new batches; correcting the target once they land
	ModeDraining                // shutting down; in-flight batches land
	ModeDone                    // finished
)

// Reason says why the engine rebalanced or finished.
type Reason uint8

const (
	ReasonNone       Reason = iota
	ReasonDrift             // the target was off min security or max money
	ReasonExecFailed        // a worker of a batch failed to start
	ReasonShutdown          // asked to stop
)

// Ready is what the engine wants done. The shell performs it, then calls
// Advance, with no Step in between; the results (Started) are stepped
// after Advance.
type Ready struct {
	// Commands must be performed in order: a Release after the Resize
	// before it, a batch's StartOps in landing order and together.
	Commands []Command
	// Logs are human-readable lines about decisions.
	Logs []string
	// Wake is the latest game time, ms, at which the engine wants its next
	// Tick (a landing is due, a start window opens, a heartbeat is due);
	// the shell may tick sooner. 0 means no deadline.
	Wake int64
}
