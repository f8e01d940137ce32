package memory

import (
	"reflect"
	"strings"
	"testing"

	"ramfarm/core/internal/siphash"
	"ramfarm/core/ram"
)

var testSecret = siphash.Key{0x0123456789abcdef, 0xfedcba9876543210}

// tokenFixture is an engine with tokens on: home 32 GB; pid 10 asked for
// alloc 1 (2x4GB, growable to 3) with rid 1 on port 110, and its answer
// carried the token, which it returns.
func tokenFixture(t *testing.T) (*Engine, int64) {
	t.Helper()
	e, err := New(Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	must(t, e, Tick{Now: 1, Workers: []WorkerState{{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 8 * ram.GB, Cores: 1}}})
	must(t, e, Request{Rid: 1, Pid: 10, Reply: 110, ChunkSize: 4 * ram.GB, Count: 3, Options: Options{Growable: true}})
	must(t, e, Tick{Now: 2})
	rd := e.Ready()
	e.Advance()
	if len(rd.Sends) != 1 {
		t.Fatalf("sends %v", rd.Sends)
	}
	g := rd.Sends[0].Msg.(Granted)
	must(t, e, Delivered{Send: rd.Sends[0].ID, OK: true})
	if g.Rid != 1 || g.Token == 0 || g.Token > tokenMask {
		t.Fatalf("the answer to the request carries token %d (rid %d)", g.Token, g.Rid)
	}
	return e, g.Token
}

// TestEngine_token_onlyInTheAnswer: the token goes in the one snapshot
// that answers the request, never in growth news, status reports or
// answers to other requests.
func TestEngine_token_onlyInTheAnswer(t *testing.T) {
	e, token := tokenFixture(t)
	must(t, e, Tick{Now: 3, Workers: []WorkerState{{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 16 * ram.GB, Cores: 1}}})
	must(t, e, Resize{Rid: 2, Pid: 10, Reply: 110, Alloc: 1, Count: 3, Token: token})
	must(t, e, Status{Rid: 3, Pid: 11, Reply: 111})
	for _, s := range e.Ready().Sends {
		if g, ok := s.Msg.(Granted); ok && g.Token != 0 {
			t.Errorf("%s carries the token", DescribeSend(s))
		}
		if r, ok := s.Msg.(StatusReport); ok && r.Allocs[0].Token != 0 {
			t.Errorf("the status report carries the token")
		}
	}
}

// TestEngine_token_refused: a message that names the owner's pid but not
// its token (none, or a wrong one: what a script that copied the pid
// sends) is refused with not-owner and changes nothing.
func TestEngine_token_refused(t *testing.T) {
	for _, token := range []int64{0, 12345} {
		for _, ev := range []Event{
			Release{Rid: 5, Pid: 10, Reply: 120, Alloc: 1, Token: token},
			Release{Rid: 5, Pid: 10, Reply: 120, Alloc: 1, Host: "home", ChunkSize: 4 * ram.GB, Count: 1, Token: token},
			Resize{Rid: 5, Pid: 10, Reply: 120, Alloc: 1, Count: 0, Token: token},
			Claim{Rid: 5, Pid: 10, Reply: 120, Alloc: 1, Host: "home", Worker: 50, RAM: 4 * ram.GB, Token: token},
			Unclaim{Rid: 5, Pid: 10, Reply: 120, Alloc: 1, Worker: 50, Token: token},
			Give{Rid: 5, Pid: 10, Reply: 120, Alloc: 1, To: 66, Token: token},
		} {
			e, _ := tokenFixture(t)
			before := dump(e, false)
			must(t, e, ev)
			want := `120 Error rid=5 code=not-owner reason="pid 10 gave no valid token for allocation 1"`
			if got := strings.Join(sendsOf(e), "\n"); got != want {
				t.Errorf("%s: %s, want %s", DescribeEvent(ev), got, want)
			}
			if after := dump(e, false); after != before {
				t.Errorf("%s changed the engine:\n%s\nwas\n%s", DescribeEvent(ev), after, before)
			}
		}
	}
}

// TestEngine_token_give: the owner's token works; a give makes a new
// one, so the giver loses its power over what it gave, and a restored
// engine honours the tokens its predecessor handed out.
func TestEngine_token_give(t *testing.T) {
	e, token := tokenFixture(t)
	must(t, e, Claim{Rid: 2, Pid: 10, Reply: 110, Alloc: 1, Host: "home", Worker: 50, RAM: 4 * ram.GB, Token: token})
	r := restored(t, e)
	if !reflect.DeepEqual(r.Export(), e.Export()) {
		t.Fatal("restored engine exports another state")
	}
	must(t, r, Give{Rid: 3, Pid: 10, Reply: 110, Alloc: 1, To: 66, Token: token})
	must(t, r, Release{Rid: 4, Pid: 10, Reply: 110, Alloc: 1, Token: token})
	must(t, r, Release{Rid: 5, Pid: 66, Reply: 166, Alloc: 1, Token: token})
	got := strings.Join(sendsOf(r), "\n")
	for _, want := range []string{
		"110 Done rid=3 alloc=1",
		`110 Error rid=4 code=not-owner reason="pid 10 does not own allocation 1"`,
		`166 Error rid=5 code=not-owner reason="pid 66 gave no valid token for allocation 1"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("replies lack %q:\n%s", want, got)
		}
	}
}
