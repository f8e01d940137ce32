package selector

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/ram"
)

// dump is the engine's whole state as text, for "nothing changed" checks.
func dump(e *Engine) string {
	lines := describeState(e)
	for _, t := range e.tasks {
		lines = append(lines, "task "+t.name()+" since="+itoa(t.since)+" heard="+itoa(t.heard)+" port="+itoa(int64(t.port))+
			" sent="+t.sentCap.String()+"/"+itoa(int64(t.sentPrio))+" got="+t.gotCap.String()+"/"+itoa(int64(t.gotPrio)))
	}
	for _, h := range e.hosts {
		lines = append(lines, "host "+h.Host+" "+h.Allocated.String()+"/"+h.Usable.String())
	}
	lines = append(lines, "next="+itoa(e.nextID)+" killed="+itoa(int64(len(e.killed)))+" hacking="+ftoa(e.hacking))
	l := e.ledger
	lines = append(lines, "ledger since="+itoa(l.since)+" banked="+ftoa(l.banked)+" samples="+itoa(int64(len(l.samples)))+
		" jump="+itoa(l.jump.At)+"/"+l.jump.GB.String()+"/"+itoa(l.jump.Absorbed)+" holdings="+itoa(int64(len(e.holdings))))
	for _, c := range e.out.Commands {
		lines = append(lines, DescribeCommand(c))
	}
	return strings.Join(append(lines, e.out.Logs...), "\n")
}

func must(t *testing.T, e *Engine, ev Event) {
	t.Helper()
	if err := e.Step(ev); err != nil {
		t.Fatalf("%s: %v", DescribeEvent(ev), err)
	}
}

// take returns Ready's commands as text and advances.
func take(e *Engine) []string {
	var out []string
	for _, c := range e.Ready().Commands {
		out = append(out, DescribeCommand(c))
	}
	e.Advance()
	return out
}

var (
	alpha = Target{Host: "alpha", MoneyMax: 2e6, MoneyAvailable: 2e6, MinSecurity: 1, BaseSecurity: 1, Security: 2, Growth: 20,
		RequiredHacking: 1, Rooted: true}
	beta = Target{Host: "beta", MoneyMax: 1e6, MoneyAvailable: 1e6, MinSecurity: 1, BaseSecurity: 1, Security: 1, Growth: 20,
		RequiredHacking: 1, Rooted: true}
)

// fixture: policy grow, grace over; alpha (till) runs as pid 11 holding
// 20 of its 35 GB, launched and heard at 100 ms; beta (harvest-ready) is
// not rooted; home has 64 GB. Ready is empty.
func fixture(t *testing.T, cfg Config) *Engine {
	t.Helper()
	cfg.Grace = 1
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	must(t, e, Observe{Now: 0, Hacking: 10, Targets: []Target{alpha, unrooted(beta)}, Hosts: []HostRAM{{Host: "home", Usable: 64 * ram.GB}}})
	must(t, e, Tick{Now: 100})
	if got := take(e); len(got) != 1 || !strings.HasPrefix(got[0], "Launch id=1 kind=till") {
		t.Fatalf("fixture launch: %v", got)
	}
	must(t, e, Launched{ID: 1, OK: true, Pid: 11})
	must(t, e, Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Held: 20 * ram.GB, Want: 35 * ram.GB,
		Cap: 35 * ram.GB, Priority: 1002})
	e.Advance()
	return e
}

func unrooted(t Target) Target {
	t.Rooted = false
	return t
}

func till(host string) Target {
	t := alpha
	t.Host = host
	return t
}

