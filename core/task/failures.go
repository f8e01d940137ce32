package task

import (
	"slices"
	"strconv"

	"ramfarm/core/internal/stable"
)

// Start failures. A worker that could not start (the game refused the
// exec) or that exited without its landed message before the task's
// first look after its start found it running (it died at start: a
// missing file, a deleted host, an ns call the player's game release
// lacks) is a failed start on its host. Without a pause, a task whose
// workers all die re-execs them as fast as it hears of their deaths; in
// the game, where a death is heard within the same frame, that is a frozen
// page. So the first failure in a row is retried at once (a worker killed
// by the player in its first moment is replaced within a tick, as any
// other), and after the second a host takes no new start for a delay that
// doubles with each failure in a row there, from RetryFirst up to
// RetryMost; the log says WARN once, at WarnAfter failures in a row; and
// after GiveUpAfter the task leaves the host (its idle chunks go back)
// and its heartbeat names it, so the selector keeps work off it for a
// while.
//
// Failures are counted by round (the shell's, one Tick each): the
// workers found dead together, or refused together, are one try of the
// host. A player who kills a host's young workers at once costs it one
// failure, not one per worker, and a host where everything dies is given
// up after GiveUpAfter rounds of tries, whatever their size.
//
// A worker found running at a look after its start and gone without its
// landed message later was killed (by the player, a script, a host being
// emptied): that says nothing of the host, so it is no failure and ends
// no run; the engine replaces its work at once. The shell looks at every
// running worker on every round (see Event), so "found running at a
// later look" is a Tick later than the start's.
const (
	RetryFirst  = 2000   // ms
	RetryMost   = 120000 // ms
	WarnAfter   = 3
	GiveUpAfter = 6
)

// hostFailures is a host's run of failed starts.
type hostFailures struct {
	row    int   // rounds with failed starts in a row
	round  int64 // the round of the last (Base.ticks)
	until  int64 // no start before this, game time
	warned bool
}

// workerLife is what Base knows of a running worker for the rule.
type workerLife struct {
	host   string
	landed bool
	hack   bool  // a hack worker: its Landed result is money taken
	at     int64 // the game time of the Tick that started it
	killed bool  // the task killed it (Base.Kill)
}

// exited applies the failure rule to a worker that exited, and records
// whether its work was lost. b.now is still the last Tick's: a worker
// started before it was found running then.
func (b *Base[W]) exited(l *workerLife) {
	switch {
	case l.landed:
		b.succeeded(l.host)
	case l.killed:
	case b.now > l.at:
		b.lost = true
	default:
		b.lost = true
		b.failed(l.host, "ended before their operation landed")
	}
}

// Blocked reports whether host takes no new start now: the task is
// leaving it, or it is waiting out a failed start there.
func (b *Base[W]) Blocked(host string) bool {
	if b.leaving[host] {
		return true
	}
	f := b.failures[host]
	return f != nil && b.now < f.until
}

// RetryAt is when host takes starts again after failed ones, or 0.
func (b *Base[W]) RetryAt(host string) int64 {
	if f := b.failures[host]; f != nil && b.now < f.until {
		return f.until
	}
	return 0
}

// GivenUp lists the hosts the task left after GiveUpAfter rounds of
// failed starts in a row, sorted.
func (b *Base[W]) GivenUp() []string { return b.givenUp }

// failed counts a failed start on host: why says what happened.
func (b *Base[W]) failed(host, why string) {
	f := b.failures[host]
	if f == nil {
		f = &hostFailures{}
		b.failures[host] = f
	}
	if f.row > 0 && f.round == b.ticks {
		return // this round's try of host is counted
	}
	f.round = b.ticks
	f.row++
	delay := int64(0)
	if f.row > 1 {
		delay = min(RetryMost, int64(RetryFirst)<<min(f.row-2, 16))
	}
	f.until = b.now + delay
	switch {
	case f.row >= GiveUpAfter:
		// Once nothing of the task is left there, ForgetLeft lets the
		// host be tried again, after the longest delays only.
		b.leaving[host] = true
		if i, found := slices.BinarySearch(b.givenUp, host); !found {
			b.givenUp = stable.Insert(b.givenUp, i, host)
			b.Logf("WARN giving up " + host + ": its workers " + why + " in " + strconv.Itoa(f.row) + " tries in a row; it is tried again every " +
				strconv.Itoa(RetryMost/1000) + " s at most")
		}
	case f.row >= WarnAfter && !f.warned:
		f.warned = true
		b.Logf("WARN workers on " + host + " " + why + " (" + strconv.Itoa(f.row) + " tries in a row; the terminal or the worker's log has the game's reason): retrying in " +
			strconv.FormatInt(delay/1000, 10) + " s, and less often after each failure")
	}
}

// succeeded ends host's run of failures: a worker there did its work.
func (b *Base[W]) succeeded(host string) {
	delete(b.failures, host)
	if i, found := slices.BinarySearch(b.givenUp, host); found {
		b.givenUp = slices.Delete(b.givenUp, i, i+1)
	}
}
