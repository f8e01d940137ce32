package selector

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/internal/describe"
	"ramfarm/internal/scenariotest"
)

func TestEngine_Step_scenarios(t *testing.T) {
	scenariotest.Run(t, func(t *testing.T) func(string) []string {
		s := &scenario{t: t, targets: map[string]Target{}, hosts: map[string]HostRAM{}}
		return s.run
	})
}

// scenario is one file's run: the engine, its config (for restarts) and
// the targets and hosts the next observe reports.
type scenario struct {
	t       *testing.T
	cfg     Config
	e       *Engine
	targets map[string]Target
	hosts   map[string]HostRAM
	seats   map[Pid]string
}

func (s *scenario) run(cmd string) []string {
	fields := strings.Fields(cmd)
	a := scenariotest.ParseArgs(fields[1:])
	if fields[0] != "config" && fields[0] != "target" && fields[0] != "host" && fields[0] != "seat" && s.e == nil {
		s.t.Fatalf("%q before config", cmd)
	}
	switch fields[0] {
	case "config":
		p, ok := ParsePolicy(a["policy"])
		if !ok {
			s.t.Fatalf("policy %q", a["policy"])
		}
		s.cfg = Config{
			Policy: p, HeartbeatTimeout: a.Int(s.t, "timeout", 0), Grace: a.Int(s.t, "grace", 0), Resend: a.Int(s.t, "resend", 0),
			BackoffBase: a.Int(s.t, "backoff", 0), BackoffCap: a.Int(s.t, "backoff-cap", 0), MaxStarting: int(a.Int(s.t, "starting", 0)),
			MinTaskRAM: a.RAM(s.t, "min-task", 0), ShrinkRatio: a.Float(s.t, "ratio", 0), RestartJump: a.Float(s.t, "jump", 0),
			BatchGap: a.Int(s.t, "gap", 0), MaxHackFraction: a.Float(s.t, "fraction", 0),
			Settle: a.Int(s.t, "settle", 0),
		}
		for k := KindTill; k <= KindHarvest; k++ {
			s.cfg.TaskRAM[k] = a.RAM(s.t, k.String()+"-ram", 0)
		}
		return s.restart()
	case "restart":
		return s.restart()
	case "target":
		// Defaults: security at min, money at max, base = security.
		min := a.Float(s.t, "min", 1)
		sec := a.Float(s.t, "sec", min)
		max := a.Float(s.t, "max", 1e6)
		s.targets[fields[1]] = Target{
			Host: fields[1], MoneyMax: max, MoneyAvailable: a.Float(s.t, "money", max), MinSecurity: min,
			BaseSecurity: a.Float(s.t, "base", sec), Security: sec, Growth: a.Float(s.t, "growth", 20),
			RequiredHacking: a.Float(s.t, "req", 1), Rooted: !a.Has("noroot"),
		}
		return nil
	case "untarget":
		delete(s.targets, fields[1])
		return nil
	case "host":
		s.hosts[fields[1]] = HostRAM{Host: fields[1], Usable: a.RAM(s.t, "usable", 0), Allocated: a.RAM(s.t, "alloc", 0),
			Cordoned: a.Has("cordoned")}
		return nil
	case "seat":
		if s.seats == nil {
			s.seats = map[Pid]string{}
		}
		s.seats[Pid(a.Int(s.t, "pid", 0))] = a["host"]
		return nil
	case "unhost":
		delete(s.hosts, fields[1])
		return nil
	case "observe":
		ev := Observe{Now: a.Int(s.t, "now", 0), Hacking: a.Float(s.t, "hacking", 10)}
		for _, k := range slices.Sorted(maps.Keys(s.targets)) {
			ev.Targets = append(ev.Targets, s.targets[k])
		}
		for _, k := range slices.Sorted(maps.Keys(s.hosts)) {
			ev.Hosts = append(ev.Hosts, s.hosts[k])
		}
		for _, pid := range slices.Sorted(maps.Keys(s.seats)) {
			ev.Seats = append(ev.Seats, Seat{Pid: pid, Host: s.seats[pid]})
		}
		return s.step(ev)
	case "tick":
		return s.step(Tick{Now: a.Int(s.t, "now", 0)})
	case "launched":
		return s.step(Launched{ID: a.Int(s.t, "id", 0), OK: !a.Has("fail"), Pid: Pid(a.Int(s.t, "pid", 0)), Reason: a["reason"]})
	case "heartbeat":
		// What is not given is what the engine expects: the task obeys.
		pid := Pid(a.Int(s.t, "pid", 0))
		ev := Heartbeat{Pid: pid, Port: Port(a.Int(s.t, "port", 1000+int64(pid))), Rate: a.Float(s.t, "rate", 0)}
		if t := s.e.byPid[pid]; t != nil {
			ev.Kind, ev.Target, ev.Cap, ev.Priority = t.kind, t.tgt.host, t.cap, t.prio
		}
		ev.Kind = scenariotest.Enum(s.t, a, "kind", ev.Kind, KindTill, KindSow, KindHarvest)
		if v, ok := a["target"]; ok {
			ev.Target = v
		}
		ev.Cap = a.RAM(s.t, "cap", ev.Cap)
		ev.Priority = int(a.Int(s.t, "prio", int64(ev.Priority)))
		ev.Held = a.RAM(s.t, "held", 0)
		ev.Chunk = a.RAM(s.t, "chunk", 0)
		ev.Want = a.RAM(s.t, "want", ev.Cap)
		ev.Capped = a.Has("capped")
		ev.Stopping = a.Has("stopping")
		return s.step(ev)
	case "exit":
		return s.step(Exit{Pid: Pid(a.Int(s.t, "pid", 0)), Done: a.Has("done")})
	case "vacate":
		return s.step(Vacate{Host: a["host"], Reply: Port(a.Int(s.t, "reply", 0))})
	case "reopen":
		return s.step(Reopen{Host: a["host"]})
	case "ready":
		return s.ready()
	case "state":
		return describeState(s.e)
	}
	s.t.Fatalf("unknown command %q", cmd)
	return nil
}

