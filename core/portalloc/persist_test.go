package portalloc

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"ramfarm/core/proc"
)

// TestEngine_Restore: a port allocator restored from another's export
// leases no port twice: leased ports keep their owners, a port parked
// for a letter still owed stays parked until the letter, sent again on
// the first tick, arrives, and the owners are watched again.
func TestEngine_Restore(t *testing.T) {
	e := fixture(t)
	must(t, e, Return{Rid: 3, Pid: 5, Port: 101})
	must(t, e, Acquire{Rid: 4, Pid: 6, Reply: 6})
	deliver(t, e, 101)
	s := e.Export()
	r, _ := New(Config{First: 101, Last: 103})
	if err := r.Restore(s); err != nil {
		t.Fatal(err)
	}
	if got := r.Export(); !reflect.DeepEqual(got, s) {
		t.Fatalf("restored exports %#v, want %#v", got, s)
	}
	if got, want := dump(r, false), "next=104 free=[] parked=[101] 102:5 103:6 watched=[]"; got != want {
		t.Errorf("restored: %q, want %q", got, want)
	}
	must(t, r, Acquire{Rid: 1, Pid: 7, Reply: 7})
	if got := deliver(t, r); !slices.Equal(got, []string{`7 Error rid=1 code=exhausted reason="no free port in 101..103"`, "watch [5 6]"}) {
		t.Fatalf("acquire before the tick: %q", got)
	}
	must(t, r, Tick{Now: 1})
	if got := deliver(t, r); !slices.Equal(got, []string{"101 Done rid=3 port=101"}) {
		t.Fatalf("first tick: %q", got)
	}
	must(t, r, Acquire{Rid: 2, Pid: 7, Reply: 7})
	if got := deliver(t, r); !slices.Equal(got, []string{"clear [101]", "7 Assigned rid=2 port=101", "watch [5 6 7]"}) {
		t.Fatalf("acquire after: %q", got)
	}
}

// TestEngine_Restore_refused: a State that does not fit the range, or
// leases a port twice, is refused and changes nothing.
func TestEngine_Restore_refused(t *testing.T) {
	for name, s := range map[string]State{
		"next beyond the range": {Next: 105},
		"port leased twice":     {Next: 103, Leases: []Lease{{Port: 101, Pid: 5}, {Port: 101, Pid: 6}}},
		"free and leased":       {Next: 103, Free: []proc.Port{101}, Leases: []Lease{{Port: 101, Pid: 5}}},
		"lease without owner":   {Next: 103, Leases: []Lease{{Port: 102}}},
		"lease above next":      {Next: 102, Leases: []Lease{{Port: 102, Pid: 5}}},
	} {
		e, _ := New(Config{First: 101, Last: 103})
		if err := e.Restore(s); !errors.Is(err, ErrBadState) {
			t.Errorf("%s: %v, want ErrBadState", name, err)
		}
		if got, want := dump(e, true), "next=101 free=[] parked=[] watched=[] nextSend=0 sends=0 retry=0\nclear=[]\n"; got != want {
			t.Errorf("%s: refused restore left %q", name, got)
		}
	}
}
