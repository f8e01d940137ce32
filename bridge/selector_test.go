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
	for _, tt := range []struct{ config, want string }{
		{`{"tick":5}`, `unknown key "tick"`},
		{`{"policy":"hoard"}`, `field "policy": want`},
		{`{"taskRam":{"weaken":1.75}}`, `unknown task kind "weaken"`},
		{`{"taskRam":{"till":"x"}}`, `field "till" wrong type`},
		{`{"taskRam":{"till":1.234}}`, `not a multiple of 0.01 GB`},
		{`{"taskRam":[4.4]}`, `taskRam: message is a array`},
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
