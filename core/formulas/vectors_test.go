package formulas

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"

	"ramfarm/gamedata"
)

// vcase reads one vector case strictly: every key must be read, a missing
// key is an error, and outputs must match the game bit for bit.
type vcase struct {
	top    map[string]json.RawMessage
	in     map[string]json.RawMessage
	out    map[string]json.RawMessage // when "out" is an object
	used   map[string]bool
	errs   []string
	checks int
}

// informational input keys, which describe a case but feed no formula.
var informational = map[string]bool{"hostname": true, "security_state": true}

func newCase(raw json.RawMessage) (*vcase, error) {
	c := &vcase{used: map[string]bool{}}
	if err := json.Unmarshal(raw, &c.top); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(c.top["in"], &c.in); err != nil {
		return nil, fmt.Errorf("in: %v", err)
	}
	if o := c.top["out"]; len(o) > 0 && o[0] == '{' {
		if err := json.Unmarshal(o, &c.out); err != nil {
			return nil, fmt.Errorf("out: %v", err)
		}
	}
	return c, nil
}

// parseNum reads a JSON number or one of the strings the vectors use for
// non-finite values.
func parseNum(raw json.RawMessage) (float64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch s {
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		case "NaN":
			return math.NaN(), nil
		}
		return 0, fmt.Errorf("unexpected string %q", s)
	}
	return strconv.ParseFloat(string(raw), 64)
}

func (c *vcase) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *vcase) numFrom(m map[string]json.RawMessage, prefix, key string) float64 {
	c.used[prefix+key] = true
	raw, ok := m[key]
	if !ok {
		c.fail("missing %s%s", prefix, key)
		return math.NaN()
	}
	v, err := parseNum(raw)
	if err != nil {
		c.fail("%s%s: %v", prefix, key, err)
		return math.NaN()
	}
	return v
}

// num reads an input.
func (c *vcase) num(key string) float64 { return c.numFrom(c.in, "in.", key) }

// flag reads a boolean input.
func (c *vcase) flag(key string) bool {
	c.used["in."+key] = true
	var b bool
	if err := json.Unmarshal(c.in[key], &b); err != nil {
		c.fail("in.%s: %v", key, err)
	}
	return b
}

// sameJS reports whether got is the number the game produced: equal bits,
// both NaN, or both zero (JSON writes -0 as 0, so the sign of a zero is not
// recorded).
func sameJS(got, want float64) bool {
	return math.Float64bits(got) == math.Float64bits(want) ||
		(math.IsNaN(got) && math.IsNaN(want)) || (got == 0 && want == 0)
}

func (c *vcase) compare(name string, got, want float64) {
	c.checks++
	if !sameJS(got, want) {
		c.fail("%s: got %v (%#016x), game %v (%#016x)", name, got, math.Float64bits(got), want, math.Float64bits(want))
	}
}

// want checks a number at the case's top level ("out", "out_ms").
func (c *vcase) want(key string, got float64) {
	c.compare(key, got, c.numFrom(c.top, "", key))
}

// wantOut checks one field of an object "out".
func (c *vcase) wantOut(key string, got float64) {
	c.compare("out."+key, got, c.numFrom(c.out, "out.", key))
}

// finish reports keys the check did not read, so no input or output is
// ignored silently.
func (c *vcase) finish() {
	c.used["in"], c.used["out"] = true, true
	for k := range c.top {
		if !c.used[k] {
			c.fail("unchecked key %s", k)
		}
	}
	for k := range c.in {
		if !c.used["in."+k] && !informational[k] {
			c.fail("unused input %s", k)
		}
	}
	for k := range c.out {
		if !c.used["out."+k] {
			c.fail("unchecked output %s", k)
		}
	}
	if c.checks == 0 {
		c.fail("no output compared")
	}
}

// serverFrom builds a rooted target from the given input keys;
// MinDifficulty is 1 unless the case gives it.
func serverFrom(c *vcase, keys ...string) Server {
	s := Server{HasAdminRights: true, MinDifficulty: 1}
	for _, k := range keys {
		v := c.num(k)
		switch k {
		case "hackDifficulty":
			s.HackDifficulty = v
		case "minDifficulty":
			s.MinDifficulty = v
		case "baseDifficulty":
			s.BaseDifficulty = v
		case "requiredHackingSkill":
			s.RequiredHackingSkill = v
		case "moneyAvailable":
			s.MoneyAvailable = v
		case "moneyMax":
			s.MoneyMax = v
		case "serverGrowth":
			s.ServerGrowth = v
		default:
			panic("unknown server key " + k)
		}
	}
	return s
}

