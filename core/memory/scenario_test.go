package memory

import (
	"flag"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/ram"
	"ramfarm/internal/scenariotest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata expectations with the actual output")

func TestEngine_Step_scenarios(t *testing.T) {
	scenariotest.Run(t, *rewrite, func(t *testing.T) func(string) []string {
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

type args map[string]string

func parseArgs(fields []string) args {
	a := args{}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		a[k] = v
	}
	return a
}

func (s *scenario) int(a args, k string) int64 {
	v, ok := a[k]
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		s.t.Fatalf("%s=%s: %v", k, v, err)
	}
	return n
}

func (s *scenario) ram(a args, k string) ram.Amount {
	v, ok := a[k]
	if !ok {
		return 0
	}
	return s.amount(v)
}

func (s *scenario) amount(v string) ram.Amount {
	neg := strings.HasPrefix(v, "-")
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(v, "-"), "GB"), 64)
	if err != nil {
		s.t.Fatalf("amount %q: %v", v, err)
	}
	r := ram.MustGB(f)
	if neg {
		r = -r
	}
	return r
}

func (s *scenario) pids(a args, k string) []Pid {
	var out []Pid
	for _, f := range strings.Split(a[k], ",") {
		if f != "" {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				s.t.Fatalf("%s: %v", k, err)
			}
			out = append(out, Pid(n))
		}
	}
	return out
}

func (s *scenario) run(cmd string) []string {
	fields := strings.Fields(cmd)
	a := parseArgs(fields[1:])
	if fields[0] != "config" && s.e == nil {
		s.t.Fatalf("%q before config", cmd)
	}
	switch fields[0] {
	case "config":
		cfg := Config{HomeReserve: s.ram(a, "home-reserve"), UseHacknet: has(a, "hacknet")}
		if v, ok := a["set-aside"]; ok {
			cfg.SetAside = map[string]ram.Amount{}
			for _, kv := range strings.Split(v, ",") {
				h, amt, _ := strings.Cut(kv, ":")
				cfg.SetAside[h] = s.amount(amt)
			}
		}
		e, err := New(cfg)
		if err != nil {
			return []string{"error: " + err.Error()}
		}
		s.e, s.workers, s.unacked = e, nil, nil
		return nil
	case "worker":
		w := WorkerState{Host: fields[1], Rooted: !has(a, "noroot"), MaxRAM: s.ram(a, "max"), UsedRAM: s.ram(a, "used"),
			Cores: int(s.int(a, "cores"))}
		for k := HostDefault; k <= HostHacknet; k++ {
			if a["kind"] == k.String() {
				w.Kind = k
			}
		}
		s.workers = append(s.workers, w)
		return nil
	case "tick":
		ev := Tick{Now: s.int(a, "now"), Dead: s.pids(a, "dead"), Workers: s.workers}
		if g := a["gone"]; g != "" {
			ev.Gone = strings.Split(g, ",")
		}
		s.workers = nil
		return s.step(ev)
	case "request":
		return s.step(Request{
			Rid: s.int(a, "rid"), Pid: Pid(s.int(a, "pid")), Script: a["script"], Reply: Port(s.int(a, "reply")),
			ChunkSize: s.ram(a, "size"), Count: int(s.int(a, "count")), Priority: int(s.int(a, "prio")),
			Options: Options{Contiguous: has(a, "contiguous"), CoreDependent: has(a, "core-dependent"),
				LongRunning: has(a, "long-running"), Shrinkable: has(a, "shrinkable"), Growable: has(a, "growable")},
		})
	case "resize":
		ev := Resize{Rid: s.int(a, "rid"), Pid: Pid(s.int(a, "pid")), Reply: Port(s.int(a, "reply")),
			Alloc: AllocID(s.int(a, "alloc")), ChunkSize: s.ram(a, "size"), Count: int(s.int(a, "count"))}
		if has(a, "prio") {
			p := int(s.int(a, "prio"))
			ev.Priority = &p
		}
		return s.step(ev)
	case "release":
		return s.step(Release{Rid: s.int(a, "rid"), Pid: Pid(s.int(a, "pid")), Reply: Port(s.int(a, "reply")),
			Alloc: AllocID(s.int(a, "alloc")), Host: a["host"], ChunkSize: s.ram(a, "size"), Count: int(s.int(a, "count"))})
	case "claim":
		return s.step(Claim{Rid: s.int(a, "rid"), Pid: Pid(s.int(a, "pid")), Reply: Port(s.int(a, "reply")),
			Alloc: AllocID(s.int(a, "alloc")), Host: a["host"], Worker: Pid(s.int(a, "worker")), RAM: s.ram(a, "ram")})
	case "unclaim":
		return s.step(Unclaim{Rid: s.int(a, "rid"), Pid: Pid(s.int(a, "pid")), Reply: Port(s.int(a, "reply")),
			Alloc: AllocID(s.int(a, "alloc")), Worker: Pid(s.int(a, "worker"))})
	case "status-msg":
		return s.step(Status{Rid: s.int(a, "rid"), Pid: Pid(s.int(a, "pid")), Reply: Port(s.int(a, "reply"))})
	case "delivered":
		return s.step(Delivered{Send: s.int(a, "id"), OK: !has(a, "fail")})
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

func has(a args, k string) bool { _, ok := a[k]; return ok }

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
func (s *scenario) ack(a args) []string {
	failPorts := s.pids(a, "fail")
	only := s.int(a, "id")
	var out []string
	rest := s.unacked[:0]
	for _, snd := range s.unacked {
		if only != 0 && snd.ID != only {
			rest = append(rest, snd)
			continue
		}
		ok := !slices.Contains(failPorts, Pid(snd.Port)) && !(only != 0 && has(a, "failed"))
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
