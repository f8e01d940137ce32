package selector

import (
	"flag"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/internal/describe"
	"ramfarm/core/ram"
	"ramfarm/internal/scenariotest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata expectations with the actual output")

func TestEngine_Step_scenarios(t *testing.T) {
	scenariotest.Run(t, *rewrite, func(t *testing.T) func(string) []string {
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
}

type args map[string]string

func parseArgs(fields []string) args {
	a := args{}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		a[k] = v
	}
	return a
}

func has(a args, k string) bool { _, ok := a[k]; return ok }

func (s *scenario) int(a args, k string, def int64) int64 {
	v, ok := a[k]
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		s.t.Fatalf("%s=%s: %v", k, v, err)
	}
	return n
}

func (s *scenario) float(a args, k string, def float64) float64 {
	v, ok := a[k]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		s.t.Fatalf("%s=%s: %v", k, v, err)
	}
	return f
}

func (s *scenario) ram(a args, k string, def ram.Amount) ram.Amount {
	v, ok := a[k]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "GB"), 64)
	if err != nil {
		s.t.Fatalf("%s=%s: %v", k, v, err)
	}
	return ram.MustGB(f)
}

func (s *scenario) kind(a args, def Kind) Kind {
	v, ok := a["kind"]
	if !ok {
		return def
	}
	k, ok := ParseKind(v)
	if !ok {
		s.t.Fatalf("kind %q", v)
	}
	return k
}

func (s *scenario) run(cmd string) []string {
	fields := strings.Fields(cmd)
	a := parseArgs(fields[1:])
	if fields[0] != "config" && fields[0] != "target" && fields[0] != "host" && s.e == nil {
		s.t.Fatalf("%q before config", cmd)
	}
	switch fields[0] {
	case "config":
		p, ok := ParsePolicy(a["policy"])
		if !ok {
			s.t.Fatalf("policy %q", a["policy"])
		}
		s.cfg = Config{
			Policy: p, HeartbeatTimeout: s.int(a, "timeout", 0), Grace: s.int(a, "grace", 0), Resend: s.int(a, "resend", 0),
			BackoffBase: s.int(a, "backoff", 0), BackoffCap: s.int(a, "backoff-cap", 0), MaxStarting: int(s.int(a, "starting", 0)),
			MinTaskRAM: s.ram(a, "min-task", 0), ShrinkRatio: s.float(a, "ratio", 0), RestartJump: s.float(a, "jump", 0),
			BatchGap: s.int(a, "gap", 0), MaxHackFraction: s.float(a, "fraction", 0),
		}
		for k := KindTill; k <= KindHarvest; k++ {
			s.cfg.TaskRAM[k] = s.ram(a, k.String()+"-ram", 0)
		}
		return s.restart()
	case "restart":
		return s.restart()
	case "target":
		// Defaults: security at min, money at max, base = security.
		min := s.float(a, "min", 1)
		sec := s.float(a, "sec", min)
		max := s.float(a, "max", 1e6)
		s.targets[fields[1]] = Target{
			Host: fields[1], MoneyMax: max, MoneyAvailable: s.float(a, "money", max), MinSecurity: min,
			BaseSecurity: s.float(a, "base", sec), Security: sec, Growth: s.float(a, "growth", 20),
			RequiredHacking: s.float(a, "req", 1), Rooted: !has(a, "noroot"),
		}
		return nil
	case "untarget":
		delete(s.targets, fields[1])
		return nil
	case "host":
		s.hosts[fields[1]] = HostRAM{Host: fields[1], Usable: s.ram(a, "usable", 0), Allocated: s.ram(a, "alloc", 0),
			Cordoned: has(a, "cordoned")}
		return nil
	case "unhost":
		delete(s.hosts, fields[1])
		return nil
	case "observe":
		ev := Observe{Now: s.int(a, "now", 0), Hacking: s.float(a, "hacking", 10), Room: s.ram(a, "room", -1)}
		for _, k := range slices.Sorted(maps.Keys(s.targets)) {
			ev.Targets = append(ev.Targets, s.targets[k])
		}
		for _, k := range slices.Sorted(maps.Keys(s.hosts)) {
			ev.Hosts = append(ev.Hosts, s.hosts[k])
		}
		return s.step(ev)
	case "tick":
		return s.step(Tick{Now: s.int(a, "now", 0)})
	case "launched":
		return s.step(Launched{ID: s.int(a, "id", 0), OK: !has(a, "fail"), Pid: Pid(s.int(a, "pid", 0)), Reason: a["reason"]})
	case "heartbeat":
		// What is not given is what the engine expects: the task obeys.
		pid := Pid(s.int(a, "pid", 0))
		ev := Heartbeat{Pid: pid, Port: Port(s.int(a, "port", 1000+int64(pid))), Rate: s.float(a, "rate", 0)}
		if t := s.e.byPid[pid]; t != nil {
			ev.Kind, ev.Target, ev.Cap, ev.Priority = t.kind, t.tgt.host, t.cap, t.prio
		}
		ev.Kind = s.kind(a, ev.Kind)
		if v, ok := a["target"]; ok {
			ev.Target = v
		}
		ev.Cap = s.ram(a, "cap", ev.Cap)
		ev.Priority = int(s.int(a, "prio", int64(ev.Priority)))
		ev.Held = s.ram(a, "held", 0)
		ev.Want = s.ram(a, "want", ev.Cap)
		ev.Stopping = has(a, "stopping")
		return s.step(ev)
	case "exit":
		return s.step(Exit{Pid: Pid(s.int(a, "pid", 0)), Done: has(a, "done")})
	case "vacate":
		return s.step(Vacate{Host: a["host"], Reply: Port(s.int(a, "reply", 0))})
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
	if room, limited := e.roomLeft(); limited {
		out[0] += " room=" + room.String()
	}
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
	return out
}
