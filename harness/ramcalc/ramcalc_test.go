package ramcalc

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"ramfarm/gamedata"
)

func newCalc(t testing.TB) *Calculator {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type staticCase struct {
	In struct {
		Name  string            `json:"name"`
		Code  string            `json:"code"`
		Files map[string]string `json:"files"`
	} `json:"in"`
	Out     *float64 `json:"out"`
	Raw     *float64 `json:"raw_cost"`
	Entries []Entry  `json:"entries"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// TestVectors replays the game's own static RAM calculator results: the
// stored RAM, the raw sum bit for bit, and the breakdown in order.
func TestVectors(t *testing.T) {
	data, err := gamedata.Read("vectors/ram_static_calc.json")
	if err != nil {
		t.Fatal(err)
	}
	var vec struct {
		Cases []staticCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &vec); err != nil {
		t.Fatal(err)
	}
	if len(vec.Cases) != 49 {
		t.Fatalf("got %d cases, want 49", len(vec.Cases))
	}
	c := newCalc(t)
	for _, tc := range vec.Cases {
		t.Run(tc.In.Name, func(t *testing.T) {
			files := map[string]string{"main.js": expandElided(t, tc.In.Code)}
			for k, v := range tc.In.Files {
				files[k] = v
			}
			res, err := c.ScriptRAM("main.js", files)
			if tc.Error != nil {
				var e *Error
				if !errors.As(err, &e) || e.Code != tc.Error.Code {
					t.Fatalf("err = %v, want code %d (%s)", err, tc.Error.Code, tc.Error.Message)
				}
				if tc.Error.Code == CodeImport && e.Msg != tc.Error.Message {
					t.Errorf("message %q, want %q", e.Msg, tc.Error.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.RAM != *tc.Out || res.Raw != *tc.Raw {
				t.Errorf("RAM %v raw %v, want %v raw %v", res.RAM, res.Raw, *tc.Out, *tc.Raw)
			}
			if len(res.Entries) != len(tc.Entries) {
				t.Fatalf("entries %v, want %v", res.Entries, tc.Entries)
			}
			for i := range res.Entries {
				if res.Entries[i] != tc.Entries[i] {
					t.Errorf("entry %d = %v, want %v", i, res.Entries[i], tc.Entries[i])
				}
			}
		})
	}
}

// expandElided rebuilds the one vector whose code was stored abridged
// ("<200068 chars total; a 200000-char "xxx..." string literal>"): the
// literal, then a tail chosen so the length matches the stated total.
func expandElided(t *testing.T, code string) string {
	var total, n int
	i := strings.Index(code, "...<")
	if i < 0 {
		return code
	}
	if _, err := fmt.Sscanf(code[i+4:], "%d chars total; a %d-char", &total, &n); err != nil {
		t.Fatalf("cannot expand %q: %v", code, err)
	}
	head := code[:strings.IndexByte(code, '"')+1]
	full := head + strings.Repeat("x", n) + `"; ns.print(s.length); }`
	if len(full) != total {
		t.Fatalf("expanded to %d chars, want %d", len(full), total)
	}
	return full
}

func TestFuncCostVectors(t *testing.T) {
	data, err := gamedata.Read("vectors/ram_costs.json")
	if err != nil {
		t.Fatal(err)
	}
	var vec struct {
		Cases []struct {
			In struct {
				Name string `json:"name"`
			} `json:"in"`
			Out json.RawMessage `json:"out"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &vec); err != nil {
		t.Fatal(err)
	}
	c := newCalc(t)
	funcs := 0
	for _, tc := range vec.Cases {
		got, ok := c.FuncCost(tc.In.Name)
		var want float64
		if json.Unmarshal(tc.Out, &want) != nil {
			if ok {
				t.Errorf("FuncCost(%q) = %v, want none", tc.In.Name, got)
			}
			continue
		}
		funcs++
		if !ok || got != want {
			t.Errorf("FuncCost(%q) = %v, %v; want %v", tc.In.Name, got, ok, want)
		}
		// A bare name the static search finds first under this path costs
		// the same there.
		leaf := tc.In.Name[strings.LastIndexByte(tc.In.Name, '.')+1:]
		if nc := c.costs.byName[leaf]; strings.HasSuffix(tc.In.Name, nc.detail) && nc.cost != want {
			t.Errorf("static cost of %q = %v, want %v", leaf, nc.cost, want)
		}
	}
	if funcs != 104 {
		t.Errorf("checked %d functions, want 104", funcs)
	}
}

// TestNameLookup checks the static search through namespaces: the top
// level wins, then namespaces depth first in table order, and the entry
// names only the immediate namespace.
func TestNameLookup(t *testing.T) {
	c := newCalc(t)
	tests := []struct {
		name, detail string
		cost         float64
	}{
		{"hack", "hack", 0.1},
		{"exec", "exec", 1.3},
		{"getPrice", "stock.getPrice", 2},
		{"connect", "singularity.connect", 32},                 // 2 GB × 16 in BN1
		{"purchaseProgram", "singularity.purchaseProgram", 32}, // 2 GB × 16
		{"b1tflum3", "singularity.b1tflum3", 256},
		{"nextUpdate", "corporation.nextUpdate", 1},
		{"getChains", "analysis.getChains", 16},
		{"destroyNode", "cheat.destroyNode", 8},
		{"attempt", "codingcontract.attempt", 10},
		{"numNodes", "hacknet.numNodes", 0},
		{"hackChance", "hacking.hackChance", 0},
		{"sleep", "sleep", 0},
		{"tail", "tail", 0},
		{"clearLog", "clearLog", 0},
		{"getTheme", "ui.getTheme", 0},
	}
	for _, tt := range tests {
		nc, ok := c.costs.byName[tt.name]
		if !ok || nc.detail != tt.detail || nc.cost != tt.cost {
			t.Errorf("%s: got %+v %v, want %s %v", tt.name, nc, ok, tt.detail, tt.cost)
		}
	}
	for _, name := range []string{"hacknet", "singularity", "document", "window", "ns", "toString", "go"} {
		if nc, ok := c.costs.byName[name]; ok {
			t.Errorf("%s: got %+v, want no function", name, nc)
		}
	}
}

// TestTailWindow: a monitor's calls cost nothing. ns.tail and ns.clearLog
// are free in 2.6.1's table, ns.ui.openTail (2.8 on) is a name 2.6.1 does
// not know and is free where it exists: the script costs the base.
func TestTailWindow(t *testing.T) {
	c := newCalc(t)
	src := `export async function main(ns) { ns.ui.openTail(); ns.tail(); ns["ui"]["openTail"](); ns.clearLog(); ns.print("x"); }`
	r, err := c.ScriptRAM("m.js", map[string]string{"m.js": src})
	if err != nil || r.RAM != 1.6 {
		t.Errorf("tail window script: %v GB (%v), want 1.6", r.RAM, err)
	}
	for _, path := range []string{"tail", "clearLog", "print"} {
		if gb, ok := c.FuncCost(path); !ok || gb != 0 {
			t.Errorf("FuncCost(%s) = %v %v, want 0", path, gb, ok)
		}
	}
	if gb, ok := c.FuncCost("ui.openTail"); ok || gb != 0 {
		t.Errorf("FuncCost(ui.openTail) = %v %v, want no 2.6.1 function", gb, ok)
	}
}

func TestParseCostTableErrors(t *testing.T) {
	for _, in := range []string{
		`[]`,
		`{"a": "x"}`,
		`{"a": -1}`,
		`{"a": 1, "a": 2}`,
		`{"a": 1, "a.b": 2}`,
		`{"a.b": 1, "a": 2}`,
		`{"a..b": 1}`,
		`{"a": 1`,
	} {
		entries, err := readCostTable([]byte(in))
		if err == nil {
			_, err = buildCostTable(entries)
		}
		if err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

func TestRoundToTwo(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{1.7000000000000002, 1.7},
		{2.0999999999999996, 2.1},
		{6.699999999999999, 6.7},
		{1.005, 1},    // 100.49999999999999 after ×100, as in JS
		{1.015, 1.01}, // 101.49999999999999
		{0.125, 0.13}, // halves go up
		{1024, 1024},
	}
	for _, tt := range tests {
		if got := roundToTwo(tt.in); got != tt.want {
			t.Errorf("roundToTwo(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := roundToTwo(math.Nextafter(0.125, 0)); got != 0.12 {
		t.Errorf("just below a half: %v", got)
	}
}

// TestNewFor: each release's calculator charges what the release table
// says: re-priced, added and removed functions, and the bare name
// hacknet, free from 3.0.
func TestNewFor(t *testing.T) {
	tests := []struct {
		release gamedata.Release
		code    string
		ram     float64
	}{
		{gamedata.Release261, `export async function main(ns) { ns.getPurchasedServers(); }`, 3.85},
		{gamedata.Release281, `export async function main(ns) { ns.getPurchasedServers(); }`, 2.65},
		{gamedata.Release30, `export async function main(ns) { ns.getPurchasedServers(); }`, 1.6},
		{gamedata.Release30, `export async function main(ns) { ns.cloud.getServerNames(); }`, 2.65},
		{gamedata.Release261, `export async function main(ns) { ns.rm("a.txt"); }`, 2.6},
		{gamedata.Release30, `export async function main(ns) { ns.rm("a.txt"); }`, 2.2},
		{gamedata.Release261, `export async function main(ns) { x.hacknet; }`, 5.6},
		{gamedata.Release30, `export async function main(ns) { x.hacknet; }`, 1.6},
		{gamedata.Release261, `export async function main(ns) { x.probe; }`, 1.6},
		{gamedata.Release30, `export async function main(ns) { x.probe; }`, 1.8},
		{gamedata.Release30, `export async function main(ns) { x.numNodes; }`, 2.1},
		{gamedata.Release281, `export async function main(ns) { ns.ui.openTail(); ns.tail(); }`, 1.6},
	}
	for _, tt := range tests {
		c, err := NewFor(tt.release)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ScriptRAM("a.js", map[string]string{"a.js": tt.code})
		if err != nil {
			t.Fatalf("%s %s: %v", tt.release, tt.code, err)
		}
		if res.RAM != tt.ram {
			t.Errorf("%s %s: %.2f GB, want %.2f: %v", tt.release, tt.code, res.RAM, tt.ram, res.Entries)
		}
	}
	c, _ := NewFor(gamedata.Release30)
	if _, ok := c.FuncCost("tail"); ok {
		t.Error("3.0 still knows ns.tail")
	}
	if gb, ok := c.FuncCost("cloud.purchaseServer"); !ok || gb != 2.25 {
		t.Errorf("3.0 cloud.purchaseServer = %v %v, want 2.25", gb, ok)
	}
}
