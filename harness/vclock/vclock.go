// Package vclock is the harness's virtual clock: a discrete-event loop that
// runs timers in game-time order without reading the wall clock or starting
// goroutines, so hours of game time pass in seconds and every run with the
// same inputs fires the same timers in the same order.
package vclock

import "container/heap"

// TimerID names one scheduled timer. IDs are never reused within a Loop.
type TimerID uint64

// Loop is a virtual clock and its queue of timers. It is not safe for
// concurrent use; the harness drives it from one goroutine.
type Loop struct {
	now       float64
	seq       uint64
	queue     timerQueue
	byID      map[TimerID]*timer
	afterEach func()
	firing    bool
}

type timer struct {
	at    float64
	seq   uint64 // scheduling order, breaks ties between equal times
	id    TimerID
	fn    func()
	index int // position in the heap, kept by timerQueue
}

// New returns a loop whose clock reads 0 ms and has no timers.
func New() *Loop {
	return &Loop{byID: make(map[TimerID]*timer)}
}

// Now returns the game time in milliseconds.
func (l *Loop) Now() float64 { return l.now }

// Pending returns the number of timers that have neither fired nor been
// cancelled.
func (l *Loop) Pending() int { return len(l.queue) }

// NextAt returns the time of the earliest pending timer, and false when
// there is none.
func (l *Loop) NextAt() (float64, bool) {
	if len(l.queue) == 0 {
		return 0, false
	}
	return l.queue[0].at, true
}

// SetAfterEach installs fn to run after every fired timer (nil removes it).
// The JS layer drains its promise job queue there, so a timer's
// continuations run before the clock moves on, as in a browser.
func (l *Loop) SetAfterEach(fn func()) { l.afterEach = fn }

// After schedules fn to run delayMs after Now. A negative or NaN delay is
// treated as 0, as setTimeout does. Timers due at the same time fire in the
// order they were scheduled. A +Inf delay is kept: such a timer fires only
// from Step, after every finite one, and sets Now to +Inf.
func (l *Loop) After(delayMs float64, fn func()) TimerID {
	if !(delayMs > 0) { // also catches NaN
		delayMs = 0
	}
	l.seq++
	t := &timer{at: l.now + delayMs, seq: l.seq, id: TimerID(l.seq), fn: fn}
	heap.Push(&l.queue, t)
	l.byID[t.id] = t
	return t.id
}

// Cancel removes a pending timer. It returns false if the timer already
// fired, was already cancelled or never existed.
func (l *Loop) Cancel(id TimerID) bool {
	t, ok := l.byID[id]
	if !ok {
		return false
	}
	heap.Remove(&l.queue, t.index)
	delete(l.byID, id)
	return true
}

// Step runs the earliest pending timer, advancing Now to its time, then the
// after-each hook. It returns false, changing nothing, when no timer is
// pending. Step and RunUntil must not be called from inside a timer or the
// hook: nested runs would fire timers out of order, so they panic.
func (l *Loop) Step() bool {
	if l.firing {
		panic("vclock: Step called from inside a timer")
	}
	if len(l.queue) == 0 {
		return false
	}
	t := heap.Pop(&l.queue).(*timer)
	delete(l.byID, t.id)
	l.now = t.at // never earlier than now: delays are clamped to >= 0
	l.firing = true
	defer func() { l.firing = false }()
	t.fn()
	if l.afterEach != nil {
		l.afterEach()
	}
	return true
}

// RunUntil fires every timer due at or before tMs, including timers those
// timers schedule within that window, then sets Now to tMs. A tMs before
// Now (or NaN) fires what is already due and leaves Now unchanged: the
// clock never runs backwards.
func (l *Loop) RunUntil(tMs float64) {
	if l.firing {
		panic("vclock: RunUntil called from inside a timer")
	}
	for len(l.queue) > 0 && l.queue[0].at <= tMs {
		l.Step()
	}
	if tMs > l.now {
		l.now = tMs
	}
}

// RunFor is RunUntil(Now + dMs); a negative or NaN dMs is treated as 0.
func (l *Loop) RunFor(dMs float64) {
	if !(dMs > 0) {
		dMs = 0
	}
	l.RunUntil(l.now + dMs)
}

// timerQueue is a min-heap ordered by (at, seq).
type timerQueue []*timer

func (q timerQueue) Len() int { return len(q) }

func (q timerQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}

func (q timerQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}

func (q *timerQueue) Push(x any) {
	t := x.(*timer)
	t.index = len(*q)
	*q = append(*q, t)
}

func (q *timerQueue) Pop() any {
	old := *q
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*q = old[:n-1]
	return t
}
