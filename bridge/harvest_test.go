package bridge

import (
	"strings"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/harvest"
	"ramfarm/core/hwgw"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// n00dles as discovery reports it, at level 50 with a 20 s period: 5
// batches of 27.4 GB overlap (core/harvest's testdata/filling.txt).
const noodlesHarvest = `{"target":{"maxMoney":1750000,"minSec":1,"baseSec":1,"growth":3000,"level":1},` +
	`"level":50,"fraction":0.05,"period":20000}`

func TestParseHarvestConfig(t *testing.T) {
	cfg, err := ParseHarvestConfig([]byte(`{"target":{"maxMoney":2.5e6,"minSec":5,"baseSec":15,"growth":20,"level":10},` +
		`"level":100,"intelligence":3,"mults":{"hackingSpeed":1.5,"hackingGrow":null},"hackRam":1.7,"growRam":1.75,"weakenRam":1.75,` +
		`"spacing":40,"period":400,"growSafety":-1,"fraction":0.1,"maxFraction":0.5,"maxChunk":64,"budget":512.5,` +
		`"reshapeGain":0.5,"guard":5,"securityTolerance":0.01,"moneyTolerance":0.02,"heartbeat":500}`))
	if err != nil {
		t.Fatal(err)
	}
	mults := formulas.DefaultMults()
	mults.HackingSpeed = 1.5
	want := harvest.Config{
		Model: hwgw.Model{
			Target:  formulas.Server{MoneyMax: 2.5e6, MinDifficulty: 5, BaseDifficulty: 15, ServerGrowth: 20, RequiredHackingSkill: 10},
			Player:  formulas.Player{Hacking: 100, Intelligence: 3, Mults: mults},
			BitNode: formulas.BN1(), HackRAM: 170, GrowRAM: 175, WeakenRAM: 175,
			Spacing: 40, Period: 400, GrowSafety: hwgw.NoGrowSafety,
		},
		Fraction: 0.1, MaxFraction: 0.5, MaxChunk: 64 * ram.GB, ReshapeGain: 0.5, Guard: 5,
		SecurityTolerance: 0.01, MoneyTolerance: 0.02, Task: task.Config{Cap: 51250, Heartbeat: 500},
	}
	if cfg != want {
		t.Fatalf("got  %+v\nwant %+v", cfg, want)
	}
	for _, tt := range []struct{ config, want string }{
		{`[`, `harvest config:`},
		{`[]`, `want an object, got array`},
		{`{"level":50}`, `field "target" must be an object`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1},"level":50,"tick":5}`, `unknown key "tick"`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1,"host":"x"},"level":50}`, `target: unknown key "host"`},
		{`{"target":{"maxMoney":1,"minSec":1},"level":50}`, `target: field "growth" missing`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1}}`, `field "level" missing`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1},"level":"50"}`, `field "level" wrong type`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1},"level":50,"mults":{"strength":2}}`, `mults: unknown key "strength"`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1},"level":50,"mults":{"hacking":"x"}}`, `mults: field "hacking" wrong type`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1},"level":50,"budget":1.234}`, `field "budget" ram: amount is not a multiple of 0.01 GB`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1},"level":50,"spacing":2.5}`, `field "spacing" out of range`},
		{`{"target":{"maxMoney":1,"minSec":1,"growth":1},"level":50,"growSafety":-2}`, `field "growSafety" out of range`},
	} {
		if _, err := ParseHarvestConfig([]byte(tt.config)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.config, err, tt.want)
		}
	}
	// The engine's own checks come back from NewService as they are.
	for _, tt := range []struct{ config, want string }{
		{`{"target":{"maxMoney":1750000,"minSec":1,"growth":3000,"level":60},"level":50}`, "player level 50 is below the target's required 60"},
		{`{"target":{"maxMoney":1750000,"minSec":1,"growth":3000},"level":50,"fraction":2}`, "fraction 2 is outside [0, 1]"},
		{`{"target":{"maxMoney":1750000,"minSec":1,"growth":3000},"level":50,"period":100}`, "period 100ms is below 4 spacings (200ms)"},
	} {
		if _, err := NewService(RoleHarvest, []byte(tt.config)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.config, err, tt.want)
		}
	}
}

