package selector

import (
	"math"
	"strconv"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/internal/detail"
	"ramfarm/core/ram"
)

// Policy is how the selector spends RAM. The simulation runs them all to
// show what growing running tasks is worth.
type Policy uint8

const (
	// PolicyDefault is PolicyGrow.
	PolicyDefault Policy = iota
	// PolicyGrow grows running tasks before it starts new ones: harvest
	// before sow before till, the most valuable per GB first. Only RAM
	// left after that growth starts tasks, and a much better waiting
	// target makes the least valuable task shrink or stop.
	PolicyGrow
	// PolicyGreedy is the old behaviour: free RAM starts the next task,
	// sized to the free RAM at launch, and allocations never grow.
	PolicyGreedy
	// PolicyRestart is greedy, but a jump in usable RAM kills every task
	// and plans again from scratch, as a player would by hand.
	PolicyRestart
	// PolicyReplan is the re-planning batcher the strong public scripts
	// are: nothing grows, and every decision (each Tick) plans from
	// scratch with the free RAM on every host and every target. A target
	// with no work gets one round sized to what is free now (see
	// decideReplan): its running work grows only as later rounds are
	// planned larger. ReplanCaps limits the targets worked as
	// daemon.js's does.
	PolicyReplan
)

// Config configures an Engine. Durations are game milliseconds. The zero
// value is valid: every zero field takes the default its comment names.
type Config struct {
	Policy Policy
	// HeartbeatTimeout is how long a launched task may take to report its
	// first heartbeat, and how long a running one may stay silent, before
	// it is killed and its target requeued. Default 10000.
	HeartbeatTimeout int64
	// Grace is how long after the engine first learns the time it
	// launches nothing: tasks started by an earlier selector are still
	// running and must re-announce first, or they would be duplicated.
	// Default HeartbeatTimeout (every live task reports within it).
	Grace int64
	// Resend is how long the engine waits for a heartbeat to show that a
	// task obeyed a command before it sends the command again. Default 2000.
	Resend int64
	// BackoffBase is the wait after a target's first failed launch; each
	// further failure doubles it, up to BackoffCap. Defaults 500 and 10000.
	BackoffBase int64
	BackoffCap  int64
	// MaxStarting bounds the tasks launched but not yet heard from. It
	// paces launches; it is at least 2, so one silent task cannot stall
	// every launch. Default 4.
	MaxStarting int
	// MinTaskRAM is the least RAM a new task must be able to get for the
	// launch to be worth it, on top of the task's own smallest useful
	// size (one weaken thread, one grow and weaken, one batch). Default 0.
	MinTaskRAM ram.Amount
	// ShrinkRatio is how many times more a waiting target must be worth
	// per GB than a running task before PolicyGrow shrinks or stops that
	// task to make room. At least 1; default 1.5.
	ShrinkRatio float64
	// Horizon is the time over which a target's worth is averaged, ms:
	// preparing a better target pays only if it ends early enough within
	// it to earn back the time it earns nothing (see Worth). Default
	// 3600000 (an hour).
	Horizon int64
	// Settle is how long a task runs before it may be stopped or shrunk
	// to make room, ms: a task is not started only to give way a minute
	// later. Default 120000.
	Settle int64
	// RestartJump is the relative rise of usable RAM between two
	// observations that makes PolicyRestart start over. Default 0.25.
	RestartJump float64
	// HackRAM, GrowRAM and WeakenRAM are the workers' RAM per thread.
	// Defaults 1.7, 1.75 and 1.75 GB (w/hack.js, w/grow.js, w/weaken.js).
	HackRAM, GrowRAM, WeakenRAM ram.Amount
	// BatchGap is the time between two harvest batches landing: the
	// weaken time divided by it is how many batches can overlap.
	// Default 200, core/harvest's default period.
	BatchGap int64
	// TaskRAM is the RAM of each task kind's script (till.js, sow.js,
	// harvest.js), indexed by Kind: a task runs in a seat of that size the
	// memory daemon grants, anywhere, so a launch needs that much free on
	// one host besides the RAM of its work. All zero: seats are not
	// counted.
	TaskRAM [KindHarvest + 1]ram.Amount
	// MaxHackFraction is the largest share of a target's money one batch
	// takes; it bounds how far harvest grows its batch size, and so a
	// harvest's cap. In (0, 1]; default 0.9, as core/harvest's.
	MaxHackFraction float64
	// ReplanCaps gives PolicyReplan daemon.js's target caps: a number of
	// targets harvested that follows the use of RAM, and at most 3 more
	// prepared (see decideReplan). Off, every target with no work gets a
	// round while RAM lasts, which earned more in the simulation.
	ReplanCaps bool
	// Node is the BitNode the game runs (number and level): its
	// multipliers, from the table in core/formulas, go into every
	// estimate, and each task is launched with it. The zero value is
	// BitNode 1.
	Node formulas.Node
}