func TestEngine_fixture(t *testing.T) {
	e := fixture(t, Config{})
	want := []string{
		"now=100 grace-end=1 usable=64GB free=64GB leftover=49GB",
		"target alpha phase=till value=3.074 rank=2", // its harvest per GB·s, less the share of the hour its till and sow take
		"target beta phase=harvest value=0 rank=1",
		"task pid=11 launch=1 kind=till target=alpha state=running held=20GB want=35GB cap=35GB prio=1002",
	}
	if got := describeState(e); !slices.Equal(got, want) {
		t.Fatalf("fixture:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestEngine_Step lists the rules, one event each, on the fixture.
func TestEngine_Step(t *testing.T) {
	obs := func(now int64, ts []Target, hs ...HostRAM) Observe {
		return Observe{Now: now, Hacking: 10, Targets: ts, Hosts: hs}
	}
	home := func(alloc ram.Amount) HostRAM { return HostRAM{Host: "home", Usable: 64 * ram.GB, Allocated: alloc} }
	for _, tc := range []struct {
		name   string
		cfg    Config
		before []Event
		ev     Event
		want   []string
	}{
		{name: "observe launches a waiting target into the RAM no task waits for",
			ev:   obs(200, []Target{alpha, beta}, home(20*ram.GB)),
			want: []string{`Launch id=2 kind=harvest target="beta" prio=3001 ram=44GB growable`}},
		{name: "a harvest below its smallest size shrinks an earlier phase's task on a target worth less",
			cfg: Config{Settle: 1},
			ev: obs(200, []Target{alpha, {Host: "beta", MoneyMax: 4e6, MoneyAvailable: 4e6, MinSecurity: 1, Security: 1, Growth: 20,
				RequiredHacking: 1, Rooted: true}}, HostRAM{Host: "home", Usable: 64 * ram.GB, Allocated: 58 * ram.GB}),
			want: []string{"SetPriority id=2 pid=11 port=1011 prio=1001", "Resize id=3 pid=11 port=1011 ram=8.5GB"}},
		{name: "a harvest does not shrink an earlier phase's task on a target worth more",
			ev: obs(200, []Target{alpha, beta}, HostRAM{Host: "home", Usable: 64 * ram.GB, Allocated: 58 * ram.GB})},
		{name: "a target not rooted waits",
			ev: obs(200, []Target{alpha, {Host: "beta", MoneyMax: 1e6, MoneyAvailable: 1e6, MinSecurity: 1, Security: 1, Growth: 20,
				RequiredHacking: 1}}, home(20*ram.GB))},
		{name: "a target above the hacking level waits",
			ev: obs(200, []Target{alpha, {Host: "beta", MoneyMax: 1e6, MoneyAvailable: 1e6, MinSecurity: 1, Security: 1, Growth: 20,
				RequiredHacking: 11, Rooted: true}}, home(20*ram.GB))},
		{name: "greedy sizes a launch to the free RAM, not growable",
			cfg:  Config{Policy: PolicyGreedy},
			ev:   obs(200, []Target{alpha, beta}, home(20*ram.GB)),
			want: []string{`Launch id=2 kind=harvest target="beta" prio=3001 ram=44GB`}},
		{name: "launches stop at MaxStarting",
			cfg: Config{Policy: PolicyGreedy, MaxStarting: 2},
			ev:  obs(200, []Target{alpha, till("t1"), till("t2"), till("t3")}, HostRAM{Host: "home", Usable: 1024 * ram.GB}),
			want: []string{`Launch id=2 kind=till target="t1" prio=1003 ram=35GB`,
				`Launch id=3 kind=till target="t2" prio=1002 ram=35GB`}},
		{name: "tick before the timeout kills nothing", ev: Tick{Now: 10100}},
		{name: "tick after the timeout kills and relaunches",
			ev:   Tick{Now: 10101},
			want: []string{"Kill id=2 pid=11", `Launch id=3 kind=till target="alpha" prio=1002 ram=35GB growable`}},
		{name: "a heartbeat keeps a task alive",
			before: []Event{Tick{Now: 5000}, Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 1002}},
			ev:     Tick{Now: 10101}},
		{name: "a heartbeat with another priority gets SetPriority",
			before: []Event{Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 7}},
			ev:     Tick{Now: 2100},
			want:   []string{"SetPriority id=2 pid=11 port=1011 prio=1002"}},
		{name: "a heartbeat with another cap gets Resize",
			before: []Event{Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 3 * ram.GB, Priority: 1002}},
			ev:     Tick{Now: 2100},
			want:   []string{"Resize id=2 pid=11 port=1011 ram=35GB"}},
		{name: "exit done advances the phase and launches the next",
			ev:   Exit{Pid: 11, Done: true},
			want: nil},
		{name: "the next phase launches on the next pass",
			before: []Event{Exit{Pid: 11, Done: true}},
			ev:     Tick{Now: 200},
			want:   []string{`Launch id=2 kind=sow target="alpha" prio=2002 ram=38.5GB growable`}},
		{name: "an unasked exit backs off", before: []Event{Exit{Pid: 11}}, ev: Tick{Now: 599}},
		{name: "after the backoff it launches again",
			before: []Event{Exit{Pid: 11}},
			ev:     Tick{Now: 600},
			want:   []string{`Launch id=2 kind=till target="alpha" prio=1002 ram=35GB growable`}},
		{name: "a heartbeat from an unknown pid for a taken target is stopped",
			ev:   Heartbeat{Pid: 50, Port: 1050, Kind: KindTill, Target: "alpha"},
			want: []string{"Stop id=2 pid=50 port=1050"}},
		{name: "a heartbeat from an unknown pid for a free target is adopted",
			ev: Heartbeat{Pid: 50, Port: 1050, Kind: KindHarvest, Target: "beta"}},
		{name: "a heartbeat from a killed pid is ignored",
			before: []Event{Tick{Now: 10101}},
			ev:     Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha"}},
		{name: "exit of an unknown pid is ignored", ev: Exit{Pid: 99, Done: true}},
		{name: "vacate cordons and asks every task to leave",
			ev:   Vacate{Host: "home", Reply: 500},
			want: []string{`Cordon id=2 host="home" on`, `Leave id=3 pid=11 port=1011 host="home"`}},
		{name: "vacate answers when the status shows the host cordoned and empty",
			before: []Event{Vacate{Host: "pserv-0", Reply: 500}},
			ev:     obs(200, []Target{alpha, unrooted(beta)}, home(20*ram.GB), HostRAM{Host: "pserv-0", Usable: 8 * ram.GB, Cordoned: true}),
			want:   []string{`Vacated id=4 host="pserv-0" reply=500`}},
		{name: "vacate waits while the host is not cordoned",
			before: []Event{Vacate{Host: "pserv-0", Reply: 500}},
			ev:     obs(200, []Target{alpha, unrooted(beta)}, home(20*ram.GB), HostRAM{Host: "pserv-0", Usable: 8 * ram.GB})},
		{name: "reopen lifts the cordon", ev: Reopen{Host: "pserv-0"}, want: []string{`Cordon id=2 host="pserv-0" off`}},
		{name: "a host a task gave up is cordoned, once",
			before: []Event{Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 1002, GaveUp: []string{"pserv-0"}}},
			ev:     Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 1002, GaveUp: []string{"n00dles", "pserv-0"}},
			want:   []string{`Cordon id=3 host="n00dles" on`}},
		{name: "a quarantine ends after Quarantine",
			before: beating(Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 1002, GaveUp: []string{"pserv-0"}},
				100+Quarantine-1),
			ev:   Tick{Now: 100 + Quarantine},
			want: []string{`Cordon id=3 host="pserv-0" off`}},
		{name: "a host being vacated is not quarantined: the vacate's cordon holds it",
			before: append([]Event{Vacate{Host: "pserv-0", Reply: 500}},
				beating(Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 1002, GaveUp: []string{"pserv-0"}},
					100+Quarantine-1)...),
			ev: Tick{Now: 100 + Quarantine}},
		{name: "a vacate keeps a quarantined host cordoned past its quarantine",
			before: append([]Event{Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 1002,
				GaveUp: []string{"pserv-0"}}, Vacate{Host: "pserv-0", Reply: 500}},
				beating(Heartbeat{Pid: 11, Port: 1011, Kind: KindTill, Target: "alpha", Cap: 35 * ram.GB, Priority: 1002}, 100+Quarantine-1)...),
			ev: Tick{Now: 100 + Quarantine}},
		{name: "a restart jump kills every task",
			cfg:  Config{Policy: PolicyRestart},
			ev:   obs(200, []Target{alpha, unrooted(beta)}, HostRAM{Host: "home", Usable: 81 * ram.GB, Allocated: 20 * ram.GB}),
			want: []string{"Kill id=2 pid=11"}},
		{name: "a rise within the restart threshold kills nothing",
			cfg: Config{Policy: PolicyRestart},
			ev:  obs(200, []Target{alpha, unrooted(beta)}, HostRAM{Host: "home", Usable: 80 * ram.GB, Allocated: 20 * ram.GB})},
		{name: "grow ignores a jump",
			ev: obs(200, []Target{alpha, unrooted(beta)}, HostRAM{Host: "home", Usable: 256 * ram.GB, Allocated: 20 * ram.GB})},
		{name: "a launch in flight at a restart jump is killed once it starts",
			cfg: Config{Policy: PolicyRestart},
			before: []Event{Exit{Pid: 11, Done: true}, Tick{Now: 200},
				obs(300, []Target{alpha, unrooted(beta)}, HostRAM{Host: "home", Usable: 81 * ram.GB})},
			ev:   Launched{ID: 2, OK: true, Pid: 12},
			want: []string{"Kill id=3 pid=12"}},
		{name: "a launched pid starts the task", cfg: Config{Policy: PolicyGreedy},
			before: []Event{Exit{Pid: 11, Done: true}, Tick{Now: 200}},
			ev:     Launched{ID: 2, OK: true, Pid: 12}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := fixture(t, tc.cfg)
			for _, ev := range tc.before {
				must(t, e, ev)
			}
			e.Advance()
			must(t, e, tc.ev)
			if got := take(e); !slices.Equal(got, tc.want) {
				t.Errorf("%s:\ngot:\n%s\nwant:\n%s", DescribeEvent(tc.ev), strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestEngine_Step_errors: a contract violation is an error and changes
// nothing.
func TestEngine_Step_errors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		ev   Event
		err  error
	}{
		{"nil", nil, ErrNilEvent},
		{"nil pointer", (*Tick)(nil), ErrNilEvent},
		{"time backwards", Tick{Now: 99}, ErrTimeBackwards},
		{"observe backwards", Observe{Now: 99, Hacking: 10}, ErrTimeBackwards},
		{"hacking 0", Observe{Now: 200}, ErrBadObservation},
		{"hacking NaN", Observe{Now: 200, Hacking: nan}, ErrBadObservation},
		{"target without a name", Observe{Now: 200, Hacking: 1, Targets: []Target{{}}}, ErrBadObservation},
		{"target twice", Observe{Now: 200, Hacking: 1, Targets: []Target{alpha, alpha}}, ErrBadObservation},
		{"target NaN", Observe{Now: 200, Hacking: 1, Targets: []Target{{Host: "x", MoneyMax: nan}}}, ErrBadObservation},
		{"target negative", Observe{Now: 200, Hacking: 1, Targets: []Target{{Host: "x", Security: -1}}}, ErrBadObservation},
		{"host without a name", Observe{Now: 200, Hacking: 1, Hosts: []HostRAM{{}}}, ErrBadObservation},
		{"host twice", Observe{Now: 200, Hacking: 1, Hosts: []HostRAM{{Host: "h"}, {Host: "h"}}}, ErrBadObservation},
		{"host RAM negative", Observe{Now: 200, Hacking: 1, Hosts: []HostRAM{{Host: "h", Allocated: -1}}}, ErrBadObservation},
		{"launch unknown", Launched{ID: 9, OK: true, Pid: 12}, ErrUnknownLaunch},
		{"launch already started", Launched{ID: 1, OK: true, Pid: 12}, ErrUnknownLaunch},
		{"heartbeat pid 0", Heartbeat{Port: 1, Kind: KindTill, Target: "alpha"}, ErrBadPid},
		{"heartbeat bad port", Heartbeat{Pid: 12, Kind: KindTill, Target: "alpha"}, ErrBadHeartbeat},
		{"heartbeat bad kind", Heartbeat{Pid: 12, Port: 1, Kind: 9, Target: "alpha"}, ErrBadHeartbeat},
		{"heartbeat no target", Heartbeat{Pid: 12, Port: 1, Kind: KindTill}, ErrBadHeartbeat},
		{"heartbeat RAM negative", Heartbeat{Pid: 12, Port: 1, Kind: KindTill, Target: "alpha", Held: -1}, ErrBadHeartbeat},
		{"heartbeat rate NaN", Heartbeat{Pid: 12, Port: 1, Kind: KindTill, Target: "alpha", Rate: nan}, ErrBadHeartbeat},
		{"heartbeat changes kind", Heartbeat{Pid: 11, Port: 1, Kind: KindSow, Target: "alpha"}, ErrBadHeartbeat},
		{"heartbeat changes target", Heartbeat{Pid: 11, Port: 1, Kind: KindTill, Target: "beta"}, ErrBadHeartbeat},
		{"exit pid 0", Exit{}, ErrBadPid},
		{"vacate no host", Vacate{Reply: 1}, ErrBadHost},
		{"vacate bad reply", Vacate{Host: "h"}, ErrBadReply},
		{"reopen no host", Reopen{}, ErrBadHost},
		{"unknown event", struct{ Event }{}, ErrUnknownEvent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := fixture(t, Config{})
			before := dump(e)
			err := e.Step(tc.ev)
			if !errors.Is(err, tc.err) {
				t.Fatalf("%s: got %v, want %v", DescribeEvent(tc.ev), err, tc.err)
			}
			if after := dump(e); after != before {
				t.Errorf("state changed:\n%s\nwant:\n%s", after, before)
			}
		})
	}
	// A launch started with pid 0, or with a pid that is already a task.
	e := fixture(t, Config{})
	must(t, e, Exit{Pid: 11, Done: true})
	must(t, e, Tick{Now: 200})
	e.Advance()
	for _, ev := range []Launched{{ID: 2, OK: true}, {ID: 2, OK: true, Pid: 11}} {
		must(t, e, Heartbeat{Pid: 11, Port: 1011, Kind: KindSow, Target: "gamma"}) // adopted: pid 11 is a task again
		before := dump(e)
		if err := e.Step(ev); !errors.Is(err, ErrBadPid) {
			t.Errorf("%s: got %v, want ErrBadPid", DescribeEvent(ev), err)
		}
		if dump(e) != before {
			t.Errorf("%s changed the state", DescribeEvent(ev))
		}
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"every policy", Config{Policy: PolicyReplan}, true},
		{"unknown policy", Config{Policy: 9}, false},
		{"negative timeout", Config{HeartbeatTimeout: -1}, false},
		{"negative grace", Config{Grace: -1}, false},
		{"cap below base", Config{BackoffBase: 2000, BackoffCap: 1000}, false},
		{"one starting", Config{MaxStarting: 1}, false},
		{"negative starting", Config{MaxStarting: -1}, false},
		{"negative min RAM", Config{MinTaskRAM: -1}, false},
		{"negative worker RAM", Config{GrowRAM: -1}, false},
		{"ratio below 1", Config{ShrinkRatio: 0.5}, false},
		{"ratio NaN", Config{ShrinkRatio: math.NaN()}, false},
		{"jump negative", Config{RestartJump: -0.1}, false},
		{"fraction above 1", Config{MaxHackFraction: 1.5}, false},
		{"fraction 1", Config{MaxHackFraction: 1}, true},
		{"negative horizon", Config{Horizon: -1}, false},
		{"negative settle", Config{Settle: -1}, false},
		{"BitNode 12.3", Config{Node: formulas.Node{N: 12, Level: 3}}, true},
		{"BitNode 15", Config{Node: formulas.Node{N: 15}}, false},
		{"BitNode 2 level 9", Config{Node: formulas.Node{N: 2, Level: 9}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrBadConfig) {
				t.Fatalf("%v is not ErrBadConfig", err)
			}
		})
	}
	c, err := Config{HeartbeatTimeout: 3000}.validate()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Policy: PolicyGrow, HeartbeatTimeout: 3000, Grace: 3000, Resend: 2000, BackoffBase: 500, BackoffCap: 10000,
		MaxStarting: 4, ShrinkRatio: 1.5, Horizon: 3600000, Settle: 120000, RestartJump: 0.25, HackRAM: 170, GrowRAM: 175,
		WeakenRAM: 175, BatchGap: 200, MaxHackFraction: 0.9, Node: formulas.Node{N: 1, Level: 1}}
	if c != want {
		t.Errorf("defaults:\ngot  %+v\nwant %+v", c, want)
	}
}

