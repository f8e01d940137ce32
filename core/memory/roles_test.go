package memory

import (
	"strings"
	"testing"
)

// registered steps a Register and returns its answer.
func registered(t *testing.T, e *Engine, ev Register) Reply {
	t.Helper()
	must(t, e, ev)
	rd := e.Ready()
	e.Advance()
	if len(rd.Sends) != 1 {
		t.Fatalf("%s: %d answers", DescribeEvent(ev), len(rd.Sends))
	}
	must(t, e, Delivered{Send: rd.Sends[0].ID, OK: true})
	return rd.Sends[0].Msg
}

// TestEngine_roles: a role goes to one live process at a time, with a
// token only its answer carries; a cordon without the selector's token
// changes nothing; the role is free again when its holder dies or gives
// it back, and the next holder's token is another; a restored engine
// honours the tokens handed out.
func TestEngine_roles(t *testing.T) {
	e, _ := New(Config{Secret: testSecret})
	sel := registered(t, e, Register{Rid: 1, Pid: 20, Reply: 120, Role: RoleSelector}).(Registered)
	if sel.Token == 0 || sel.Role != RoleSelector {
		t.Fatalf("grant %+v", sel)
	}
	if again := registered(t, e, Register{Rid: 2, Pid: 20, Reply: 120, Role: RoleSelector}).(Registered); again.Token != sel.Token {
		t.Errorf("asked again, the holder got token %d, not %d", again.Token, sel.Token)
	}
	if got := DescribeReply(registered(t, e, Register{Rid: 3, Pid: 21, Reply: 121, Role: RoleSelector})); got != `Error rid=3 code=role-held reason="role selector is held by pid 20"` {
		t.Errorf("second process: %s", got)
	}
	for _, token := range []int64{0, sel.Token + 1} {
		must(t, e, Cordon{Host: "pserv-0", On: true, Token: token})
		if len(e.cordons) != 0 {
			t.Fatalf("a cordon with token %d was applied", token)
		}
	}
	if logs := strings.Join(e.Ready().Logs, "\n"); !strings.Contains(logs, "WARN reject cordon of pserv-0: no valid selector token") {
		t.Errorf("refused cordon not logged: %s", logs)
	}
	e.Advance()
	must(t, e, Cordon{Host: "pserv-0", On: true, Token: sel.Token})
	if !e.cordons["pserv-0"] {
		t.Fatal("the selector's cordon was not applied")
	}
	r := restored(t, e)
	if !r.Acts(RoleSelector, sel.Token) || r.Acts(RoleDiscovery, sel.Token) {
		t.Fatal("the restored engine does not honour the selector's token, or takes it for another role")
	}
	if got := r.Ready().Watch; len(got) != 1 || got[0] != 20 {
		t.Errorf("restored engine watches %v, want the holder 20", got)
	}
	r.Advance()
	must(t, r, Tick{Now: 1, Dead: []Pid{20}})
	if r.Acts(RoleSelector, sel.Token) {
		t.Fatal("the dead holder's token still acts")
	}
	next := registered(t, r, Register{Rid: 4, Pid: 21, Reply: 121, Role: RoleSelector}).(Registered)
	if next.Token == sel.Token || !r.Acts(RoleSelector, next.Token) {
		t.Fatalf("the next holder's token %d (the dead one's %d)", next.Token, sel.Token)
	}
	if got := DescribeReply(registered(t, r, Register{Rid: 5, Pid: 21, Reply: 121, Role: RoleSelector, Off: true, Token: sel.Token})); !strings.Contains(got, "code=not-owner") {
		t.Errorf("give-back with the old token: %s", got)
	}
	if got := DescribeReply(registered(t, r, Register{Rid: 6, Pid: 21, Reply: 121, Role: RoleSelector, Off: true, Token: next.Token})); got != "Done rid=6 alloc=0" {
		t.Errorf("give-back: %s", got)
	}
	if r.Acts(RoleSelector, next.Token) {
		t.Error("a role given back still acts")
	}
}

// TestEngine_roles_off: without a secret every message acts, as before
// roles.
func TestEngine_roles_off(t *testing.T) {
	e, _ := New(Config{})
	must(t, e, Cordon{Host: "pserv-0", On: true})
	if !e.cordons["pserv-0"] || !e.Acts(RoleDiscovery, 0) {
		t.Fatal("with tokens off a cordon or a registration was refused")
	}
}