// A caseSet is one array of cases in a vector file and how to check each.
type caseSet struct {
	key   string // the file's array holding the cases
	check func(c *vcase)
}

// vectorChecks maps every formula vector file to its checks.
func vectorChecks() map[string][]caseSet {
	bn := BN1()
	timeCase := func(f func(Server, Player, BitNode) float64) func(*vcase) {
		return func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "requiredHackingSkill")
			p := NewPlayer(c.num("hacking"))
			p.Intelligence = c.num("intelligence")
			p.Mults.HackingSpeed = c.num("hacking_speed_mult")
			sec := f(s, p, bn)
			c.want("out", sec)
			c.want("out_ms", Millis(sec))
		}
	}
	growCase := func(f func(Server, float64, Player, float64, BitNode) float64) func(*vcase) {
		return func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "serverGrowth")
			p := NewPlayer(1)
			p.Mults.HackingGrow = c.num("hacking_grow_mult")
			c.want("out", f(s, c.num("threads"), p, c.num("cores"), bn))
		}
	}
	return map[string][]caseSet{
		"hack_chance": {{"cases", func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "requiredHackingSkill")
			s.HasAdminRights = c.flag("hasAdminRights")
			p := NewPlayer(c.num("hacking"))
			p.Intelligence = c.num("intelligence")
			p.Mults.HackingChance = c.num("hacking_chance_mult")
			c.want("out", HackChance(s, p))
		}}},
		"hack_percent": {{"cases", func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "requiredHackingSkill")
			p := NewPlayer(c.num("hacking"))
			p.Mults.HackingMoney = c.num("hacking_money_mult")
			c.want("out", HackPercent(s, p, bn))
		}}},
		"hack_time":   {{"cases", timeCase(HackTime)}},
		"grow_time":   {{"cases", timeCase(GrowTime)}},
		"weaken_time": {{"cases", timeCase(WeakenTime)}},
		"hack_exp": {{"cases", func(c *vcase) {
			s := serverFrom(c, "baseDifficulty")
			p := NewPlayer(1)
			p.Mults.HackingExp = c.num("hacking_exp_mult")
			c.want("out", HackExp(s, p, bn))
		}}},
		"skill_from_exp": {{"cases", func(c *vcase) {
			c.want("out", SkillFromExp(c.num("exp"), c.num("mult")))
		}}},
		"exp_from_skill": {{"cases", func(c *vcase) {
			c.want("out", ExpFromSkill(c.num("skill"), c.num("mult")))
		}}},
		"grow_log":     {{"cases", growCase(GrowthLog)}},
		"grow_percent": {{"cases", growCase(GrowFactor)}},
		"grow_amount": {{"cases", func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "serverGrowth", "moneyAvailable", "moneyMax")
			c.want("out", GrowMoney(s, c.num("threads"), NewPlayer(1), c.num("cores"), bn))
		}}},
		"grow_threads": {{"cases", func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "serverGrowth", "moneyMax")
			c.want("out", GrowThreads(s, c.num("targetMoney"), c.num("startMoney"), NewPlayer(1), c.num("cores"), bn))
		}}},
		"growth_analyze": {{"cases", func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "serverGrowth")
			c.want("out", GrowthAnalyze(s, c.num("multiplier"), NewPlayer(1), c.num("cores"), bn))
		}}},
		"weaken_amount": {{"cases", func(c *vcase) {
			c.want("out", WeakenAmount(c.num("threads"), c.num("cores"), bn))
		}}},
		"purchased_server_cost": {{"cases", func(c *vcase) {
			c.want("out", PurchasedServerCost(c.num("ram"), bn))
		}}},
		"random_int": {{"cases", func(c *vcase) {
			lo, hi := c.num("min"), c.num("max")
			if lo != math.Trunc(lo) || hi != math.Trunc(hi) {
				c.fail("non-integer bounds %v, %v", lo, hi)
			}
			c.want("out", float64(RandomInt(int(lo), int(hi), c.num("random"))))
		}}},
		"hack_apply": {{"cases", func(c *vcase) {
			s := serverFrom(c, "moneyAvailable", "moneyMax", "hackDifficulty", "minDifficulty", "baseDifficulty", "requiredHackingSkill")
			p := NewPlayer(c.num("hacking"))
			threads := c.num("threads")
			r := HackOutcome(s, p, threads, c.num("rand"), bn)
			c.wantOut("returned", r.Gained)
			c.wantOut("playerMoneyGained", r.Gained)
			c.wantOut("moneyAfter", r.Server.MoneyAvailable)
			c.wantOut("hackDifficultyAfter", r.Server.HackDifficulty)
			c.wantOut("expGained", r.Exp)
			c.wantOut("delayMs", DelayMs(HackTime(s, p, bn), 0))
		}}},
		"grow_apply": {
			{"cases", func(c *vcase) {
				s := serverFrom(c, "moneyAvailable", "moneyMax", "hackDifficulty", "minDifficulty", "serverGrowth", "baseDifficulty", "requiredHackingSkill")
				p := NewPlayer(c.num("hacking"))
				r := GrowOutcome(s, c.num("threads"), p, c.num("hostCores"), bn)
				c.wantOut("returned", r.Returned)
				c.wantOut("moneyAfter", r.Server.MoneyAvailable)
				c.wantOut("hackDifficultyAfter", r.Server.HackDifficulty)
				c.wantOut("expGained", r.Exp)
				c.wantOut("delayMs", DelayMs(GrowTime(s, p, bn), 0))
			}},
			// Direct processSingleServerGrowth calls; they give no
			// minDifficulty, which a grow (security only rises) never hits.
			{"processSingleServerGrowth_cases", func(c *vcase) {
				s := serverFrom(c, "moneyAvailable", "moneyMax", "hackDifficulty", "serverGrowth")
				r := GrowOutcome(s, c.num("threads"), NewPlayer(1), c.num("cores"), bn)
				c.wantOut("returned", r.Ratio)
				c.wantOut("moneyAfter", r.Server.MoneyAvailable)
				c.wantOut("hackDifficultyAfter", r.Server.HackDifficulty)
			}},
		},
		"weaken_apply": {{"cases", func(c *vcase) {
			s := serverFrom(c, "hackDifficulty", "minDifficulty", "baseDifficulty", "requiredHackingSkill")
			p := NewPlayer(c.num("hacking"))
			r := WeakenOutcome(s, c.num("threads"), p, c.num("hostCores"), bn)
			c.wantOut("returned", r.Amount)
			c.wantOut("hackDifficultyAfter", r.Server.HackDifficulty)
			c.wantOut("expGained", r.Exp)
			c.wantOut("delayMs", DelayMs(WeakenTime(s, p, bn), 0))
		}}},
	}
}

