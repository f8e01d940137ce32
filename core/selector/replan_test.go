package selector

import (
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
