package bridge

import (
	"strings"
	"testing"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/formulas"
	"ramfarm/core/harvest"
	"ramfarm/core/hwgw"
	"ramfarm/core/prep"
	"ramfarm/core/task"
)

const tillJSON = `{"kind":"till","target":"n00dles","pid":7,"port":101,"minSec":1,"prio":1001}`

func newTask(t *testing.T, config string) Service {
	t.Helper()
	s, err := NewService(RoleTask, []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseTaskConfig(t *testing.T) {
	cfg, err := ParseTaskConfig([]byte(`{"kind":"harvest","target":"joes","pid":9,"port":120,"prio":3,"cap":512.5,"fixed":true,"round":true,` +
		`"heartbeat":500,"maxMoney":2.5e6,"minSec":5,"baseSec":15,"growth":20,"requiredLevel":10,"level":100,"intelligence":3,` +
		`"mults":{"hackingSpeed":1.5,"hackingGrow":null},"hackRam":1.7,"growRam":1.75,"weakenRam":1.75,"spacing":40,"period":400,` +
		`"growSafety":-1,"fraction":0.1,"maxFraction":0.5,"sizeGain":0.5,"guard":5,"securityTolerance":0.01,` +
		`"moneyTolerance":0.02}`))
	if err != nil {
		t.Fatal(err)
	}
	mults := formulas.DefaultMults()
	mults.HackingSpeed = 1.5
	want := harvest.Config{
		Model: hwgw.Model{
			Target:  formulas.Server{MoneyMax: 2.5e6, MinDifficulty: 5, BaseDifficulty: 15, ServerGrowth: 20, RequiredHackingSkill: 10},
			Player:  formulas.Player{Hacking: 100, Intelligence: 3, Mults: mults},
			HackRAM: 170, GrowRAM: 175, WeakenRAM: 175,
			Spacing: 40, Period: 400, GrowSafety: hwgw.NoGrowSafety,
		},
		Node:     formulas.Node{N: 1, Level: 1},
		Fraction: 0.1, MaxFraction: 0.5, SizeGain: 0.5, Guard: 5,
		SecurityTolerance: 0.01, MoneyTolerance: 0.02, Task: task.Config{Priority: 3, Cap: 51250, Fixed: true, Round: true, Heartbeat: 500},
	}
	if cfg.Kind != "harvest" || cfg.Target != "joes" || cfg.Pid != 9 || cfg.Port != 120 || cfg.Harvest != want {
		t.Fatalf("got  %+v\nwant %+v", cfg, want)
	}

	cfg, err = ParseTaskConfig([]byte(`{"kind":"sow","target":"t","pid":7,"port":101,"minSec":3,"maxMoney":1e6,"growth":100,` +
		`"growRam":1.8,"cap":7}`))
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Prep
	if p.Kind != prep.KindSow || p.Target.MoneyMax != 1e6 || p.GrowRAM != 180 || p.WeakenRAM != 0 ||
		p.Task != (task.Config{Cap: 700}) || p.Player.Hacking != 0 || p.Player.Mults != formulas.DefaultMults() {
		t.Errorf("sow config = %+v", p)
	}

	// The BitNode travels as its number and level; the engine looks the
	// multipliers up.
	cfg, err = ParseTaskConfig([]byte(`{"kind":"till","target":"t","pid":7,"port":101,"minSec":3,"bitNode":{"n":12,"level":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Prep.Node != (formulas.Node{N: 12, Level: 3}) {
		t.Errorf("till BitNode = %v, want BN12.3", cfg.Prep.Node)
	}

	for _, tt := range []struct{ config, want string }{
		{`[`, `task config:`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"bitNode":{"n":15}}`, `bitNode: bitnode invalid: BitNode 15 does not exist`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"bitNode":{"n":2,"level":7}}`, `BN2.7: the level is above 4`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"bitNode":{"level":2}}`, `bitNode: field "n" missing`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"bitNode":{"n":2,"sf":1}}`, `bitNode: unknown key "sf"`},
		{`[]`, `want an object, got array`},
		{`{"target":"t"}`, `field "kind" missing`},
		{`{"kind":"weaken"}`, `field "kind" out of range`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"spacing":40}`, `till: unknown key "spacing"`},
		{`{"kind":"harvest","target":"t","pid":7,"port":101,"minSec":1,"maxMoney":1,"growth":1,"level":1,"fixed":true,"x":1}`, `harvest: unknown key "x"`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"retryAfter":1}`, `till: unknown key "retryAfter"`},
		{`{"kind":"sow","target":"t","pid":7,"port":101,"minSec":1}`, `field "maxMoney" missing`},
		{`{"kind":"harvest","target":"t","pid":7,"port":101,"minSec":1,"maxMoney":1,"growth":1}`, `field "level" missing`},
		{`{"kind":"till","target":"t","pid":0,"port":101,"minSec":1}`, `field "pid" out of range`},
		{`{"kind":"till","target":"","pid":7,"port":101,"minSec":1}`, `field "target" is empty`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"cap":1.234}`, `field "cap" ram: amount is not a multiple of 0.01 GB`},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"mults":{"strength":2}}`, `mults: unknown key "strength"`},
	} {
		if _, err := ParseTaskConfig([]byte(tt.config)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.config, err, tt.want)
		}
	}
	// The engines' own checks come back from NewService as they are.
	for _, tt := range []struct{ config, want string }{
		{`{"kind":"harvest","target":"t","pid":7,"port":101,"minSec":1,"maxMoney":1750000,"growth":3000,"requiredLevel":60,"level":50}`,
			"harvest: config is invalid: player level 50 is below the target's required 60"},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"fixed":true}`, "prep: config is invalid: a fixed task needs a cap"},
		{`{"kind":"till","target":"t","pid":7,"port":101,"minSec":1,"cap":7,"round":true}`, "prep: config is invalid: a round needs a fixed allocation"},
	} {
		if _, err := NewService(RoleTask, []byte(tt.config)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.config, err, tt.want)
		}
	}
}

