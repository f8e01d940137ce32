package selector

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// Event handlers. Each checks everything before it changes anything.

// checkNow rejects a time before the engine's clock.
func (e *Engine) checkNow(now int64) error {
	if e.clocked && now < e.now {
		return wrap(ErrTimeBackwards, itoa(now)+"ms after "+itoa(e.now)+"ms")
	}
	return nil
}

// clock moves time to now. The first time it is known, grace starts, and
// tasks heard before it count as heard now.
func (e *Engine) clock(now int64) {
	if !e.clocked {
		e.clocked = true
		e.graceEnd = now + e.cfg.Grace
		e.ledger.since = now
		for _, t := range e.tasks {
			t.since, t.heard = now, now
		}
	}
	e.now = now
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return false
		}
	}
	return true
}

func checkObserve(ev Observe) error {
	bad := func(detail string) error { return wrap(ErrBadObservation, detail) }
	if !finite(ev.Hacking) || ev.Hacking < 1 {
		return bad("hacking level " + ftoa(ev.Hacking) + " is below 1")
	}
	names := make(map[string]bool, len(ev.Targets))
	for _, t := range ev.Targets {
		switch {
		case t.Host == "":
			return bad("a target has no host name")
		case names[t.Host]:
			return bad("target " + t.Host + " is listed twice")
		case !finite(t.MoneyMax, t.MoneyAvailable, t.MinSecurity, t.BaseSecurity, t.Security, t.Growth, t.RequiredHacking):
			return bad("target " + t.Host + " has a negative or non-finite number")
		}
		names[t.Host] = true
	}
	clear(names)
	for _, h := range ev.Hosts {
		switch {
		case h.Host == "":
			return bad("a host has no name")
		case names[h.Host]:
			return bad("host " + h.Host + " is listed twice")
		case h.Usable < 0 || h.Usable > ram.Max || h.Allocated < 0 || h.Allocated > ram.Max || h.Claimed < 0 || h.Claimed > ram.Max:
			return bad("host " + h.Host + " has RAM out of range")
		}
		names[h.Host] = true
	}
	owners := make(map[Pid]bool, len(ev.Holdings))
	for _, a := range ev.Holdings {
		switch {
		case a.Pid <= 0 || owners[a.Pid]:
			return bad("holding of pid " + itoa(int64(a.Pid)) + " is invalid or listed twice")
		case a.Chunk < 0 || a.Chunk > ram.Max || a.Held < 0 || a.Held > ram.Max || a.Chunks < 0 || a.Desired < 0:
			return bad("holding of pid " + itoa(int64(a.Pid)) + " is out of range")
		}
		owners[a.Pid] = true
	}
	for _, st := range ev.Seats {
		if st.Pid <= 0 || st.Host == "" {
			return bad("seat of pid " + itoa(int64(st.Pid)) + " on " + strconv.Quote(st.Host) + " is invalid")
		}
	}
	return nil
}

func (e *Engine) stepObserve(ev Observe) error {
	if err := e.checkNow(ev.Now); err != nil {
		return err
	}
	if err := checkObserve(ev); err != nil {
		return err
	}
	e.clock(ev.Now)
	e.hacking = ev.Hacking
	for _, g := range e.seen {
		g.seen, g.rank = false, 0
	}
	e.seen = e.seen[:0]
	for _, t := range ev.Targets {
		g := e.target(t.Host)
		g.obs, g.seen = t, true
		clear(g.needs[:])
		g.advance(inferPhase(t))
		e.seen = append(e.seen, g)
	}
	stable.Sort(e.seen, byHost)
	e.hosts = append([]HostRAM(nil), ev.Hosts...)
	stable.Sort(e.hosts, func(a, b HostRAM) int { return cmp.Compare(a.Host, b.Host) })
	clear(e.seats)
	for _, st := range ev.Seats {
		if e.seats == nil {
			e.seats = map[Pid]string{}
		}
		e.seats[st.Pid] = st.Host
	}

	clear(e.holdings)
	for _, a := range ev.Holdings {
		if e.holdings == nil {
			e.holdings = map[Pid]Holding{}
		}
		e.holdings[a.Pid] = a
	}
	e.account(!e.observed)

	usable, _, _ := e.pool()
	if e.hold {
		e.holdSeen = true
	}
	if e.cfg.Policy == PolicyRestart && e.observed && e.usable > 0 &&
		float64(usable) > float64(e.usable)*(1+e.cfg.RestartJump) {
		e.jumped = true
		e.logf("usable RAM jumped from " + e.usable.String() + " to " + usable.String())
	}
	e.usable = usable
	e.observed = true
	e.rank()
	e.pass()
	return nil
}