// TestTask_become lists every transition, allowed or not.
func TestTask_become(t *testing.T) {
	allowed := map[[2]state]bool{
		{stLaunching, stStarting}: true, {stLaunching, stGone}: true,
		{stStarting, stRunning}: true, {stStarting, stGone}: true,
		{stRunning, stStopping}: true, {stRunning, stGone}: true,
		{stStopping, stGone}: true,
	}
	for from := stLaunching; from <= stGone; from++ {
		for to := stLaunching; to <= stGone; to++ {
			tk := &task{state: from, tgt: &target{}}
			panicked := func() (p bool) {
				defer func() { p = recover() != nil }()
				tk.become(to, 5)
				return false
			}()
			if ok := allowed[[2]state{from, to}]; panicked == ok {
				t.Errorf("%s -> %s: panicked=%v, allowed=%v", from, to, panicked, ok)
			}
			if !panicked && (tk.state != to || tk.since != 5) {
				t.Errorf("%s -> %s left state %s since %d", from, to, tk.state, tk.since)
			}
		}
	}
}

// TestEngine_fail: backoff doubles from the base to the cap, without
// overflowing on a cap near the int64 limit.
func TestEngine_fail(t *testing.T) {
	for _, tc := range []struct {
		base, cap int64
		want      []int64
	}{
		{500, 10000, []int64{500, 1000, 2000, 4000, 8000, 10000, 10000}},
		{1000, 1000, []int64{1000, 1000}},
		{1 << 61, math.MaxInt64, []int64{1 << 61, 1 << 62, math.MaxInt64, math.MaxInt64}},
	} {
		e, err := New(Config{BackoffBase: tc.base, BackoffCap: tc.cap})
		if err != nil {
			t.Fatal(err)
		}
		g := e.target("x")
		var got []int64
		for range tc.want {
			tk := &task{tgt: g}
			e.tasks = append(e.tasks, tk)
			e.fail(tk, "test")
			got = append(got, g.until-e.now)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("base %d cap %d: got %v, want %v", tc.base, tc.cap, got, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	for _, ev := range []Event{Observe{}, Tick{}, Launched{}, Launched{OK: true}, Heartbeat{}, Exit{}, Vacate{}, Reopen{}} {
		if d := DescribeEvent(ev); strings.HasPrefix(d, "<") {
			t.Errorf("%T: %s", ev, d)
		}
	}
	for _, c := range []Command{Launch{}, Kill{}, SetPriority{}, Resize{}, Stop{}, Leave{}, Cordon{}, Vacated{}} {
		if d := DescribeCommand(c); strings.HasPrefix(d, "<") {
			t.Errorf("%T: %s", c, d)
		}
	}
	for p := PolicyDefault; p <= PolicyReplan; p++ {
		if q, ok := ParsePolicy(p.String()); !ok || q != p {
			t.Errorf("policy %d: %q parses to %d, %v", p, p.String(), q, ok)
		}
	}
	for k := KindTill; k <= KindHarvest; k++ {
		if q, ok := ParseKind(k.String()); !ok || q != k {
			t.Errorf("kind %d: %q parses to %d, %v", k, k.String(), q, ok)
		}
	}
	if _, ok := ParsePolicy("grown"); ok {
		t.Error(`"grown" parsed`)
	}
	if _, ok := ParseKind("none"); ok {
		t.Error(`"none" parsed as a task kind`)
	}
}

func TestEngine_Tasks(t *testing.T) {
	e := fixture(t, Config{})
	must(t, e, Heartbeat{Pid: 50, Port: 1050, Kind: KindHarvest, Target: "beta", Held: ram.GB, Cap: 2 * ram.GB, Priority: 3001,
		Rate: 12.5, Stopping: true})
	want := []TaskInfo{
		{Launch: 1, Pid: 11, Kind: KindTill, Target: "alpha", Heard: true, Held: 20 * ram.GB, Cap: 35 * ram.GB, Priority: 1002},
		{Pid: 50, Kind: KindHarvest, Target: "beta", Heard: true, Stopping: true, Held: ram.GB, Cap: 2 * ram.GB, Priority: 3001,
			Rate: 12.5},
	}
	if got := e.Tasks(); !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if !e.HasReady() {
		t.Error("adopting a stopping task logged nothing")
	}
}

// TestEngine_shrink: a shrink to nothing stops the task; a cap of 0 would
// lift its cap instead.
func TestEngine_shrink(t *testing.T) {
	for _, tc := range []struct {
		to   ram.Amount
		want string
	}{
		{10 * ram.GB, "Resize id=2 pid=11 port=1011 ram=10GB"},
		{0, "Stop id=2 pid=11 port=1011"},
	} {
		e := fixture(t, Config{})
		e.shrink(e.tasks[0], tc.to, "test")
		if got := take(e); len(got) != 1 || got[0] != tc.want {
			t.Errorf("shrink to %v: %v, want %s", tc.to, got, tc.want)
		}
	}
}

// beating is hb every 5 s from the fixture's 100 ms until until, each
// after a Tick: a task that stays alive through a long stretch.
func beating(hb Heartbeat, until int64) []Event {
	var evs []Event
	for now := int64(100); now <= until; now += 5000 {
		evs = append(evs, Tick{Now: now}, hb)
	}
	return append(evs, Tick{Now: until})
}
