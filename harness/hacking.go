package harness

import (
	"errors"
	"fmt"
	"ramfarm/gamedata"
	"strconv"

	"github.com/dop251/goja"

	"ramfarm/core/formulas"
	"ramfarm/harness/world"
)

// HackStats totals what hacking produced in a run.
type HackStats struct {
	Money  float64 // money the player received from hack()
	Hacks  int     // completed hack() calls
	Failed int     // of which the roll failed
	Grows  int
	Weaken int
}

// Stats returns the hacking totals so far.
func (g *Game) Stats() HackStats { return g.stats }

// TargetOf is s as the game's formulas read it.
func TargetOf(s *world.Server) formulas.Server {
	return formulas.Server{
		HackDifficulty:       s.HackDifficulty,
		MinDifficulty:        s.MinDifficulty,
		BaseDifficulty:       s.BaseDifficulty,
		RequiredHackingSkill: s.RequiredHackingSkill,
		MoneyAvailable:       s.MoneyAvailable,
		MoneyMax:             s.MoneyMax,
		ServerGrowth:         s.ServerGrowth,
		HasAdminRights:       s.HasRoot,
	}
}

// Hacker is the player as the game's formulas read it: level and
// multipliers now.
func (g *Game) Hacker() formulas.Player {
	pl := g.World.Player()
	m := pl.Mults()
	return formulas.Player{Hacking: pl.HackingLevel(), Mults: formulas.Mults{
		Hacking: m.Hacking, HackingChance: m.HackingChance, HackingSpeed: m.HackingSpeed,
		HackingMoney: m.HackingMoney, HackingGrow: m.HackingGrow, HackingExp: m.HackingExp,
	}}
}

func settle(s *world.Server, after formulas.Server) {
	s.MoneyAvailable = after.MoneyAvailable
	s.HackDifficulty = after.HackDifficulty
}

// hacking adds hack, grow and weaken, and the time getters. The duration
// is fixed at the call from the state then; the effect is computed at
// completion from the state then (FACTS §3).
func (b *nsBuilder) hacking() {
	g, p, vm := b.g, b.p, b.vm
	bn := p.bn
	type op struct {
		name string
		time func(formulas.Server, formulas.Player, formulas.BitNode) float64
	}
	// threadsOpt reads opts.threads (default: the script's threads) and
	// opts.additionalMsec.
	threadsOpt := func(fn string, v goja.Value) (float64, float64) {
		threads, extra := float64(p.Threads), 0.0
		if o, ok := v.(*goja.Object); ok {
			if t := o.Get("threads"); t != nil && !goja.IsUndefined(t) {
				threads = t.ToFloat()
				if !(threads > 0) || threads > float64(p.Threads) {
					b.throw(fn, errors.New("Invalid thread count passed to "+fn+": "+t.String()+". Threads must be between 1 and "+strconv.FormatInt(p.Threads, 10)))
				}
			}
			if a := o.Get("additionalMsec"); a != nil && !goja.IsUndefined(a) {
				extra = a.ToFloat()
				if !(extra >= 0 && extra <= 1e9) {
					b.throw(fn, errors.New("additionalMsec must be between 0 and 1e9, was "+a.String()))
				}
			}
		}
		return threads, extra
	}
	start := func(fn string, c goja.FunctionCall, timeOf func(formulas.Server, formulas.Player, formulas.BitNode) float64,
		land func(s *world.Server, threads float64) float64) goja.Value {
		host := c.Argument(0).String()
		s := b.server(fn, host)
		threads, extra := threadsOpt(fn, c.Argument(1))
		if (s.IsHome || s.Purchased) && g.rule(gamedata.OwnServerHGW) {
			b.throw(fn, errors.New("Cannot "+fn+" "+host+" because it is your server"))
		}
		if !s.HasRoot {
			b.throw(fn, errors.New("Cannot "+fn+" this server ("+host+") because user does not have root access"))
		}
		if fn == "hack" && g.World.Player().HackingLevel() < s.RequiredHackingSkill {
			b.throw(fn, errors.New("Cannot hack this server ("+host+") because user's hacking skill is not high enough"))
		}
		delay := formulas.DelayMs(timeOf(TargetOf(s), g.Hacker(), bn), extra)
		promise, resolve, _ := vm.NewPromise()
		p.after(delay, func() {
			target := g.World.Server(host)
			if target == nil {
				resolve(0)
				return
			}
			resolve(land(target, threads))
		})
		return vm.ToValue(promise)
	}
	b.fn("hack", func(c goja.FunctionCall) goja.Value {
		return start("hack", c, formulas.HackTime, func(s *world.Server, threads float64) float64 {
			r := formulas.HackOutcome(TargetOf(s), g.Hacker(), threads, g.rng.Float64(), bn)
			settle(s, r.Server)
			pl := g.World.Player()
			pl.GainMoney(r.Gained)
			pl.GainHackingExp(r.Exp)
			g.stats.Hacks++
			if !r.Success {
				g.stats.Failed++
			}
			g.stats.Money += r.Gained
			g.event(fmt.Sprintf("hack %s by pid %d, %g threads: success %v, +$%g, +%g exp", s.Hostname, p.Pid, threads, r.Success, r.Gained, r.Exp))
			return r.Gained
		})
	})
	b.fn("grow", func(c goja.FunctionCall) goja.Value {
		return start("grow", c, formulas.GrowTime, func(s *world.Server, threads float64) float64 {
			cores := 1.0
			if h := g.World.Server(p.Host); h != nil {
				cores = float64(h.Cores)
			}
			r := formulas.GrowOutcome(TargetOf(s), threads, g.Hacker(), cores, bn)
			settle(s, r.Server)
			g.World.Player().GainHackingExp(r.Exp)
			g.stats.Grows++
			g.event(fmt.Sprintf("grow %s by pid %d, %g threads: ×%g, money %g, security %g", s.Hostname, p.Pid, threads, r.Returned, s.MoneyAvailable, s.HackDifficulty))
			return r.Returned
		})
	})
	b.fn("weaken", func(c goja.FunctionCall) goja.Value {
		return start("weaken", c, formulas.WeakenTime, func(s *world.Server, threads float64) float64 {
			h := g.World.Server(p.Host)
			if h == nil {
				return 0
			}
			before := s.HackDifficulty
			r := formulas.WeakenOutcome(TargetOf(s), threads, g.Hacker(), float64(h.Cores), bn)
			settle(s, r.Server)
			if g.rule(gamedata.WeakenActual) {
				r.Amount = before - s.HackDifficulty
			}
			g.World.Player().GainHackingExp(r.Exp)
			g.stats.Weaken++
			g.event(fmt.Sprintf("weaken %s by pid %d, %g threads: -%g, security %g", s.Hostname, p.Pid, threads, r.Amount, s.HackDifficulty))
			return r.Amount
		})
	})
	for _, t := range []op{{"getHackTime", formulas.HackTime}, {"getGrowTime", formulas.GrowTime}, {"getWeakenTime", formulas.WeakenTime}} {
		b.fn(t.name, func(c goja.FunctionCall) goja.Value {
			s := b.server(t.name, c.Argument(0).String())
			return vm.ToValue(formulas.Millis(t.time(TargetOf(s), g.Hacker(), bn)))
		})
	}
}
