package memory

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

// dump is the engine's whole state as text, for "nothing changed" checks.
// With outbox false it leaves out what rejecting a message may touch (the
// outbox, send ids, letters in flight).
func dump(e *Engine, outbox bool) string {
	lines := describeState(e)
	for _, h := range e.hostList {
		lines = append(lines, "host "+h.name+" kind="+h.kind.String()+" rooted="+strconv.FormatBool(h.rooted)+
			" used="+h.used.String()+" cores="+strconv.Itoa(h.cores))
	}
	for _, a := range e.order {
		lines = append(lines, "alloc "+strconv.FormatInt(int64(a.id), 10)+" reply="+strconv.FormatInt(int64(a.reply), 10)+
			" streams="+strconv.Itoa(len(a.streams)))
	}
	for _, r := range e.pending {
		lines = append(lines, "pending "+DescribeEvent(r))
	}
	lines = append(lines, "next alloc="+strconv.FormatInt(int64(e.nextAlloc), 10), "watch="+pids(e.watch.pids))
	owners := make([]string, 0, len(e.owners))
	for p, n := range e.owners {
		owners = append(owners, strconv.FormatInt(int64(p), 10)+":"+strconv.Itoa(n))
	}
	slices.Sort(owners)
	lines = append(lines, "owners="+strings.Join(owners, ","))
	if outbox {
		lines = append(lines, "next send="+strconv.FormatInt(e.nextSend, 10), "in flight="+strconv.Itoa(len(e.sends)),
			"watch changes="+strconv.Itoa(len(e.watch.delta)))
		for _, s := range e.out.Sends {
			lines = append(lines, DescribeSend(s))
		}
		lines = append(lines, e.out.Logs...)
		for _, l := range e.retry {
			lines = append(lines, "retry "+DescribeReply(l.msg))
		}
	}
	return strings.Join(lines, "\n")
}

// fixture: home 32 GB (4 cores) and n00dles 8 GB; alloc 1 of pid 10
// holds 2x4GB on n00dles and 2x4GB on home with worker 100 claiming 4 GB
// on n00dles; alloc 2 of pid 11 holds 1x2GB on home. Everything
// delivered.
func fixture(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, e, Tick{Now: 1, Workers: []WorkerState{
		{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 32 * ram.GB, Cores: 4},
		{Host: "n00dles", Rooted: true, MaxRAM: 8 * ram.GB, Cores: 1},
	}})
	must(t, e, Request{Rid: 1, Pid: 10, Script: "sow.js", Reply: 110, ChunkSize: 4 * ram.GB, Count: 4, Options: Options{Growable: true}})
	must(t, e, Request{Rid: 2, Pid: 11, Script: "hack.js", Reply: 111, ChunkSize: 2 * ram.GB, Count: 1})
	must(t, e, Tick{Now: 2})
	must(t, e, Claim{Rid: 3, Pid: 10, Reply: 110, Alloc: 1, Host: "n00dles", Worker: 100, RAM: 4 * ram.GB})
	drain(t, e)
	return e
}

func must(t *testing.T, e *Engine, ev Event) {
	t.Helper()
	if err := e.Step(ev); err != nil {
		t.Fatalf("%s: %v", DescribeEvent(ev), err)
	}
}

// drain performs Ready: every send is delivered.
func drain(t *testing.T, e *Engine) []string {
	t.Helper()
	rd := e.Ready()
	e.Advance()
	var out []string
	for _, s := range rd.Sends {
		out = append(out, DescribeSend(s))
		must(t, e, Delivered{Send: s.ID, OK: true})
	}
	return out
}

// sendsOf describes the replies in Ready, without "send id=.. port=..".
func sendsOf(e *Engine) []string {
	var out []string
	for _, s := range e.Ready().Sends {
		out = append(out, strconv.FormatInt(int64(s.Port), 10)+" "+DescribeReply(s.Msg))
	}
	return out
}