// A harvest through the wire format: the first Ready asks for the
// allocation; a snapshot and a tick start a batch in each chunk, in
// landing order; results, a budget and a stop come back as events.
func TestHarvest_wire(t *testing.T) {
	s, err := NewService(RoleHarvest, []byte(noodlesHarvest))
	if err != nil {
		t.Fatal(err)
	}
	// No tick yet, so no wake time: the script ticks at once.
	if got, want := string(s.Ready()), `{"cmds":[{"c":"resize","id":1,"chunk":27.4,"count":5}]}`; got != want {
		t.Fatalf("first ready:\n%s\nwant:\n%s", got, want)
	}
	if a, b := string(s.Ready()), string(s.Ready()); a != b {
		t.Fatalf("Ready changed without a Step:\n%s\n%s", a, b)
	}
	stepJSON(t, s, `[{"k":"tick","now":0.6,"money":1750000,"sec":1,"level":50}]`)
	got := stepJSON(t, s, `[{"k":"held","answered":1,"desired":5,"held":[["alpha",27.4,1]]},{"k":"tick","now":10.2,"money":1750000,"sec":1}]`)
	want := `{"cmds":[` +
		`{"c":"start","id":3,"batch":1,"op":"hack","part":"H","host":"alpha","threads":12,"ram":20.4,"delay":75335,"duration":25125,"land":100470},` +
		`{"c":"start","id":4,"batch":1,"op":"weaken","part":"W1","host":"alpha","threads":1,"ram":1.75,"delay":10,"duration":100500,"land":100520},` +
		`{"c":"start","id":5,"batch":1,"op":"grow","part":"G","host":"alpha","threads":2,"ram":3.5,"delay":20160,"duration":80400,"land":100570},` +
		`{"c":"start","id":6,"batch":1,"op":"weaken","part":"W2","host":"alpha","threads":1,"ram":1.75,"delay":110,"duration":100500,"land":100620},` +
		`{"c":"heartbeat","id":7,"mode":"filling","chunk":27.4,"held":27.4,"want":137,"rate":842.7301192842942}],` +
		`"log":["granted 1x27.4GB on alpha","start batch=1 slot=100470 threads=12/1/2/1 cores=1 chunks=[alpha:27.4GB]"],"wake":2010}`
	if got != want {
		t.Fatalf("after the grant:\n%s\nwant:\n%s", got, want)
	}
	got = stepJSON(t, s, `[{"k":"started","id":3,"pid":11},{"k":"started","id":4,"pid":12},{"k":"started","id":5,"pid":13},`+
		`{"k":"started","id":6,"pid":14},{"k":"budget","ram":200,"maxChunk":64},{"k":"tick","now":1000,"money":1750000,"sec":1}]`)
	want = `{"cmds":[{"c":"heartbeat","id":8,"mode":"filling","chunk":27.4,"held":27.4,"want":200,`
	if !strings.HasPrefix(got, want) {
		t.Fatalf("heartbeat:\n%s\nwant prefix:\n%s", got, want)
	}
	// A vacate of another host: noted, nothing of the task is there.
	if got = stepJSON(t, s, `[{"k":"leave","host":"beta"}]`); !strings.Contains(got, `"leaving beta"`) {
		t.Errorf("leave: %s", got)
	}
	got = stepJSON(t, s, `[{"k":"shutdown"},{"k":"tick","now":1001,"money":1750000,"sec":1}]`)
	for _, w := range []string{`{"c":"resize","id":9,"chunk":27.4,"count":0}`, `"mode":"draining"`, `"want":0,`} {
		if !strings.Contains(got, w) {
			t.Errorf("shutdown: lacks %s\n%s", w, got)
		}
	}
	// The batch lands; the chunk goes back, then everything, then done.
	got = stepJSON(t, s, `[{"k":"exited","pid":11},{"k":"exited","pid":12},{"k":"exited","pid":13},{"k":"exited","pid":14},`+
		`{"k":"tick","now":100700,"money":1750000,"sec":1}]`)
	want = `{"cmds":[{"c":"release","id":15},{"c":"done","id":16,"reason":"stopped"}],"log":["landed batch=1 slot=100470","mode draining -> done","finished: stopped"]}`
	if got != want {
		t.Fatalf("drained:\n%s\nwant:\n%s", got, want)
	}
}