// A till from its first tick to its end, as the script sees it: the
// requests to the memory daemon and the messages to the selector come
// whole, built from the config.
func TestTask_till(t *testing.T) {
	s := newTask(t, tillJSON)
	steps := []struct{ events, want string }{
		{`[{"k":"tick","now":0,"money":0,"sec":1.1}]`,
			`{"cmds":[{"c":"alloc","id":1,"msg":{"t":"alloc","pid":7,"chunk":1.75,"count":2,"prio":1001,"growable":true,"shrinkable":false}},` +
				`{"c":"beat","id":2,"port":98,"msg":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":0,"want":3.5,"capped":false,"cap":0,"prio":1001,"rate":0,"stopping":false,"chunk":1.75,"earned":0}}],` +
				`"log":["mode idle -> asking"],"wake":1000}`},
		{`[{"k":"held","seq":1,"answered":1,"desired":2,"held":[["alpha",1.75,2]]},{"k":"tick","now":10,"money":0,"sec":1.1}]`,
			`{"cmds":[{"c":"start","id":3,"script":"ramfarm/w/weaken.js","host":"alpha","threads":2,"ram":3.5,"at":0,"land":0,"keep":false},` +
				`{"c":"beat","id":4,"port":98,"msg":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":3.5,"want":3.5,"capped":false,"cap":0,"prio":1001,"rate":0,"stopping":false,"chunk":1.75,"earned":0}}],` +
				`"log":["granted 2 on alpha","mode asking -> working","start weaken x2 on alpha"],"wake":1010}`},
		{`[{"k":"started","id":3,"pid":42},{"k":"msg","body":{"t":"prio","prio":2001}},{"k":"msg","body":{"t":"landed","pid":42,"r":0.1}},` +
			`{"k":"tick","now":20,"money":0,"sec":1.1}]`,
			`{"cmds":[{"c":"ask","id":5,"msg":{"t":"resize","pid":7,"chunk":1.75,"count":2,"prio":2001}},` +
				`{"c":"beat","id":6,"port":98,"msg":{"t":"heartbeat","pid":7,"port":101,"kind":"till","target":"n00dles","held":3.5,"want":3.5,"capped":false,"cap":0,"prio":2001,"rate":0,"stopping":false,"chunk":1.75,"earned":0}}],` +
				`"wake":1020}`},
		{`[{"k":"exited","pid":42},{"k":"tick","now":30,"money":0,"sec":1}]`,
			`{"cmds":[{"c":"unclaim","id":7,"msg":{"t":"unclaim","pid":7,"worker":42}},{"c":"close","id":8},` +
				`{"c":"finished","id":9,"port":98,"msg":{"t":"finished","pid":7,"kind":"till","target":"n00dles","done":true,"earned":0}}],` +
				`"log":["target is ready","mode working -> done","finished: ready"]}`},
	}
	for i, st := range steps {
		if got := stepJSON(t, s, st.events); got != st.want {
			t.Fatalf("step %d:\ngot  %s\nwant %s", i, got, st.want)
		}
	}
}

