package prep

import (
	"strconv"

	"ramfarm/core/task"
)

// Mode is what the engine is doing.
type Mode uint8

const (
	ModeIdle     Mode = iota // nothing asked yet; the first Tick decides
	ModeAsking               // the Alloc awaits its answer
	ModeWorking              // starting work in every free chunk
	ModeStopping             // asked to stop: no new work; chunks go back as work lands
	ModeDone                 // finished
)

// stepFunc is one mode's rules. Step has checked the event and applied
// what every mode shares (observations, snapshots, worker results and the
// selector's settings) before it calls the mode's stepFunc.
type stepFunc func(e *Engine, ev task.Event)

// canBecome reports whether mode from may become to. Anything else is a
// bug in the engine, and become panics.
func canBecome(from, to Mode) bool {
	switch from {
	case ModeIdle:
		return to == ModeAsking || to == ModeDone
	case ModeAsking:
		return to == ModeWorking || to == ModeStopping || to == ModeDone
	case ModeWorking:
		return to == ModeStopping || to == ModeDone
	case ModeStopping:
		return to == ModeDone
	}
	return false
}

func (e *Engine) become(to Mode, step stepFunc) {
	e.Logf(task.Move("prep", e.mode, to, canBecome(e.mode, to)))
	e.mode, e.step = to, step
}

// becomeAsking asks for an allocation sized to all the work (within the
// cap): growable, or for a fixed task shrinkable and asked once.
func (e *Engine) becomeAsking(count int) {
	e.become(ModeAsking, stepAsking)
	e.Ask(e.size, count)
}

func (e *Engine) becomeWorking() { e.become(ModeWorking, stepWorking) }

// becomeStopping stops the allocation's growth; chunks go back as the
// work in them lands.
func (e *Engine) becomeStopping() {
	e.become(ModeStopping, stepStopping)
	e.want = 0
}

// becomeDone kills work that is no longer needed, gives everything back
// and reports. Work still running when the target is ready can only
// overshoot what the game caps anyway (security at min, money at max);
// work still running after a stop would squat on RAM given back.
func (e *Engine) becomeDone(r task.Reason) {
	e.become(ModeDone, stepDone)
	e.hosts, e.want = nil, 0
	e.Finish(r, true)
}

// doneIfReady finishes the task, done, if the target is ready.
func (e *Engine) doneIfReady() bool {
	if !e.ready() {
		return false
	}
	e.Logf("target is ready")
	e.becomeDone(task.ReasonReady)
	return true
}

// stepIdle waits for the first observation: a target already ready
// finishes at once; otherwise it asks for RAM for all the work.
func stepIdle(e *Engine, ev task.Event) {
	switch ev.(type) {
	case task.Tick:
		if e.doneIfReady() {
			return
		}
		e.plan()
		if e.want == 0 {
			e.Logf("cap " + e.Cap().String() + " holds no thread")
			e.becomeDone(task.ReasonNoRoom)
			return
		}
		e.becomeAsking(e.want)
	case task.Stop:
		e.becomeDone(task.ReasonStopped)
	}
}

// stepAsking waits for the allocation; work starts at the next Tick.
func stepAsking(e *Engine, ev task.Event) {
	switch ev := ev.(type) {
	case task.Held:
		e.becomeWorking()
	case task.Refused:
		e.Logf("allocation refused: " + ev.Reason)
		e.becomeDone(task.ReasonRefused)
	case task.Stop:
		e.becomeStopping()
	}
}

// stepWorking starts work in every free chunk on each observation, until
// the target is ready; a round (task.Config.Round) starts one wave and
// stops, so the RAM each chunk frees goes back to the pool for the next
// plan.
func stepWorking(e *Engine, ev task.Event) {
	switch ev.(type) {
	case task.Tick:
		if e.doneIfReady() {
			return
		}
		e.work()
		if e.Round() && e.Busy() > 0 {
			e.Logf("round started: " + strconv.Itoa(e.Busy()) + " workers")
			e.becomeStopping()
		}
	case task.Stop:
		e.becomeStopping()
	}
}

// stepStopping starts nothing and gives chunks back as work lands. It
// still finishes as done if the target becomes ready meanwhile.
func stepStopping(e *Engine, ev task.Event) {
	switch ev.(type) {
	case task.Tick:
		switch {
		case e.doneIfReady():
		case !e.Holding():
			// The allocation's answer is still to come.
		case e.Busy() == 0:
			e.becomeDone(task.ReasonStopped)
		default:
			e.resize(0)
			e.releaseIdle(0)
		}
	case task.Refused:
		e.becomeDone(task.ReasonStopped)
	}
}

// stepDone ignores everything (Step returns before it is called).
func stepDone(*Engine, task.Event) {}