// restart builds a new engine from the config: the selector restarted.
func (s *scenario) restart() []string {
	e, err := New(s.cfg)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	s.e = e
	return nil
}

func (s *scenario) step(ev Event) []string {
	if err := s.e.Step(ev); err != nil {
		return []string{"error: " + err.Error()}
	}
	return nil
}

// ready prints the engine's Ready and advances.
func (s *scenario) ready() []string {
	if !s.e.HasReady() {
		return []string{"(nothing)"}
	}
	rd := s.e.Ready()
	var out []string
	for _, c := range rd.Commands {
		out = append(out, DescribeCommand(c))
	}
	for _, l := range rd.Logs {
		out = append(out, "log: "+l)
	}
	s.e.Advance()
	return out
}

// describeState prints what the engine knows: the RAM pool, every seen
// target or target with a task, every task and every vacating host.
func describeState(e *Engine) []string {
	usable, free, _ := e.pool()
	out := []string{"now=" + itoa(e.now) + " grace-end=" + itoa(e.graceEnd) + " usable=" + usable.String() + " free=" +
		free.String() + " leftover=" + e.leftover(e.cfg.Policy == PolicyGrow).String()}
	for _, host := range slices.Sorted(maps.Keys(e.targets)) {
		g := e.targets[host]
		if !g.seen && g.task == nil && g.fails == 0 {
			continue
		}
		l := describe.New("target "+host).S("phase", g.phase.String()).S("value", ftoa(g.value)).I("rank", int64(g.rank))
		if g.fails > 0 {
			l.I("fails", int64(g.fails)).I("until", g.until)
		}
		l.Flag("unseen", !g.seen)
		out = append(out, l.String())
	}
	for _, t := range e.tasks {
		l := describe.New("task").I("pid", int64(t.pid)).I("launch", t.launch).S("kind", t.kind.String()).S("target", t.tgt.host).
			S("state", t.state.String()).R("held", t.held).R("want", t.want).R("cap", t.cap).I("prio", int64(t.prio))
		l.Flag("stray", t.tgt.task != t).Flag("doomed", t.doomed)
		out = append(out, l.String())
	}
	for _, host := range slices.Sorted(maps.Keys(e.vacating)) {
		out = append(out, "vacating "+host+" done="+strconv.FormatBool(e.vacating[host].done))
	}
	if e.hold {
		out = append(out, "restart hold since "+itoa(e.holdSince))
	}
	if e.cfg.Policy == PolicyReplan && e.cfg.ReplanCaps {
		out = append(out, describe.New("replan").I("max-targets", int64(e.caps.maxTargets)).
			I("idle-since", e.caps.idleSince).I("full-since", e.caps.fullSince).String())
	}
	return out
}
