package portalloc

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ramfarm/core/proc"
)

// dump is the engine's state as text. With outbox false it leaves out
// what answering a rejected message touches.
func dump(e *Engine, outbox bool) string {
	var b strings.Builder
	b.WriteString("next=" + itoa(int64(e.next)) + " free=" + ports(e.free) + " parked=" + ports(slices.Sorted(maps.Keys(e.parked))))
	for _, p := range slices.Sorted(maps.Keys(e.owner)) {
		b.WriteString(" " + itoa(int64(p)) + ":" + itoa(int64(e.owner[p])))
	}
	b.WriteString(" watched=" + pidList(e.watched))
	if outbox {
		b.WriteString(" nextSend=" + itoa(e.nextSend) + " sends=" + strconv.Itoa(len(e.sends)) + " retry=" + strconv.Itoa(len(e.retry)))
		for _, s := range e.out.Sends {
			b.WriteString("\n" + DescribeSend(s))
		}
		b.WriteString("\nclear=" + ports(e.out.Clear) + "\n" + strings.Join(e.out.Logs, "\n"))
	}
	return b.String()
}

func ports(ps []proc.Port) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = itoa(int64(p))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func pidList(ps []proc.Pid) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = itoa(int64(p))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func must(t *testing.T, e *Engine, ev Event) {
	t.Helper()
	if err := e.Step(ev); err != nil {
		t.Fatalf("%s: %v", DescribeEvent(ev), err)
	}
}

// deliver performs Ready; sends to the ports in full fail.
func deliver(t *testing.T, e *Engine, full ...proc.Port) []string {
	t.Helper()
	rd := e.Ready()
	e.Advance()
	var out []string
	if len(rd.Clear) > 0 {
		out = append(out, "clear "+ports(rd.Clear))
	}
	for _, s := range rd.Sends {
		out = append(out, itoa(int64(s.Port))+" "+DescribeReply(s.Msg))
		must(t, e, Delivered{Send: s.ID, OK: !slices.Contains(full, s.Port)})
	}
	if rd.Watch != nil {
		out = append(out, "watch "+pidList(rd.Watch))
	}
	return out
}

// fixture: range 101..103; pid 5 holds 101 and 102, delivered.
func fixture(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Config{First: 101, Last: 103})
	if err != nil {
		t.Fatal(err)
	}
	must(t, e, Acquire{Rid: 1, Pid: 5, Reply: 5})
	must(t, e, Acquire{Rid: 2, Pid: 5, Reply: 5})
	deliver(t, e)
	return e
}

func TestNew(t *testing.T) {
	tests := []struct {
		cfg         Config
		first, last proc.Port
		err         error
	}{
		{Config{}, 101, proc.MaxPort, nil},
		{Config{First: 1, Last: 1}, 1, 1, nil},
		{Config{First: -1}, 0, 0, ErrBadConfig},
		{Config{Last: proc.MaxPort + 1}, 0, 0, ErrBadConfig},
		{Config{First: 200, Last: 150}, 0, 0, ErrBadConfig},
	}
	for i, tt := range tests {
		e, err := New(tt.cfg)
		if !errors.Is(err, tt.err) {
			t.Errorf("%d: New = %v, want %v", i, err, tt.err)
			continue
		}
		if err == nil && (e.first != tt.first || e.last != tt.last) {
			t.Errorf("%d: range %d..%d, want %d..%d", i, e.first, e.last, tt.first, tt.last)
		}
	}
}

// clientCase is one message stepped on the fixture.
type clientCase struct {
	name string
	ev   Event
	want []string
	same bool // leases must not change
}

