package selector

import (
	"math"
	"slices"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

// TestEngine_replan lists PolicyReplan's rules: each case steps a fresh
// engine (grace over) through its events and checks the commands of the
// last one.
func TestEngine_replan(t *testing.T) {
	home := func(usable, alloc ram.Amount) HostRAM { return HostRAM{Host: "home", Usable: usable, Allocated: alloc} }
	obs := func(now int64, hs []HostRAM, ts ...Target) Observe {
		return Observe{Now: now, Hacking: 10, Targets: ts, Hosts: hs}
	}
	big := []HostRAM{home(1024*ram.GB, 0)}
	// rich is worth more per GB than beta even after its till and sow.
	rich := till("rich")
	rich.MoneyMax, rich.MoneyAvailable = 40e6, 40e6
	beat := func(pid Pid, kind Kind, target string, held ram.Amount) Heartbeat {
		return Heartbeat{Pid: pid, Port: Port(1000 + pid), Kind: kind, Target: target, Held: held, Cap: held}
	}
	// running: beta's harvest round was launched (id 1) as pid 21 and
	// holds 44 GB of a 64 GB home.
	running := []Event{
		obs(0, []HostRAM{home(64*ram.GB, 0)}, beta),
		Launched{ID: 1, OK: true, Pid: 21},
		beat(21, KindHarvest, "beta", 44*ram.GB),
	}
	for _, tc := range []struct {
		name   string
		before []Event
		ev     Event
		want   []string
	}{
		{name: "a target gets one round sized to the free RAM, fixed",
			ev:   obs(0, []HostRAM{home(64*ram.GB, 20*ram.GB)}, beta),
			want: []string{`Launch id=1 kind=harvest target="beta" prio=3001 ram=44GB round`}},
		{name: "a round asks for no more than its target can use",
			ev:   obs(0, big, alpha),
			want: []string{`Launch id=1 kind=till target="alpha" prio=1001 ram=35GB round`}},
		{name: "targets go by worth, whatever their phase: a till worth more comes before a harvest",
			ev: obs(0, []HostRAM{home(100*ram.GB, 0)}, beta, rich),
			want: []string{`Launch id=1 kind=till target="rich" prio=1002 ram=35GB round`,
				`Launch id=2 kind=harvest target="beta" prio=3001 ram=65GB round`}},
		{name: "a target whose round runs gets no other; new RAM goes to no running task",
			before: running,
			ev:     obs(1000, big, beta)},
		{name: "new RAM starts rounds for the targets with no work",
			before: running,
			ev:     obs(1000, big, beta, alpha),
			want:   []string{`Launch id=2 kind=till target="alpha" prio=1002 ram=35GB round`}},
		{name: "a round that worked and ended is no failure: the next is planned at once, sized anew",
			before: append(slices.Clone(running), Exit{Pid: 21}),
			ev:     obs(1000, []HostRAM{home(64*ram.GB, 0)}, beta),
			want:   []string{`Launch id=2 kind=harvest target="beta" prio=3001 ram=64GB round`}},
		{name: "a round that never got RAM backs off",
			before: []Event{obs(0, []HostRAM{home(64*ram.GB, 0)}, beta), Launched{ID: 1, OK: true, Pid: 21},
				beat(21, KindHarvest, "beta", 0), Exit{Pid: 21}},
			ev: obs(499, []HostRAM{home(64*ram.GB, 0)}, beta)},
		{name: "a till round that readies its target advances it to sow",
			before: []Event{obs(0, big, alpha), Launched{ID: 1, OK: true, Pid: 21}, beat(21, KindTill, "alpha", 35*ram.GB),
				Exit{Pid: 21, Done: true}},
			ev:   obs(1000, big, alpha),
			want: []string{`Launch id=2 kind=sow target="alpha" prio=2001 ram=38.5GB round`}},
		{name: "the free RAM is counted once: a round launched and not heard from holds its size",
			before: []Event{obs(0, []HostRAM{home(64*ram.GB, 20*ram.GB)}, beta)},
			ev:     obs(1000, []HostRAM{home(64*ram.GB, 20*ram.GB)}, beta, alpha)},
		{name: "an adopted task ends as a round",
			before: []Event{obs(0, []HostRAM{home(64*ram.GB, 64*ram.GB)}, beta), beat(21, KindHarvest, "beta", 44*ram.GB), Exit{Pid: 21}},
			ev:     obs(1000, []HostRAM{home(64*ram.GB, 0)}, beta),
			want:   []string{`Launch id=1 kind=harvest target="beta" prio=3001 ram=64GB round`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(Config{Policy: PolicyReplan, Grace: 1})
			if err != nil {
				t.Fatal(err)
			}
			must(t, e, Tick{Now: 0})
			must(t, e, Tick{Now: 1})
			for _, ev := range tc.before {
				if o, ok := ev.(Observe); ok && o.Now == 0 {
					o.Now = 1
					ev = o
				}
				must(t, e, ev)
			}
			e.Advance()
			if o, ok := tc.ev.(Observe); ok && o.Now == 0 {
				o.Now = 1
				tc.ev = o
			}
			must(t, e, tc.ev)
			var got []string
			for _, c := range take(e) {
				if strings.HasPrefix(c, "Launch") {
					got = append(got, c)
				} else {
					t.Errorf("command %s: replan sends its tasks nothing", c)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s\nlogs: %v", strings.Join(got, "\n"), strings.Join(tc.want, "\n"), e.Ready().Logs)
			}
		})
	}
}

// TestEngine_replanCaps lists the target caps PolicyReplan takes from
// daemon.js with Config.ReplanCaps: each case steps a fresh engine (grace over, tasks never
// time out, launches unpaced) through its events and checks the rounds
// the last one launched and maxTargets after it.
func TestEngine_replanCaps(t *testing.T) {
	home := func(usable, alloc ram.Amount) HostRAM { return HostRAM{Host: "home", Usable: usable, Allocated: alloc} }
	obs := func(now int64, h HostRAM, ts ...Target) Observe {
		return Observe{Now: now, Hacking: 10, Targets: ts, Hosts: []HostRAM{h}}
	}
	ready := func(host string) Target {
		g := beta
		g.Host = host
		return g
	}
	// poor needs preparing and is worth less than any ready target.
	poor := till("poor")
	poor.MoneyMax, poor.MoneyAvailable = 1e5, 1e5
	big := home(1024*ram.GB, 0)
	r1, r2, r3 := ready("r1"), ready("r2"), ready("r3")
	// half: half of the RAM is held by something else, so two harvest
	// rounds leave it idle (at most 80% used) but not mostly idle.
	half := home(1024*ram.GB, 400*ram.GB)
	full := home(1024*ram.GB, 1000*ram.GB)
	// A harvest round wants two one-thread batches (batches a minute
	// apart take one thread's share at most), so RAM is plentiful.
	cfg := Config{Policy: PolicyReplan, Grace: 1, HeartbeatTimeout: 1 << 40, MaxStarting: 16, BatchGap: 60000,
		MaxHackFraction: 0.001}
	probe, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// cycle is the harvests' weaken time and daemon.js's cycle delay.
	cycle := int64(math.Ceil(readyTime(beta, 10, probe.model)*1000)) + replanCycleDelay
	beat := func(pid Pid, target string) Heartbeat {
		return Heartbeat{Pid: pid, Port: Port(1000 + pid), Kind: KindHarvest, Target: target, Held: 40 * ram.GB, Cap: 40 * ram.GB}
	}
	for _, tc := range []struct {
		name      string
		uncapped  bool
		seatTill  ram.Amount
		before    []Event
		ev        Event
		want      []string // Launch kind and target
		maxTarget int
	}{
		{name: "six targets to prepare and RAM for all: maxTargets+3 get rounds",
			ev:   obs(1, big, till("t1"), till("t2"), till("t3"), till("t4"), till("t5"), till("t6")),
			want: []string{"till t1", "till t2", "till t3", "till t4", "till t5"}, maxTarget: 2},
		{name: "uncapped, every target gets a round",
			uncapped: true,
			ev:       obs(1, big, till("t1"), till("t2"), till("t3"), till("t4"), till("t5"), till("t6")),
			want:     []string{"till t1", "till t2", "till t3", "till t4", "till t5", "till t6"}, maxTarget: 2},
		{name: "three prepared targets: maxTargets are harvested",
			ev:   obs(1, big, r1, r2, r3),
			want: []string{"harvest r1", "harvest r2"}, maxTarget: 2},
		{name: "the first target to prepare goes first, however little it is worth",
			ev:   obs(1, big, r1, r2, r3, poor),
			want: []string{"till poor", "harvest r1", "harvest r2"}, maxTarget: 2},
		{name: "a round that does not fit stops new work for the pass",
			seatTill: 40 * ram.GB,
			ev:       obs(1, home(30*ram.GB, 0), r1, poor), maxTarget: 2},
		{name: "uncapped, a round that does not fit is passed over",
			uncapped: true, seatTill: 40 * ram.GB,
			ev:   obs(1, home(30*ram.GB, 0), r1, poor),
			want: []string{"harvest r1"}, maxTarget: 2},
		{name: "no new work once 95% of the RAM is used",
			ev: obs(1, home(100*ram.GB, 96*ram.GB), poor), maxTarget: 2},
		{name: "uncapped, the last 5% of the RAM starts work",
			uncapped: true,
			ev:       obs(1, home(100*ram.GB, 96*ram.GB), poor),
			want:     []string{"till poor"}, maxTarget: 2},
		{name: "RAM mostly idle for 4 s: maxTargets stays",
			before: []Event{obs(1, big, r1, r2, r3)},
			ev:     obs(4001, big, r1, r2, r3), maxTarget: 2},
		{name: "RAM mostly idle for 5 s: maxTargets rises within the pass, and the next target gets its round",
			before: []Event{obs(1, big, r1, r2, r3)},
			ev:     obs(5001, big, r1, r2, r3),
			want:   []string{"harvest r3"}, maxTarget: 3},
		{name: "RAM idle for less than a cycle of the harvests: maxTargets stays",
			before: []Event{obs(1, half, r1, r2, r3)},
			ev:     obs(cycle, half, r1, r2, r3), maxTarget: 2},
		{name: "RAM idle through a cycle of the harvests while a target waits: maxTargets rises after the pass",
			before: []Event{obs(1, half, r1, r2, r3)},
			ev:     obs(1+cycle, half, r1, r2, r3), maxTarget: 3},
		{name: "the target waiting gets its round in the next pass",
			before: []Event{obs(1, half, r1, r2, r3), obs(1+cycle, half, r1, r2, r3)},
			ev:     obs(2+cycle, half, r1, r2, r3),
			want:   []string{"harvest r3"}, maxTarget: 3},
		{name: "RAM idle through a cycle with no target waiting: maxTargets stays",
			before: []Event{obs(1, half, r1, r2)},
			ev:     obs(1+cycle, half, r1, r2), maxTarget: 2},
		{name: "RAM full for less than 60 s: maxTargets stays",
			before: []Event{obs(1, big, r1, r2, r3), obs(2, full, r1, r2, r3)},
			ev:     obs(60001, full, r1, r2, r3), maxTarget: 2},
		{name: "RAM full for 60 s: maxTargets falls",
			before: []Event{obs(1, big, r1, r2, r3), obs(2, full, r1, r2, r3)},
			ev:     obs(60002, full, r1, r2, r3), maxTarget: 1},
		{name: "maxTargets is at least one less than the targets harvested",
			before: []Event{beat(21, "r1"), beat(22, "r2"), beat(23, "r3"), beat(24, "r4"), beat(25, "r5")},
			ev:     obs(1, home(1024*ram.GB, 200*ram.GB), r1, r2, r3, ready("r4"), ready("r5"), ready("r6")), maxTarget: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			c.ReplanCaps = !tc.uncapped
			c.TaskRAM[KindTill] = tc.seatTill
			e, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			must(t, e, Tick{Now: 0})
			must(t, e, Tick{Now: 1})
			for _, ev := range tc.before {
				must(t, e, ev)
			}
			e.Advance()
			must(t, e, tc.ev)
			var got []string
			for _, c := range e.Ready().Commands {
				if l, ok := c.(Launch); ok {
					got = append(got, l.Kind.String()+" "+l.Target)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("launched %q, want %q\nlogs: %v", got, tc.want, e.Ready().Logs)
			}
			if e.caps.maxTargets != tc.maxTarget {
				t.Errorf("maxTargets %d, want %d", e.caps.maxTargets, tc.maxTarget)
			}
		})
	}
}