// A harvest through the wire: its allocation, a batch's starts with the
// time each should begin and land, a failed start replaced in time, a
// stop, the drain; the
// money its hack worker took (and not what grow and weaken returned) is
// what it says it earned.
func TestTask_harvest(t *testing.T) {
	s := newTask(t, `{"kind":"harvest","target":"n00dles","pid":8,"port":102,"maxMoney":1750000,"minSec":1,"growth":3000,`+
		`"requiredLevel":1,"level":50,"fraction":0.05,"period":20000,"prio":4}`)
	got := stepJSON(t, s, `[{"k":"tick","now":0.6,"money":1750000,"sec":1,"level":50}]`)
	if want := `{"cmds":[{"c":"alloc","id":1,"msg":{"t":"alloc","pid":8,"chunk":1.75,"count":80,"prio":4,"growable":true,"shrinkable":false}},`; !strings.HasPrefix(got, want) {
		t.Fatalf("first ready:\n%s\nwant prefix:\n%s", got, want)
	}
	got = stepJSON(t, s, `[{"k":"held","seq":1,"answered":1,"desired":80,"held":[["alpha",1.75,16]]},{"k":"tick","now":10.2,"money":1750000,"sec":1}]`)
	want := `{"cmds":[` +
		`{"c":"start","id":3,"script":"ramfarm/w/hack.js","host":"alpha","threads":12,"ram":20.4,"at":75345,"land":100470,"keep":true},` +
		`{"c":"start","id":4,"script":"ramfarm/w/weaken.js","host":"alpha","threads":1,"ram":1.75,"at":20,"land":100520,"keep":true},` +
		`{"c":"start","id":5,"script":"ramfarm/w/grow.js","host":"alpha","threads":2,"ram":3.5,"at":20170,"land":100570,"keep":true},` +
		`{"c":"start","id":6,"script":"ramfarm/w/weaken.js","host":"alpha","threads":1,"ram":1.75,"at":120,"land":100620,"keep":true},`
	if !strings.HasPrefix(got, want) || !strings.Contains(got, `"log":["granted 16 on alpha","start batch=1 slot=100470 threads=12/1/2/1 on H:alphax12 W1:alphax1 G:alphax2 W2:alphax1"]`) {
		t.Fatalf("after the grant:\n%s\nwant prefix:\n%s", got, want)
	}
	got = stepJSON(t, s, `[{"k":"started","id":3,"pid":11},{"k":"started","id":4,"pid":12},{"k":"started","id":5,"pid":0},`+
		`{"k":"started","id":6,"pid":14},{"k":"msg","body":{"t":"stop"}},{"k":"tick","now":1000,"money":1750000,"sec":1}]`)
	for _, w := range []string{`"pids batch=1 H:11 W1:12 G:0 W2:14"`, `"exec failed batch=1 op=G host=alpha"`, `"mode filling -> draining"`,
		`{"c":"ask","id":8,"msg":{"t":"resize","pid":8,"chunk":1.75,"count":0,"prio":4}}`,
		`{"c":"start","id":9,"script":"ramfarm/w/grow.js","host":"alpha","threads":2,"ram":3.5,"at":20170,"land":100570,"keep":true}`,
		`"replaced batch=1 op=G on alphax2"`, `"stopping":true`} {
		if !strings.Contains(got, w) {
			t.Errorf("stop: lacks %s\n%s", w, got)
		}
	}
	stepJSON(t, s, `[{"k":"started","id":9,"pid":15},{"k":"tick","now":1001,"money":1750000,"sec":1}]`)
	got = stepJSON(t, s, `[{"k":"msg","body":{"t":"landed","pid":11,"r":51234.5}},{"k":"msg","body":{"t":"landed","pid":12,"r":0.05}},{"k":"msg","body":{"t":"landed","pid":15,"r":1.02}},`+
		`{"k":"msg","body":{"t":"landed","pid":14,"r":0.05}},{"k":"exited","pid":11},{"k":"exited","pid":12},{"k":"exited","pid":15},{"k":"exited","pid":14},`+
		`{"k":"tick","now":100700,"money":1750000,"sec":1}]`)
	want = `{"cmds":[{"c":"unclaim","id":11,"msg":{"t":"unclaim","pid":8,"worker":11}},{"c":"unclaim","id":12,"msg":{"t":"unclaim","pid":8,"worker":12}},` +
		`{"c":"unclaim","id":13,"msg":{"t":"unclaim","pid":8,"worker":15}},{"c":"unclaim","id":14,"msg":{"t":"unclaim","pid":8,"worker":14}},{"c":"close","id":15},` +
		`{"c":"finished","id":16,"port":98,"msg":{"t":"finished","pid":8,"kind":"harvest","target":"n00dles","done":false,"earned":51234.5}}],` +
		`"log":["landed batch=1 slot=100470","mode draining -> done","finished: stopped"]}`
	if got != want {
		t.Fatalf("drained:\ngot  %s\nwant %s", got, want)
	}
	if got := stepJSON(t, s, `[{"k":"tick","now":100800,"money":1750000,"sec":1}]`); got != `{}` {
		t.Errorf("after finishing: %s", got)
	}
}

