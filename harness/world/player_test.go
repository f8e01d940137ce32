package world

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/harness/world/jsval"
)

// jsNum is a number in the game's vectors, where NaN and ±Infinity are
// written as strings.
type jsNum float64

func (n *jsNum) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "NaN":
			*n = jsNum(math.NaN())
		case "Infinity":
			*n = jsNum(math.Inf(1))
		case "-Infinity":
			*n = jsNum(math.Inf(-1))
		default:
			return errors.New("not a number: " + s)
		}
		return nil
	}
	var x float64
	err := json.Unmarshal(b, &x)
	*n = jsNum(x)
	return err
}

type vectorCase struct {
	In  map[string]jsNum `json:"in"`
	Out jsNum            `json:"out"`
}

func readCases(t *testing.T, name string) []vectorCase {
	t.Helper()
	b, err := gamedata.Read("vectors/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Cases []vectorCase }
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) == 0 {
		t.Fatalf("%s has no cases", name)
	}
	return v.Cases
}

func TestSkillFromExp_vector(t *testing.T) {
	for _, c := range readCases(t, "skill_from_exp.json") {
		if got := skillFromExp(float64(c.In["exp"]), float64(c.In["mult"])); got != float64(c.Out) {
			t.Errorf("calculateSkill(%v, %v) = %v, want %v", c.In["exp"], c.In["mult"], got, c.Out)
		}
	}
}

func TestExpFromSkill_vector(t *testing.T) {
	for _, c := range readCases(t, "exp_from_skill.json") {
		if got := expFromSkill(float64(c.In["skill"]), float64(c.In["mult"])); got != float64(c.Out) {
			t.Errorf("calculateExp(%v, %v) = %v, want %v", c.In["skill"], c.In["mult"], got, c.Out)
		}
	}
}

// TestPlayer_fresh checks the starting player against the game's dump.
func TestPlayer_fresh(t *testing.T) {
	b, err := gamedata.Read("constants.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		FreshPlayer struct {
			Money, Hacking, HackingExp float64
			Mults                      map[string]float64
		}
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	p := newPlayer()
	fp := c.FreshPlayer
	if p.Money() != fp.Money || p.HackingLevel() != fp.Hacking || p.HackingExp() != fp.HackingExp {
		t.Errorf("fresh player money %v level %v exp %v, game %+v", p.Money(), p.HackingLevel(), p.HackingExp(), fp)
	}
	m := p.Mults()
	for name, got := range map[string]float64{"hacking": m.Hacking, "hacking_chance": m.HackingChance,
		"hacking_speed": m.HackingSpeed, "hacking_money": m.HackingMoney, "hacking_grow": m.HackingGrow,
		"hacking_exp": m.HackingExp} {
		if want, ok := fp.Mults[name]; !ok || got != want {
			t.Errorf("mult %s = %v, game %v", name, got, want)
		}
	}
}

func TestPlayer_GainHackingExp(t *testing.T) {
	tests := []struct {
		name           string
		gains          []float64
		wantExp, level float64
	}{
		{"none", nil, 0, 1},
		{"to level 10", []float64{100, 74.5}, 174.5, 10},
		{"NaN ignored", []float64{1000, math.NaN()}, 1000, 34},
		{"floored at 0", []float64{50, -80}, 0, 1},
		{"big", []float64{1e9}, 1e9, 463},
	}
	for _, tt := range tests {
		p := newPlayer()
		for _, g := range tt.gains {
			p.GainHackingExp(g)
		}
		if p.HackingExp() != tt.wantExp || p.HackingLevel() != tt.level {
			t.Errorf("%s: exp %v level %v, want %v %v", tt.name, p.HackingExp(), p.HackingLevel(), tt.wantExp, tt.level)
		}
	}
}

// TestPlayer_SetHackingLevel checks that each level gets the least exp
// that reaches it.
func TestPlayer_SetHackingLevel(t *testing.T) {
	p := newPlayer()
	for level := 1.0; level <= 1500; level++ {
		if err := p.SetHackingLevel(level); err != nil {
			t.Fatal(err)
		}
		exp := p.HackingExp()
		if p.HackingLevel() != level {
			t.Fatalf("SetHackingLevel(%v) gave level %v", level, p.HackingLevel())
		}
		if exp > 0 && skillFromExp(math.Nextafter(exp, 0), 1) >= level {
			t.Fatalf("SetHackingLevel(%v) set exp %v, more than needed", level, exp)
		}
	}
	for _, bad := range []float64{0, -3, 2.5, math.NaN(), math.Inf(1)} {
		if err := p.SetHackingLevel(bad); !errors.Is(err, ErrBadAmount) {
			t.Errorf("SetHackingLevel(%v): %v", bad, err)
		}
	}
}

func TestPlayer_SetHackingExp(t *testing.T) {
	tests := []struct {
		exp   float64
		level float64
		err   error
	}{
		{0, 1, nil},
		{1936.7009713300254, 50, nil},
		{1936.7, 49, nil},
		{11255.317546552918, 100, nil},
		{-1, 0, ErrBadAmount},
		{math.NaN(), 0, ErrBadAmount},
		{math.Inf(1), 0, ErrBadAmount},
	}
	for _, tt := range tests {
		p := newPlayer()
		err := p.SetHackingExp(tt.exp)
		if !errors.Is(err, tt.err) || (err == nil && p.HackingLevel() != tt.level) {
			t.Errorf("SetHackingExp(%v): level %v, %v; want %v, %v", tt.exp, p.HackingLevel(), err, tt.level, tt.err)
		}
	}
}

