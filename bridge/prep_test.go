package bridge

import (
	"encoding/json"
	"strings"
	"testing"
)

const tillConfigJSON = `{"kind":"till","target":"n00dles","pid":7,"port":101,"minSec":3,"prio":1001}`

func newPrep(t *testing.T, config string) Service {
	t.Helper()
	s, err := NewService(RolePrep, []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stepReady steps a batch and returns the commands, then acknowledges.
func stepReady(t *testing.T, s Service, batch string) string {
	t.Helper()
	if err := s.Step([]byte(batch)); err != nil {
		t.Fatal(err)
	}
	out := string(s.Ready())
	s.Advance()
	return out
}

func TestParsePrepConfig(t *testing.T) {
	tests := []struct {
		name, config, bad string
	}{
		{"till", tillConfigJSON, ""},
		{"sow", `{"kind":"sow","target":"n00dles","pid":7,"port":101,"minSec":3,"maxMoney":1e6,"growth":100,"cap":59.5,"fixed":true}`, ""},
		{"unknown key", `{"kind":"till","target":"n00dles","pid":7,"port":101,"minSec":3,"hacknet":1}`, `unknown key "hacknet"`},
		{"bad kind", `{"kind":"harvest","target":"n00dles","pid":7,"port":101,"minSec":3}`, `"till" or "sow"`},
		{"no target", `{"kind":"till","target":"","pid":7,"port":101,"minSec":3}`, `"target" is empty`},
		{"no pid", `{"kind":"till","target":"n00dles","port":101,"minSec":3}`, `"pid"`},
		{"sow without money", `{"kind":"sow","target":"n00dles","pid":7,"port":101,"minSec":3}`, `"maxMoney"`},
		{"zero worker RAM", `{"kind":"till","target":"n00dles","pid":7,"port":101,"minSec":3,"weakenRam":0}`, `"weakenRam"`},
		{"RAM off the grid", `{"kind":"till","target":"n00dles","pid":7,"port":101,"minSec":3,"cap":1.001}`, `"cap"`},
		{"fixed without cap", `{"kind":"till","target":"n00dles","pid":7,"port":101,"minSec":3,"fixed":true}`, "needs a cap"},
		{"not JSON", `{`, "prep config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPrep([]byte(tt.config))
			switch {
			case tt.bad == "" && err != nil:
				t.Fatalf("NewPrep: %v", err)
			case tt.bad != "" && (err == nil || !strings.Contains(err.Error(), tt.bad)):
				t.Fatalf("NewPrep: err = %v, want one naming %s", err, tt.bad)
			}
		})
	}
	cfg, err := ParsePrepConfig([]byte(`{"kind":"sow","target":"t","pid":7,"port":101,"minSec":3,"maxMoney":1e6,"growth":100,` +
		`"growScript":"g.js","growRam":1.8,"heartbeat":500}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Script != [2]string{WeakenWorker, "g.js"} || cfg.Engine.GrowRAM != 180 ||
		cfg.Engine.WeakenRAM != 0 || cfg.Engine.Task.Heartbeat != 500 || cfg.Engine.Target.MoneyMax != 1e6 {
		t.Errorf("config = %+v", cfg)
	}
}

// A till from its first observation to its end, as the script sees it.
func TestPrep_flow(t *testing.T) {
	s := newPrep(t, tillConfigJSON)
	steps := []struct{ events, want string }{
		{`[{"k":"observe","now":0,"money":0,"sec":3.1}]`,
			`{"alloc":{"chunk":1.75,"count":2,"prio":1001,"growable":true,"shrinkable":false},` +
				`"beat":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":0,"want":3.5,"cap":0,"prio":1001,"stopping":false},` +
				`"log":["mode idle -> asking"]}`},
		{`[{"k":"held","seq":1,"desired":2,"held":[["alpha",1.75,2]]},{"k":"observe","now":10,"sec":3.1}]`,
			`{"start":[{"id":3,"script":"ramfarm/w/weaken.js","host":"alpha","threads":2,"ram":1.75,"args":["n00dles",0,false,101]}],` +
				`"beat":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":3.5,"want":3.5,"cap":0,"prio":1001,"stopping":false},` +
				`"log":["granted 2 on alpha","mode asking -> working","start weaken x2 on alpha"]}`},
		{`[{"k":"started","id":3,"pid":42},{"k":"msg","body":{"t":"prio","prio":2001}},{"k":"msg","body":{"t":"landed","pid":42,"r":0.1}},` +
			`{"k":"observe","now":20,"sec":3.1}]`,
			`{"resize":{"count":2,"prio":2001},` +
				`"beat":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":3.5,"want":3.5,"cap":0,"prio":2001,"stopping":false}}`},
		{`[{"k":"exited","pid":42},{"k":"observe","now":30,"sec":3}]`,
			`{"unclaim":[42],"close":true,"finished":{"t":"finished","pid":7,"kind":"till","target":"n00dles","done":true},"exit":true,` +
				`"log":["target is ready","mode working -> done","finished: ready"]}`},
	}
	for i, st := range steps {
		if got := stepReady(t, s, st.events); got != st.want {
			t.Fatalf("step %d:\ngot  %s\nwant %s", i, got, st.want)
		}
	}
}

// The selector's commands, a release and a kill as the script gets them.
func TestPrep_selectorCommands(t *testing.T) {
	s := newPrep(t, tillConfigJSON)
	stepReady(t, s, `[{"k":"observe","now":0,"sec":3.5}]`)
	stepReady(t, s, `[{"k":"held","seq":1,"desired":10,"held":[["alpha",1.75,4],["beta",1.75,6]]},{"k":"observe","now":0,"sec":3.5}]`)
	stepReady(t, s, `[{"k":"started","id":3,"pid":50},{"k":"started","id":4,"pid":51}]`)
	got := stepReady(t, s, `[{"k":"msg","body":{"t":"cap","ram":7}},{"k":"msg","body":{"t":"leave","host":"beta"}},`+
		`{"k":"exited","pid":51},{"k":"observe","now":5,"sec":3.5}]`)
	// The lower count goes first: chunks released under the old one
	// would be granted again.
	want := `{"unclaim":[51],"resize":{"count":4,"prio":1001},"release":[["beta",1.75,6]],` +
		`"beat":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":7,"want":7,"cap":7,"prio":1001,"stopping":false},` +
		`"log":["leaving beta","release 6 on beta"]}`
	if got != want {
		t.Fatalf("cap and leave:\ngot  %s\nwant %s", got, want)
	}
	got = stepReady(t, s, `[{"k":"msg","body":{"t":"stop"}},{"k":"observe","now":6,"sec":3.5}]`)
	if !strings.Contains(got, `"resize":{"count":0,"prio":1001}`) || !strings.Contains(got, `"stopping":true`) {
		t.Fatalf("stop: %s", got)
	}
	got = stepReady(t, s, `[{"k":"exited","pid":50},{"k":"observe","now":7,"sec":3.3}]`)
	if want := `"finished":{"t":"finished","pid":7,"kind":"till","target":"n00dles","done":false},"exit":true`; !strings.Contains(got, want) ||
		!strings.Contains(got, `"close":true`) {
		t.Fatalf("end after stop: %s\nwant %s", got, want)
	}
}

// Bad events are reported in "errors" and change nothing; a bad batch
// fails Step.
func TestPrep_errors(t *testing.T) {
	s := newPrep(t, tillConfigJSON)
	if err := s.Step([]byte(`{"k":"observe"}`)); err == nil {
		t.Error("a batch that is not an array was accepted")
	}
	if err := s.Step([]byte(`[`)); err == nil {
		t.Error("a batch that is not JSON was accepted")
	}
	got := stepReady(t, s, `[{"k":"observe","now":0},{"k":"nope"},{"k":"msg","body":{"t":"cap","ram":7,"x":1}},`+
		`{"k":"msg","body":{"t":"granted"}},{"k":"msg"},{"k":"exited","pid":5},{"k":"held","seq":1,"desired":1,"held":[["a",1.75]]},`+
		`{"k":"started","id":0,"pid":1}]`)
	var out struct {
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(got), &out); err != nil {
		t.Fatal(err)
	}
	wants := []string{`event 0: observe: field "sec"`, `event 1: nope: unknown event kind`, `event 2: msg: cap: unknown key "x"`,
		`event 3: msg: unexpected message type "granted"`, `event 4: msg: field "body" missing`, `event 5: exited: task: worker pid is unknown`,
		`event 6: held: field "held": entry 0 is not [host, GB, count]`, `event 7: started: field "id"`}
	if len(out.Errors) != len(wants) {
		t.Fatalf("errors = %q, want %d", out.Errors, len(wants))
	}
	for i, w := range wants {
		if !strings.HasPrefix(out.Errors[i], w) {
			t.Errorf("error %d = %q, want it to start with %q", i, out.Errors[i], w)
		}
	}
	if got := stepReady(t, s, `[]`); got != `{}` {
		t.Errorf("errors were not cleared by Advance: %s", got)
	}
}