// validate rejects contradictions and fills in the defaults.
func (c Config) validate() (Config, error) {
	bad := func(detail string) (Config, error) { return c, wrap(ErrBadConfig, detail) }
	if c.Policy > PolicyReplan {
		return bad("policy " + strconv.Itoa(int(c.Policy)) + " is unknown")
	}
	if c.Policy == PolicyDefault {
		c.Policy = PolicyGrow
	}
	for _, d := range []struct {
		name string
		v    *int64
		def  int64
	}{
		{"heartbeat timeout", &c.HeartbeatTimeout, 10000},
		{"grace", &c.Grace, 0}, // HeartbeatTimeout, below
		{"resend", &c.Resend, 2000},
		{"backoff base", &c.BackoffBase, 500},
		{"backoff cap", &c.BackoffCap, 10000},
		{"batch gap", &c.BatchGap, 200},
		{"horizon", &c.Horizon, 3600000},
		{"settle", &c.Settle, 120000},
	} {
		if *d.v < 0 {
			return bad(d.name + " " + itoa(*d.v) + "ms is negative")
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if c.Grace == 0 {
		c.Grace = c.HeartbeatTimeout
	}
	if c.BackoffCap < c.BackoffBase {
		return bad("backoff cap " + itoa(c.BackoffCap) + "ms is below its base " + itoa(c.BackoffBase) + "ms")
	}
	switch {
	case c.MaxStarting < 0:
		return bad("max starting " + strconv.Itoa(c.MaxStarting) + " is negative")
	case c.MaxStarting == 0:
		c.MaxStarting = 4
	case c.MaxStarting == 1:
		return bad("max starting 1 would let one silent task stall every launch")
	}
	if c.MinTaskRAM < 0 || c.MinTaskRAM > ram.Max {
		return bad("min task RAM " + c.MinTaskRAM.String() + " is out of range")
	}
	for _, r := range []struct {
		name string
		v    *ram.Amount
		def  ram.Amount
	}{
		{"hack RAM", &c.HackRAM, hwgw.DefaultHackRAM},
		{"grow RAM", &c.GrowRAM, hwgw.DefaultGrowRAM},
		{"weaken RAM", &c.WeakenRAM, hwgw.DefaultWeakenRAM},
	} {
		if *r.v < 0 || *r.v > ram.Max {
			return bad(r.name + " " + r.v.String() + " is out of range")
		}
		if *r.v == 0 {
			*r.v = r.def
		}
	}
	for k, a := range c.TaskRAM {
		if a < 0 || a > ram.Max || (Kind(k) == KindNone && a != 0) {
			return bad("task RAM " + a.String() + " for " + Kind(k).String() + " is out of range")
		}
	}
	switch {
	case math.IsNaN(c.ShrinkRatio) || math.IsInf(c.ShrinkRatio, 0) || c.ShrinkRatio < 0 || (c.ShrinkRatio > 0 && c.ShrinkRatio < 1):
		return bad("shrink ratio " + ftoa(c.ShrinkRatio) + " is not at least 1")
	case c.ShrinkRatio == 0:
		c.ShrinkRatio = 1.5
	}
	switch {
	case math.IsNaN(c.RestartJump) || math.IsInf(c.RestartJump, 0) || c.RestartJump < 0:
		return bad("restart jump " + ftoa(c.RestartJump) + " is not a positive fraction")
	case c.RestartJump == 0:
		c.RestartJump = 0.25
	}
	switch {
	case math.IsNaN(c.MaxHackFraction) || c.MaxHackFraction < 0 || c.MaxHackFraction > 1:
		return bad("max hack fraction " + ftoa(c.MaxHackFraction) + " is outside (0, 1]")
	case c.MaxHackFraction == 0:
		c.MaxHackFraction = 0.9
	}
	if _, err := c.Node.Mults(); err != nil {
		return bad(detail.Of(err))
	}
	c.Node = c.Node.Or1()
	return c, nil
}

// model is the part of the config the yield estimate uses.
func (c Config) model() Model {
	return Model{HackRAM: c.HackRAM, GrowRAM: c.GrowRAM, WeakenRAM: c.WeakenRAM, BatchGap: c.BatchGap,
		MaxFraction: c.MaxHackFraction, BitNode: c.bitNode()}
}

// bitNode is the validated Node's multipliers.
func (c Config) bitNode() formulas.BitNode {
	bn, err := c.Node.Mults()
	if err != nil {
		panic("selector: bitNode of an unvalidated config: " + err.Error())
	}
	return bn
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', 4, 64) }
func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