func runCases(t *testing.T, cases []clientCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := fixture(t)
			before := dump(e, false)
			must(t, e, tc.ev)
			got := deliver(t, e)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if after := dump(e, false); tc.same && after != before {
				t.Errorf("state changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

func TestEngine_Step_acquire(t *testing.T) {
	runCases(t, []clientCase{
		{"lowest free", Acquire{Rid: 7, Pid: 6, Reply: 6},
			[]string{"clear [103]", "6 Assigned rid=7 port=103", "watch [5 6]"}, false},
		{"reply to own lease", Acquire{Rid: 7, Pid: 5, Reply: 101},
			[]string{"clear [103]", "101 Assigned rid=7 port=103"}, false},
		{"reply to another's lease", Acquire{Rid: 7, Pid: 6, Reply: 101}, nil, true},
		{"pid zero", Acquire{Rid: 7, Pid: 0, Reply: 6},
			[]string{`6 Error rid=7 code=bad-message reason="pid 0 is invalid"`}, true},
	})
	e := fixture(t)
	must(t, e, Acquire{Rid: 3, Pid: 6, Reply: 6})
	must(t, e, Acquire{Rid: 4, Pid: 6, Reply: 6})
	if got := deliver(t, e); !slices.Equal(got, []string{"clear [103]", "6 Assigned rid=3 port=103",
		`6 Error rid=4 code=exhausted reason="no free port in 101..103"`, "watch [5 6]"}) {
		t.Errorf("exhausted: %q", got)
	}
}

func TestEngine_Step_return(t *testing.T) {
	runCases(t, []clientCase{
		{"to reply", Return{Rid: 7, Pid: 5, Port: 102, Reply: 5}, []string{"5 Done rid=7 port=102"}, false},
		{"to the port itself", Return{Rid: 7, Pid: 5, Port: 101}, []string{"101 Done rid=7 port=101"}, false},
		{"not owner", Return{Rid: 7, Pid: 6, Port: 101, Reply: 6},
			[]string{`6 Error rid=7 code=not-owner reason="port 101 is not leased to pid 6"`}, true},
		{"not leased", Return{Rid: 7, Pid: 5, Port: 103, Reply: 5},
			[]string{`5 Error rid=7 code=not-owner reason="port 103 is not leased to pid 5"`}, true},
		{"outside range", Return{Rid: 7, Pid: 5, Port: 7, Reply: 5},
			[]string{`5 Error rid=7 code=not-owner reason="port 7 is not leased to pid 5"`}, true},
		{"pid negative", Return{Rid: 7, Pid: -5, Port: 101, Reply: 9},
			[]string{`9 Error rid=7 code=bad-message reason="pid -5 is invalid"`}, true},
		// Answering would write into pid 5's port.
		{"not owner, to the port itself", Return{Rid: 7, Pid: 6, Port: 101}, nil, true},
	})
	// A returned port comes back as the lowest free one, cleared.
	e := fixture(t)
	must(t, e, Return{Rid: 3, Pid: 5, Port: 101, Reply: 5})
	must(t, e, Acquire{Rid: 4, Pid: 6, Reply: 6})
	if got := deliver(t, e); !slices.Equal(got, []string{"clear [101]", "5 Done rid=3 port=101", "6 Assigned rid=4 port=101", "watch [5 6]"}) {
		t.Errorf("reuse: %q", got)
	}
}

// TestEngine_Step_returnParked: a port whose Done is still on its way to it is
// not leased again until that letter is settled.
func TestEngine_Step_returnParked(t *testing.T) {
	e := fixture(t)
	must(t, e, Return{Rid: 3, Pid: 5, Port: 101})
	must(t, e, Acquire{Rid: 4, Pid: 6, Reply: 6})
	if got := deliver(t, e, 101); !slices.Equal(got, []string{"clear [103]", "101 Done rid=3 port=101", "6 Assigned rid=4 port=103", "watch [5 6]"}) {
		t.Fatalf("first: %q", got)
	}
	must(t, e, Tick{Now: 1})
	if got := deliver(t, e); !slices.Equal(got, []string{"101 Done rid=3 port=101"}) {
		t.Fatalf("retry: %q", got)
	}
	must(t, e, Acquire{Rid: 5, Pid: 7, Reply: 7})
	if got := deliver(t, e); !slices.Equal(got, []string{"clear [101]", "7 Assigned rid=5 port=101", "watch [5 6 7]"}) {
		t.Fatalf("after: %q", got)
	}
}

func TestEngine_Step_tick(t *testing.T) {
	e := fixture(t)
	must(t, e, Acquire{Rid: 3, Pid: 6, Reply: 6})
	deliver(t, e)
	must(t, e, Tick{Now: 1, Dead: []proc.Pid{5, 99}})
	if got := deliver(t, e); !slices.Equal(got, []string{"watch [6]"}) {
		t.Errorf("death: %q", got)
	}
	if want := "next=104 free=[102 101] parked=[] 103:6 watched=[6]"; dump(e, false) != want {
		t.Errorf("after death %q, want %q", dump(e, false), want)
	}
	// A failed reply is retried each tick until its recipient dies.
	must(t, e, Return{Rid: 4, Pid: 8, Port: 103, Reply: 8})
	deliver(t, e, 8)
	must(t, e, Tick{Now: 2})
	if got := deliver(t, e, 8); !slices.Equal(got, []string{`8 Error rid=4 code=not-owner reason="port 103 is not leased to pid 8"`, "watch [6 8]"}) {
		t.Errorf("retry: %q", got)
	}
	must(t, e, Tick{Now: 3, Dead: []proc.Pid{8}})
	if got := deliver(t, e); !slices.Equal(got, []string{"watch [6]"}) {
		t.Errorf("recipient died: %q", got)
	}
}

type bogusEvent struct{}

func (bogusEvent) isEvent() {}

func TestEngine_Step(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
		err  error
	}{
		{"nil", nil, ErrNilEvent},
		{"nil pointer", (*Tick)(nil), ErrNilEvent},
		{"unknown", bogusEvent{}, ErrUnknownEvent},
		{"acquire reply 0", Acquire{Pid: 5}, ErrBadReply},
		{"acquire reply too large", &Acquire{Pid: 5, Reply: proc.MaxPort + 1}, ErrBadReply},
		{"return reply negative", Return{Pid: 5, Port: 101, Reply: -1}, ErrBadReply},
		{"return no reply, port 0", Return{Pid: 5}, ErrBadReply},
		{"delivered unknown", Delivered{Send: 77}, ErrUnknownSend},
		{"tick bad pid", Tick{Dead: []proc.Pid{5, -1}}, ErrBadPid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fixture(t)
			must(t, e, Acquire{Rid: 9, Pid: 6, Reply: 6})
			before := dump(e, true)
			if err := e.Step(tt.ev); !errors.Is(err, tt.err) {
				t.Fatalf("Step = %v, want %v", err, tt.err)
			}
			if after := dump(e, true); after != before {
				t.Errorf("state changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{DescribeEvent(Acquire{Rid: 1, Pid: 2, Reply: 3}), "Acquire rid=1 pid=2 reply=3"},
		{DescribeEvent(Return{Rid: 1, Pid: 2, Port: 101}), "Return rid=1 pid=2 port=101 reply=0"},
		{DescribeEvent(Tick{Now: 5, Dead: []proc.Pid{1, 2}}), "Tick now=5 dead=[1 2]"},
		{DescribeEvent(Delivered{Send: 4}), "Delivered send=4 failed"},
		{DescribeEvent(nil), "<nil>"},
		{DescribeReply(Error{Rid: 1, Code: CodeExhausted, Reason: "x"}), `Error rid=1 code=exhausted reason="x"`},
		{DescribeSend(Send{ID: 3, Port: 7, Msg: Done{Rid: 1, Port: 101}}), "send id=3 port=7 Done rid=1 port=101"},
		{Code(42).String(), "code42"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
