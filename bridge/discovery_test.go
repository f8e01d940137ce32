package bridge

import (
	"strings"
	"testing"
)

func TestParseDiscoveryConfig(t *testing.T) {
	cfg, err := ParseDiscoveryConfig(nil)
	if err != nil || cfg.Home != "home" || cfg.Port != DiscoveryPort || cfg.MemdPort != MemdPort {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	cfg, err = ParseDiscoveryConfig([]byte(`{"home":"base","port":7,"memdPort":8,"walkEvery":500}`))
	if err != nil || cfg.Home != "base" || cfg.Port != 7 || cfg.MemdPort != 8 || cfg.WalkEvery != 500 {
		t.Fatalf("explicit: %+v %v", cfg, err)
	}
	for _, tt := range []struct{ config, want string }{
		{`{"tick":5}`, `unknown key "tick"`},
		{`{"home":""}`, `field "home" is empty`},
		{`{"port":0}`, `field "port" out of range`},
		{`{"memdPort":"x"}`, `field "memdPort" wrong type`},
		{`{"port":100}`, `name the same port`},
		{`{"walkEvery":-5}`, `field "walkEvery" out of range`},
		{`[`, `discovery config:`},
	} {
		if _, err := ParseDiscoveryConfig([]byte(tt.config)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.config, err, tt.want)
		}
	}
	if _, err := NewService(RoleDiscovery, []byte(`{"bogus":1}`)); err == nil {
		t.Error("NewService accepted a bad config")
	}
}

// Servers as discover.js sends them: ns.getServer's fields in order.
const (
	homeJS  = `["home",true,true,5,32,2,0,0,1,1,1,1,1]`
	noodlJS = `["n00dles",false,false,0,4,1,1750000,70000,1,1,1,3000,1]`
	csecJS  = `["CSEC",false,false,1,8,1,0,0,1,1,1,1,54]`
	hnetJS  = `["hacknet-server-0",true,true,null,1,1,null,null,null,null,null,null,null]`
)