// otherVectors are vector files for other packages (RAM, ports, exec).
var otherVectors = map[string]bool{"exec_semantics": true, "ports": true, "ram_costs": true, "ram_static_calc": true}

// TestVectors checks every case of every formula vector file against the
// game's own results, bit for bit. A vector file that is neither checked
// here nor listed in otherVectors, an empty or unknown case array, and an
// input or output no check reads all fail the test.
func TestVectors(t *testing.T) {
	files, err := fs.Glob(gamedata.FS(), "vectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	checks := vectorChecks()
	seen := map[string]bool{}
	var summary []string
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".json")
		if otherVectors[name] {
			continue
		}
		sets, ok := checks[name]
		if !ok {
			t.Errorf("%s: vector file has no formula check", file)
			continue
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			raw, err := gamedata.Read(file)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			handled := map[string]bool{}
			for _, set := range sets {
				handled[set.key] = true
				var cases []json.RawMessage
				if err := json.Unmarshal(doc[set.key], &cases); err != nil {
					t.Fatalf("%s: %v", set.key, err)
				}
				if len(cases) == 0 {
					t.Fatalf("%s: no cases", set.key)
				}
				passed := 0
				for i, rc := range cases {
					c, err := newCase(rc)
					if err != nil {
						t.Errorf("%s[%d]: %v", set.key, i, err)
						continue
					}
					set.check(c)
					c.finish()
					if len(c.errs) > 0 {
						t.Errorf("%s[%d] %s: %s", set.key, i, c.top["in"], strings.Join(c.errs, "; "))
						continue
					}
					passed++
				}
				summary = append(summary, fmt.Sprintf("%s.%s %d/%d", name, set.key, passed, len(cases)))
			}
			for k, v := range doc {
				if len(v) > 0 && v[0] == '[' && !handled[k] {
					t.Errorf("case array %q is not checked", k)
				}
			}
		})
	}
	for name := range checks {
		if !seen[name] {
			t.Errorf("vectors/%s.json is missing", name)
		}
	}
	sort.Strings(summary)
	t.Logf("exact matches:\n%s", strings.Join(summary, "\n"))
}
