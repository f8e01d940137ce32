package bridge

import (
	"strings"
	"testing"

	"ramfarm/core/ram"
	"ramfarm/core/selector"
)

func TestParseSelectorConfig(t *testing.T) {
	cfg, err := ParseSelectorConfig([]byte(`{"policy":"greedy","taskRam":{"till":4.4,"sow":4.7,"harvest":5.35}}`))
	want := [selector.KindHarvest + 1]ram.Amount{0, 440, 470, 535}
	if err != nil || cfg.Policy != selector.PolicyGreedy || cfg.TaskRAM != want {
		t.Fatalf("explicit: %+v %v", cfg, err)
	}
	if cfg.ReplanCaps {
		t.Error("replan caps on by default")
	}
	if cfg, err := ParseSelectorConfig([]byte(`{"policy":"replan","replanCaps":true}`)); err != nil || !cfg.ReplanCaps {
		t.Errorf("replanCaps: %+v %v", cfg, err)
	}
	for _, tt := range []struct{ config, want string }{
		{`{"tick":5}`, `unknown key "tick"`},
		{`{"policy":"hoard"}`, `field "policy": want "grow", "greedy", "restart" or "replan"`},
		{`{"taskRam":{"weaken":1.75}}`, `unknown task kind "weaken"`},
		{`{"taskRam":{"till":"x"}}`, `field "till" wrong type`},
		{`{"taskRam":{"till":1.234}}`, `not a multiple of 0.01 GB`},
		{`{"taskRam":[4.4]}`, `taskRam: message is a array`},
		{`{"bitNode":{"n":0}}`, `bitNode: field "n" out of range`},
		{`{"bitNode":{"n":12,"level":10001}}`, `BN12.10001: the level is above 10000`},
		{`{"bitNode":12}`, `bitNode: want an object, got number`},
		{`{"replanCaps":1}`, `field "replanCaps" wrong type`},
	} {
		if _, err := ParseSelectorConfig([]byte(tt.config)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.config, err, tt.want)
		}
	}
}

// A launch asks for a seat: the task script's RAM on one host. It waits
// while no host in memd's report has that much free, and the launch
// names the seat's size and priority.
func TestSelector_seat(t *testing.T) {
	s, err := NewSelector([]byte(`{"policy":"grow","taskRam":{"till":4.4,"sow":4.7,"harvest":5.35}}`))
	if err != nil {
		t.Fatal(err)
	}
	targets := `{"k":"msg","body":{"t":"targets","seq":1,"targets":[` +
		`{"host":"alpha","maxMoney":2e6,"money":2e6,"minSec":2,"baseSec":4,"sec":4,"growth":20,"level":1}]}}`
	report := func(free string) string {
		return `{"k":"msg","body":{"t":"report","rid":1,"allocs":[],"workers":[` +
			`{"host":"a","max":64,"usable":64,"allocated":` + free + `,"claimed":0,"foreign":0},` +
			`{"host":"b","max":64,"usable":64,"allocated":` + free + `,"claimed":0,"foreign":0}]}}`
	}
	// Grace: the first tick only learns the time.
	stepJSON(t, s, `[`+targets+`,`+report("60.6")+`,{"k":"tick","now":0,"hacking":10}]`)
	// 3.4 GB free on each host: 6.8 GB in all, but no seat for the till (4.4 GB).
	if got := stepJSON(t, s, `[`+report("60.6")+`,{"k":"tick","now":20000,"hacking":10}]`); strings.Contains(got, `"c":"launch"`) {
		t.Fatalf("launched with no host holding its seat: %s", got)
	}
	got := stepJSON(t, s, `[`+report("40")+`,{"k":"tick","now":21000,"hacking":10}]`)
	if !strings.Contains(got, `"c":"launch"`) || !strings.Contains(got, `"script":"ramfarm/till.js","ram":4.4,"prio":`) {
		t.Fatalf("no till launched into a seat of 4.4 GB: %s", got)
	}
}

// The selector launches every task in the BitNode it was configured
// with: the number and level travel as the task's --bitnode and
// --bn-level flags (none in BitNode 1, the tasks' default). The policy
// says how the task holds its RAM: growable (no flag), --fixed, or a
// fixed round (--fixed --round).
func TestSelector_launchArgs(t *testing.T) {
	for _, tc := range []struct{ policy, node, args, not string }{
		{"grow", ``, `"args":["alpha","--prio",`, "--fixed"},
		{"grow", `,"bitNode":{"n":12,"level":3}`, `,"--bitnode",12,"--bn-level",3]`, "--fixed"},
		{"grow", `,"bitNode":{"n":2}`, `,"--bitnode",2,"--bn-level",1]`, "--fixed"},
		{"greedy", ``, `,"--fixed"]`, "--round"},
		{"replan", ``, `,"--fixed","--round"]`, "--bitnode"},
	} {
		s, err := NewSelector([]byte(`{"policy":"` + tc.policy + `","taskRam":{"till":4.4,"sow":4.7,"harvest":5.35}` + tc.node + `}`))
		if err != nil {
			t.Fatal(err)
		}
		targets := `{"k":"msg","body":{"t":"targets","seq":1,"targets":[` +
			`{"host":"alpha","maxMoney":2e6,"money":2e6,"minSec":2,"baseSec":4,"sec":4,"growth":20,"level":1}]}}`
		report := `{"k":"msg","body":{"t":"report","rid":1,"allocs":[],"workers":[` +
			`{"host":"a","max":64,"usable":64,"allocated":0,"claimed":0,"foreign":0}]}}`
		stepJSON(t, s, `[`+targets+`,`+report+`,{"k":"tick","now":0,"hacking":10}]`)
		got := stepJSON(t, s, `[`+report+`,{"k":"tick","now":21000,"hacking":10}]`)
		if !strings.Contains(got, tc.args) || strings.Contains(got, tc.not) || (tc.node == "" && strings.Contains(got, "--bitnode")) {
			t.Errorf("%s%s: launch %s, want args with %s and without %s", tc.policy, tc.node, got, tc.args, tc.not)
		}
	}
}

