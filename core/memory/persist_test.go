package memory

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"ramfarm/core/ram"
)

// restored is a fresh engine restored from e's export.
func restored(t *testing.T, e *Engine) *Engine {
	t.Helper()
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Restore(e.Export()); err != nil {
		t.Fatal(err)
	}
	return r
}

// replies performs Ready, delivering every send but those to port full,
// and returns what was sent, without send ids (the two engines number
// their sends apart).
func replies(t *testing.T, e *Engine, full Port) []string {
	t.Helper()
	rd := e.Ready()
	e.Advance()
	var out []string
	for _, s := range rd.Sends {
		out = append(out, itoa(int64(s.Port))+" "+DescribeReply(s.Msg))
		must(t, e, Delivered{Send: s.ID, OK: s.Port != full})
	}
	return append(out, rd.Logs...)
}

// TestEngine_Restore_sameAfter: an engine restored from another's export
// exports the same State, watches the same pids, and answers every later
// event exactly as the original does: the same replies, the same
// allocation ids, the same holdings.
func TestEngine_Restore_sameAfter(t *testing.T) {
	e := fixture(t)
	must(t, e, Cordon{Host: "n00dles", On: true})
	must(t, e, Request{Rid: 4, Pid: 12, Script: "till.js", Reply: 112, ChunkSize: 2 * ram.GB, Count: 3, Options: Options{Growable: true}})
	must(t, e, Unclaim{Rid: 5, Pid: 10, Reply: 113, Alloc: 1, Worker: 100})
	replies(t, e, 113) // the Done to 113 fails: it is retried on the next tick
	r := restored(t, e)
	if got, want := r.Export(), e.Export(); !reflect.DeepEqual(got, want) {
		t.Fatalf("restored engine exports\n%#v\nwant\n%#v", got, want)
	}
	if got := r.Ready().Watch; !reflect.DeepEqual(got, e.watch.pids) {
		t.Errorf("restored engine watches %v, the original %v", got, e.watch.pids)
	}
	if logs := replies(t, r, 0); len(logs) != 1 || !strings.HasPrefix(logs[0], "restored 2 allocations holding 18GB, 0 claims of 0GB, 1 waiting requests; next id 3") {
		t.Errorf("restore said %q", logs)
	}
	obs := []WorkerState{
		{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 32 * ram.GB, Cores: 4},
		{Host: "n00dles", Rooted: true, MaxRAM: 8 * ram.GB, Cores: 1},
	}
	later := []Event{
		Tick{Now: 3, Workers: obs},
		Claim{Rid: 6, Pid: 10, Reply: 110, Alloc: 1, Host: "home", Worker: 101, RAM: 4 * ram.GB},
		Request{Rid: 7, Pid: 13, Script: "hack.js", Reply: 114, ChunkSize: 4 * ram.GB, Count: 1},
		Release{Rid: 8, Pid: 10, Reply: 110, Alloc: 1, Host: "n00dles", ChunkSize: 4 * ram.GB, Count: 1},
		Cordon{Host: "n00dles", On: false},
		Tick{Now: 4, Dead: []Pid{11}, Workers: obs},
		Resize{Rid: 9, Pid: 13, Reply: 114, Alloc: 4, Count: 2},
		Give{Rid: 10, Pid: 12, Reply: 112, Alloc: 3, To: 20},
		Tick{Now: 5, Dead: []Pid{101}, Workers: obs},
		Status{Rid: 11, Pid: 10, Reply: 110},
	}
	for _, ev := range later {
		must(t, e, ev)
		must(t, r, ev)
		if got, want := strings.Join(replies(t, r, 0), "\n"), strings.Join(replies(t, e, 0), "\n"); got != want {
			t.Fatalf("after %s the restored engine did\n%s\nthe original\n%s", DescribeEvent(ev), got, want)
		}
		if got, want := dump(r, false), dump(e, false); got != want {
			t.Fatalf("after %s the restored engine is\n%s\nthe original\n%s", DescribeEvent(ev), got, want)
		}
	}
}

