package harvest

import "ramfarm/core/task"

// Mode is what the engine is doing.
type Mode uint8

const (
	ModeFilling     Mode = iota // adding batches of the shape, up to its count
	ModeRebalancing             // no new batches; correcting the target once they land
	ModeDraining                // stopping; in-flight batches land
	ModeDone                    // finished
)

// Reason says why the engine rebalances.
type Reason uint8

const (
	ReasonNone  Reason = iota
	ReasonDrift        // the target was off min security or max money
	ReasonLost         // a part of a batch was lost after its hack landed (see lost.go)
)

// stepFunc is one mode's rules. Step has checked the event and applied
// what every mode shares (time, observations, snapshots, worker results)
// before it calls the mode's stepFunc.
type stepFunc func(e *Engine, ev task.Event)

// canBecome reports whether mode from may become to. Anything else is a
// bug in the engine, and become panics. Filling and rebalancing move
// between themselves and to draining; draining ends the task, and so
// does a refused allocation, in whatever mode the answer finds it.
func canBecome(from, to Mode) bool {
	switch {
	case from == ModeDraining:
		return to == ModeDone
	case from < ModeDraining:
		return to != from && to <= ModeDone
	}
	return false
}

func (e *Engine) become(to Mode, step stepFunc) {
	e.Logf(task.Move("harvest", e.mode, to, canBecome(e.mode, to)))
	e.mode, e.step = to, step
	e.changed = true
}

// becomeFilling resumes adding batches of the current shape.
func (e *Engine) becomeFilling() { e.become(ModeFilling, stepFilling) }

// becomeRebalancing stops new batches until the ones in flight land.
func (e *Engine) becomeRebalancing(r Reason) {
	e.become(ModeRebalancing, stepRebalancing)
	e.reason = r
}

// becomeDraining stops new batches and the allocation's growth; every
// chunk goes back once its batch lands.
func (e *Engine) becomeDraining() {
	e.become(ModeDraining, stepDraining)
	e.Ask(e.size, 0)
}

// becomeDone gives the allocation back and finishes. It kills nothing:
// the batches have landed, or, refused, none started.
func (e *Engine) becomeDone(r task.Reason) {
	e.become(ModeDone, stepDone)
	e.hosts = nil
	e.Finish(r, false)
}

// refused ends a task whose allocation was refused (a fixed one: no room
// for what it asked), in whatever mode the answer finds it.
func (e *Engine) refused(ev task.Refused) {
	e.Logf("allocation refused: " + ev.Reason)
	e.becomeDone(task.ReasonRefused)
}

// stepFilling adds batches of the shape, up to its count: a drift or a
// part lost after its batch's hack landed (lost.go) rebalances, a stop
// drains the task, and so does the end of a round.
func stepFilling(e *Engine, ev task.Event) {
	switch ev := ev.(type) {
	case task.Tick:
		if e.drifted() {
			e.becomeRebalancing(ReasonDrift)
			e.step(e, ev)
			return
		}
		if !e.roundOver() {
			e.startBatches()
		}
		if e.roundOver() {
			e.Logf("round over: " + itoa(int64(len(e.flight))) + " batches in flight")
			e.becomeDraining()
		}
	case task.Stop:
		e.becomeDraining()
	}
}

// roundOver reports whether a round task (task.Config.Round) is done
// starting batches: its grant holds no batch, the shape's count is in
// flight, or a batch landed. The last rule is a re-planning batcher's:
// a round is the batches planned together, and a chunk a landing frees
// goes back to the pool for the next plan, not to this round's target.
func (e *Engine) roundOver() bool {
	return e.Round() && e.Holding() && (e.landed > 0 || e.shape.count == 0 || e.inFlight() >= e.shape.count)
}

// stepRebalancing waits for the batches in flight to land, then corrects
// the target in its own chunks (see startCorrection) until an observation
// shows min security and max money, and resumes.
func stepRebalancing(e *Engine, ev task.Event) {
	switch ev.(type) {
	case task.Tick:
		if len(e.flight) > 0 {
			return
		}
		if !e.off() {
			e.becomeFilling()
			e.step(e, ev)
			return
		}
		e.startCorrection()
	case task.Stop:
		e.becomeDraining()
	}
}

// stepDraining waits for the batches in flight; their chunks go back as
// they land (releaseSurplus), and the allocation ends with the last.
func stepDraining(e *Engine, ev task.Event) {
	if _, ok := ev.(task.Tick); ok && len(e.flight) == 0 {
		e.becomeDone(task.ReasonStopped)
	}
}

// stepDone ignores everything (Step returns before it is called).
func stepDone(*Engine, task.Event) {}
