package task

import (
	"slices"
	"strings"
	"testing"

	"ramfarm/core/hwgw"
)

// Failed starts on a host past the first in a row hold new work off it
// for a delay that doubles with each failure, warn once, and give the
// host up; a worker that lands there ends the run. A worker that exits
// after its landed message is no failure, nor is one killed after a look
// found it running, nor one the task killed; only the last two lose
// their work.
func TestBase_failures(t *testing.T) {
	// outcome of one worker: started and landed, started and died before
	// a look found it running, refused by the game (pid 0), found running
	// and then killed by someone else, or killed by the task.
	type outcome int
	const (
		landed outcome = iota
		died
		refused
		killed
		ours
	)
	tests := []struct {
		name     string
		outcomes []outcome
		until    int64 // RetryAt after the last, relative to its time
		warns    int   // WARN lines about workers on alpha
		givenUp  bool
		lost     bool // the last Exited lost its work
	}{
		{"landing workers", []outcome{landed, landed, landed}, 0, 0, false, false},
		{"one death is retried at once", []outcome{died}, 0, 0, false, true},
		{"one refusal is retried at once", []outcome{refused}, 0, 0, false, false},
		{"a second waits", []outcome{died, died}, RetryFirst, 0, false, true},
		{"deaths double the delay", []outcome{died, died, died}, 2 * RetryFirst, 1, false, true},
		{"a warning at WarnAfter", []outcome{died, refused, died}, 2 * RetryFirst, 1, false, true},
		{"one warning", []outcome{died, died, died, died, died}, 8 * RetryFirst, 1, false, true},
		{"given up", []outcome{died, died, died, died, died, died}, 16 * RetryFirst, 1, true, true},
		{"the delay stops growing", []outcome{died, died, died, died, died, died, died, died, died, died}, RetryMost, 1, true, true},
		{"a landing ends the run", []outcome{died, died, died, died, died, died, landed}, 0, 1, false, false},
		{"a landing resets the count", []outcome{died, died, landed, died, died}, RetryFirst, 0, false, true},
		{"killed workers are no failures", []outcome{killed, killed, killed, killed, killed, killed}, 0, 0, false, true},
		{"a kill neither counts nor ends a run", []outcome{died, killed, died}, RetryFirst, 0, false, true},
		{"the task's kills are no loss", []outcome{ours, ours, ours, ours, ours, ours}, 0, 0, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBase(t, Config{})
			now := int64(1000)
			accept(t, b, Tick{Now: now, Money: 10, Security: 5})
			b.Ask(175, 4)
			accept(t, b, Held{Seq: 1, Answered: 1, Desired: 4, Chunks: []Chunk{{Host: "alpha", Size: 175, Count: 4}}})
			var logs []string
			pid := Pid(100)
			for _, o := range tc.outcomes {
				// The next start waits for the host, as an engine does, and
				// a host left with nothing of the task on it is forgotten.
				for b.Blocked("alpha") {
					now += 500
					accept(t, b, Tick{Now: now, Money: 10, Security: 5})
					b.ForgetLeft(func(string) bool { return false })
				}
				id := b.Start(rec{"alpha"}, Start{Action: hwgw.ActionWeaken, Host: "alpha", Threads: 4, RAM: 700})
				if o == refused {
					accept(t, b, Started{Cmd: id})
				} else {
					pid++
					accept(t, b, Started{Cmd: id, Pid: pid})
					switch o {
					case killed:
						// A look finds it running, a later one gone.
						now += 500
						accept(t, b, Tick{Now: now, Money: 10, Security: 5})
					case ours:
						now += 500
						accept(t, b, Tick{Now: now, Money: 10, Security: 5})
						b.Kill(pid)
					}
					if o == landed {
						if ev, _ := accept(t, b, Landed{Pid: pid}); ev != nil {
							t.Fatalf("Landed reaches the engine as %s", DescribeEvent(ev))
						}
					}
					accept(t, b, Exited{Pid: pid})
				}
				// The round ends; the next outcome is the next round's.
				accept(t, b, Tick{Now: now, Money: 10, Security: 5})
				logs = append(logs, b.Ready(0, false).Logs...)
				b.Advance()
			}
			if b.Lost() != tc.lost {
				t.Errorf("Lost() = %v after the last, want %v", b.Lost(), tc.lost)
			}
			if got := b.RetryAt("alpha"); (tc.until == 0 && got != 0) || (tc.until != 0 && got != now+tc.until) {
				t.Errorf("RetryAt = %d, want %d after the last at %d", got, now+tc.until, now)
			}
			warns := 0
			for _, l := range logs {
				if strings.HasPrefix(l, "WARN workers on alpha") {
					warns++
				}
			}
			if warns != tc.warns {
				t.Errorf("%d warnings, want %d: %q", warns, tc.warns, logs)
			}
			if got := slices.Contains(b.GivenUp(), "alpha"); got != tc.givenUp || got != b.Leaving("alpha") {
				t.Errorf("given up %v, leaving %v; want %v", got, b.Leaving("alpha"), tc.givenUp)
			}
			if b.Blocked("beta") {
				t.Error("another host is blocked")
			}
		})
	}
}

// The workers found dead in one round are one try of their host: four
// at once cost it one failure, and the next round's four a second.
func TestBase_failuresByRound(t *testing.T) {
	b := newBase(t, Config{})
	accept(t, b, Tick{Now: 1000, Money: 10, Security: 5})
	b.Ask(175, 16)
	accept(t, b, Held{Seq: 1, Answered: 1, Desired: 16, Chunks: []Chunk{{Host: "alpha", Size: 175, Count: 16}}})
	pid := Pid(100)
	for round, want := range []int64{0, RetryFirst} {
		var pids []Pid
		for range 4 {
			id := b.Start(rec{"alpha"}, Start{Action: hwgw.ActionWeaken, Host: "alpha", Threads: 1, RAM: 175})
			pid++
			accept(t, b, Started{Cmd: id, Pid: pid})
			pids = append(pids, pid)
		}
		for _, p := range pids {
			accept(t, b, Exited{Pid: p})
		}
		if got := b.RetryAt("alpha"); (want == 0 && got != 0) || (want != 0 && got != 1000+want) {
			t.Errorf("round %d: RetryAt = %d, want %d", round, got, 1000+want)
		}
		accept(t, b, Tick{Now: 1000, Money: 10, Security: 5})
	}
}