// TestEngine_Restore_owed: answers a dead daemon may not have written
// (letters in flight or waiting to be retried, snapshots owed on
// streams) are sent again on the first tick after the restore, status
// reports made afresh; before that tick nothing is sent.
func TestEngine_Restore_owed(t *testing.T) {
	e := fixture(t)
	must(t, e, Resize{Rid: 4, Pid: 10, Reply: 110, Alloc: 1, Count: 5})
	must(t, e, Claim{Rid: 5, Pid: 11, Reply: 111, Alloc: 2, Host: "home", Worker: 102, RAM: 2 * ram.GB})
	must(t, e, Status{Rid: 6, Pid: 12, Reply: 112})
	// Killed after the save, before any outcome was stepped.
	s := e.Export()
	if len(s.Letters) != 2 || len(s.Owed) != 1 || s.Owed[0] != (Owed{Alloc: 1, Port: 110, Rid: 4}) {
		t.Fatalf("export owes letters %v and snapshots %v", s.Letters, s.Owed)
	}
	r, _ := New(Config{})
	if err := r.Restore(s); err != nil {
		t.Fatal(err)
	}
	if rd := r.Ready(); len(rd.Sends) != 0 {
		t.Fatalf("restore sent %d messages before its first tick", len(rd.Sends))
	}
	replies(t, r, 0)
	must(t, r, Tick{Now: 3, Workers: []WorkerState{
		{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 32 * ram.GB, UsedRAM: 6 * ram.GB, Cores: 4},
		{Host: "n00dles", Rooted: true, MaxRAM: 8 * ram.GB, UsedRAM: 4 * ram.GB, Cores: 1},
	}})
	got := strings.Join(replies(t, r, 0), "\n")
	for _, want := range []string{
		"111 Done rid=5 alloc=2",
		"112 StatusReport rid=6 workers=[home:max=32GB,usable=32GB,alloc=10GB,claimed=2GB,foreign=0GB n00dles:max=8GB",
		"110 Granted rid=4 alloc=1 seq=3 size=4GB desired=5 held=[home:3x4GB n00dles:2x4GB]",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("first tick after the restore lacks %q:\n%s", want, got)
		}
	}
}

// TestEngine_Restore_refused: a State no engine could have exported is
// refused with ErrBadState, and the engine stays fresh; so is a restore
// into an engine that already stepped.
func TestEngine_Restore_refused(t *testing.T) {
	good := fixture(t).Export()
	cases := []struct {
		name string
		edit func(s *State)
	}{
		{"id above the last", func(s *State) { s.NextAlloc = 1 }},
		{"hosts out of order", func(s *State) { s.Hosts[0], s.Hosts[1] = s.Hosts[1], s.Hosts[0] }},
		{"chunks on an unknown host", func(s *State) { s.Allocs[0].Held[0].Host = "nowhere" }},
		{"claims beyond the chunks", func(s *State) { s.Allocs[0].Claims[0].RAM = 100 * ram.GB }},
		{"no owner", func(s *State) { s.Allocs[1].Owner = 0 }},
		{"worker claimed twice", func(s *State) { s.Allocs[1].Claims = s.Allocs[0].Claims }},
		{"owed to no allocation", func(s *State) { s.Owed = []Owed{{Alloc: 9, Port: 110}} }},
		{"malformed request", func(s *State) { s.Pending = []Request{{Pid: 3, Reply: 3}} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := fixture(t).Export()
			c.edit(&s)
			e, _ := New(Config{})
			if err := e.Restore(s); !errors.Is(err, ErrBadState) {
				t.Fatalf("restore: %v, want ErrBadState", err)
			}
			if e.HasReady() || len(e.allocs) != 0 || len(e.hosts) != 0 {
				t.Errorf("a refused restore changed the engine:\n%s", dump(e, true))
			}
		})
	}
	if err := fixture(t).Restore(good); !errors.Is(err, ErrBadState) {
		t.Errorf("restore into a used engine: %v, want ErrBadState", err)
	}
}
