package prep

import (
	"math"
	"strconv"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/internal/detail"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// Kind is the task's phase of its target.
type Kind uint8

const (
	KindNone Kind = iota // not set; rejected
	KindTill             // weaken the target to min security
	KindSow              // grow the target to max money at min security
)

// Config configures an Engine: one till or sow task on one target.
//
// Chunk size: one chunk is one thread of the larger worker (1.75 GB by
// default). The desired chunk count is then the thread count itself, no
// RAM is lost to chunks that hold a fraction of a thread beyond the
// worker's own rounding, and any host with room for one thread can take
// part (early servers have 4 to 16 GB). The allocator counts chunks per
// host, so many small chunks cost it nothing more than a few large ones.
type Config struct {
	Kind Kind
	// Target is the server to prepare. A till reads only MinDifficulty; a
	// sow also MoneyMax and ServerGrowth.
	Target formulas.Server
	// Player's Mults drive grow threads; zero Mults select the defaults.
	// The hacking level does not change a thread count: it is raised to
	// the target's required level when lower, so a till can run before
	// the player could hack the target.
	Player formulas.Player
	// Node is the BitNode the game runs (number and level); its
	// multipliers come from the table in core/formulas. The zero value is
	// BitNode 1.
	Node formulas.Node
	// WeakenRAM and GrowRAM are the workers' RAM per thread; 0 selects
	// 1.75 GB.
	WeakenRAM, GrowRAM ram.Amount
	// Task is the selector's word at launch: priority, cap, fixed, and the
	// heartbeat period.
	Task task.Config
	// SecurityTolerance is how far above min security counts as min; 0
	// selects 1e-6.
	SecurityTolerance float64
	// MoneyTolerance is the fraction below max money that counts as max;
	// 0 means exactly max (grow threads are planned to reach it exactly).
	MoneyTolerance float64
}

// validate fills in defaults and rejects contradictions; it returns a
// private copy and the planner's model.
func (c Config) validate() (Config, hwgw.Model, error) {
	bad := func(s string) (Config, hwgw.Model, error) { return c, hwgw.Model{}, wrap(ErrBadConfig, s) }
	switch {
	case c.Kind != KindTill && c.Kind != KindSow:
		return bad("kind " + strconv.Itoa(int(c.Kind)) + " is neither till nor sow")
	case c.WeakenRAM < 0 || c.GrowRAM < 0 || c.WeakenRAM > ram.Max || c.GrowRAM > ram.Max:
		return bad("worker RAM is out of range")
	case !finite(c.SecurityTolerance) || c.SecurityTolerance < 0:
		return bad("security tolerance " + ftoa(c.SecurityTolerance) + " is invalid")
	case !finite(c.MoneyTolerance) || c.MoneyTolerance < 0 || c.MoneyTolerance >= 1:
		return bad("money tolerance " + ftoa(c.MoneyTolerance) + " is outside [0, 1)")
	}
	t, err := c.Task.Validate()
	if err != nil {
		return bad(detail.Of(err))
	}
	c.Task = t
	if c.WeakenRAM == 0 {
		c.WeakenRAM = hwgw.DefaultWeakenRAM
	}
	if c.GrowRAM == 0 {
		c.GrowRAM = hwgw.DefaultGrowRAM
	}
	if c.Player.Mults == (formulas.Mults{}) {
		c.Player.Mults = formulas.DefaultMults()
	}
	bn, err := c.Node.Mults()
	if err != nil {
		return bad(detail.Of(err))
	}
	c.Node = c.Node.Or1()
	if c.SecurityTolerance == 0 {
		c.SecurityTolerance = 1e-6
	}
	tg := c.Target
	if c.Kind == KindTill {
		// A till never reads money or growth; the shared planner insists
		// on a target it could grow.
		if tg.MoneyMax == 0 {
			tg.MoneyMax = 1
		}
		if tg.ServerGrowth == 0 {
			tg.ServerGrowth = 1
		}
	}
	p := c.Player
	if !finite(tg.RequiredHackingSkill) {
		return bad("target required skill " + ftoa(tg.RequiredHackingSkill) + " is invalid")
	}
	p.Hacking = math.Max(math.Max(p.Hacking, tg.RequiredHackingSkill), 1)
	m := hwgw.Model{Target: tg, Player: p, BitNode: bn, WeakenRAM: c.WeakenRAM, GrowRAM: c.GrowRAM}
	return c, m, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
