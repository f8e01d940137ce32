package prep

// Mode is what the engine is doing.
type Mode uint8

const (
	ModeIdle     Mode = iota // nothing asked yet; the first Observe decides
	ModeAsking               // the Alloc awaits its answer
	ModeWorking              // starting work in every free chunk
	ModeStopping             // asked to stop: no new work; chunks go back as work lands
	ModeDone                 // finished
)

// stepFunc is one mode's rules. Step has checked the event and applied
// what every mode shares (observations, snapshots, worker results and the
// selector's settings) before it calls the mode's stepFunc.
type stepFunc func(e *Engine, ev Event)

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
	if !canBecome(e.mode, to) {
		panic("prep: impossible transition " + e.mode.String() + " -> " + to.String())
	}
	e.logf("mode " + e.mode.String() + " -> " + to.String())
	e.mode, e.step = to, step
}

// becomeAsking asks for an allocation sized to all the work (within the
// cap): growable, or for a fixed task shrinkable and asked once.
func (e *Engine) becomeAsking(count int) {
	e.become(ModeAsking, stepAsking)
	e.asked, e.askPrio = count, e.prio
	e.emit(Alloc{ID: e.id(), Size: e.size, Count: count, Priority: e.prio,
		Growable: !e.cfg.Fixed, Shrinkable: e.cfg.Fixed})
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
// overshoot what the game caps anyway (security at min, money at max).
func (e *Engine) becomeDone(done bool) {
	e.become(ModeDone, stepDone)
	pids := make([]Pid, 0, len(e.workers))
	for pid := range e.workers {
		pids = append(pids, pid)
	}
	sortPids(pids)
	for _, pid := range pids {
		e.emit(Kill{ID: e.id(), Pid: pid})
	}
	if e.held {
		e.emit(Release{ID: e.id()})
	}
	e.hosts, e.workers, e.want = nil, map[Pid]*worker{}, 0
	e.emit(Finished{ID: e.id(), Done: done})
}

// stepIdle waits for the first observation: a target already ready
// finishes at once; otherwise it asks for RAM for all the work.
func stepIdle(e *Engine, ev Event) {
	switch ev.(type) {
	case Observe:
		if e.ready() {
			e.logf("target is ready")
			e.becomeDone(true)
			return
		}
		e.plan()
		if e.want == 0 {
			e.logf("cap " + e.cap.String() + " holds no thread")
			e.becomeDone(false)
			return
		}
		e.becomeAsking(e.want)
	case Stop:
		e.becomeDone(false)
	}
}

// stepAsking waits for the allocation; work starts at the next Observe.
func stepAsking(e *Engine, ev Event) {
	switch ev := ev.(type) {
	case Held:
		e.becomeWorking()
	case Refused:
		e.logf("allocation refused: " + ev.Reason)
		e.becomeDone(false)
	case Stop:
		e.becomeStopping()
	}
}

// stepWorking starts work in every free chunk on each observation, until
// the target is ready.
func stepWorking(e *Engine, ev Event) {
	switch ev.(type) {
	case Observe:
		if e.ready() {
			e.logf("target is ready")
			e.becomeDone(true)
			return
		}
		e.work()
	case Stop:
		e.becomeStopping()
	}
}

// stepStopping starts nothing and gives chunks back as work lands. It
// still finishes as done if the target becomes ready meanwhile.
func stepStopping(e *Engine, ev Event) {
	switch ev.(type) {
	case Observe:
		switch {
		case e.ready():
			e.logf("target is ready")
			e.becomeDone(true)
		case !e.held:
			// The allocation's answer is still to come.
		case len(e.workers)+len(e.starting) == 0:
			e.becomeDone(false)
		default:
			e.resize(0)
			e.releaseIdle(0)
		}
	case Refused:
		e.becomeDone(false)
	}
}

// stepDone ignores everything (Step returns before it is called).
func stepDone(*Engine, Event) {}