// One tick of the daemon through the wire format: the look that first
// sees BruteSSH.exe asks for the opens and nukes; their outcomes bring
// the registrations and the target list, in the memory daemon's and the
// subscriber's message formats.
func TestDiscovery_wire(t *testing.T) {
	s, err := NewService(RoleDiscovery, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	scan := `{"k":"look","now":200,"level":1,"programs":["NUKE.exe","BruteSSH.exe"],"dead":[],"full":true,"servers":[` +
		homeJS + `,` + noodlJS + `,` + csecJS + `,` + hnetJS + `]}`
	got := stepJSON(t, s, `[{"k":"msg","body":{"t":"subscribe","rid":3,"pid":40,"reply":140}},`+scan+`]`)
	want := `{"listen":99,"open":[[6,"CSEC","BruteSSH.exe"]],"root":[[4,"n00dles"],[8,"CSEC"]],"send":[` +
		`[2,100,{"t":"worker","host":"home","kind":"home","cores":2}],` +
		`[10,100,{"t":"worker","host":"hacknet-server-0","kind":"hacknet","cores":1}],` +
		`[12,140,{"t":"targets","rid":3,"seq":1,"now":200,"level":1,"targets":[]}]],`
	if !strings.HasPrefix(got, want) || !strings.Contains(got, `"watch":[40]`) {
		t.Fatalf("first ready:\n%s\nwant prefix:\n%s", got, want)
	}
	got = stepJSON(t, s, `[{"k":"sent","id":2,"ok":true},{"k":"sent","id":10,"ok":true},{"k":"sent","id":12,"ok":true},`+
		`{"k":"done","id":6,"ok":true},{"k":"done","id":4,"ok":true},{"k":"done","id":8,"ok":false,"err":"Not enough ports opened to use NUKE.exe virus."}]`)
	want = `{"send":[[14,100,{"t":"worker","host":"n00dles","kind":"server","cores":1}],` +
		`[16,140,{"t":"targets","rid":0,"seq":2,"now":200,"level":1,"targets":[` +
		`{"host":"n00dles","maxMoney":1750000,"money":70000,"minSec":1,"baseSec":1,"sec":1,"growth":3000,"level":1}]}]],` +
		`"log":["rooted n00dles ports=0","worker n00dles kind=server ram=4GB cores=1","targets seq=2 [n00dles]",` +
		`"nuke CSEC failed: Not enough ports opened to use NUKE.exe virus."]}`
	if got != want {
		t.Fatalf("after the outcomes:\n%s\nwant:\n%s", got, want)
	}
}

// Malformed input: a bad message gets an error answer on its reply port
// (odd, bridge-owned ids) and the batch goes on; a bad look or outcome is
// reported in "errors" and changes nothing.
func TestDiscovery_badInput(t *testing.T) {
	s, err := NewService(RoleDiscovery, nil)
	if err != nil {
		t.Fatal(err)
	}
	stepJSON(t, s, `[]`)
	got := stepJSON(t, s, `[`+
		`{"k":"msg","body":{"t":"alloc","rid":1,"pid":5,"reply":105,"chunk":4,"count":1}},`+
		`{"k":"msg","body":{"t":"subscribe","rid":2,"pid":5,"reply":106,"extra":1}},`+
		`{"k":"msg","body":{"t":"subscribe","rid":3,"pid":5}},`+
		`{"k":"msg","body":[1]},`+
		`{"k":"look","level":1,"programs":["Formulas.exe"],"servers":[]},`+
		`{"k":"look","level":1,"servers":[["x",true,false,0,1.234,1,0,0,0,0,0,0,0]]},`+
		`{"k":"look","level":1,"servers":[["x",true,false,0,4,0,0,0,0,0,0,0,0]]},`+
		`{"k":"look","level":1,"servers":[`+homeJS+`,`+homeJS+`]},`+
		`{"k":"done","id":1,"ok":true},`+
		`{"k":"sent","id":2,"ok":true},`+
		`{"k":"scan","level":1,"servers":[]},`+
		`{"k":"look","level":1,"servers":[],"walk":true},`+
		`{"k":"look","servers":[]},`+
		`{"k":"sent","id":3,"ok":true,"err":"x"},`+
		`{"k":"done","ok":true}]`)
	for _, want := range []string{
		`[3,105,{"t":"error","rid":1,"code":"bad-message","reason":"unknown message type \"alloc\" for the discovery daemon"}]`,
		`[5,106,{"t":"error","rid":2,"code":"bad-message","reason":"subscribe: unknown key \"extra\""}]`,
		`event 2: subscribe: field \"reply\" missing`,
		`event 3: message is a array`,
		`event 4: look: field \"programs\" holds \"Formulas.exe\"`,
		`event 5: look: server 0: \"maxRam\": ram: amount is not a multiple of 0.01 GB`,
		`event 6: look: server 0: \"cpuCores\": want an integer ≥ 1, got number`,
		`event 7: discovery: scan is malformed: home is listed twice`,
		`event 8: done: unknown id 1`,
		`event 9: discovery: delivered send id is unknown: send 1`,
		`event 10: unknown event kind \"scan\"`,
		`event 11: look: unknown key \"walk\"`,
		`event 12: look: field \"level\" missing`,
		`event 13: sent: unknown key \"err\"`,
		`event 14: done: field \"id\" missing`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ready lacks %s\n%s", want, got)
		}
	}
	// An own answer that met a full port is sent again; one delivered is
	// forgotten.
	got = stepJSON(t, s, `[{"k":"sent","id":3,"ok":false},{"k":"sent","id":5,"ok":true}]`)
	if want := `"send":[[3,105,`; !strings.Contains(got, want) || strings.Contains(got, `[5,106`) {
		t.Errorf("retry: %s", got)
	}
	// No full scan was ever stepped: every Ready asks for one.
	if !strings.HasPrefix(got, `{"walk":true,`) {
		t.Errorf("no walk asked for: %s", got)
	}
	if err := s.Step([]byte(`{}`)); err == nil {
		t.Error("a batch that is not an array was accepted")
	}
}
