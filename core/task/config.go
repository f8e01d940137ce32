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
// launch (TARGET --prio P --ram GB [--fixed]).
type Config struct {
	// Priority is the allocation's priority at the start.
	Priority int
	// Cap is the most RAM the task may hold at the start; 0 means no cap.
	Cap ram.Amount
	// Fixed asks once for Cap (shrinkable, not growable) and never grows:
	// the selector's greedy policy. It needs a Cap, and no later cap
	// raises it.
	Fixed bool
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
	case c.Heartbeat < 0:
		return bad("heartbeat " + strconv.FormatInt(c.Heartbeat, 10) + "ms is negative")
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	return c, nil
}
