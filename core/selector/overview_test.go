package selector

import (
	"errors"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

// A bad Status is refused and changes nothing: there is no port to answer
// on, or its rid is no request id.
func TestEngine_Status_errors(t *testing.T) {
	for _, tc := range []struct {
		name string
		ev   Status
		want error
	}{
		{"no reply port", Status{Rid: 1}, ErrBadReply},
		{"negative reply port", Status{Rid: 1, Reply: -5}, ErrBadReply},
		{"reply port too large", Status{Rid: 1, Reply: 1 << 60}, ErrBadReply},
		{"negative rid", Status{Rid: -1, Reply: 500}, ErrBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := fixture(t, Config{})
			before := dump(e)
			if err := e.Step(tc.ev); !errors.Is(err, tc.want) {
				t.Fatalf("Step(%s) = %v, want %v", DescribeEvent(tc.ev), err, tc.want)
			}
			if after := dump(e); after != before {
				t.Errorf("a refused Status changed the engine:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
	e := fixture(t, Config{})
	if err := e.Step((*Status)(nil)); !errors.Is(err, ErrNilEvent) {
		t.Errorf("nil *Status: %v", err)
	}
}

// What an Overview says, step by step on the fixture (a till on alpha,
// pid 11, home 64 GB): the RAM and what of it is idle, each task with its
// allocation as the memory daemon lists it, the money the tasks report and
// the income over the last minute, a RAM jump and the time until it was
// put to work, money kept when a task ends, and money an adopted task made
// before counted as made, not as income. A Status changes nothing else.
func TestEngine_Status_overview(t *testing.T) {
	e := fixture(t, Config{})
	hb := func(pid Pid, kind Kind, target string, held ram.Amount, earned float64) Heartbeat {
		return Heartbeat{Pid: pid, Port: 1000 + Port(pid), Kind: kind, Target: target, Held: held, Want: 35 * ram.GB,
			Cap: 35 * ram.GB, Priority: 1002, Chunk: 175, Earned: earned}
	}
	home := HostRAM{Host: "home", Usable: 64 * ram.GB, Allocated: 24 * ram.GB, Claimed: 20 * ram.GB}
	pserv := func(alloc ram.Amount) HostRAM {
		return HostRAM{Host: "pserv-0", Usable: 32 * ram.GB, Allocated: alloc, Claimed: alloc}
	}
	obs := func(now int64, hosts ...HostRAM) Observe {
		return Observe{Now: now, Hacking: 10, Targets: []Target{alpha, unrooted(beta)}, Hosts: hosts,
			Holdings: []Holding{{Pid: 11, Chunk: 175, Chunks: 12, Desired: 20, Held: 21 * ram.GB}}}
	}
	// run: a heartbeat every 9 s (the timeout is 10 s) saying the task
	// made 100 $/s since 1 s, each followed by an Observe at that time.
	var now int64
	run := func(to int64, hosts ...HostRAM) []Event {
		var evs []Event
		for now += 9000; now <= to; now += 9000 {
			evs = append(evs, hb(11, KindTill, "alpha", 21*ram.GB, 100*float64(now-1000)/1000), obs(now, hosts...))
		}
		now -= 9000
		return evs
	}
	at := func(t int64, hosts ...HostRAM) []Event {
		now = t
		return []Event{hb(11, KindTill, "alpha", 21*ram.GB, 10000), obs(t, hosts...)}
	}
	steps := []struct {
		name   string
		events []Event
		want   string // the Overview, from "now="
	}{
		{"RAM, idle RAM and the task's allocation from the memory daemon",
			at(1000, home)[1:],
			"now=1000 since=0 hosts=1 usable=64GB allocated=24GB idle=4GB tasks=[till:alpha:running:12/20x1.75GB:21GB/35GB:$0] earned=0 income=0"},
		{"money the task reports, and the income over the last minute only",
			run(100000, home),
			"now=100000 since=0 hosts=1 usable=64GB allocated=24GB idle=4GB tasks=[till:alpha:running:12/20x1.75GB:21GB/35GB:$9900] earned=9900 income=100"},
		{"a jump: 32 GB arrive, nothing of them allocated yet",
			at(101000, home, pserv(0)),
			"now=101000 since=0 hosts=2 usable=96GB allocated=24GB idle=4GB tasks=[till:alpha:running:12/20x1.75GB:21GB/35GB:$10000] earned=10000 income=100 jump-at=101000 jump=32GB absorbed=-1 left=32GB"},
		{"still absorbing below 90 %",
			at(104000, home, pserv(28*ram.GB)),
			"now=104000 since=0 hosts=2 usable=96GB allocated=52GB idle=4GB tasks=[till:alpha:running:12/20x1.75GB:21GB/35GB:$10000] earned=10000 income=95.5223880597015 jump-at=101000 jump=32GB absorbed=-1 left=4GB"},
		{"absorbed once 90 % of it is allocated, and the time it took",
			append(at(106000, home, pserv(29*ram.GB)), at(108000, home, pserv(30*ram.GB))...),
			"now=108000 since=0 hosts=2 usable=96GB allocated=54GB idle=4GB tasks=[till:alpha:running:12/20x1.75GB:21GB/35GB:$10000] earned=10000 income=88.70967741935483 jump-at=101000 jump=32GB absorbed=5000 left=2GB"},
		{"a task that ends keeps its money in the total",
			[]Event{Exit{Pid: 11, Done: true, Earned: 10500}},
			"now=108000 since=0 hosts=2 usable=96GB allocated=54GB idle=4GB tasks=[] earned=10500 income=96.7741935483871 jump-at=101000 jump=32GB absorbed=5000 left=2GB"},
		{"an adopted task's money counts in the total, not as income",
			[]Event{hb(50, KindHarvest, "beta", 7*ram.GB, 1e6)},
			"now=108000 since=0 hosts=2 usable=96GB allocated=54GB idle=4GB tasks=[harvest:beta:running:4/20x1.75GB:7GB/35GB:$1000000] earned=1.0105e+06 income=96.7741935483871 jump-at=101000 jump=32GB absorbed=5000 left=2GB"},
	}
	for i, st := range steps {
		for _, ev := range st.events {
			must(t, e, ev)
		}
		e.Advance()
		before := dump(e)
		must(t, e, Status{Rid: int64(i + 1), Reply: 500})
		cmds := e.Ready().Commands
		if len(cmds) != 1 {
			t.Fatalf("%s: %d commands, want the Overview", st.name, len(cmds))
		}
		o, ok := cmds[0].(Overview)
		if !ok || o.Rid != int64(i+1) || o.Reply != 500 {
			t.Fatalf("%s: %s", st.name, DescribeCommand(cmds[0]))
		}
		got := DescribeCommand(o)
		if _, tail, _ := strings.Cut(got, " now="); "now="+tail != st.want {
			t.Errorf("%s:\ngot  %s\nwant %s", st.name, "now="+tail, st.want)
		}
		e.Advance()
		if after := dump(e); strings.Replace(after, "next="+itoa(o.ID), "next="+itoa(o.ID-1), 1) != before {
			t.Errorf("%s: Status changed more than the command id:\nbefore:\n%s\nafter:\n%s", st.name, before, after)
		}
	}
}

// What counts as a RAM jump: a rise of usable RAM of JumpMin or more from
// one Observe to the next, once some RAM was known; the RAM first seen
// (the memory daemon's first report) is the start, not a jump.
func TestEngine_Status_jumps(t *testing.T) {
	tests := []struct {
		name   string
		usable []ram.Amount // usable RAM of each Observe, 1 s apart
		want   string       // the Overview's jump, "" for none
	}{
		{"the first RAM seen", []ram.Amount{64 * ram.GB}, ""},
		{"RAM arriving after none", []ram.Amount{0, 64 * ram.GB}, ""},
		{"a rise below JumpMin", []ram.Amount{64 * ram.GB, 64*ram.GB + JumpMin - 1}, ""},
		{"a rise of JumpMin", []ram.Amount{64 * ram.GB, 64*ram.GB + JumpMin}, "jump-at=2000 jump=2GB absorbed=-1 left=2GB"},
		{"RAM falling, then rising back", []ram.Amount{64 * ram.GB, 32 * ram.GB, 64 * ram.GB}, "jump-at=3000 jump=32GB absorbed=-1 left=32GB"},
		{"the last of two jumps", []ram.Amount{8 * ram.GB, 16 * ram.GB, 48 * ram.GB}, "jump-at=3000 jump=32GB absorbed=-1 left=32GB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(Config{})
			if err != nil {
				t.Fatal(err)
			}
			for i, u := range tt.usable {
				var hosts []HostRAM
				if u > 0 {
					hosts = []HostRAM{{Host: "home", Usable: u}}
				}
				must(t, e, Observe{Now: int64(i+1) * 1000, Hacking: 1, Hosts: hosts})
			}
			e.Advance()
			must(t, e, Status{Rid: 1, Reply: 500})
			got := DescribeCommand(e.Ready().Commands[0])
			_, jump, _ := strings.Cut(got, " jump-at=")
			if jump != "" {
				jump = "jump-at=" + jump
			}
			if jump != tt.want {
				t.Errorf("got %q, want %q\n%s", jump, tt.want, got)
			}
		})
	}
}
