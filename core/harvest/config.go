package harvest

import (
	"math"
	"strconv"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/internal/detail"
	"ramfarm/core/task"
)

// Config configures an Engine: one harvest task on one target.
type Config struct {
	// Model is the target, the player at the start, the BitNode, the
	// worker RAM and the landing timing; see Model for its defaults.
	hwgw.Model
	// Node is the BitNode the game runs (number and level): when Model
	// has no BitNode multipliers, they come from the table in
	// core/formulas. The zero value is BitNode 1. Giving both is a
	// contradiction.
	Node formulas.Node
	// Fraction is the hack fraction of the first batches (capped at
	// MaxFraction); 0 selects the smallest batch, one hack thread, which
	// spreads the least RAM over the most batches.
	Fraction float64
	// MaxFraction caps the fraction of max money one batch takes; 0
	// selects 0.9. Past it, grow costs rise steeply for little money.
	MaxFraction float64
	// Task is the selector's word at launch: priority, cap, fixed, and the
	// heartbeat period. The cap is the task's budget (see Engine.choose);
	// without one the engine runs Fraction's batches at full overlap.
	Task task.Config
	// SizeGain is how much more (as a fraction) a batch size must earn per
	// chunk for the engine to switch to it while its RAM cannot hold full
	// overlap; 0 selects 0.25. A switch asks the allocator anew and
	// changes the batches as they land; small gains are not worth it.
	SizeGain float64
	// Guard is how far, ms, a batch's operations start from any landing;
	// 0 selects Spacing/5 (at least 1). The game times an operation from
	// the security at its call, and a landing changes it; the guard also
	// covers the lag between a Tick and the worker's call. It must stay
	// below Spacing/2 so that windows to start in remain.
	Guard int64
	// SecurityTolerance is how far above min security the target may be
	// after batches landed before the engine rebalances; 0 selects 1e-6.
	// Batches that land as planned leave it exactly at min, and a little
	// extra security already lengthens every operation by milliseconds.
	SecurityTolerance float64
	// MoneyTolerance is the fraction below max money the target may be
	// after batches landed before the engine rebalances; 0 selects 0.01.
	MoneyTolerance float64
}

// validate fills in defaults and rejects contradictions; it returns a
// private copy.
func (c Config) validate() (Config, error) {
	if c.Model.BitNode == (formulas.BitNode{}) {
		bn, err := c.Node.Mults()
		if err != nil {
			return c, wrap(ErrBadConfig, detail.Of(err))
		}
		c.Model.BitNode, c.Node = bn, c.Node.Or1()
	} else if c.Node != (formulas.Node{}) {
		return c, wrap(ErrBadConfig, "both a BitNode ("+c.Node.String()+") and its multipliers are given")
	}
	m, err := c.Model.Normalize()
	if err != nil {
		return c, badConfig(err)
	}
	c.Model = m
	bad := func(s string) (Config, error) { return c, wrap(ErrBadConfig, s) }
	switch {
	case !finite(c.Fraction) || c.Fraction < 0 || c.Fraction > 1:
		return bad("fraction " + ftoa(c.Fraction) + " is outside [0, 1]")
	case !finite(c.MaxFraction) || c.MaxFraction < 0 || c.MaxFraction > 1:
		return bad("max fraction " + ftoa(c.MaxFraction) + " is outside [0, 1]")
	case !finite(c.SizeGain) || c.SizeGain < 0:
		return bad("size gain " + ftoa(c.SizeGain) + " is negative")
	case c.Guard < 0:
		return bad("guard " + itoa(c.Guard) + "ms is negative")
	case !finite(c.SecurityTolerance) || c.SecurityTolerance < 0 || !finite(c.MoneyTolerance) || c.MoneyTolerance < 0 || c.MoneyTolerance >= 1:
		return bad("tolerances must be finite and non-negative, money below 1")
	}
	t, err := c.Task.Validate()
	if err != nil {
		return bad(detail.Of(err))
	}
	c.Task = t
	if c.MaxFraction == 0 {
		c.MaxFraction = 0.9
	}
	c.Fraction = min(c.Fraction, c.MaxFraction)
	if c.SizeGain == 0 {
		c.SizeGain = 0.25
	}
	if c.Guard == 0 {
		c.Guard = max(1, c.Spacing/5)
	}
	if 2*c.Guard >= c.Spacing {
		return bad("guard " + itoa(c.Guard) + "ms leaves no window within spacing " + itoa(c.Spacing) + "ms")
	}
	if c.SecurityTolerance == 0 {
		c.SecurityTolerance = 1e-6
	}
	if c.MoneyTolerance == 0 {
		c.MoneyTolerance = 0.01
	}
	return c, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
