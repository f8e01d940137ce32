package harvest

// stepFunc is one mode's rules. Step has checked the event and applied
// what every mode shares (time, observations, snapshots, worker results)
// before it calls the mode's stepFunc.
type stepFunc func(e *Engine, ev Event)

// canBecome reports whether mode from may become to. Anything else is a
// bug in the engine, and become panics.
func canBecome(from, to Mode) bool {
	switch from {
	case ModeFilling:
		return to == ModeReshaping || to == ModeRebalancing || to == ModeDraining
	case ModeReshaping:
		return to == ModeFilling || to == ModeRebalancing || to == ModeDraining
	case ModeRebalancing:
		return to == ModeFilling || to == ModeReshaping || to == ModeDraining
	case ModeDraining:
		return to == ModeDone
	}
	return false
}

func (e *Engine) become(to Mode, step stepFunc) {
	if !canBecome(e.mode, to) {
		panic("harvest: impossible transition " + e.mode.String() + " -> " + to.String())
	}
	e.logf("mode " + e.mode.String() + " -> " + to.String())
	e.mode, e.step = to, step
	e.beatDue = true
}

// becomeFilling resumes adding batches of the current shape.
func (e *Engine) becomeFilling() { e.become(ModeFilling, stepFilling) }

// becomeReshaping starts (or resumes) moving to the current shape's chunk
// size: chunks of other sizes go back as their batches land.
func (e *Engine) becomeReshaping() { e.become(ModeReshaping, stepReshaping) }

// becomeRebalancing stops new batches until the ones in flight land.
func (e *Engine) becomeRebalancing(r Reason) {
	e.become(ModeRebalancing, stepRebalancing)
	e.reason = r
}

// becomeDraining stops new batches and the allocation's growth; every
// chunk goes back once its batch lands.
func (e *Engine) becomeDraining() {
	e.become(ModeDraining, stepDraining)
	s := e.shape
	s.count = 0
	e.applyShape(s)
}

// becomeDone gives the allocation back and reports Done.
func (e *Engine) becomeDone() {
	e.become(ModeDone, stepDone)
	e.chunks = nil
	e.emit(Release{ID: e.id()})
	e.emit(Done{ID: e.id(), Reason: ReasonShutdown})
}

// stepFilling adds batches into idle chunk sets, up to the depth; at full
// overlap with RAM to spare it reshapes to larger batches.
func stepFilling(e *Engine, ev Event) {
	switch ev := ev.(type) {
	case Tick:
		if e.drifted() {
			e.becomeRebalancing(ReasonDrift)
			e.step(e, ev)
			return
		}
		if e.budgetReshape(e.full()) && e.hasOldChunks() {
			e.becomeReshaping()
		}
		e.startBatches()
	case Started:
		if ev.Pid == 0 {
			e.becomeRebalancing(ReasonExecFailed)
		}
	case Shutdown:
		e.becomeDraining()
	}
}

// stepReshaping is filling in the new chunk size while chunks of the old
// sizes go back as their batches land.
func stepReshaping(e *Engine, ev Event) {
	switch ev := ev.(type) {
	case Tick:
		if e.drifted() {
			e.becomeRebalancing(ReasonDrift)
			e.step(e, ev)
			return
		}
		e.budgetReshape(false)
		e.startBatches()
		if !e.hasOldChunks() {
			e.becomeFilling()
		}
	case Started:
		if ev.Pid == 0 {
			e.becomeRebalancing(ReasonExecFailed)
		}
	case Shutdown:
		e.becomeDraining()
	}
}

// stepRebalancing waits for the batches in flight to land, then corrects
// the target in its own chunks (see startCorrection) until an observation
// shows min security and max money, and resumes.
func stepRebalancing(e *Engine, ev Event) {
	switch ev.(type) {
	case Tick:
		if len(e.batches) > 0 {
			return
		}
		if !e.off() {
			if e.hasOldChunks() {
				e.becomeReshaping()
			} else {
				e.becomeFilling()
			}
			e.step(e, ev)
			return
		}
		e.startCorrection()
	case Shutdown:
		e.becomeDraining()
	}
}

// stepDraining waits for the batches in flight; the chunks go back as
// they land (releaseSurplus), and the allocation ends with the last.
func stepDraining(e *Engine, ev Event) {
	if _, ok := ev.(Tick); ok && len(e.batches) == 0 {
		e.becomeDone()
	}
}

// stepDone ignores everything: the shell stops after Done, and late
// snapshots or ticks change nothing.
func stepDone(*Engine, Event) {}
