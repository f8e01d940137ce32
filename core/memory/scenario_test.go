package memory

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/ram"
	"ramfarm/internal/scenariotest"
)

func TestEngine_Step_scenarios(t *testing.T) {
	scenariotest.Run(t, func(t *testing.T) func(string) []string {
		s := &scenario{t: t}
		return s.run
	})
}

// scenario is the state of one file's run: the engine, the workers
// staged for the next tick and the sends not acknowledged yet.
type scenario struct {
	t       *testing.T
	e       *Engine
	workers []WorkerState
	unacked []Send
}

func (s *scenario) run(cmd string) []string {
	fields := strings.Fields(cmd)
	a := scenariotest.ParseArgs(fields[1:])
	if fields[0] != "config" && s.e == nil {
		s.t.Fatalf("%q before config", cmd)
	}
	switch fields[0] {
	case "config":
		cfg := Config{HomeReserve: a.RAM(s.t, "home-reserve", 0), UseHacknet: a.Has("hacknet"),
			SelfHost: a["self-host"], SelfRAM: a.RAM(s.t, "self-ram", 0)}
		if v, ok := a["set-aside"]; ok {
			cfg.SetAside = map[string]ram.Amount{}
			for _, kv := range strings.Split(v, ",") {
				h, amt, _ := strings.Cut(kv, ":")
				r, err := scenariotest.ParseRAM(amt)
				if err != nil {
					s.t.Fatalf("set-aside=%s: %s: %v", v, kv, err)
				}
				cfg.SetAside[h] = r
			}
		}
		e, err := New(cfg)
		if err != nil {
			return []string{"error: " + err.Error()}
		}
		s.e, s.workers, s.unacked = e, nil, nil
		return nil
	case "worker":
		w := WorkerState{Host: fields[1], Rooted: !a.Has("noroot"), MaxRAM: a.RAM(s.t, "max", 0), UsedRAM: a.RAM(s.t, "used", 0),
			Cores: int(a.Int(s.t, "cores", 0)),
			Kind:  scenariotest.Enum(s.t, a, "kind", HostDefault, HostDefault, HostHome, HostPurchased, HostHacknet)}
		s.workers = append(s.workers, w)
		return nil
	case "tick":
		ev := Tick{Now: a.Int(s.t, "now", 0), Dead: scenariotest.Ints[Pid](s.t, a, "dead"), Gone: a.List("gone"), Workers: s.workers}
		s.workers = nil
		return s.step(ev)
	case "request":
		return s.step(Request{
			Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Script: a["script"], Reply: Port(a.Int(s.t, "reply", 0)),
			ChunkSize: a.RAM(s.t, "size", 0), Count: int(a.Int(s.t, "count", 0)), Priority: int(a.Int(s.t, "prio", 0)),
			Options: Options{Contiguous: a.Has("contiguous"), CoreDependent: a.Has("core-dependent"),
				LongRunning: a.Has("long-running"), Shrinkable: a.Has("shrinkable"), Growable: a.Has("growable"), Seat: a.Has("seat")},
		})
	case "resize":
		ev := Resize{Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Reply: Port(a.Int(s.t, "reply", 0)),
			Alloc: AllocID(a.Int(s.t, "alloc", 0)), ChunkSize: a.RAM(s.t, "size", 0), Count: int(a.Int(s.t, "count", 0))}
		if a.Has("prio") {
			p := int(a.Int(s.t, "prio", 0))
			ev.Priority = &p
		}
		return s.step(ev)
	case "release":
		return s.step(Release{Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Reply: Port(a.Int(s.t, "reply", 0)),
			Alloc: AllocID(a.Int(s.t, "alloc", 0)), Host: a["host"], ChunkSize: a.RAM(s.t, "size", 0), Count: int(a.Int(s.t, "count", 0))})
	case "claim":
		return s.step(Claim{Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Reply: Port(a.Int(s.t, "reply", 0)),
			Alloc: AllocID(a.Int(s.t, "alloc", 0)), Host: a["host"], Worker: Pid(a.Int(s.t, "worker", 0)), RAM: a.RAM(s.t, "ram", 0)})
	case "unclaim":
		return s.step(Unclaim{Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Reply: Port(a.Int(s.t, "reply", 0)),
			Alloc: AllocID(a.Int(s.t, "alloc", 0)), Worker: Pid(a.Int(s.t, "worker", 0))})
	case "give":
		return s.step(Give{Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Reply: Port(a.Int(s.t, "reply", 0)),
			Alloc: AllocID(a.Int(s.t, "alloc", 0)), To: Pid(a.Int(s.t, "to", 0))})
	case "status-msg":
		return s.step(Status{Rid: a.Int(s.t, "rid", 0), Pid: Pid(a.Int(s.t, "pid", 0)), Reply: Port(a.Int(s.t, "reply", 0))})
	case "delivered":
		return s.step(Delivered{Send: a.Int(s.t, "id", 0), OK: !a.Has("fail")})
	case "ready":
		return s.ready()
	case "ack":
		return s.ack(a)
	case "status":
		return describeState(s.e)
	}
	s.t.Fatalf("unknown command %q", cmd)
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
	var out []string
	if !s.e.HasReady() {
		return []string{"(nothing)"}
	}
	rd := s.e.Ready()
	for _, snd := range rd.Sends {
		out = append(out, DescribeSend(snd))
	}
	for _, l := range rd.Logs {
		out = append(out, "log: "+l)
	}
	if rd.Watch != nil {
		out = append(out, "watch: "+pids(rd.Watch))
	}
	s.unacked = append(s.unacked, rd.Sends...)
	s.e.Advance()
	return out
}