// rank values every seen target (Worth, at the size of the RAM pool) and
// orders them: rank 1 is the least valuable.
func (e *Engine) rank() {
	for _, g := range e.seen {
		if !e.eligible(g) {
			g.value, g.yield, g.valued = 0, 0, valueKey{}
			continue
		}
		k := valueKey{g.obs.MoneyMax, g.obs.MinSecurity, g.obs.Growth, g.obs.RequiredHacking, e.hacking, e.usable}
		if k != g.valued {
			g.yield, g.valued = HarvestYield(g.obs, e.hacking, e.usable, e.model).PerGBs, k
		}
		// Its preparation is timed as if it had the whole pool: a target
		// worth preparing gets RAM from the tasks worth less (makeRoom).
		g.value, g.past = worth(g.yield, g.phase, g.obs, e.hacking, e.usable, e.cfg.Horizon, e.model)
	}
	// Ties rank by name, the first name highest, so they launch in
	// alphabetical order.
	order := slices.Clone(e.seen)
	stable.Sort(order, func(a, b *target) int { return cmp.Or(cmp.Compare(a.value, b.value), cmp.Compare(b.host, a.host)) })
	for i, g := range order {
		g.rank = i + 1
	}
}

// need is Need for a task of kind on g, as of the last Observe.
func (e *Engine) need(g *target, kind Kind) (least, most ram.Amount) {
	n := &g.needs[kind]
	if !n.ok {
		n.least, n.most = Need(kind, g.obs, e.hacking, e.model)
		n.ok = true
	}
	return n.least, n.most
}

// eligible reports whether tasks may work on g now.
func (e *Engine) eligible(g *target) bool {
	return g.seen && g.obs.Rooted && g.obs.MoneyMax > 0 && g.obs.RequiredHacking <= e.hacking
}

func (e *Engine) stepTick(ev Tick) error {
	if err := e.checkNow(ev.Now); err != nil {
		return err
	}
	e.clock(ev.Now)
	e.endQuarantines()
	e.pass()
	return nil
}

// Quarantine is how long, ms, a host where a task's workers kept dying at
// start stays cordoned: a missing file or a deleted host fails every
// task's workers there alike, and each would find out on its own.
const Quarantine = 10 * 60 * 1000

// quarantineHosts cordons the hosts a task gave up, unless a vacate holds
// them already.
func (e *Engine) quarantineHosts(hosts []string) {
	for _, h := range hosts {
		if h == "" || e.vacating[h] != nil || e.quarantine[h] != 0 {
			continue
		}
		e.quarantine[h] = e.now + Quarantine
		e.emit(Cordon{ID: e.id(), Host: h, On: true})
		e.logf("WARN quarantine " + h + " for " + itoa(Quarantine/60000) + " min: a task's workers kept dying there at start")
	}
}

// endQuarantines reopens the hosts whose quarantine is over, in name
// order; a host a vacate took over stays cordoned.
func (e *Engine) endQuarantines() {
	var over []string
	for h, until := range e.quarantine {
		if e.now >= until {
			over = append(over, h)
		}
	}
	stable.Sort(over, cmp.Compare[string])
	for _, h := range over {
		delete(e.quarantine, h)
		if e.vacating[h] == nil {
			e.emit(Cordon{ID: e.id(), Host: h})
			e.logf("quarantine of " + h + " over")
		}
	}
}

