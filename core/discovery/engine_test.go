package discovery

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

func newEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Config{MemdPort: 100})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func must(t *testing.T, e *Engine, ev Event) {
	t.Helper()
	if err := e.Step(ev); err != nil {
		t.Fatalf("%s: %v", DescribeEvent(ev), err)
	}
}

var home = Server{Host: "home", Home: true, Purchased: true, Rooted: true, MaxRAM: 32 * ram.GB, Cores: 1}

func target(host string, ports int, level float64) Server {
	return Server{Host: host, PortsRequired: ports, MaxRAM: 16 * ram.GB, Cores: 1, MaxMoney: 1e6, Money: 1e5,
		MinSecurity: 3, BaseSecurity: 10, Security: 10, Growth: 10, RequiredLevel: level}
}

func TestNew(t *testing.T) {
	for _, port := range []Port{0, -1, 1 << 53} {
		if _, err := New(Config{MemdPort: port}); !errors.Is(err, ErrBadConfig) {
			t.Errorf("memd port %d: err = %v, want ErrBadConfig", port, err)
		}
	}
	if _, err := New(Config{MemdPort: 100, WalkEvery: -1}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("negative walk interval: err = %v, want ErrBadConfig", err)
	}
	e, err := New(Config{MemdPort: 100})
	if err != nil || e.walkEvery != DefaultWalkEvery {
		t.Fatalf("defaults: walk every %d, %v", e.walkEvery, err)
	}
}

// The opens a server gets are exactly the ports it needs, taken from the
// owned openers in their fixed order; without NUKE.exe or with too few
// openers nothing is tried.
func TestEngine_Step_crack(t *testing.T) {
	tests := []struct {
		name     string
		programs ProgramSet
		ports    int
		opens    []Program // nil with nuke false: nothing at all
		nuke     bool
	}{
		{"no programs", 0, 0, nil, false},
		{"openers but no NUKE.exe", Programs(BruteSSHExe, FTPCrackExe), 1, nil, false},
		{"NUKE.exe, no ports needed", Programs(NukeExe, BruteSSHExe), 0, nil, true},
		{"one port, one opener", Programs(NukeExe, BruteSSHExe), 1, []Program{BruteSSHExe}, true},
		{"two ports, one opener", Programs(NukeExe, BruteSSHExe), 2, nil, false},
		{"openers out of order of purchase", Programs(NukeExe, SQLInjectExe, FTPCrackExe), 2, []Program{FTPCrackExe, SQLInjectExe}, true},
		{"more openers than needed", Programs(NukeExe, BruteSSHExe, FTPCrackExe, RelaySMTPExe), 2, []Program{BruteSSHExe, FTPCrackExe}, true},
		{"all five", Programs(NukeExe, BruteSSHExe, FTPCrackExe, RelaySMTPExe, HTTPWormExe, SQLInjectExe), 5,
			[]Program{BruteSSHExe, FTPCrackExe, RelaySMTPExe, HTTPWormExe, SQLInjectExe}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			must(t, e, Scan{Level: 1, Programs: tt.programs, Servers: []Server{home, target("x", tt.ports, 1)}})
			rd := e.Ready()
			var got []Program
			for _, o := range rd.Opens {
				if o.Host != "x" {
					t.Errorf("open on %s", o.Host)
				}
				got = append(got, o.Program)
			}
			if !slices.Equal(got, tt.opens) {
				t.Errorf("opens = %v, want %v", got, tt.opens)
			}
			if nuke := len(rd.Nukes) == 1 && rd.Nukes[0].Host == "x"; nuke != tt.nuke || len(rd.Nukes) > 1 {
				t.Errorf("nukes = %v, want nuke %v", rd.Nukes, tt.nuke)
			}
		})
	}
}