// ack reports every unacknowledged send delivered, except to the ports
// in fail=p,q (full ports) and the send id=n with flag fail.
func (s *scenario) ack(a scenariotest.Args) []string {
	failPorts := scenariotest.Ints[Port](s.t, a, "fail")
	only := a.Int(s.t, "id", 0)
	var out []string
	rest := s.unacked[:0]
	for _, snd := range s.unacked {
		if only != 0 && snd.ID != only {
			rest = append(rest, snd)
			continue
		}
		ok := !slices.Contains(failPorts, snd.Port) && !(only != 0 && a.Has("failed"))
		ev := Delivered{Send: snd.ID, OK: ok}
		if err := s.e.Step(ev); err != nil {
			out = append(out, "error: "+err.Error())
		}
		out = append(out, DescribeEvent(ev))
	}
	s.unacked = rest
	return out
}

// describeState prints the engine's accounting, one line per worker and
// allocation, plus what is queued.
func describeState(e *Engine) []string {
	var out []string
	r := e.report(0)
	for _, w := range r.Workers {
		out = append(out, "worker "+w.Host+" max="+w.MaxRAM.String()+" usable="+w.Usable.String()+" allocated="+
			w.Allocated.String()+" claimed="+w.Claimed.String()+" foreign="+w.Foreign.String())
	}
	for _, a := range r.Allocs {
		line := describeAllocReport(a)
		if al := e.allocs[a.Alloc]; len(al.claims) > 0 {
			ws := make([]string, 0, len(al.claims))
			for _, c := range al.claims {
				ws = append(ws, strconv.FormatInt(int64(c.worker), 10)+"@"+c.host.name+":"+c.ram.String())
			}
			slices.Sort(ws)
			line += " claims=[" + strings.Join(ws, " ") + "]"
		}
		out = append(out, line)
	}
	if len(e.pending) > 0 {
		out = append(out, "pending requests="+strconv.Itoa(len(e.pending)))
	}
	if len(e.retry) > 0 {
		out = append(out, "retry letters="+strconv.Itoa(len(e.retry)))
	}
	if len(out) == 0 {
		out = append(out, "(empty)")
	}
	return out
}