func TestPlayer_money(t *testing.T) {
	p := newPlayer()
	steps := []struct {
		do   func()
		want float64
	}{
		{func() { p.GainMoney(849) }, 2000},
		{func() { p.GainMoney(math.NaN()) }, 2000},
		{func() { p.LoseMoney(500) }, 1500},
		{func() { p.LoseMoney(math.NaN()) }, 1500},
		{func() { p.LoseMoney(2000) }, -500},
		{func() { _ = p.SetMoney(7) }, 7},
		{func() { _ = p.SetMoney(math.Inf(1)) }, 7},
	}
	for i, s := range steps {
		s.do()
		if p.Money() != s.want {
			t.Fatalf("step %d: money %v, want %v", i, p.Money(), s.want)
		}
	}
	if !p.CanAfford(7) || p.CanAfford(7.5) || p.CanAfford(math.NaN()) {
		t.Error("CanAfford wrong")
	}
	if err := p.SetMoney(math.NaN()); !errors.Is(err, ErrBadAmount) {
		t.Errorf("SetMoney(NaN): %v", err)
	}
	inf := &Player{money: math.Inf(1)}
	inf.LoseMoney(math.Inf(1))
	if !math.IsInf(inf.Money(), 1) {
		t.Errorf("Infinity - Infinity gave %v, the game keeps Infinity", inf.Money())
	}
}

func TestProgramNames(t *testing.T) {
	b, err := gamedata.Read("constants.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Programs map[string]json.RawMessage }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	names := ProgramNames()
	if len(names) != len(c.Programs) {
		t.Errorf("%d programs, game has %d", len(names), len(c.Programs))
	}
	for _, n := range names {
		if _, ok := c.Programs[n]; !ok {
			t.Errorf("%s is not a game program", n)
		}
	}
}

func TestWorld_AcquireProgram(t *testing.T) {
	w := newGame(t)
	if w.HasProgram("BruteSSH.exe") {
		t.Fatal("owned before acquiring")
	}
	for i := 0; i < 2; i++ {
		if err := w.AcquireProgram("BruteSSH.exe"); err != nil {
			t.Fatal(err)
		}
	}
	if !w.HasProgram("BruteSSH.exe") || !w.Home().HasFile("BruteSSH.exe") {
		t.Error("not owned after acquiring")
	}
	if err := w.AcquireProgram("bruteSSH.exe"); !errors.Is(err, ErrUnknownProgram) {
		t.Errorf("unknown program: %v", err)
	}
	empty, err := New(Config{RAMOf: func(string, string) (float64, bool) { return 0, false }})
	if err != nil {
		t.Fatal(err)
	}
	if err := empty.AcquireProgram("NUKE.exe"); !errors.Is(err, ErrNoHome) || empty.HasProgram("NUKE.exe") {
		t.Errorf("no home: %v", err)
	}
}

func TestNewServer(t *testing.T) {
	tests := []struct {
		p                               ServerParams
		sec, min, growth, req, moneyMax float64
		ports                           int
	}{
		{ServerParams{}, 1, 1, 1, 1, 0, 0},
		{ServerParams{HackDifficulty: 10, ServerGrowth: 5, RequiredHackingSkill: 1, MoneyAvailable: 2e6, NumOpenPortsRequired: 0}, 10, 3, 5, 1, 5e7, 0},
		{ServerParams{HackDifficulty: 7.5, NumOpenPortsRequired: 3}, 7.5, 3, 1, 1, 0, 3}, // round(2.5) = 3, JS rounds halves up
		{ServerParams{HackDifficulty: 4}, 4, 1, 1, 1, 0, 0},
		{ServerParams{HackDifficulty: 150}, 100, 50, 1, 1, 0, 0},
		{ServerParams{HackDifficulty: 400}, 100, 100, 1, 1, 0, 0},
	}
	for i, tt := range tests {
		s := NewServer(tt.p)
		got := []float64{s.HackDifficulty, s.BaseDifficulty, s.MinDifficulty, s.ServerGrowth, s.RequiredHackingSkill, s.MoneyMax, float64(s.NumOpenPortsRequired), float64(s.Cores)}
		want := []float64{tt.sec, tt.sec, tt.min, tt.growth, tt.req, tt.moneyMax, float64(tt.ports), 1}
		for j := range got {
			if got[j] != want[j] {
				t.Errorf("case %d: got %v, want %v", i, got, want)
				break
			}
		}
	}
}

// newGame is a small game: home (8 GB, NUKE.exe) linked to t0 (no ports
// needed), t2 (two ports) and bare "dark", which has no links.
func newGame(t *testing.T) *World {
	t.Helper()
	w, err := New(Config{RAMOf: func(_, file string) (float64, bool) { return 2, file == "w.js" }})
	if err != nil {
		t.Fatal(err)
	}
	home := NewServer(ServerParams{Hostname: HomeHost, MaxRAM: 8, AdminRights: true, PurchasedByPlayer: true, NumOpenPortsRequired: 5})
	home.IsHome = true
	home.WriteFile("NUKE.exe", "")
	home.WriteFile("w.js", "")
	for _, s := range []*Server{
		home,
		NewServer(ServerParams{Hostname: "t0", MaxRAM: 16, HackDifficulty: 10}),
		NewServer(ServerParams{Hostname: "t2", MaxRAM: 32, HackDifficulty: 20, NumOpenPortsRequired: 2}),
		NewServer(ServerParams{Hostname: "dark"}),
	} {
		if s.Hostname == "t0" || s.Hostname == "t2" {
			s.Links = []string{HomeHost}
		}
		if err := w.AddServer(s); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func itoa(i int) string { return strconv.Itoa(i) }

func fmtJS(x float64) string { return jsval.Format(x) }