// A new program is acted on by the first scan that sees it: the opens and
// nukes come out of that scan, and the nukes' results register the
// workers before the next scan.
func TestEngine_Step_newProgramActsInOneTick(t *testing.T) {
	e := newEngine(t)
	servers := []Server{home, target("a", 1, 1), target("b", 1, 1), target("c", 2, 1)}
	must(t, e, Scan{Now: 0, Level: 1, Programs: Programs(NukeExe), Servers: servers})
	if rd := e.Ready(); len(rd.Nukes) != 0 {
		t.Fatalf("nukes without openers: %v", rd.Nukes)
	}
	e.Advance()
	must(t, e, Scan{Now: 200, Level: 1, Programs: Programs(NukeExe, BruteSSHExe), Servers: servers})
	rd := e.Ready()
	e.Advance()
	var nuked []string
	for _, o := range rd.Opens {
		must(t, e, Result{ID: o.ID, OK: true})
	}
	for _, n := range rd.Nukes {
		nuked = append(nuked, n.Host)
		must(t, e, Result{ID: n.ID, OK: true})
	}
	if !slices.Equal(nuked, []string{"a", "b"}) {
		t.Fatalf("nuked %v, want [a b]", nuked)
	}
	var registered []string
	for _, s := range e.Ready().Sends {
		if r, ok := s.Msg.(Register); ok && s.Port == 100 {
			registered = append(registered, r.Host)
		}
	}
	if !slices.Equal(registered, []string{"a", "b"}) {
		t.Fatalf("registered %v after the results, want [a b]", registered)
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		s    Server
		want Kind
	}{
		{Server{Host: "home", Home: true, Purchased: true}, KindHome},
		{Server{Host: "pserv-0", Purchased: true}, KindPurchased},
		{Server{Host: "hacknet-server-3", Purchased: true}, KindHacknet},
		{Server{Host: "hacknet-node-0", Purchased: true}, KindHacknet},
		{Server{Host: "hacknet-server-3"}, KindServer}, // not the player's: a name alone is not enough
		{Server{Host: "n00dles"}, KindServer},
	}
	for _, tt := range tests {
		if got := kindOf(tt.s); got != tt.want {
			t.Errorf("kindOf(%s) = %v, want %v", DescribeServer(tt.s), got, tt.want)
		}
	}
}