func TestEngine_fixture(t *testing.T) {
	e := fixture(t)
	want := []string{
		"worker home max=32GB usable=32GB allocated=10GB claimed=0GB foreign=0GB",
		"worker n00dles max=8GB usable=8GB allocated=8GB claimed=4GB foreign=0GB",
		`alloc=1 pid=10 script="sow.js" prio=0 seq=1 size=4GB desired=4 held=[home:2x4GB n00dles:2x4GB] claims=[100@n00dles:4GB]`,
		`alloc=2 pid=11 script="hack.js" prio=0 seq=1 size=2GB desired=1 held=[home:1x2GB]`,
	}
	if got := describeState(e); !slices.Equal(got, want) {
		t.Fatalf("fixture:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// clientCase is one client message stepped on the fixture.
type clientCase struct {
	name string
	ev   Event
	want []string // replies, "port Describe"
	same bool     // state must not change
}

func runClientCases(t *testing.T, cases []clientCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := fixture(t)
			before := dump(e, false)
			must(t, e, tc.ev)
			if got := sendsOf(e); !slices.Equal(got, tc.want) {
				t.Errorf("replies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if after := dump(e, false); tc.same && after != before {
				t.Errorf("state changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

func ptr(n int) *int { return &n }

func TestEngine_Step_request(t *testing.T) {
	big := ram.Max/(4*ram.GB) + 1
	runClientCases(t, []clientCase{
		{"queued", Request{Rid: 9, Pid: 12, Reply: 112, ChunkSize: ram.GB, Count: 1}, nil, false},
		{"pid zero", Request{Rid: 9, Pid: 0, Reply: 112, ChunkSize: ram.GB, Count: 1},
			[]string{`112 Error rid=9 code=bad-message reason="pid 0 is invalid"`}, true},
		{"size zero", Request{Rid: 9, Pid: 12, Reply: 112, Count: 1},
			[]string{`112 Error rid=9 code=bad-size reason="chunk size 0GB is out of range"`}, true},
		{"size negative", Request{Rid: 9, Pid: 12, Reply: 112, ChunkSize: -ram.GB, Count: 1},
			[]string{`112 Error rid=9 code=bad-size reason="chunk size -1GB is out of range"`}, true},
		{"size huge", Request{Rid: 9, Pid: 12, Reply: 112, ChunkSize: ram.Max + 1, Count: 1},
			[]string{`112 Error rid=9 code=bad-size reason="chunk size 1099511627776.01GB is out of range"`}, true},
		{"count zero", Request{Rid: 9, Pid: 12, Reply: 112, ChunkSize: ram.GB, Count: 0},
			[]string{`112 Error rid=9 code=bad-size reason="count 0 is below 1"`}, true},
		{"count negative", Request{Rid: 9, Pid: 12, Reply: 112, ChunkSize: ram.GB, Count: -3, Options: Options{Growable: true}},
			[]string{`112 Error rid=9 code=bad-size reason="count -3 is below 1"`}, true},
		{"count huge", Request{Rid: 9, Pid: 12, Reply: 112, ChunkSize: 4 * ram.GB, Count: int(big)},
			[]string{`112 Error rid=9 code=bad-size reason="count ` + strconv.FormatInt(int64(big), 10) + ` of 4GB is more RAM than exists"`}, true},
	})
}

func TestEngine_Step_resize(t *testing.T) {
	runClientCases(t, []clientCase{
		{"desired", Resize{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Count: 6},
			[]string{"110 Granted rid=9 alloc=1 seq=2 size=4GB desired=6 held=[home:2x4GB n00dles:2x4GB]"}, false},
		{"reshape and priority", Resize{Rid: 9, Pid: 10, Reply: 119, Alloc: 1, ChunkSize: 16 * ram.GB, Count: 1, Priority: ptr(4)},
			[]string{"119 Granted rid=9 alloc=1 seq=2 size=16GB desired=1 held=[home:2x4GB n00dles:2x4GB]"}, false},
		{"to zero", Resize{Rid: 9, Pid: 11, Reply: 111, Alloc: 2, Count: 0},
			[]string{"111 Granted rid=9 alloc=2 seq=2 size=2GB desired=0 held=[home:1x2GB]"}, false},
		{"unknown", Resize{Rid: 9, Pid: 10, Reply: 110, Alloc: 7, Count: 1},
			[]string{`110 Error rid=9 code=unknown reason="allocation 7 is unknown"`}, true},
		{"not owner", Resize{Rid: 9, Pid: 11, Reply: 111, Alloc: 1, Count: 1},
			[]string{`111 Error rid=9 code=not-owner reason="pid 11 does not own allocation 1"`}, true},
		{"pid negative", Resize{Rid: 9, Pid: -10, Reply: 111, Alloc: 1, Count: 1},
			[]string{`111 Error rid=9 code=bad-message reason="pid -10 is invalid"`}, true},
		{"count negative", Resize{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Count: -1},
			[]string{`110 Error rid=9 code=bad-size reason="count -1 is below 0"`}, true},
		{"size negative", Resize{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, ChunkSize: -1, Count: 1},
			[]string{`110 Error rid=9 code=bad-size reason="chunk size -0.01GB is out of range"`}, true},
		{"count huge", Resize{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, ChunkSize: ram.Max, Count: 2},
			[]string{`110 Error rid=9 code=bad-size reason="count 2 of 1099511627776GB is more RAM than exists"`}, true},
	})
}

func TestEngine_Step_release(t *testing.T) {
	runClientCases(t, []clientCase{
		{"chunk", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", ChunkSize: 4 * ram.GB, Count: 2},
			[]string{"110 Granted rid=9 alloc=1 seq=2 size=4GB desired=4 held=[n00dles:2x4GB]"}, false},
		{"down to the claims", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "n00dles", ChunkSize: 4 * ram.GB, Count: 1},
			[]string{"110 Granted rid=9 alloc=1 seq=2 size=4GB desired=4 held=[home:2x4GB n00dles:1x4GB]"}, false},
		{"whole", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1},
			[]string{"110 Done rid=9 alloc=1"}, false},
		{"below the claims", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "n00dles", ChunkSize: 4 * ram.GB, Count: 2},
			[]string{`110 Error rid=9 code=over-release reason="claims on n00dles need 4GB, only 0GB would be left"`}, true},
		{"more than held", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", ChunkSize: 4 * ram.GB, Count: 3},
			[]string{`110 Error rid=9 code=over-release reason="allocation 1 holds 2x4GB on home, not 3"`}, true},
		{"size not held", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", ChunkSize: 2 * ram.GB, Count: 1},
			[]string{`110 Error rid=9 code=over-release reason="allocation 1 holds 0x2GB on home, not 1"`}, true},
		{"unknown host", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "nowhere", ChunkSize: 4 * ram.GB, Count: 1},
			[]string{`110 Error rid=9 code=over-release reason="allocation 1 holds 0x4GB on nowhere, not 1"`}, true},
		{"count zero", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", ChunkSize: 4 * ram.GB},
			[]string{`110 Error rid=9 code=bad-size reason="count 0 is below 1"`}, true},
		{"size zero", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", Count: 1},
			[]string{`110 Error rid=9 code=bad-size reason="chunk size 0GB is out of range"`}, true},
		{"count huge", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", ChunkSize: 4 * ram.GB, Count: 1 << 62},
			[]string{`110 Error rid=9 code=bad-size reason="count 4611686018427387904 of 4GB is more RAM than exists"`}, true},
		{"not owner", Release{Rid: 9, Pid: 11, Reply: 111, Alloc: 1},
			[]string{`111 Error rid=9 code=not-owner reason="pid 11 does not own allocation 1"`}, true},
		{"unknown", Release{Rid: 9, Pid: 10, Reply: 110, Alloc: 3},
			[]string{`110 Error rid=9 code=unknown reason="allocation 3 is unknown"`}, true},
	})
}

func TestEngine_Step_claim(t *testing.T) {
	runClientCases(t, []clientCase{
		{"claim", Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", Worker: 101, RAM: 8 * ram.GB},
			[]string{"110 Done rid=9 alloc=1"}, false},
		{"over claim", Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "n00dles", Worker: 101, RAM: 4*ram.GB + 1},
			[]string{`110 Error rid=9 code=over-claim reason="claims on n00dles would be 8.01GB, allocation 1 holds 8GB"`}, true},
		{"nothing held there", Claim{Rid: 9, Pid: 11, Reply: 111, Alloc: 2, Host: "n00dles", Worker: 101, RAM: ram.GB},
			[]string{`111 Error rid=9 code=over-claim reason="claims on n00dles would be 1GB, allocation 2 holds 0GB"`}, true},
		{"duplicate", Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", Worker: 100, RAM: ram.GB},
			[]string{`110 Error rid=9 code=duplicate reason="worker 100 already holds a claim"`}, true},
		{"duplicate across allocations", Claim{Rid: 9, Pid: 11, Reply: 111, Alloc: 2, Host: "home", Worker: 100, RAM: ram.GB},
			[]string{`111 Error rid=9 code=duplicate reason="worker 100 already holds a claim"`}, true},
		{"ram zero", Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", Worker: 101},
			[]string{`110 Error rid=9 code=bad-size reason="claim of 0GB is out of range"`}, true},
		{"worker zero", Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", RAM: ram.GB},
			[]string{`110 Error rid=9 code=bad-message reason="worker pid 0 is invalid"`}, true},
		{"no host", Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Worker: 101, RAM: ram.GB},
			[]string{`110 Error rid=9 code=bad-message reason="claim names no host"`}, true},
		{"not owner", Claim{Rid: 9, Pid: 11, Reply: 111, Alloc: 1, Host: "home", Worker: 101, RAM: ram.GB},
			[]string{`111 Error rid=9 code=not-owner reason="pid 11 does not own allocation 1"`}, true},
		{"unknown", Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 0, Host: "home", Worker: 101, RAM: ram.GB},
			[]string{`110 Error rid=9 code=unknown reason="allocation 0 is unknown"`}, true},
	})
}