func (e *Engine) stepLaunched(ev Launched) error {
	t := e.byLaunch[ev.ID]
	if t == nil || t.state != stLaunching {
		return wrap(ErrUnknownLaunch, "launch "+itoa(ev.ID))
	}
	if ev.OK {
		if ev.Pid <= 0 {
			return wrap(ErrBadPid, "launch "+itoa(ev.ID)+" started pid "+itoa(int64(ev.Pid)))
		}
		if e.byPid[ev.Pid] != nil {
			return wrap(ErrBadPid, "launch "+itoa(ev.ID)+" started pid "+itoa(int64(ev.Pid))+", which is already a task")
		}
	}
	delete(e.byLaunch, ev.ID)
	if !ev.OK {
		why := ev.Reason
		if why == "" {
			why = "exec failed"
		}
		e.fail(t, why)
		return nil
	}
	t.pid = ev.Pid
	e.byPid[t.pid] = t
	t.become(stStarting, e.now)
	if t.doomed {
		e.kill(t, "replanning")
	}
	return nil
}

func checkHeartbeat(ev Heartbeat) error {
	bad := func(detail string) error { return wrap(ErrBadHeartbeat, "pid "+itoa(int64(ev.Pid))+": "+detail) }
	switch {
	case ev.Pid <= 0:
		return wrap(ErrBadPid, "heartbeat from pid "+itoa(int64(ev.Pid)))
	case !ev.Port.Valid():
		return bad("port " + itoa(int64(ev.Port)) + " is invalid")
	case ev.Kind < KindTill || ev.Kind > KindHarvest:
		return bad("kind " + itoa(int64(ev.Kind)) + " is unknown")
	case ev.Target == "":
		return bad("no target")
	case ev.Held < 0 || ev.Held > ram.Max || ev.Want < 0 || ev.Want > ram.Max || ev.Cap < 0 || ev.Cap > ram.Max:
		return bad("RAM out of range")
	case !finite(ev.Rate):
		return bad("rate " + ftoa(ev.Rate) + " is negative or not finite")
	case !finite(ev.Earned):
		return bad("earned " + ftoa(ev.Earned) + " is negative or not finite")
	}
	return nil
}

func (e *Engine) stepHeartbeat(ev Heartbeat) error {
	if err := checkHeartbeat(ev); err != nil {
		return err
	}
	t := e.byPid[ev.Pid]
	if t != nil && (t.kind != ev.Kind || t.tgt.host != ev.Target) {
		return wrap(ErrBadHeartbeat, "pid "+itoa(int64(ev.Pid))+" is "+t.kind.String()+" "+t.tgt.host+", not "+
			ev.Kind.String()+" "+ev.Target)
	}
	if _, dead := e.killed[ev.Pid]; dead {
		return nil // sent before its kill
	}
	e.quarantineHosts(ev.GaveUp)
	if t == nil {
		e.adopt(ev)
		return nil
	}
	t.port, t.held, t.want, t.gotCap, t.gotPrio, t.rate, t.heard = ev.Port, ev.Held, ev.Want, ev.Cap, ev.Priority, ev.Rate, e.now
	t.wantsMore = ev.Capped
	t.chunk = ev.Chunk
	t.earned = ev.Earned
	if t.state == stStarting {
		t.become(stRunning, e.now)
	}
	if ev.Held > 0 {
		// Only a task that got RAM has started well: one refused its
		// allocation heartbeats once and exits, and must back off.
		t.tgt.fails = 0
		t.worked = true
	}
	return nil
}

