package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// ttyEvery is how often the progress line is redrawn on a terminal.
	ttyEvery = 500 * time.Millisecond
	// logEvery is how often a progress line is printed when the output is
	// not a terminal (a CI log, a file): three lines a minute keep a log
	// readable.
	logEvery = 20 * time.Second
)

// progress shows how far each run of a simulation is, in game time, and
// how fast it goes, while the runs go on. On a terminal it redraws one
// line; elsewhere it prints a line every logEvery. The runs report to it
// from their goroutines (reached); it prints from its own.
type progress struct {
	w       io.Writer
	tty     bool
	names   []string
	endMs   float64
	at      []atomic.Uint64 // game ms reached, as float64 bits
	started time.Time
	stop    chan struct{}
	done    sync.WaitGroup
}

// startProgress starts showing the progress of runs named names, each of
// endMs game ms, on w, every period (a terminal's line is redrawn in
// place). Stop ends it.
func startProgress(w io.Writer, tty bool, period time.Duration, names []string, endMs float64) *progress {
	p := &progress{w: w, tty: tty, names: names, endMs: endMs, at: make([]atomic.Uint64, len(names)),
		started: time.Now(), stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.print()
			case <-p.stop:
				return
			}
		}
	}()
	return p
}

// reached records that run i got to game time ms; it is safe to call from
// any goroutine.
func (p *progress) reached(i int, ms float64) { p.at[i].Store(math.Float64bits(ms)) }

// Stop stops the updates and prints where every run ended, so the last
// line of a log is the whole story.
func (p *progress) Stop() {
	close(p.stop)
	p.done.Wait()
	p.print()
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

func (p *progress) print() {
	ms := make([]float64, len(p.names))
	for i := range p.at {
		ms[i] = math.Float64frombits(p.at[i].Load())
	}
	line := progressLine(p.names, ms, p.endMs, time.Since(p.started).Seconds())
	if p.tty {
		fmt.Fprint(p.w, "\r\x1b[K"+line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// progressLine says, for each run, the game time it reached and how many
// times faster than the game's own clock it ran, after wall s of wall
// time: "sim 0:42:10 of 2:10:00: grow 0:42:10 210×, greedy 0:40:00 200×".
// The time in front is the slowest run's.
func progressLine(names []string, reachedMs []float64, endMs, wall float64) string {
	slowest := endMs
	parts := make([]string, len(names))
	for i, n := range names {
		slowest = math.Min(slowest, reachedMs[i])
		speed := "-"
		if wall > 0 && reachedMs[i] > 0 {
			speed = fmt.Sprintf("%.0f×", reachedMs[i]/1000/wall)
		}
		parts[i] = fmt.Sprintf("%s %s %s", orDash(n), hms(reachedMs[i]), speed)
	}
	return fmt.Sprintf("sim %s of %s: %s", hms(slowest), hms(endMs), strings.Join(parts, ", "))
}

// hms is game time, ms, as h:mm:ss.
func hms(ms float64) string {
	s := int64(ms / 1000)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// isTerminal reports whether w is a terminal, where a line can be redrawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