// The target rule, one condition at a time.
func TestEngine_hackable(t *testing.T) {
	e := newEngine(t)
	e.level = 10
	ok := target("t", 0, 10)
	ok.Rooted = true
	tests := []struct {
		name string
		edit func(*Server)
		want bool
	}{
		{"rooted, money, level reached", func(*Server) {}, true},
		{"no root", func(s *Server) { s.Rooted = false }, false},
		{"no money", func(s *Server) { s.MaxMoney = 0 }, false},
		{"level too high", func(s *Server) { s.RequiredLevel = 11 }, false},
		{"home", func(s *Server) { s.Home = true }, false},
		{"purchased", func(s *Server) { s.Purchased = true }, false},
		{"no RAM does not matter", func(s *Server) { s.MaxRAM = 0 }, true},
		{"money drained does not matter", func(s *Server) { s.Money = 0 }, true},
	}
	for _, tt := range tests {
		s := ok
		tt.edit(&s)
		if got := e.hackable(s); got != tt.want {
			t.Errorf("%s: hackable = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A malformed scan is an error and changes nothing.
func TestEngine_Step_badScan(t *testing.T) {
	good := Scan{Now: 5, Level: 3, Programs: Programs(NukeExe), Servers: []Server{home, target("a", 0, 1)}}
	tests := []struct {
		name string
		edit func(*Scan)
		want string
	}{
		{"negative level", func(s *Scan) { s.Level = -1 }, "hacking level -1"},
		{"unknown program", func(s *Scan) { s.Programs = 1 << 7 }, "unknown programs"},
		{"bad dead pid", func(s *Scan) { s.Dead = []Pid{0} }, "dead pid 0"},
		{"no host", func(s *Scan) { s.Servers[1].Host = "" }, "no host name"},
		{"twice", func(s *Scan) { s.Servers[1].Host = "home" }, "home is listed twice"},
		{"two homes", func(s *Scan) { s.Servers[1].Home = true }, "more than one home"},
		{"six ports", func(s *Scan) { s.Servers[1].PortsRequired = 6 }, "needs 6 ports"},
		{"negative RAM", func(s *Scan) { s.Servers[1].MaxRAM = -1 }, "RAM out of range"},
		{"no cores", func(s *Scan) { s.Servers[1].Cores = 0 }, "0 cores"},
		{"NaN money", func(s *Scan) { s.Servers[1].Money = math.NaN() }, "money NaN"},
		{"negative growth", func(s *Scan) { s.Servers[1].Growth = -1 }, "growth -1"},
		{"infinite level", func(s *Scan) { s.Servers[1].RequiredLevel = math.Inf(1) }, "required level +Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			must(t, e, Subscribe{Rid: 1, Pid: 9, Reply: 109})
			before := describeState(e)
			rdBefore := e.Ready()
			ev := good
			ev.Servers = slices.Clone(good.Servers)
			tt.edit(&ev)
			err := e.Step(ev)
			if !errors.Is(err, ErrBadScan) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrBadScan saying %q", err, tt.want)
			}
			if after := describeState(e); !slices.Equal(before, after) {
				t.Errorf("state changed:\n%s\nwas:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
			}
			if rd := e.Ready(); len(rd.Logs) != len(rdBefore.Logs) || len(rd.Sends) != len(rdBefore.Sends) {
				t.Errorf("outbox changed: %+v", rd)
			}
		})
	}
}

func TestEngine_Step_events(t *testing.T) {
	e := newEngine(t)
	if err := e.Step(nil); !errors.Is(err, ErrNilEvent) {
		t.Errorf("nil: %v", err)
	}
	if err := e.Step((*Scan)(nil)); !errors.Is(err, ErrNilEvent) {
		t.Errorf("nil *Scan: %v", err)
	}
	if err := e.Step(bogusEvent{}); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("unknown: %v", err)
	}
	must(t, e, &Scan{Level: 1, Servers: []Server{home}})
	must(t, e, &Subscribe{Rid: 1, Pid: 2, Reply: 3})
	rd := e.Ready()
	e.Advance()
	for _, s := range rd.Sends {
		must(t, e, &Delivered{Send: s.ID, OK: true})
	}
	if err := e.Step(&Result{ID: 1}); !errors.Is(err, ErrUnknownAction) {
		t.Errorf("result for a send: %v", err)
	}
	if e.HasReady() {
		t.Errorf("ready after everything was done: %+v", e.Ready())
	}
}

type bogusEvent struct{}

func (bogusEvent) isEvent() {}

// A shell that steps every outcome at once, and loops while there are
// outcomes, always stops, whatever ports are full: the engine never
// answers a failed delivery with a send before the next scan. Every
// server the programs allow ends up rooted and registered, and every
// registration eventually arrives.
func TestEngine_shellLoopStops(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		e := newEngine(t)
		net := []Server{home}
		for i := range 12 {
			s := target("s"+itoa(int64(i)), rng.IntN(6), float64(rng.IntN(20)))
			s.MaxRAM = ram.Amount(rng.IntN(3)) * 8 * ram.GB
			net = append(net, s)
		}
		must(t, e, Subscribe{Rid: 1, Pid: 7, Reply: 107})
		delivered := map[string]Register{}
		progs := Programs(NukeExe)
		for tick := range 40 {
			if tick%6 == 5 && int(tick/6) < len(openers) {
				progs |= Programs(openers[tick/6])
			}
			events := []Event{Scan{Now: int64(tick) * 200, Level: tick, Programs: progs, Servers: slices.Clone(net)}}
			for steps := 0; len(events) > 0; steps++ {
				if steps > 100 {
					t.Fatalf("round %d tick %d: the shell loop does not stop", round, tick)
				}
				for _, ev := range events {
					must(t, e, ev)
				}
				events = nil
				rd := e.Ready()
				e.Advance()
				for _, o := range rd.Opens {
					events = append(events, Result{ID: o.ID, OK: true})
				}
				for _, n := range rd.Nukes {
					for i := range net {
						if net[i].Host == n.Host {
							net[i].Rooted = true
						}
					}
					events = append(events, Result{ID: n.ID, OK: true})
				}
				for _, s := range rd.Sends {
					ok := rng.IntN(3) > 0
					if r, isReg := s.Msg.(Register); isReg && ok {
						delivered[r.Host] = r
					}
					events = append(events, Delivered{Send: s.ID, OK: ok})
				}
			}
		}
		// A last few scans with free ports deliver whatever waited.
		for tick := 40; tick < 43; tick++ {
			must(t, e, Scan{Now: int64(tick) * 200, Level: tick, Programs: progs, Servers: slices.Clone(net)})
			rd := e.Ready()
			e.Advance()
			for _, s := range rd.Sends {
				if r, isReg := s.Msg.(Register); isReg {
					delivered[r.Host] = r
				}
				must(t, e, Delivered{Send: s.ID, OK: true})
			}
		}
		for _, s := range net {
			if !s.Rooted {
				t.Errorf("round %d: %s (ports %d) not rooted with every program", round, s.Host, s.PortsRequired)
			}
			r, ok := delivered[s.Host]
			if want := s.MaxRAM > 0; ok != want || (ok && r.MaxRAM != s.MaxRAM) {
				t.Errorf("round %d: %s with %v: registration %v delivered=%v", round, s.Host, s.MaxRAM, describeRegister(r), ok)
			}
		}
	}
}