// Every command is encoded with exactly the fields TaskCommands lists for
// its kind, in that order: the generated perform hands them on by
// position. Every event kind decodes from the fields TaskEvents lists.
func TestTask_schema(t *testing.T) {
	tk := &Task{kind: "sow", target: "t", pid: 7, port: 101}
	checkCommands(t, TaskWire, &tk.w, tk.encodeCommand, []task.Command{
		task.Alloc{ID: 1, Size: 175, Count: 2}, task.Resize{ID: 2, Size: 175, Count: 1}, task.Release{ID: 3, Host: "h", Size: 175, Count: 1},
		task.Release{ID: 4}, task.Unclaim{ID: 5, Pid: 9}, task.Start{ID: 6, Action: hwgw.ActionGrow, Host: "h", Threads: 1, RAM: 175},
		task.Kill{ID: 7, Pid: 9}, task.Heartbeat{ID: 8}, task.Finished{ID: 9},
	})
	events := map[string]string{
		EvTick:    `{"k":"tick","now":1,"money":2,"sec":3,"level":4}`,
		EvHeld:    `{"k":"held","seq":1,"answered":0,"desired":2,"held":[["a",1.75,2,4]]}`,
		EvRefused: `{"k":"refused","reason":"full"}`,
		EvStarted: `{"k":"started","id":1,"pid":2}`,
		EvExited:  `{"k":"exited","pid":2}`,
		EvMsg:     `{"k":"msg","body":{"t":"leave","host":"a"}}`,
	}
	for _, e := range TaskEvents {
		v, err := jsonx.Parse([]byte(events[e.Kind]))
		if err != nil {
			t.Fatalf("%s: %v", e.Kind, err)
		}
		for _, f := range e.Fields {
			if _, ok := v.Get(f.Name); !ok {
				t.Errorf("%s: the sample lacks %q", e.Kind, f.Name)
			}
		}
		if _, err := eventOf(TaskEvents, v); err != nil {
			t.Errorf("%s: %v", e.Kind, err)
		}
		if ev, err := decodeTaskEvent(e.Kind, v); err != nil || ev == nil {
			t.Errorf("%s: %v %v", e.Kind, ev, err)
		}
	}
}

