package task

import (
	"strconv"

	"ramfarm/core/internal/detail"
	"ramfarm/core/ram"
)

// DefaultHeartbeat is the most time between two heartbeats, ms, when the
// Config names none. The selector reads a task's state from its last
// heartbeat, so a change is sent at once and this only bounds the silence.
const DefaultHeartbeat = 2000

// Config is what every task is started with: the selector's word at
// launch (TARGET --prio P --ram GB [--fixed [--round]]).
type Config struct {
	// Priority is the allocation's priority at the start.
	Priority int
	// Cap is the most RAM the task may hold at the start; 0 means no cap.
	Cap ram.Amount
	// Fixed asks once for Cap (shrinkable, not growable) and never grows:
	// the selector's greedy policy. It needs a Cap, and no later cap
	// raises it.
	Fixed bool
	// Round runs one round of work in the fixed allocation and ends: a
	// till or sow starts one wave of threads in what it was granted, a
	// harvest fills its pipeline once (the batches that start before the
	// first one lands); each then starts nothing more, gives every chunk
	// back as its work lands, and finishes, done if the target is ready.
	// This is how a re-planning batcher works (the selector's replan
	// policy): each round is sized to the RAM free when it was planned,
	// and the next round is planned afresh. It needs Fixed.
	Round bool
	// Heartbeat is the most time between heartbeats, ms; 0 selects
	// DefaultHeartbeat.
	Heartbeat int64
}

// Validate fills in defaults and rejects contradictions; it returns a
// copy. Its errors match ErrBadConfig.
func (c Config) Validate() (Config, error) {
	bad := func(s string) (Config, error) { return c, detail.Wrap(ErrBadConfig, s) }
	switch {
	case c.Cap < 0 || c.Cap > ram.Max:
		return bad("cap " + c.Cap.String() + " is out of range")
	case c.Fixed && c.Cap == 0:
		return bad("a fixed task needs a cap: the RAM it asks for")
	case c.Round && !c.Fixed:
		return bad("a round needs a fixed allocation: it is sized once, when it is planned")
	case c.Heartbeat < 0:
		return bad("heartbeat " + strconv.FormatInt(c.Heartbeat, 10) + "ms is negative")
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	return c, nil
}
