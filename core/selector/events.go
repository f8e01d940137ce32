package selector

import (
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// Pid and Port are the shared process and port identities.
type (
	Pid  = proc.Pid
	Port = proc.Port
)

// Kind is a task's kind, and the phase of its target: a target is tilled
// (weakened to min security), then sown (grown to max money), then
// harvested (HWGW batches).
type Kind uint8

const (
	KindNone Kind = iota // no phase known yet
	KindTill
	KindSow
	KindHarvest
)

// Event is anything the engine steps on. Time, observations, task messages
// and the results of commands it issued all arrive as Events through
// Engine.Step.
type Event interface{ isEvent() }

// Target is one server as the discovery daemon saw it (the names follow
// ns.getServer()).
type Target struct {
	Host            string
	MoneyMax        float64
	MoneyAvailable  float64
	MinSecurity     float64
	BaseSecurity    float64
	Security        float64 // current
	Growth          float64 // serverGrowth
	RequiredHacking float64
	Rooted          bool
}

// HostRAM is one worker host as the memory daemon's status accounts it.
type HostRAM struct {
	Host      string
	Usable    ram.Amount
	Allocated ram.Amount
	// Claimed is the allocated RAM running workers and scripts use; the
	// rest is idle.
	Claimed ram.Amount
	// Cordoned is true once the memory daemon has applied a Cordon: it
	// grants nothing more there. A vacate completes only on a status
	// that says so, so no grant can slip in after the check.
	Cordoned bool
}

// Seat is where a task's own script runs: the host of the one-chunk
// allocation it was given (the memory daemon's report lists them).
type Seat struct {
	Pid  Pid
	Host string
}

// Observe is the world as of Now: the player's hacking level, every
// target the discovery daemon knows (a target not listed is not
// launched for) and every worker host in the memory daemon's last status.
// It passes time like a Tick, then decides.
type Observe struct {
	Now     int64 // game time, ms
	Hacking float64
	Targets []Target
	Hosts   []HostRAM
	// Seats are the hosts task scripts run on. A task seated on a host
	// being vacated is stopped: a running script cannot move, and its
	// target gets a new task elsewhere.
	Seats []Seat
	// Holdings are the tasks' allocations in the memory daemon's last
	// status, for Overviews.
	Holdings []Holding
}

// Tick passes time: timeouts and backoffs expire, commands a task has not
// obeyed are sent again, and the engine decides with what it last
// observed.
type Tick struct {
	Now int64
}

// Launched is the result of Launch{ID}: the task's pid, or OK false and
// why the exec failed. The shell steps it right after the exec, before it
// reads any message the new task could have sent.
type Launched struct {
	ID     int64
	OK     bool
	Pid    Pid
	Reason string
}

// Heartbeat is a task's periodic report. A task names itself by pid, so
// a selector that restarted adopts the tasks its predecessor launched
// from their heartbeats alone.
type Heartbeat struct {
	Pid    Pid
	Port   Port // where the task reads the selector's commands
	Kind   Kind
	Target string
	Held   ram.Amount // RAM its allocation holds now
	Want   ram.Amount // RAM it takes within its cap, held included
	// Capped: it would use more RAM than its cap.
	Capped bool
	// Cap and Priority are the last RAM cap and allocation priority the
	// task applied: the engine repeats a command until they match.
	Cap      ram.Amount
	Priority int
	Rate     float64 // money per second it earns, for monitors
	// Chunk is the size of the chunks the task asks for (0: unknown). RAM
	// in pieces smaller than a chunk is no room for it, however much it
	// still wants.
	Chunk ram.Amount
	// Stopping: the task was asked to stop and is finishing. A selector
	// that adopts it does not count it as its target's worker.
	Stopping bool
	// GaveUp: hosts where the task's workers kept dying at start. The
	// engine cordons each for Quarantine, so no work starts there at once.
	GaveUp []string
	// Earned is the money its hack workers took since it started.
	Earned float64
}

// Exit is a task's last message. Done means its work is complete (till:
// security at min; sow: money at max), so the target moves to its next
// phase; otherwise it stopped on request or gave up.
type Exit struct {
	Pid    Pid
	Done   bool
	Earned float64 // Heartbeat.Earned, to the end
}

// Vacate asks that nothing stay allocated on Host (before a purchased
// server upgrade). Vacated goes to Reply once the memory status shows the
// host cordoned and empty. The host stays cordoned until Reopen.
type Vacate struct {
	Host  string
	Reply Port
}

// Reopen lets the memory daemon grant on Host again.
type Reopen struct {
	Host string
}

func (Observe) isEvent()   {}
func (Tick) isEvent()      {}
func (Launched) isEvent()  {}
func (Heartbeat) isEvent() {}
func (Exit) isEvent()      {}
func (Vacate) isEvent()    {}
func (Reopen) isEvent()    {}