// Malformed events are reported in "errors" by index and change nothing;
// the batch goes on.
func TestTask_badInput(t *testing.T) {
	s := newTask(t, tillJSON)
	got := stepJSON(t, s, `[`+
		`{"k":"tick","now":5,"money":0},`+
		`{"k":"tick","now":5,"money":0,"sec":1,"extra":1},`+
		`{"k":"tick","now":-1,"money":0,"sec":1},`+
		`{"k":"tick","now":5,"money":0,"sec":0.5},`+
		`{"k":"held","seq":1,"answered":0,"desired":1,"held":[["alpha",1.234,1]]},`+
		`{"k":"held","seq":1,"answered":0,"desired":1,"held":[["alpha",4]]},`+
		`{"k":"held","seq":1,"answered":0,"desired":1,"held":[["alpha",4,1.5]]},`+
		`{"k":"held","seq":1,"answered":0,"desired":1,"held":[["alpha","4",1]]},`+
		`{"k":"started","id":3,"pid":7},`+
		`{"k":"exited","pid":0},`+
		`{"k":"exited","pid":7},`+
		`{"k":"msg","body":{"t":"cap","ram":7,"x":1}},`+
		`{"k":"msg","body":{"t":"granted"}},`+
		`{"k":"msg"},`+
		`{"k":"wake"},`+
		`[1],`+
		`{"k":"msg","body":{"t":"leave"}},`+
		`{"k":"tick","now":5,"money":0,"sec":1.5}]`)
	for _, want := range []string{
		`event 0: tick: field \"sec\" missing`,
		`event 1: tick: unknown key \"extra\"`,
		`event 2: tick: field \"now\" out of range`,
		`event 3: task: event is malformed: security 0.5 is outside [1, 100]`,
		`event 4: held: chunk 0: size: ram: amount is not a multiple of 0.01 GB`,
		`event 5: held: chunk 0: want [host, GB, count] or [host, GB, count, cores]`,
		`event 6: held: chunk 0: count 1.5 is not a whole number`,
		`event 7: held: chunk 0: element 1 is a string, want a number`,
		`event 8: task: command id is unknown: no Start 3 awaits its result`,
		`event 9: exited: field \"pid\" out of range`,
		`event 10: task: worker pid is unknown: 7`,
		`event 11: msg: cap: unknown key \"x\"`,
		`event 12: msg: unexpected message type \"granted\"`,
		`event 13: msg: field \"body\" missing`,
		`event 14: unknown event kind \"wake\"`,
		`event 15: event is a array, want an object`,
		`event 16: msg: leave: field \"host\" missing`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ready lacks %s\n%s", want, got)
		}
	}
	if strings.Contains(got, "event 17") || !strings.Contains(got, `"c":"alloc"`) {
		t.Errorf("a good event was rejected:\n%s", got)
	}
	if got := stepJSON(t, s, `[]`); strings.Contains(got, "errors") {
		t.Errorf("errors repeated: %s", got)
	}
	for _, batch := range []string{`{}`, `[`} {
		if err := s.Step([]byte(batch)); err == nil {
			t.Errorf("batch %s accepted", batch)
		}
	}
}
