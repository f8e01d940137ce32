package harness

import (
	"errors"
	"fmt"
	"time"
)

// DefaultFreezeAfter is how long one run of JavaScript may take, in wall
// time, before the harness calls it a frozen game.
const DefaultFreezeAfter = 60 * time.Second

// ErrFrozen is what a run that never yielded ends with. In the game such
// a script freezes the page: the browser runs promise jobs until none is
// left, so two scripts answering each other's port writes at once, or a
// loop that awaits only settled promises, never let it draw or save.
// No game time passes in such a run, so only wall time can tell.
var ErrFrozen = errors.New("harness: the game froze: a run of scripts never awaited a timer")

// freezeGuard interrupts the JS realm when one guarded call runs past its
// limit. One timer serves every call: it is re-armed per call, so a long
// simulation pays a timer reset per clock event, not a goroutine.
type freezeGuard struct {
	limit time.Duration
	timer *time.Timer
	in    bool // a guarded call runs: one within it (a start hook's Kill) is part of it
}

func newFreezeGuard(limit time.Duration, interrupt func()) *freezeGuard {
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = DefaultFreezeAfter
	}
	t := time.AfterFunc(time.Hour, interrupt)
	t.Stop()
	return &freezeGuard{limit: limit, timer: t}
}

// guarded runs fn, which may run JS; past the limit, the game is frozen
// for good (g.frozen, and a fault). The interrupt may fire just as fn
// returns: the run still took longer than the limit, so it still counts.
func (g *Game) guarded(fn func()) {
	f := g.freeze
	if f != nil && f.in {
		fn()
		return
	}
	// Whatever ran for a process ends with the call: the harness's own
	// time is no script's.
	defer g.switchTo(nil)
	if f == nil {
		fn()
		return
	}
	f.timer.Reset(f.limit)
	f.in = true
	fn()
	f.in = false
	if !f.timer.Stop() && g.frozen == nil {
		g.realm.VM().ClearInterrupt()
		last := "no ns call"
		if g.lastCall.p != nil {
			last = fmt.Sprintf("its last ns call was %s by %s (pid %d) on %s", g.lastCall.fn, g.lastCall.p.Filename, g.lastCall.p.Pid, g.lastCall.p.Host)
		}
		g.frozen = fmt.Errorf("%w: one run took over %s of wall time at game time %s; %s", ErrFrozen, f.limit, stamp(g.Now()), last)
		g.fault(g.frozen)
	}
}