func TestEngine_Step_unclaim(t *testing.T) {
	runClientCases(t, []clientCase{
		{"unclaim", Unclaim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Worker: 100},
			[]string{"110 Done rid=9 alloc=1"}, false},
		{"no such claim", Unclaim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Worker: 101},
			[]string{`110 Error rid=9 code=unknown reason="worker 101 holds no claim in allocation 1"`}, true},
		{"claim of another allocation", Unclaim{Rid: 9, Pid: 11, Reply: 111, Alloc: 2, Worker: 100},
			[]string{`111 Error rid=9 code=unknown reason="worker 100 holds no claim in allocation 2"`}, true},
		{"not owner", Unclaim{Rid: 9, Pid: 11, Reply: 111, Alloc: 1, Worker: 100},
			[]string{`111 Error rid=9 code=not-owner reason="pid 11 does not own allocation 1"`}, true},
		{"unknown", Unclaim{Rid: 9, Pid: 10, Reply: 110, Alloc: -1, Worker: 100},
			[]string{`110 Error rid=9 code=unknown reason="allocation -1 is unknown"`}, true},
	})
}

func TestEngine_Step_status(t *testing.T) {
	runClientCases(t, []clientCase{
		{"report", Status{Rid: 9, Pid: 99, Reply: 199}, []string{"199 StatusReport rid=9 " +
			"workers=[home:max=32GB,usable=32GB,alloc=10GB,claimed=0GB,foreign=0GB n00dles:max=8GB,usable=8GB,alloc=8GB,claimed=4GB,foreign=0GB] " +
			`allocs=[{alloc=1 pid=10 script="sow.js" prio=0 seq=1 size=4GB desired=4 held=[home:2x4GB n00dles:2x4GB]} ` +
			`{alloc=2 pid=11 script="hack.js" prio=0 seq=1 size=2GB desired=1 held=[home:1x2GB]}]`}, true},
		{"pid zero", Status{Rid: 9, Reply: 199},
			[]string{`199 Error rid=9 code=bad-message reason="pid 0 is invalid"`}, true},
	})
}

type bogusEvent struct{}

func (bogusEvent) isEvent() {}

