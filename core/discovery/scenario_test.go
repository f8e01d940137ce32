package discovery

import (
	"slices"
	"strings"
	"testing"

	"ramfarm/core/internal/describe"
	"ramfarm/internal/scenariotest"
)

// The scenario files (run by internal/scenariotest) keep a small model of
// the game: the servers a scan lists, and the programs the player owns.
// "done" carries out the opens and nukes the engine asked for against that
// model with the game's rules (an opener needs its program; a nuke needs
// NUKE.exe and enough open ports), so a wrong decision shows up as a failed
// nuke.
func TestEngine_Step_scenarios(t *testing.T) {
	scenariotest.Run(t, func(t *testing.T) func(string) []string {
		s := &scenario{t: t}
		return s.run
	})
}

// scenario is the state of one file's run: the engine, the model game,
// and the commands not acknowledged yet.
type scenario struct {
	t        *testing.T
	e        *Engine
	net      []*modelServer // in scan order
	programs ProgramSet
	opens    []Open
	nukes    []Nuke
	sends    []Send
}

// modelServer is a server of the model game, with its open ports.
type modelServer struct {
	Server
	near bool // linked to home: in shallow scans
	open map[Program]bool
}

func (s *scenario) server(host string) *modelServer {
	for _, m := range s.net {
		if m.Host == host {
			return m
		}
	}
	return nil
}

func (s *scenario) run(cmd string) []string {
	fields := strings.Fields(cmd)
	a := scenariotest.ParseArgs(fields[1:])
	if fields[0] == "server" || fields[0] == "remove" {
		a = scenariotest.ParseArgs(fields[2:])
	}
	if fields[0] != "config" && fields[0] != "server" && fields[0] != "remove" && s.e == nil {
		s.t.Fatalf("%q before config", cmd)
	}
	switch fields[0] {
	case "config":
		e, err := New(Config{MemdPort: Port(a.Int(s.t, "memd", 0)), WalkEvery: a.Int(s.t, "walk", 0)})
		if err != nil {
			return []string{"error: " + err.Error()}
		}
		s.e, s.opens, s.nukes, s.sends = e, nil, nil, nil
		return nil
	case "server":
		return s.setServer(fields[1], a)
	case "remove":
		s.net = slices.DeleteFunc(s.net, func(m *modelServer) bool { return m.Host == fields[1] })
		return nil
	case "scan":
		return s.scan(a)
	case "subscribe":
		return s.step(Subscribe{Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Reply: Port(a.Int(s.t, "reply", 0))})
	case "ready":
		return s.ready()
	case "done":
		return s.done(a)
	case "ack":
		return s.ack(a)
	case "delivered":
		return s.step(Delivered{Send: a.Int(s.t, "id", 0), OK: !a.Has("fail")})
	case "result":
		return s.step(Result{ID: a.Int(s.t, "id", 0), OK: !a.Has("fail"), Reason: a["fail"]})
	case "state":
		return describeState(s.e)
	}
	s.t.Fatalf("unknown command %q", cmd)
	return nil
}

// setServer adds a server to the model network, or changes one in place;
// keys not given keep their value (a new server: 1 core, nothing else).
func (s *scenario) setServer(host string, a scenariotest.Args) []string {
	m := s.server(host)
	if m == nil {
		m = &modelServer{Server: Server{Host: host, Cores: 1}, open: map[Program]bool{}}
		s.net = append(s.net, m)
	}
	for k := range a {
		switch k {
		case "home":
			m.Home, m.Purchased, m.Rooted, m.near = true, true, true, true
		case "purchased":
			m.Purchased, m.Rooted, m.near = true, true, true
		case "near":
			m.near = true
		case "root":
			m.Rooted = true
		case "noroot":
			m.Rooted = false
		case "ports":
			m.PortsRequired = int(a.Int(s.t, k, 0))
		case "ram":
			m.MaxRAM = a.RAM(s.t, k, 0)
		case "cores":
			m.Cores = int(a.Int(s.t, k, 0))
		case "max-money":
			m.MaxMoney = a.Float(s.t, k, 0)
		case "money":
			m.Money = a.Float(s.t, k, 0)
		case "sec":
			m.Security = a.Float(s.t, k, 0)
		case "min-sec":
			m.MinSecurity = a.Float(s.t, k, 0)
		case "base-sec":
			m.BaseSecurity = a.Float(s.t, k, 0)
		case "growth":
			m.Growth = a.Float(s.t, k, 0)
		case "level":
			m.RequiredLevel = a.Float(s.t, k, 0)
		default:
			s.t.Fatalf("server: unknown key %q", k)
		}
	}
	return nil
}

// scan steps a Scan of the model: a full one, or with shallow only home
// and its neighbours (the player's servers and those marked near).
func (s *scenario) scan(a scenariotest.Args) []string {
	ev := Scan{Now: a.Int(s.t, "now", 0), Level: int(a.Int(s.t, "level", 0)), Full: !a.Has("shallow")}
	if a.Has("programs") {
		s.programs = 0
		for _, f := range a.List("programs") {
			p, ok := ProgramByFile(f)
			if !ok {
				s.t.Fatalf("unknown program %q", f)
			}
			s.programs |= Programs(p)
		}
	}
	ev.Programs = s.programs
	ev.Dead = scenariotest.Ints[Pid](s.t, a, "dead")
	for _, m := range s.net {
		if ev.Full || m.near {
			ev.Servers = append(ev.Servers, m.Server)
		}
	}
	return s.step(ev)
}