// adopt takes over a task the engine did not launch: one an earlier
// selector started. If its target already has a task, it is a duplicate
// and is stopped.
func (e *Engine) adopt(ev Heartbeat) {
	g := e.target(ev.Target)
	t := &task{
		pid: ev.Pid, port: ev.Port, kind: ev.Kind, tgt: g, state: stRunning, since: e.now, heard: e.now,
		held: ev.Held, want: ev.Want, wantsMore: ev.Capped, cap: ev.Cap, prio: ev.Priority, rate: ev.Rate,
		gotCap: ev.Cap, gotPrio: ev.Priority, sentCap: ev.Cap, sentPrio: ev.Priority, chunk: ev.Chunk, earned: ev.Earned,
		// A re-planning selector runs only rounds: one it adopts ends on
		// its own.
		round: e.cfg.Policy == PolicyReplan, worked: ev.Held > 0,
	}
	e.ledger.adopted(ev.Earned)
	e.tasks = append(e.tasks, t)
	e.byPid[t.pid] = t
	if g.task == nil {
		g.task = t // a stopping task still keeps a replacement out
	}
	switch {
	case ev.Stopping:
		// Asked to stop by the last selector: it is finishing. Stop is
		// repeated in case it was lost.
		t.asked, t.stop = true, e.now
		t.become(stStopping, e.now)
		e.logf("adopt " + t.name() + " stopping held=" + t.held.String())
	case g.task != t:
		e.stop(t, "duplicate of "+g.task.name())
	default:
		g.advance(t.kind)
		e.logf("adopt " + t.name() + " held=" + t.held.String() + " cap=" + t.cap.String())
	}
}

func (e *Engine) stepExit(ev Exit) error {
	if ev.Pid <= 0 {
		return wrap(ErrBadPid, "exit of pid "+itoa(int64(ev.Pid)))
	}
	if !finite(ev.Earned) {
		return wrap(ErrBadHeartbeat, "exit of pid "+itoa(int64(ev.Pid))+": earned "+ftoa(ev.Earned)+" is negative or not finite")
	}
	t := e.byPid[ev.Pid]
	if t == nil {
		return nil // killed, or never known: nothing to forget
	}
	t.earned = max(t.earned, ev.Earned)
	g := t.tgt
	line := "exit " + t.name()
	switch {
	case ev.Done:
		line += " done"
		g.fails = 0
		if t.kind < KindHarvest && g.advance(t.kind+1) {
			line += ", next " + g.phase.String()
		}
	case t.round && t.worked:
		line += ", round over"
	case !t.asked && g.task == t:
		e.logf(line)
		e.fail(t, "exited unasked")
		return nil
	}
	e.logf(line)
	e.remove(t)
	return nil
}

func (e *Engine) stepVacate(ev Vacate) error {
	if ev.Host == "" {
		return wrap(ErrBadHost, "vacate names no host")
	}
	if !ev.Reply.Valid() {
		return wrap(ErrBadReply, "vacate of "+ev.Host+" answers to port "+itoa(int64(ev.Reply)))
	}
	if v := e.vacating[ev.Host]; v != nil {
		if v.done {
			e.emit(Vacated{ID: e.id(), Host: ev.Host, Reply: ev.Reply})
		} else if !slices.Contains(v.replies, ev.Reply) {
			v.replies = append(v.replies, ev.Reply)
		}
		return nil
	}
	e.vacating[ev.Host] = &vacate{replies: []Port{ev.Reply}}
	e.emit(Cordon{ID: e.id(), Host: ev.Host, On: true})
	e.logf("vacate " + ev.Host)
	e.leave(ev.Host)
	return nil
}

// leave asks every task that could hold chunks on host to move off it,
// again after Resend while any still could.
func (e *Engine) leave(host string) {
	for _, t := range e.tasks {
		if t.state != stRunning && t.state != stStopping {
			continue
		}
		if at, sent := t.left[host]; sent && e.now-at < e.cfg.Resend {
			continue
		}
		if t.left == nil {
			t.left = map[string]int64{}
		}
		t.left[host] = e.now
		e.emit(Leave{ID: e.id(), Pid: t.pid, Port: t.port, Host: host})
	}
}

func (e *Engine) stepReopen(ev Reopen) error {
	if ev.Host == "" {
		return wrap(ErrBadHost, "reopen names no host")
	}
	delete(e.vacating, ev.Host)
	delete(e.quarantine, ev.Host)
	for _, t := range e.tasks {
		delete(t.left, ev.Host)
	}
	e.emit(Cordon{ID: e.id(), Host: ev.Host})
	e.logf("reopen " + ev.Host)
	return nil
}