// TestEngine_Step covers contract violations: Step returns the error and
// nothing at all changes, the outbox included.
func TestEngine_Step(t *testing.T) {
	ws := func(w ...WorkerState) Tick { return Tick{Workers: w} }
	ok := WorkerState{Host: "x", Rooted: true, MaxRAM: ram.GB}
	tests := []struct {
		name string
		ev   Event
		err  error
	}{
		{"nil", nil, ErrNilEvent},
		{"nil pointer", (*Request)(nil), ErrNilEvent},
		{"unknown type", bogusEvent{}, ErrUnknownEvent},
		{"request reply 0", Request{Pid: 1, Reply: 0, ChunkSize: ram.GB, Count: 1}, ErrBadReply},
		{"request pointer reply 0", &Request{Pid: 1, ChunkSize: ram.GB, Count: 1}, ErrBadReply},
		{"resize reply negative", Resize{Pid: 10, Reply: -1, Alloc: 1}, ErrBadReply},
		{"release reply too large", Release{Pid: 10, Reply: 1 << 53, Alloc: 1}, ErrBadReply},
		{"claim reply 0", Claim{Pid: 10, Alloc: 1}, ErrBadReply},
		{"unclaim reply 0", Unclaim{Pid: 10, Alloc: 1}, ErrBadReply},
		{"status reply 0", Status{Pid: 10}, ErrBadReply},
		{"delivered unknown", Delivered{Send: 999, OK: true}, ErrUnknownSend},
		{"delivered twice", Delivered{Send: 1, OK: true}, ErrUnknownSend},
		{"tick dead pid 0", Tick{Dead: []Pid{10, 0}}, ErrBadPid},
		{"tick duplicate host", ws(ok, ok), ErrDuplicateHost},
		{"tick no host name", ws(WorkerState{MaxRAM: ram.GB}), ErrBadWorker},
		{"tick bad kind", ws(WorkerState{Host: "x", Kind: 9}), ErrBadWorker},
		{"tick negative ram", ws(WorkerState{Host: "x", MaxRAM: -1}), ErrBadWorker},
		{"tick used ram huge", ws(WorkerState{Host: "x", UsedRAM: ram.Max + 1}), ErrBadWorker},
		{"tick negative cores", ws(WorkerState{Host: "x", Cores: -1}), ErrBadWorker},
		{"tick gone and listed", Tick{Workers: []WorkerState{ok}, Gone: []string{"x"}}, ErrBadWorker},
		{"tick gone without name", Tick{Gone: []string{""}}, ErrBadWorker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fixture(t)
			must(t, e, Request{Rid: 50, Pid: 12, Reply: 112, ChunkSize: ram.GB, Count: 1})
			must(t, e, Resize{Rid: 51, Pid: 11, Reply: 111, Alloc: 2, Count: 2})
			before := dump(e, true)
			err := e.Step(tt.ev)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Step = %v, want %v", err, tt.err)
			}
			if after := dump(e, true); after != before {
				t.Errorf("state changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		cfg Config
		err error
	}{
		{Config{}, nil},
		{Config{HomeReserve: 8 * ram.GB, SetAside: map[string]ram.Amount{"a": ram.GB}, UseHacknet: true}, nil},
		{Config{HomeReserve: -1}, ErrBadConfig},
		{Config{HomeReserve: ram.Max + 1}, ErrBadConfig},
		{Config{SetAside: map[string]ram.Amount{"": ram.GB}}, ErrBadConfig},
		{Config{SetAside: map[string]ram.Amount{"a": -ram.GB}}, ErrBadConfig},
	}
	for i, tt := range tests {
		e, err := New(tt.cfg)
		if !errors.Is(err, tt.err) || (err == nil) != (e != nil) {
			t.Errorf("%d: New = %v, %v; want %v", i, e, err, tt.err)
		}
	}
	// New keeps a copy: later changes to the caller's map do nothing.
	m := map[string]ram.Amount{"n00dles": 4 * ram.GB}
	e, _ := New(Config{SetAside: m})
	m["n00dles"] = 0
	must(t, e, Tick{Workers: []WorkerState{{Host: "n00dles", Rooted: true, MaxRAM: 8 * ram.GB}}})
	if u := e.hosts["n00dles"].usable; u != 4*ram.GB {
		t.Errorf("usable = %v, want 4GB", u)
	}
}

// TestEngine_Step_tick covers accounting rules of a tick on their own.
func TestEngine_Step_tick(t *testing.T) {
	w := func(name string, kind HostKind, rooted bool, max, used ram.Amount) WorkerState {
		return WorkerState{Host: name, Kind: kind, Rooted: rooted, MaxRAM: max, UsedRAM: used}
	}
	tests := []struct {
		name  string
		cfg   Config
		ticks []Tick
		host  string
		want  string // "usable/foreign"
	}{
		{"plain", Config{}, []Tick{{Workers: []WorkerState{w("a", HostDefault, true, 16*ram.GB, 3*ram.GB)}}}, "a", "13GB/3GB"},
		{"no root", Config{}, []Tick{{Workers: []WorkerState{w("a", HostDefault, false, 16*ram.GB, 0)}}}, "a", "0GB/0GB"},
		{"hacknet off", Config{}, []Tick{{Workers: []WorkerState{w("h", HostHacknet, true, 16*ram.GB, 0)}}}, "h", "0GB/0GB"},
		{"hacknet on", Config{UseHacknet: true}, []Tick{{Workers: []WorkerState{w("h", HostHacknet, true, 16*ram.GB, 0)}}}, "h", "16GB/0GB"},
		{"reserve covers foreign", Config{HomeReserve: 8 * ram.GB},
			[]Tick{{Workers: []WorkerState{w("home", HostHome, true, 32*ram.GB, 5*ram.GB)}}}, "home", "24GB/5GB"},
		{"foreign past reserve", Config{HomeReserve: 8 * ram.GB},
			[]Tick{{Workers: []WorkerState{w("home", HostHome, true, 32*ram.GB, 10*ram.GB)}}}, "home", "22GB/10GB"},
		{"reserve only on home", Config{HomeReserve: 8 * ram.GB},
			[]Tick{{Workers: []WorkerState{w("a", HostDefault, true, 32*ram.GB, 0)}}}, "a", "32GB/0GB"},
		{"set-aside and reserve: larger wins", Config{HomeReserve: 8 * ram.GB, SetAside: map[string]ram.Amount{"home": 12 * ram.GB}},
			[]Tick{{Workers: []WorkerState{w("home", HostHome, true, 32*ram.GB, 0)}}}, "home", "20GB/0GB"},
		{"used above max", Config{}, []Tick{{Workers: []WorkerState{w("a", HostDefault, true, 4*ram.GB, 8*ram.GB)}}}, "a", "0GB/8GB"},
		{"unlisted keeps last state", Config{}, []Tick{
			{Workers: []WorkerState{w("a", HostDefault, true, 16*ram.GB, 3*ram.GB)}},
			{Workers: []WorkerState{w("b", HostDefault, true, 16*ram.GB, 0)}},
		}, "a", "13GB/3GB"},
		{"fresh observation lowers foreign", Config{}, []Tick{
			{Workers: []WorkerState{w("a", HostDefault, true, 16*ram.GB, 3*ram.GB)}},
			{Workers: []WorkerState{w("a", HostDefault, true, 16*ram.GB, 1*ram.GB)}},
		}, "a", "15GB/1GB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range tt.ticks {
				must(t, e, tk)
			}
			h := e.hosts[tt.host]
			if got := h.usable.String() + "/" + h.foreign.String(); got != tt.want {
				t.Errorf("usable/foreign = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestEngine_Step_tickClaimOnUnlistedHost: a claim made after a host was last
// observed must not make its stale used RAM look free.
func TestEngine_Step_tickClaimOnUnlistedHost(t *testing.T) {
	e := fixture(t)
	// n00dles: used 0 observed, alloc 1 holds 8GB there with a 4GB claim.
	must(t, e, Claim{Rid: 9, Pid: 10, Reply: 110, Alloc: 1, Host: "home", Worker: 101, RAM: 8 * ram.GB})
	must(t, e, Tick{Workers: []WorkerState{{Host: "n00dles", Rooted: true, MaxRAM: 8 * ram.GB, UsedRAM: 6 * ram.GB}}})
	// The 2GB no claim explains may be a worker whose claim is on its
	// way: foreign only once ClaimGrace has passed.
	if h := e.hosts["n00dles"]; h.foreign != 0 || h.allocated != 8*ram.GB {
		t.Errorf("within the grace: n00dles foreign=%v allocated=%v", h.foreign, h.allocated)
	}
	must(t, e, Tick{Now: ClaimGrace, Workers: []WorkerState{{Host: "n00dles", Rooted: true, MaxRAM: 8 * ram.GB, UsedRAM: 6 * ram.GB}}})
	// home was not listed: its used RAM (0) predates worker 101.
	if h := e.hosts["home"]; h.foreign != 0 || h.usable != 32*ram.GB {
		t.Errorf("home foreign=%v usable=%v", h.foreign, h.usable)
	}
	// n00dles: 6GB used, 4GB claimed -> 2GB foreign, 6GB usable, 8GB
	// allocated: the unclaimed chunk goes.
	if h := e.hosts["n00dles"]; h.foreign != 2*ram.GB || h.allocated != 4*ram.GB {
		t.Errorf("n00dles foreign=%v allocated=%v", h.foreign, h.allocated)
	}
}

func TestEngine_Ready(t *testing.T) {
	e, _ := New(Config{})
	if e.HasReady() {
		t.Fatal("new engine has something ready")
	}
	must(t, e, Tick{Workers: []WorkerState{{Host: "a", Rooted: true, MaxRAM: 8 * ram.GB}}})
	must(t, e, Request{Rid: 1, Pid: 5, Reply: 105, ChunkSize: ram.GB, Count: 1})
	must(t, e, Tick{})
	rd := e.Ready()
	if !slices.Equal(rd.Watch, []Pid{5}) || len(rd.Sends) != 1 {
		t.Fatalf("Ready = %+v", rd)
	}
	// Ready does not clear; Advance does.
	if rd2 := e.Ready(); len(rd2.Sends) != 1 || rd2.Watch == nil {
		t.Fatalf("second Ready = %+v", rd2)
	}
	e.Advance()
	if e.HasReady() {
		t.Fatal("HasReady after Advance")
	}
	must(t, e, Delivered{Send: rd.Sends[0].ID, OK: true})
	// The watch set is announced only when it changes, and empty is news.
	must(t, e, Release{Rid: 2, Pid: 5, Reply: 105, Alloc: 1})
	if rd := e.Ready(); rd.Watch == nil || len(rd.Watch) != 0 {
		t.Fatalf("Watch after the last owner left = %#v", rd.Watch)
	}
	e.Advance()
	// A requester is watched while its request waits for the tick.
	must(t, e, Request{Rid: 3, Pid: 6, Reply: 106, ChunkSize: ram.GB, Count: 1})
	if rd := e.Ready(); !slices.Equal(rd.Watch, []Pid{6}) {
		t.Fatalf("Watch with a request waiting = %v", rd.Watch)
	}
	e.Advance()
	must(t, e, Release{Rid: 4, Pid: 6, Reply: 106, Alloc: 99})
	if rd := e.Ready(); rd.Watch != nil {
		t.Fatalf("Watch without a change = %v", rd.Watch)
	}
}

// A cordoned host takes no new chunks but keeps the ones it holds; the
// report says so; lifting the cordon lets growth use it again.
func TestEngine_Cordon(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tick := func() {
		t.Helper()
		if err := e.Step(Tick{Workers: []WorkerState{
			{Host: "a", Rooted: true, MaxRAM: 8 * ram.GB, Cores: 1},
			{Host: "b", Rooted: true, MaxRAM: 8 * ram.GB, Cores: 1},
		}}); err != nil {
			t.Fatal(err)
		}
		e.Advance()
	}
	if err := e.Step(Cordon{Host: "b", On: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.Step(Request{Rid: 1, Pid: 7, Reply: 200, ChunkSize: 4 * ram.GB, Count: 4, Options: Options{Growable: true}}); err != nil {
		t.Fatal(err)
	}
	tick()
	held := func() map[string]ram.Amount {
		out := map[string]ram.Amount{}
		for _, w := range e.report(0).Workers {
			out[w.Host] = w.Allocated
		}
		return out
	}
	if h := held(); h["a"] != 8*ram.GB || h["b"] != 0 {
		t.Fatalf("with b cordoned: %v, want a full and b empty", h)
	}
	for _, w := range e.report(0).Workers {
		if w.Cordoned != (w.Host == "b") {
			t.Errorf("%s cordoned = %v", w.Host, w.Cordoned)
		}
	}
	if err := e.Step(Cordon{Host: "b"}); err != nil {
		t.Fatal(err)
	}
	tick()
	if h := held(); h["b"] != 8*ram.GB {
		t.Fatalf("after lifting the cordon: %v, want b used", h)
	}
	if err := e.Step(Cordon{}); err == nil {
		t.Error("a cordon with no host was accepted")
	}
}

// TestEngine_Configure: settings changed while allocations run take
// effect on the next tick (a larger home reserve revokes chunks on home,
// a set-aside host keeps only what live claims pin), and a bad setting
// changes nothing.
func TestEngine_Configure(t *testing.T) {
	e := fixture(t)
	allocatedOn := func() map[string]ram.Amount {
		out := map[string]ram.Amount{}
		for _, w := range e.report(0).Workers {
			out[w.Host] = w.Allocated
		}
		return out
	}
	if got := allocatedOn(); got["home"] != 10*ram.GB || got["n00dles"] != 8*ram.GB {
		t.Fatalf("fixture holds %v", got)
	}
	before := dump(e, true)
	for _, bad := range []Configure{
		{HomeReserve: -ram.GB},
		{SetAside: map[string]ram.Amount{"": ram.GB}},
		{SetAside: map[string]ram.Amount{"n00dles": ram.Max + 1}},
	} {
		if err := e.Step(bad); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%+v: err %v, want ErrBadConfig", bad, err)
		}
	}
	if after := dump(e, true); after != before {
		t.Fatalf("a refused Configure changed the engine:\n%s\nwant\n%s", after, before)
	}

	must(t, e, Configure{HomeReserve: 28 * ram.GB, SetAside: map[string]ram.Amount{"n00dles": 8 * ram.GB}})
	logs := e.Ready().Logs
	for _, want := range []string{"config: home reserve 0GB -> 28GB", "config: 8GB set aside on n00dles"} {
		if !slices.Contains(logs, want) {
			t.Errorf("logs %q lack %q", logs, want)
		}
	}
	must(t, e, Tick{Now: 3})
	got := allocatedOn()
	if got["home"] > 4*ram.GB {
		t.Errorf("home holds %v with 28 GB of 32 reserved, want at most 4 GB", got["home"])
	}
	if got["n00dles"] != 4*ram.GB {
		t.Errorf("n00dles holds %v, want the 4 GB worker 100 claims and nothing more", got["n00dles"])
	}
	must(t, e, Configure{})
	drain(t, e)
	must(t, e, Tick{Now: 4})
	if got := allocatedOn(); got["home"]+got["n00dles"] <= 8*ram.GB {
		t.Errorf("with the settings back to none, the growable allocation did not grow back: %v", got)
	}
}

// TestEngine_snapshot_cores: every run of chunks in a snapshot names its
// host's cores as last observed, so a task can plan grow and weaken for
// them; an upgrade shows in the next snapshot.
func TestEngine_snapshot_cores(t *testing.T) {
	e := fixture(t)
	must(t, e, Resize{Rid: 4, Pid: 10, Reply: 110, Alloc: 1, Count: 5, ChunkSize: 4 * ram.GB})
	granted := func() Granted {
		t.Helper()
		for _, s := range e.Ready().Sends {
			if g, ok := s.Msg.(Granted); ok && g.Alloc == 1 {
				return g
			}
		}
		t.Fatal("no snapshot of alloc 1")
		return Granted{}
	}
	cores := func(g Granted) map[string]int {
		m := map[string]int{}
		for _, c := range g.Held {
			m[c.Host] = c.Cores
		}
		return m
	}
	if got := cores(granted()); got["home"] != 4 || got["n00dles"] != 1 {
		t.Fatalf("snapshot cores %v; want home 4, n00dles 1", got)
	}
	drain(t, e)
	must(t, e, Tick{Now: 3, Workers: []WorkerState{
		{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 32 * ram.GB, Cores: 5},
		{Host: "n00dles", Rooted: true, MaxRAM: 8 * ram.GB, Cores: 1},
	}})
	must(t, e, Resize{Rid: 5, Pid: 10, Reply: 110, Alloc: 1, Count: 6, ChunkSize: 4 * ram.GB})
	if got := cores(granted()); got["home"] != 5 {
		t.Fatalf("after the upgrade, snapshot cores %v; want home 5", got)
	}
}

// TestEngine_daemonSeat: with every chunk held, a daemon's seat (a seat at
// DaemonPriority or above) takes a chunk no worker uses from a
// lower-priority allocation: revoked on one tick, kept for the seat, and
// granted on the next, once the game shows whether the owner started a
// worker in it before it heard (then another is taken). A seat below that,
// or a host where live claims pin everything, is refused as before.
func TestEngine_daemonSeat(t *testing.T) {
	setup := func(claimAll bool) *Engine {
		e, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		must(t, e, Tick{Now: 1, Workers: []WorkerState{{Host: "a", Rooted: true, MaxRAM: 16 * ram.GB, Cores: 1}}})
		must(t, e, Request{Rid: 1, Pid: 10, Reply: 110, ChunkSize: 4 * ram.GB, Count: 8, Priority: 5, Options: Options{Growable: true}})
		must(t, e, Tick{Now: 2})
		if claimAll {
			for i := range 4 {
				must(t, e, Claim{Rid: int64(2 + i), Pid: 10, Reply: 110, Alloc: 1, Host: "a", Worker: Pid(100 + i), RAM: 4 * ram.GB})
			}
		}
		drain(t, e)
		return e
	}
	held := func(e *Engine, id AllocID) int {
		a := e.allocs[id]
		if a == nil {
			return 0
		}
		return a.countSize(4 * ram.GB)
	}
	// raced is host a all in use, no claim explaining it: the task started
	// workers in all four chunks, the one revoked on the tick before too,
	// before it heard. The seat would not fit; nothing more is revoked.
	raced := []WorkerState{{Host: "a", Rooted: true, MaxRAM: 16 * ram.GB, UsedRAM: 16 * ram.GB, Cores: 1}}
	tests := []struct {
		name     string
		claimAll bool
		prio     int
		seat     bool
		race     bool
		ticks    int // ticks before the grant (0: never granted)
		left     int // chunks the task holds at the end
	}{
		{"daemon seat", false, DaemonPriority, true, false, 2, 3},
		{"daemon seat, a worker raced into the room", false, DaemonPriority, true, true, 0, 3},
		{"task seat below the daemons'", false, DaemonPriority - 1, true, false, 0, 4},
		{"daemon priority but no seat", false, DaemonPriority, false, false, 0, 4},
		{"every chunk claimed", true, DaemonPriority, true, false, 0, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(tt.claimAll)
			must(t, e, Request{Rid: 9, Pid: 20, Reply: 120, ChunkSize: 4 * ram.GB, Count: 1, Priority: tt.prio, Options: Options{Seat: tt.seat}})
			granted, answered := 0, ""
			for tick := 1; tick <= 3 && granted == 0; tick++ {
				ev := Tick{Now: int64(2 + tick)}
				if tt.race && tick >= 2 {
					ev.Workers = raced
				}
				must(t, e, ev)
				sends := strings.Join(sendsOf(e), "\n")
				answered += sends
				if strings.Contains(sends, "120 Granted") {
					granted = tick
				} else if strings.Contains(sends, "120 Refused") {
					break
				}
			}
			if granted != tt.ticks {
				t.Fatalf("granted on tick %d, want %d (0: never)", granted, tt.ticks)
			}
			if tt.ticks == 0 && !strings.Contains(strings.Join(sendsOf(e), "\n")+answered, "120 Refused") {
				t.Errorf("the seat request was never answered")
			}
			if held(e, 1) != tt.left {
				t.Errorf("the task's allocation holds %d chunks, want %d", held(e, 1), tt.left)
			}
		})
	}
}

// TestEngine_daemonSeatWaitsForGameTime: the memory daemon steps again at
// the same game time when a message arrives; room made for a seat waits
// for a later time, when the owners that lost chunks have run.
func TestEngine_daemonSeatWaitsForGameTime(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, e, Tick{Now: 1, Workers: []WorkerState{{Host: "a", Rooted: true, MaxRAM: 16 * ram.GB, Cores: 1}}})
	must(t, e, Request{Rid: 1, Pid: 10, Reply: 110, ChunkSize: 4 * ram.GB, Count: 8, Priority: 5, Options: Options{Growable: true}})
	must(t, e, Tick{Now: 2})
	drain(t, e)
	must(t, e, Request{Rid: 9, Pid: 20, Reply: 120, ChunkSize: 4 * ram.GB, Count: 1, Priority: DaemonPriority, Options: Options{Seat: true}})
	for i, now := range []int64{3, 3, 3, 4} {
		must(t, e, Tick{Now: now})
		granted := strings.Contains(strings.Join(sendsOf(e), "\n"), "120 Granted")
		if want := now == 4; granted != want {
			t.Fatalf("tick %d at %d ms: granted %v, want %v", i, now, granted, want)
		}
	}
	if n := e.allocs[1].countSize(4 * ram.GB); n != 3 {
		t.Errorf("the task holds %d chunks, want 3: one revoked for the seat, no more", n)
	}
}

// TestEngine_foreignUnderBusyOwner: a foreign script's RAM on a host where
// a task keeps starting workers (each claim restarts the in-flight grace)
// still counts as foreign within two ForeignWindows, and the chunks it
// covers are revoked; in-flight use that its claims soon explain never
// counts.
func TestEngine_foreignUnderBusyOwner(t *testing.T) {
	for _, tc := range []struct {
		name    string
		foreign ram.Amount // held by a foreign script all along
		want    ram.Amount // foreign at the end
	}{
		{"foreign script", 8 * ram.GB, 8 * ram.GB},
		{"only workers in flight", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(Config{})
			if err != nil {
				t.Fatal(err)
			}
			host := func(used ram.Amount) []WorkerState {
				return []WorkerState{{Host: "a", Rooted: true, MaxRAM: 64 * ram.GB, UsedRAM: used, Cores: 1}}
			}
			must(t, e, Tick{Now: 1, Workers: host(tc.foreign)})
			must(t, e, Request{Rid: 1, Pid: 10, Reply: 110, ChunkSize: 4 * ram.GB, Count: 12, Priority: 5, Options: Options{Growable: true}})
			must(t, e, Tick{Now: 2})
			drain(t, e)
			// Each second the task starts a 1 GB worker; the daemon's tick
			// sees it before its claim arrives, and steps again when the
			// claim does (a message wakes it).
			var claimed ram.Amount
			for i := range 12 {
				now := int64(1000 * (i + 1))
				must(t, e, Tick{Now: now, Workers: host(tc.foreign + claimed + ram.GB)})
				must(t, e, Claim{Rid: int64(2 + i), Pid: 10, Reply: 110, Alloc: 1, Host: "a", Worker: Pid(100 + i), RAM: ram.GB})
				claimed += ram.GB
				must(t, e, Tick{Now: now + 50, Workers: host(tc.foreign + claimed)})
				drain(t, e)
			}
			if h := e.hosts["a"]; h.foreign != tc.want {
				t.Errorf("foreign %v, want %v", h.foreign, tc.want)
			}
			if h := e.hosts["a"]; h.allocated > h.usable {
				t.Errorf("allocated %v over usable %v", h.allocated, h.usable)
			}
		})
	}
}

// TestEngine_overReported: a host that shrinks below what live claims pin
// is said to be over once (WARN), not on every tick, and said to fit
// again once the claims end.
func TestEngine_overReported(t *testing.T) {
	e := fixture(t) // n00dles 8 GB: alloc 1 holds 2x4GB there, worker 100 claims 4 GB
	warns := func() (n int) {
		for _, l := range e.Ready().Logs {
			if strings.HasPrefix(l, "WARN n00dles holds") {
				n++
			}
		}
		e.Advance()
		return n
	}
	must(t, e, Tick{Now: 3, Workers: []WorkerState{{Host: "n00dles", Rooted: true, MaxRAM: 2 * ram.GB, UsedRAM: 4 * ram.GB, Cores: 1}}})
	if n := warns(); n != 1 {
		t.Fatalf("%d WARN lines when n00dles shrank under a live claim, want 1", n)
	}
	must(t, e, Tick{Now: 4})
	if n := warns(); n != 0 {
		t.Errorf("the over host was said again on the next tick")
	}
	must(t, e, Tick{Now: 5, Dead: []Pid{100}, Workers: []WorkerState{{Host: "n00dles", Rooted: true, MaxRAM: 2 * ram.GB, UsedRAM: 0, Cores: 1}}})
	logs := strings.Join(e.Ready().Logs, "\n")
	if !strings.Contains(logs, "n00dles fits again") {
		t.Errorf("no word that n00dles fits again once its worker ended:\n%s", logs)
	}
}

func TestMinWindow(t *testing.T) {
	var w minWindow
	for i, tc := range []struct {
		t    int64
		v    ram.Amount
		want ram.Amount
	}{
		{1000, 5, 0},                  // nothing has lasted a window yet
		{2000, 9, 0},                  // still not
		{1000 + ForeignWindow, 7, 7},  // a window since the first; 5 is as old as the window, 9 undercut by 7
		{2000 + ForeignWindow, 8, 7},  // 7 is the least since
		{3000 + ForeignWindow, 3, 3},  // a lower value undercuts all
		{3 * ForeignWindow, 6, 6},     // everything before is too old
		{3*ForeignWindow + 1, 6, 6},   // equal values: the newer stays
		{4*ForeignWindow + 1, 10, 10}, // the 6s aged out exactly at the window's end
		{4*ForeignWindow + 2, 0, 0},
	} {
		if got := w.push(tc.t, tc.v); got != tc.want {
			t.Errorf("push %d: at %d of %v: least %v, want %v", i, tc.t, tc.v, got, tc.want)
		}
	}
}