// A task's heartbeat that names hosts it gave up cordons them at memd;
// a list that is not of host names is an error and changes nothing.
func TestSelector_gaveUp(t *testing.T) {
	s, err := NewSelector([]byte(`{"policy":"grow","taskRam":{"till":4.4,"sow":4.7,"harvest":5.35}}`))
	if err != nil {
		t.Fatal(err)
	}
	stepJSON(t, s, `[{"k":"tick","now":0,"hacking":10}]`)
	beat := func(gaveUp string) string {
		return `[{"k":"msg","body":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":3.5,"want":3.5,` +
			`"cap":0,"prio":1001,"chunk":1.75` + gaveUp + `}}]`
	}
	if got := stepJSON(t, s, beat(`,"gaveUp":["pserv-0"]`)); !strings.Contains(got, `"t":"cordon","host":"pserv-0","on":true`) {
		t.Errorf("no cordon of the given-up host: %s", got)
	}
	for _, bad := range []string{`,"gaveUp":[3]`, `,"gaveUp":[""]`, `,"gaveUp":"pserv-1"`} {
		if got := stepJSON(t, s, beat(bad)); !strings.Contains(got, `heartbeat: field \"gaveUp\"`) || strings.Contains(got, `"t":"cordon"`) {
			t.Errorf("%s: %s, want an error naming gaveUp and no cordon", bad, got)
		}
	}
}

// A status on the selector's port is answered with an overview on its
// reply port: memd's report gives the RAM (claimed included) and each
// task's allocation (not its seat), the heartbeats the money. A status
// the bridge cannot decode gets an error answer on its reply port when it
// named one; a bad reply port gets none. Neither changes anything.
func TestSelector_status(t *testing.T) {
	s, err := NewSelector([]byte(`{"policy":"grow","taskRam":{"till":4.4,"sow":4.7,"harvest":5.35}}`))
	if err != nil {
		t.Fatal(err)
	}
	report := `{"k":"msg","body":{"t":"report","rid":0,"ports":3,"workers":[` +
		`{"host":"a","max":64,"usable":60,"allocated":30.1,"claimed":25,"foreign":0},` +
		`{"host":"b","max":8,"usable":0,"allocated":0,"claimed":0,"foreign":8}],"allocs":[` +
		`{"alloc":1,"pid":7,"script":"ramfarm/harvest.js","prio":3,"seat":true,"chunk":5.35,"desired":1,"held":[["a",5.35,1]],"seq":1},` +
		`{"alloc":2,"pid":7,"script":"ramfarm/harvest.js","prio":3,"seat":false,"chunk":3.5,"desired":8,"held":[["a",1.75,2],["a",3.5,4]],"seq":5}]}}`
	beat := `{"k":"msg","body":{"t":"heartbeat","pid":7,"port":101,"kind":"harvest","target":"n00dles","held":17.5,"want":28,` +
		`"cap":0,"prio":3,"chunk":3.5,"earned":12345.5}}`
	stepJSON(t, s, `[`+report+`,`+beat+`,{"k":"tick","now":1000,"hacking":10}]`)
	got := stepJSON(t, s, `[{"k":"msg","body":{"t":"status","rid":4,"pid":9,"reply":555}}]`)
	want := `{"c":"send","port":555,"msg":{"t":"overview","rid":4,"now":1000,"since":1000,"hosts":1,"usable":60,"allocated":30.1,"idle":5.1,` +
		`"tasks":[{"pid":7,"kind":"harvest","target":"n00dles","state":"running","chunk":3.5,"chunks":6,"desired":8,"held":17.5,"want":28,"earned":12345.5}],` +
		`"earned":12345.5,"income":0,"jumpAt":0,"jumpGB":0,"absorbed":0,"jumpLeft":0}}`
	if !strings.Contains(got, want) {
		t.Fatalf("status:\ngot  %s\nwant %s", got, want)
	}
	for _, tc := range []struct{ msg, want string }{
		{`{"t":"status","rid":5,"pid":9,"reply":556,"verbose":true}`,
			`{"c":"send","port":556,"msg":{"t":"error","rid":5,"code":"bad-message","reason":"status: unknown key \"verbose\""}}`},
		{`{"t":"status","rid":6,"reply":557}`,
			`{"c":"send","port":557,"msg":{"t":"error","rid":6,"code":"bad-message","reason":"status: field \"pid\" missing"}}`},
		{`{"t":"status","rid":"x","pid":9,"reply":558}`, `"port":558,"msg":{"t":"error","rid":0,"code":"bad-message"`},
		{`{"t":"status","rid":7,"pid":9,"reply":0}`, `{"errors":["event 0: selector: reply port is invalid: status answers to port 0"]}`},
		{`{"t":"status","rid":8,"pid":9}`, `{"errors":["event 0: status: field \"reply\" missing"]}`},
	} {
		got := stepJSON(t, s, `[{"k":"msg","body":`+tc.msg+`}]`)
		if !strings.Contains(got, tc.want) || strings.Contains(got, `"overview"`) {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.msg, got, tc.want)
		}
	}
	if got := stepJSON(t, s, `[{"k":"msg","body":{"t":"status","rid":9,"pid":9,"reply":559}}]`); !strings.Contains(got, strings.NewReplacer(`"port":555`, `"port":559`, `"rid":4`, `"rid":9`).Replace(want)) {
		t.Errorf("after the bad ones, the overview changed:\n%s", got)
	}
}