// Malformed events are reported in "errors" by index and change nothing;
// the batch goes on.
func TestHarvest_badInput(t *testing.T) {
	s, err := NewService(RoleHarvest, []byte(noodlesHarvest))
	if err != nil {
		t.Fatal(err)
	}
	got := stepJSON(t, s, `[`+
		`{"k":"tick","now":5,"money":1750000},`+
		`{"k":"tick","now":5,"money":1750000,"sec":1,"extra":1},`+
		`{"k":"tick","now":-1,"money":1750000,"sec":1},`+
		`{"k":"tick","now":5,"money":1750000,"sec":0.5},`+
		`{"k":"held","answered":9,"held":[]},`+
		`{"k":"held","answered":0,"held":[["alpha",1.234,1]]},`+
		`{"k":"held","answered":0,"held":[["alpha",4]]},`+
		`{"k":"held","answered":0,"held":[["alpha",4,1.5]]},`+
		`{"k":"held","answered":0,"held":[["alpha","4",1]]},`+
		`{"k":"budget"},`+
		`{"k":"started","id":3,"pid":7},`+
		`{"k":"exited","pid":0},`+
		`{"k":"exited","pid":7},`+
		`{"k":"shutdown","now":1},`+
		`{"k":"wake"},`+
		`[1],`+
		`{"k":"leave"},`+
		`{"k":"leave","host":""},`+
		`{"k":"tick","now":5,"money":1750000,"sec":1}]`)
	for _, want := range []string{
		`event 0: tick: field \"sec\" missing`,
		`event 1: tick: unknown key \"extra\"`,
		`event 2: tick: field \"now\" out of range`,
		`event 3: task: event is malformed: security 0.5 is outside [1, 100]`,
		`event 4: task: event is malformed: answered 9 is no command of this task`,
		`event 5: held: chunk 0: size: ram: amount is not a multiple of 0.01 GB`,
		`event 6: held: chunk 0: want [host, GB, count] or [host, GB, count, cores]`,
		`event 7: held: chunk 0: count 1.5 is not a whole number`,
		`event 8: held: chunk 0: element 1 is a string, want a number`,
		`event 9: budget: field \"ram\" missing`,
		`event 10: task: command id is unknown: no Start 3 awaits its result`,
		`event 11: exited: field \"pid\" out of range`,
		`event 12: task: worker pid is unknown: 7`,
		`event 13: shutdown: unknown key \"now\"`,
		`event 14: unknown event kind \"wake\"`,
		`event 15: event is a array, want an object`,
		`event 16: leave: field \"host\" missing`,
		`event 17: task: event is malformed: leave names no host`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ready lacks %s\n%s", want, got)
		}
	}
	if strings.Contains(got, "event 18") || strings.Contains(got, `"draining"`) || strings.Contains(got, "leaving") {
		t.Errorf("a good event was rejected, or a bad one applied:\n%s", got)
	}
	// Errors are reported once.
	if got := stepJSON(t, s, `[]`); strings.Contains(got, "errors") {
		t.Errorf("errors repeated: %s", got)
	}
	for _, batch := range []string{`{}`, `[`} {
		if err := s.Step([]byte(batch)); err == nil {
			t.Errorf("batch %s accepted", batch)
		}
	}
}