func (s *scenario) step(ev Event) []string {
	if err := s.e.Step(ev); err != nil {
		return []string{"error: " + err.Error()}
	}
	return nil
}

// ready prints the engine's Ready and advances.
func (s *scenario) ready() []string {
	rd := s.e.Ready()
	if !s.e.HasReady() && !rd.Walk {
		return []string{"(nothing)"}
	}
	var out []string
	for _, o := range rd.Opens {
		out = append(out, DescribeOpen(o))
	}
	for _, n := range rd.Nukes {
		out = append(out, DescribeNuke(n))
	}
	for _, snd := range rd.Sends {
		out = append(out, DescribeSend(snd))
	}
	for _, l := range rd.Logs {
		out = append(out, "log: "+l)
	}
	if rd.Watch != nil {
		out = append(out, "watch: "+pids(rd.Watch))
	}
	if rd.Walk {
		out = append(out, "walk")
	}
	s.opens = append(s.opens, rd.Opens...)
	s.nukes = append(s.nukes, rd.Nukes...)
	s.sends = append(s.sends, rd.Sends...)
	s.e.Advance()
	return out
}

// done carries out the opens, then the nukes, not done yet, against the
// model, and steps each Result. Hosts in fail=a,b fail whatever they do
// (a server that vanished, say).
func (s *scenario) done(a scenariotest.Args) []string {
	fail := a.List("fail")
	var out []string
	result := func(id int64, host, reason string) {
		if slices.Contains(fail, host) {
			reason = "forced failure"
		}
		ev := Result{ID: id, OK: reason == "", Reason: reason}
		out = append(out, DescribeEvent(ev))
		if err := s.e.Step(ev); err != nil {
			out = append(out, "error: "+err.Error())
		}
	}
	for _, o := range s.opens {
		m, reason := s.server(o.Host), ""
		switch {
		case m == nil:
			reason = "Invalid hostname: " + o.Host
		case !s.programs.Has(o.Program):
			reason = "You do not have the " + o.Program.File() + " program!"
		case !slices.Contains(fail, o.Host):
			m.open[o.Program] = true
		}
		result(o.ID, o.Host, reason)
	}
	for _, n := range s.nukes {
		m, reason := s.server(n.Host), ""
		switch {
		case m == nil:
			reason = "Invalid hostname: " + n.Host
		case m.Rooted:
		case !s.programs.Has(NukeExe):
			reason = "You do not have the NUKE.exe virus!"
		case len(m.open) < m.PortsRequired:
			reason = "Not enough ports opened to use NUKE.exe virus."
		case !slices.Contains(fail, n.Host):
			m.Rooted = true
		}
		result(n.ID, n.Host, reason)
	}
	s.opens, s.nukes = nil, nil
	if len(out) == 0 {
		return []string{"(nothing to do)"}
	}
	return out
}

// ack reports every unacknowledged send delivered, except those to the
// ports in fail=p,q (full ports).
func (s *scenario) ack(a scenariotest.Args) []string {
	full := scenariotest.Ints[Port](s.t, a, "fail")
	var out []string
	sends := s.sends
	s.sends = nil
	for _, snd := range sends {
		ev := Delivered{Send: snd.ID, OK: !slices.Contains(full, snd.Port)}
		out = append(out, DescribeEvent(ev))
		if err := s.e.Step(ev); err != nil {
			out = append(out, "error: "+err.Error())
		}
	}
	if len(out) == 0 {
		return []string{"(nothing to ack)"}
	}
	return out
}

// describeState prints what the engine knows: each server with what it
// did about it, each subscriber, and the target list.
func describeState(e *Engine) []string {
	var out []string
	for _, rec := range e.order {
		l := describe.New("server "+rec.Host).Flag("root", rec.Rooted)
		if rec.nuke != 0 {
			l.I("nuking", rec.nuke)
		}
		if rec.reg != nil {
			l.S("registered", describeRegister(rec.announced))
			describeStream(l, rec.reg)
		}
		out = append(out, l.String())
	}
	for _, s := range e.subList {
		l := describe.New("subscriber").I("pid", int64(s.key.pid)).I("port", int64(s.key.port))
		if s.rid != 0 {
			l.I("awaiting-rid", s.rid)
		}
		describeStream(l, &s.stream)
		out = append(out, l.String())
	}
	hosts := make([]string, len(e.targets))
	for i, t := range e.targets {
		hosts[i] = t.Host
	}
	out = append(out, "targets seq="+itoa(e.seq)+" ["+strings.Join(hosts, " ")+"]")
	return out
}

func describeStream(l *describe.Line, s *stream) {
	if s.inflight != 0 {
		l.I("inflight", s.inflight)
	}
	if s.pending != nil {
		l.Q("pending", DescribeMsg(s.pending))
	}
	l.Flag("blocked", s.blocked)
}
