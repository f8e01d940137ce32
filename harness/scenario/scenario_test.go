package scenario

import (
	"errors"
	"fmt"
	"os"
	"ramfarm/gamedata"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ramfarm/core/formulas"
	"ramfarm/harness/vclock"
	"ramfarm/harness/world"
	"ramfarm/scenarios"
)

func newWorld(t *testing.T) *world.World {
	t.Helper()
	w, err := world.New(world.Config{RAMOf: func(_, file string) (float64, bool) { return 2, strings.HasSuffix(file, ".js") }})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// minimal is the smallest valid scenario; tests splice keys into it.
const minimal = `{"name": "n", "story": "s", "seed": 3, "duration": "1h"`

func parse(t *testing.T, extra string) *Scenario {
	t.Helper()
	s, err := Parse([]byte(minimal + extra + "}"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParse_defaults(t *testing.T) {
	s := parse(t, "")
	want := &Scenario{Name: "n", Story: "s", Seed: 3, Duration: time.Hour, Release: gamedata.Latest,
		BitNode: BitNode{Node: formulas.Node{N: 1, Level: 1}}, Start: Start{HomeRAM: 8, HomeCores: 1, Money: 1151}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v\nwant %+v", s, want)
	}
	for _, tt := range []struct {
		extra string
		want  gamedata.Release
		err   string
	}{
		{`, "release": "2.6.1"`, gamedata.Release261, ""},
		{`, "release": "2.8.1"`, gamedata.Release281, ""},
		{`, "release": "3.0"`, gamedata.Release30, ""},
		{`, "release": "2.7"`, "", "unknown game release"},
		{`, "release": 3`, "", "release"},
	} {
		s, err := Parse([]byte(minimal + tt.extra + "}"))
		switch {
		case tt.err == "" && (err != nil || s.Release != tt.want):
			t.Errorf("%s: release %v, err %v; want %s", tt.extra, s, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: err %v, want one saying %q", tt.extra, err, tt.err)
		}
	}
}

// The BitNode comes as its number and level, and the Source-Files owned;
// what the game has no such thing of is an error naming the key, found
// when the file is read.
func TestParse_bitNode(t *testing.T) {
	s := parse(t, `,"bitNode":{"n":12,"level":3,"sourceFiles":{"1":3,"5":1}}`)
	want := BitNode{Node: formulas.Node{N: 12, Level: 3}, SourceFiles: map[int]int{1: 3, 5: 1}}
	if !reflect.DeepEqual(s.BitNode, want) {
		t.Errorf("got %+v, want %+v", s.BitNode, want)
	}
	w := newWorld(t)
	if err := s.Setup(w); err != nil {
		t.Fatal(err)
	}
	if got := w.SourceFiles(); !reflect.DeepEqual(got, map[int]int{1: 3, 5: 1, 12: 2}) {
		t.Errorf("owned Source-Files %v, want 1.3, 5.1 and 12.2 (level 3 of BitNode 12)", got)
	}
	for _, tc := range []struct{ extra, want string }{
		{`,"bitNode":{"level":2}`, `"n"`},
		{`,"bitNode":{"n":15}`, `bitNode.n`},
		{`,"bitNode":{"n":2,"level":5}`, `BN2.5: the level is above 4`},
		{`,"bitNode":{"n":2,"sf":1}`, `"sf"`},
		{`,"bitNode":{"n":12,"level":3,"sourceFiles":{"12":1}}`, `Source-File 12 at level 1, but BN12.3 means level 2`},
		{`,"bitNode":{"n":1,"sourceFiles":{"x":1}}`, `Source-File number`},
		{`,"bitNode":{"n":1,"sourceFiles":{"4":4}}`, `Source-File 4 at level 4`},
	} {
		if _, err := Parse([]byte(minimal + tc.extra + "}")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want it to name %s", tc.extra, err, tc.want)
		}
	}
}

func TestParse_full(t *testing.T) {
	s := parse(t, `, "network": {"kind": "custom", "servers": [
		{"hostname": "a", "maxRam": 16, "moneyAvailable": 1e6, "hackDifficulty": 9, "serverGrowth": 20,
		 "requiredHackingSkill": 5, "numOpenPortsRequired": 1, "organizationName": "A Inc"},
		{"hostname": "b", "parent": "a", "maxRam": 4}]},
	"start": {"homeRam": 64, "homeCores": 2, "money": 5e6, "hackingLevel": 30,
		"programs": ["BruteSSH.exe"], "rooted": ["a"]},
	"scripts": [{"script": "x.js", "host": "a", "threads": 3, "args": ["t", 2, true]}, {"script": "y.js"}],
	"events": [
		{"at": "0s", "do": "acquire", "program": "FTPCrack.exe"},
		{"at": "90s", "do": "buy", "ram": 8, "prefix": "p"},
		{"at": "90s", "do": "upgrade-home", "cores": 3, "funded": true},
		{"at": "2m", "do": "upgrade-server", "host": "p-0", "ram": 16, "funded": false},
		{"at": "3m", "do": "kill", "pid": 4},
		{"at": "3m", "do": "kill", "script": "x.js", "host": "a", "args": ["t", 2, true]},
		{"at": "3m", "do": "run", "script": "y.js"},
		{"at": "3m", "do": "run", "script": "x.js", "host": "a", "threads": 2, "args": ["u"]},
		{"at": "4m", "do": "money", "amount": 100},
		{"at": "5m", "do": "hacking-level", "level": 50},
		{"at": "6m", "do": "hacking-exp", "exp": 0},
		{"at": "1h", "do": "root", "host": "b"}]`)
	wantNet := Network{Kind: NetworkCustom, Servers: []ServerSpec{
		{Parent: "home", Params: world.ServerParams{Hostname: "a", OrganizationName: "A Inc", MaxRAM: 16,
			MoneyAvailable: 1e6, HackDifficulty: 9, RequiredHackingSkill: 5, ServerGrowth: 20, NumOpenPortsRequired: 1}},
		{Parent: "a", Params: world.ServerParams{Hostname: "b", MaxRAM: 4}},
	}}
	if !reflect.DeepEqual(s.Network, wantNet) {
		t.Errorf("network %+v", s.Network)
	}
	wantStart := Start{HomeRAM: 64, HomeCores: 2, Money: 5e6, HackingLevel: 30, Programs: []string{"BruteSSH.exe"}, Rooted: []string{"a"}}
	if !reflect.DeepEqual(s.Start, wantStart) {
		t.Errorf("start %+v", s.Start)
	}
	wantScripts := []Script{{"x.js", "a", 3, []any{"t", 2.0, true}}, {"y.js", "home", 1, nil}}
	if !reflect.DeepEqual(s.Scripts, wantScripts) {
		t.Errorf("scripts %+v", s.Scripts)
	}
	wantEvents := []Event{
		Acquire{"FTPCrack.exe"},
		Buy{Count: 1, RAM: 8, Prefix: "p"},
		UpgradeHome{Cores: 3, Funded: true},
		UpgradeServer{Host: "p-0", RAM: 16},
		Kill{Pid: 4, Host: "home"},
		Kill{Script: "x.js", Host: "a", Args: []any{"t", 2.0, true}},
		Run{Script: "y.js", Host: "home", Threads: 1},
		Run{Script: "x.js", Host: "a", Threads: 2, Args: []any{"u"}},
		Money{100},
		SetHackingLevel{50},
		SetHackingExp{0},
		Root{"b"},
	}
	if len(s.Events) != len(wantEvents) {
		t.Fatalf("%d events", len(s.Events))
	}
	for i, e := range s.Events {
		if e.Source != fmt.Sprintf("events[%d]", i) || !reflect.DeepEqual(e.Event, wantEvents[i]) {
			t.Errorf("event %d = %+v, want %+v", i, e, wantEvents[i])
		}
	}
	if s.Events[1].AtMs() != 90000 || s.Events[1].String() != "1m30s buy 1 × 8 GB as p-N" {
		t.Errorf("event 1: %v ms, %q", s.Events[1].AtMs(), s.Events[1].String())
	}
}

func TestParse_errors(t *testing.T) {
	tests := []struct {
		name string
		doc  string // replaces the whole file when it starts with "!"
		kind error
		msg  string
	}{
		{"syntax", `!{"name": "n",` + "\n" + `  "story" "s"}`, ErrSyntax, "line 2, column 11"},
		{"not an object", `![1]`, ErrBadValue, "want an object, got a list"},
		{"unknown top key", `, "seeds": 1`, ErrUnknownKey, `scenario: unknown key "seeds"`},
		{"key case", `, "Events": []`, ErrUnknownKey, `unknown key "Events"`},
		{"duplicate", `, "seed": 4`, ErrDuplicateKey, `key "seed" given twice`},
		{"missing name", `!{"story": "s", "seed": 1, "duration": "1h"}`, ErrMissingKey, `key "name" is required`},
		{"empty name", `!{"name": "", "story": "s", "seed": 1, "duration": "1h"}`, ErrBadValue, "name: must not be empty"},
		{"empty story", `!{"name": "n", "story": "", "seed": 1, "duration": "1h"}`, ErrBadValue, "story: must not be empty"},
		{"name not string", `!{"name": 5, "story": "s", "seed": 1, "duration": "1h"}`, ErrBadValue, "name: want a string, got the number 5"},
		{"negative seed", `!{"name": "n", "story": "s", "seed": -1, "duration": "1h"}`, ErrBadValue, "seed: want a whole number"},
		{"fractional seed", `!{"name": "n", "story": "s", "seed": 1.5, "duration": "1h"}`, ErrBadValue, "seed"},
		{"seed string", `!{"name": "n", "story": "s", "seed": "1", "duration": "1h"}`, ErrBadValue, `seed: want a number, got a string "1"`},
		{"duration number", `!{"name": "n", "story": "s", "seed": 1, "duration": 60}`, ErrBadValue, `duration: want a duration such as "90s"`},
		{"duration unit", `!{"name": "n", "story": "s", "seed": 1, "duration": "2 hours"}`, ErrBadValue, `got "2 hours"`},
		{"duration zero", `!{"name": "n", "story": "s", "seed": 1, "duration": "0s"}`, ErrBadValue, "duration: must be positive"},
		{"duration negative", `!{"name": "n", "story": "s", "seed": 1, "duration": "-5m"}`, ErrBadValue, `got "-5m"`},

		{"network kind", `, "network": {"kind": "big"}`, ErrBadValue, `network.kind: want "game", "default" or "custom", got "big"`},
		{"network no kind", `, "network": {}`, ErrMissingKey, `network: key "kind" is required`},
		{"network key", `, "network": {"kind": "game", "size": 3}`, ErrUnknownKey, `unknown key "size"`},
		{"network servers on game", `, "network": {"kind": "game", "servers": []}`, ErrBadValue, "only a custom network lists servers"},
		{"custom empty", `, "network": {"kind": "custom", "servers": []}`, ErrBadValue, "at least one server"},
		{"custom servers not list", `, "network": {"kind": "custom", "servers": {}}`, ErrBadValue, "want a list, got an object"},
		{"server key", `, "network": {"kind": "custom", "servers": [{"hostname": "a", "maxRam": 4, "ram": 4}]}`, ErrUnknownKey, `scenario: network.servers[0]: unknown key "ram"`},
		{"server no ram", `, "network": {"kind": "custom", "servers": [{"hostname": "a"}]}`, ErrMissingKey, `network.servers[0]: key "maxRam" is required`},
		{"server dup name", `, "network": {"kind": "custom", "servers": [{"hostname": "a", "maxRam": 4}, {"hostname": "a", "maxRam": 4}]}`, ErrBadValue, `network.servers[1].hostname: "a" is already a server`},
		{"server home name", `, "network": {"kind": "custom", "servers": [{"hostname": "home", "maxRam": 4}]}`, ErrBadValue, `"home" is already a server`},
		{"server empty name", `, "network": {"kind": "custom", "servers": [{"hostname": "", "maxRam": 4}]}`, ErrBadValue, `hostname: must not be empty`},
		{"server parent later", `, "network": {"kind": "custom", "servers": [{"hostname": "a", "parent": "b", "maxRam": 4}, {"hostname": "b", "maxRam": 4}]}`, ErrUnknownHost, `network.servers[0].parent: "b" is not home or an earlier server`},
		{"server negative ram", `, "network": {"kind": "custom", "servers": [{"hostname": "a", "maxRam": -4}]}`, ErrBadValue, "maxRam: must not be negative"},
		{"server negative money", `, "network": {"kind": "custom", "servers": [{"hostname": "a", "maxRam": 4, "moneyAvailable": -1}]}`, ErrBadValue, "must not be negative"},
		{"server ports", `, "network": {"kind": "custom", "servers": [{"hostname": "a", "maxRam": 4, "numOpenPortsRequired": 6}]}`, ErrBadValue, "numOpenPortsRequired: want a whole number from 0 to 5, got 6"},

		{"start key", `, "start": {"ram": 8}`, ErrUnknownKey, `start: unknown key "ram"`},
		{"start not object", `, "start": []`, ErrBadValue, "start: want an object, got a list"},
		{"start ram", `, "start": {"homeRam": 48}`, ErrBadValue, "start.homeRam: want a power of 2 from 8"},
		{"start ram small", `, "start": {"homeRam": 4}`, ErrBadValue, "start.homeRam"},
		{"start cores", `, "start": {"homeCores": 9}`, ErrBadValue, "start.homeCores: want a whole number from 1 to 8"},
		{"start both", `, "start": {"hackingExp": 1, "hackingLevel": 2}`, ErrBadValue, "give hackingExp or hackingLevel, not both"},
		{"start exp", `, "start": {"hackingExp": -1}`, ErrBadValue, "start.hackingExp: must not be negative"},
		{"start level", `, "start": {"hackingLevel": 0}`, ErrBadValue, "start.hackingLevel"},
		{"start program", `, "start": {"programs": ["Nuke.exe"]}`, ErrBadValue, `start.programs[0]: "Nuke.exe" is not a program of the game`},
		{"start programs type", `, "start": {"programs": [1]}`, ErrBadValue, `start.programs[0]: want a string`},
		{"start rooted", `, "start": {"rooted": ["n00dles", "darkweb"]}`, ErrUnknownHost, `start.rooted[1]: no server "darkweb" at the start`},
		{"start money", `, "start": {"money": "lots"}`, ErrBadValue, "start.money: want a number"},

		{"script key", `, "scripts": [{"script": "a.js", "thread": 2}]`, ErrUnknownKey, `scripts[0]: unknown key "thread"`},
		{"script missing", `, "scripts": [{"host": "home"}]`, ErrMissingKey, `scripts[0]: key "script" is required`},
		{"script empty", `, "scripts": [{"script": ""}]`, ErrBadValue, `scripts[0].script: must not be empty`},
		{"script threads", `, "scripts": [{"script": "a.js", "threads": 0}]`, ErrBadValue, `scripts[0].threads`},
		{"script host", `, "scripts": [{"script": "a.js", "host": "nowhere"}]`, ErrUnknownHost, `scripts[0].host: no server "nowhere"`},
		{"script args", `, "scripts": [{"script": "a.js", "args": [{"x": 1}]}]`, ErrBadValue, `scripts[0].args[0]: want a string, number or boolean, got an object`},
		{"script args null", `, "scripts": [{"script": "a.js", "args": [null]}]`, ErrBadValue, `got null`},
		{"scripts not list", `, "scripts": {}`, ErrBadValue, `scripts: want a list`},

		{"event no at", `, "events": [{"do": "money", "amount": 1}]`, ErrMissingKey, `events[0]: key "at" is required`},
		{"event no do", `, "events": [{"at": "1m"}]`, ErrMissingKey, `events[0]: key "do" is required`},
		{"event kind", `, "events": [{"at": "1m", "do": "sell"}]`, ErrBadValue, `events[0].do: want "acquire"`},
		{"event key", `, "events": [{"at": "1m", "do": "money", "amount": 1}, {"at": "2m", "do": "buy", "rma": 8, "ram": 8, "prefix": "p"}]`, ErrUnknownKey, `scenario: events[1] (buy): unknown key "rma"`},
		{"event missing key", `, "events": [{"at": "1m", "do": "buy", "ram": 8}]`, ErrMissingKey, `events[0] (buy): key "prefix" is required`},
		{"event at", `, "events": [{"at": 60, "do": "money", "amount": 1}]`, ErrBadValue, `events[0].at: want a duration`},
		{"event after end", `, "events": [{"at": "61m", "do": "money", "amount": 1}]`, ErrBadValue, `events[0] (money).at: 1h1m0s is after the run ends at 1h0m0s`},
		{"event order", `, "events": [{"at": "10m", "do": "money", "amount": 1}, {"at": "5m", "do": "money", "amount": 1}]`, ErrOrder, `events[1] (money).at: 5m0s is before the previous event's 10m0s`},
		{"acquire unknown", `, "events": [{"at": "1m", "do": "acquire", "program": "brutessh.exe"}]`, ErrBadValue, `events[0] (acquire).program: "brutessh.exe" is not a program`},
		{"buy ram", `, "events": [{"at": "1m", "do": "buy", "ram": 48, "prefix": "p"}]`, ErrBadValue, `events[0] (buy).ram: want a power of 2 from 1 to 1048576 GB, got 48`},
		{"buy count", `, "events": [{"at": "1m", "do": "buy", "ram": 8, "prefix": "p", "count": 26}]`, ErrBadValue, `events[0] (buy).count`},
		{"buy prefix", `, "events": [{"at": "1m", "do": "buy", "ram": 8, "prefix": "p q"}]`, ErrBadValue, `events[0] (buy).prefix: want a name without white space`},
		{"buy funded", `, "events": [{"at": "1m", "do": "buy", "ram": 8, "prefix": "p", "funded": "yes"}]`, ErrBadValue, `events[0] (buy).funded: want true or false`},
		{"upgrade-home empty", `, "events": [{"at": "1m", "do": "upgrade-home"}]`, ErrMissingKey, `give "ram", "cores" or both`},
		{"upgrade-home ram", `, "events": [{"at": "1m", "do": "upgrade-home", "ram": 100}]`, ErrBadValue, `events[0] (upgrade-home).ram`},
		{"upgrade-home cores", `, "events": [{"at": "1m", "do": "upgrade-home", "cores": 0}]`, ErrBadValue, `events[0] (upgrade-home).cores`},
		{"upgrade-server ram", `, "events": [{"at": "1m", "do": "upgrade-server", "host": "p-0", "ram": 3}]`, ErrBadValue, `events[0] (upgrade-server).ram`},
		{"upgrade-server host", `, "events": [{"at": "1m", "do": "upgrade-server", "ram": 8}]`, ErrMissingKey, `key "host" is required`},
		{"kill neither", `, "events": [{"at": "1m", "do": "kill"}]`, ErrMissingKey, `give "pid" or "script"`},
		{"run nothing", `, "events": [{"at": "1m", "do": "run", "script": ""}]`, ErrBadValue, `must not be empty`},
		{"run no threads", `, "events": [{"at": "1m", "do": "run", "script": "x.js", "threads": 0}]`, ErrBadValue, `threads`},
		{"kill both", `, "events": [{"at": "1m", "do": "kill", "pid": 3, "script": "a.js"}]`, ErrBadValue, `not both`},
		{"kill host only", `, "events": [{"at": "1m", "do": "kill", "host": "home"}]`, ErrMissingKey, `give "pid" or "script"`},
		{"kill empty script", `, "events": [{"at": "1m", "do": "kill", "script": ""}]`, ErrBadValue, `(kill).script: must not be empty`},
		{"kill pid", `, "events": [{"at": "1m", "do": "kill", "pid": 0}]`, ErrBadValue, `(kill).pid`},
		{"money zero", `, "events": [{"at": "1m", "do": "money", "amount": 0}]`, ErrBadValue, `(money).amount: want a positive amount`},
		{"money huge", `, "events": [{"at": "1m", "do": "money", "amount": 1e999}]`, ErrBadValue, `out of range`},
		{"level", `, "events": [{"at": "1m", "do": "hacking-level", "level": 1.5}]`, ErrBadValue, `(hacking-level).level`},
		{"exp", `, "events": [{"at": "1m", "do": "hacking-exp", "exp": -1}]`, ErrBadValue, `(hacking-exp).exp: must not be negative`},
		{"root", `, "events": [{"at": "1m", "do": "root", "host": "w0r1d_d43m0n"}]`, ErrUnknownHost, `events[0] (root).host: no server "w0r1d_d43m0n"`},
		{"event not object", `, "events": ["money"]`, ErrBadValue, `events[0]: want an object, got a string "money"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := minimal + tt.doc + "}"
			if strings.HasPrefix(tt.doc, "!") {
				doc = tt.doc[1:]
			}
			s, err := Parse([]byte(doc))
			if s != nil || !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v\nwant %v containing %q", err, tt.kind, tt.msg)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	if _, err := Load("no/such/file.json"); err == nil {
		t.Error("Load of a missing file succeeded")
	}
	dir := t.TempDir() + "/bad.json"
	if err := writeFile(dir, `{"name": 1}`); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.HasPrefix(err.Error(), dir+": scenario: ") {
		t.Errorf("Load error %v does not name the file", err)
	}
}

// TestShipped loads the shipped scenarios, sets each up on a fresh world
// and applies its events in order; none may fail.
func TestShipped(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, w *world.World)
	}{
		{"bn1-start.json", func(t *testing.T, w *world.World) {
			for _, p := range []string{"NUKE.exe", "BruteSSH.exe", "FTPCrack.exe", "relaySMTP.exe", "HTTPWorm.exe", "SQLInject.exe"} {
				if !w.HasProgram(p) {
					t.Errorf("%s not owned", p)
				}
			}
			if got := w.PurchasedServers(); !slices.Equal(got, []string{"pserv-0", "pserv-1", "pserv-2", "pserv-3"}) {
				t.Errorf("bought %v", got)
			}
			if w.Home().MaxRAM != 64 || w.Player().Money() != 1151 || w.Player().HackingLevel() != 1 {
				t.Errorf("home %v GB, money %v, level %v", w.Home().MaxRAM, w.Player().Money(), w.Player().HackingLevel())
			}
		}},
		{"bn1-fresh.json", func(t *testing.T, w *world.World) {
			for _, p := range []string{"NUKE.exe", "BruteSSH.exe", "FTPCrack.exe", "relaySMTP.exe", "HTTPWorm.exe", "SQLInject.exe"} {
				if !w.HasProgram(p) {
					t.Errorf("%s not owned", p)
				}
			}
			if got := w.PurchasedServers(); len(got) != 8 || got[7] != "pserv-7" || w.Server("pserv-3").MaxRAM != 32 || w.Server("pserv-4").MaxRAM != 64 {
				t.Errorf("bought %v", got)
			}
			if w.Home().MaxRAM != 128 || w.Player().Money() != 1000 || w.Player().HackingLevel() != 1 {
				t.Errorf("home %v GB, money %v, level %v", w.Home().MaxRAM, w.Player().Money(), w.Player().HackingLevel())
			}
		}},
		{"bn2-fresh.json", func(t *testing.T, w *world.World) {
			// bn1-fresh's purchases, in BitNode 2's world: foodnstuff's
			// $2M of data money starts at 0.4 and holds 25 × 0.08 of it.
			f := w.Server("foodnstuff")
			if w.BitNode() != (formulas.Node{N: 2, Level: 1}) || len(w.PurchasedServers()) != 8 || w.Home().MaxRAM != 128 ||
				f.MoneyAvailable != 2e6*0.4 || f.MoneyMax != 25*2e6*0.08 {
				t.Errorf("BitNode %v, bought %v, home %v GB, foodnstuff $%v of $%v", w.BitNode(), w.PurchasedServers(),
					w.Home().MaxRAM, f.MoneyAvailable, f.MoneyMax)
			}
		}},
		{"bn12-fresh.json", func(t *testing.T, w *world.World) {
			f := w.Server("foodnstuff")
			if w.BitNode() != (formulas.Node{N: 12, Level: 3}) || w.SourceFiles()[12] != 2 || len(w.PurchasedServers()) != 8 ||
				f.HackDifficulty != 15 || f.MinDifficulty != 5 {
				t.Errorf("BitNode %v, Source-Files %v, bought %v, foodnstuff security %v (min %v)", w.BitNode(), w.SourceFiles(),
					w.PurchasedServers(), f.HackDifficulty, f.MinDifficulty)
			}
		}},
		{"bn1-drawn.json", func(t *testing.T, w *world.World) {
			if !w.HasProgram("SQLInject.exe") || w.Home().MaxRAM != 128 || len(w.PurchasedServers()) < 4 || w.Player().Money() != 1000 {
				t.Errorf("home %v GB, bought %v, money %v", w.Home().MaxRAM, w.PurchasedServers(), w.Player().Money())
			}
		}},
		{"alloc-demo.json", func(t *testing.T, w *world.World) {
			for _, h := range []string{"alpha", "beta", "gamma", "delta", "pserv-0", "pserv-1"} {
				if s := w.Server(h); s == nil || !s.HasRoot {
					t.Errorf("%s not rooted", h)
				}
			}
			if w.Home().MaxRAM != 64 {
				t.Errorf("home %v GB", w.Home().MaxRAM)
			}
		}},
		{"soak.json", func(t *testing.T, w *world.World) {
			if !w.HasProgram("BruteSSH.exe") || !w.HasProgram("FTPCrack.exe") || w.Home().MaxRAM != 64 || w.Home().Cores != 2 ||
				len(w.PurchasedServers()) != 2 || w.Player().HackingLevel() != 100 {
				t.Errorf("home %v GB %d cores, bought %v, level %v", w.Home().MaxRAM, w.Home().Cores, w.PurchasedServers(), w.Player().HackingLevel())
			}
		}},
	}
	checked := map[string]bool{}
	for _, tt := range tests {
		checked[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			s, err := Load("../../scenarios/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name+".json" != tt.file {
				t.Errorf("name %q", s.Name)
			}
			w := newWorld(t)
			if err := s.Setup(w); err != nil {
				t.Fatal(err)
			}
			for _, sc := range s.Scripts {
				if _, err := w.GetServerMaxRam(sc.Host); err != nil {
					t.Errorf("script host %s: %v", sc.Host, err)
				}
			}
			for _, e := range s.EventsFor(s.Seed) {
				if err := e.Apply(w); err != nil {
					t.Fatal(err)
				}
			}
			tt.check(t, w)
		})
	}
	// Every embedded scenario is one of the files checked above.
	for _, name := range scenarios.Names() {
		b, _ := scenarios.Get(name)
		if !checked[name+".json"] {
			t.Errorf("scenario %s is shipped but not checked here", name)
		}
		if _, err := Parse(b); err != nil {
			t.Errorf("embedded %s: %v", name, err)
		}
	}
}

func TestScenario_Setup(t *testing.T) {
	s := parse(t, `, "network": {"kind": "custom", "servers": [
		{"hostname": "a", "maxRam": 16, "moneyAvailable": 1e6, "hackDifficulty": 9, "numOpenPortsRequired": 1},
		{"hostname": "b", "parent": "a", "maxRam": 4}]},
	"start": {"homeRam": 64, "homeCores": 2, "money": 5e6, "hackingLevel": 30, "programs": ["BruteSSH.exe"], "rooted": ["b"]}`)
	w := newWorld(t)
	if err := s.Setup(w); err != nil {
		t.Fatal(err)
	}
	h, a, b := w.Home(), w.Server("a"), w.Server("b")
	if h.MaxRAM != 64 || h.Cores != 2 || !slices.Equal(h.Links, []string{"a"}) || !w.HasProgram("NUKE.exe") || !w.HasProgram("BruteSSH.exe") {
		t.Errorf("home %+v", h)
	}
	if a.MaxRAM != 16 || a.MoneyMax != 25e6 || a.MinDifficulty != 3 || a.NumOpenPortsRequired != 1 || a.HasRoot ||
		!slices.Equal(a.Links, []string{"home", "b"}) {
		t.Errorf("a %+v", a)
	}
	if !b.HasRoot || b.HackDifficulty != 1 {
		t.Errorf("b %+v", b)
	}
	p := w.Player()
	if p.Money() != 5e6 || p.HackingLevel() != 30 {
		t.Errorf("player money %v level %v", p.Money(), p.HackingLevel())
	}
	if err := s.Setup(w); !errors.Is(err, ErrSetup) {
		t.Errorf("second Setup: %v", err)
	}

	for _, kind := range []string{"game", "default"} {
		s := parse(t, `, "network": {"kind": "`+kind+`"}, "start": {"hackingExp": 1000, "rooted": ["foodnstuff"]}`)
		w := newWorld(t)
		if err := s.Setup(w); err != nil {
			t.Fatal(err)
		}
		if len(w.Servers()) != 72 || !w.Server("foodnstuff").HasRoot || w.Player().HackingLevel() != 34 {
			t.Errorf("%s: %d servers", kind, len(w.Servers()))
		}
		if err := s.Setup(w); !errors.Is(err, ErrSetup) {
			t.Errorf("%s: second Setup: %v", kind, err)
		}
	}
	if NetworkGame.String() != "game" || NetworkDefault.String() != "default" || NetworkCustom.String() != "custom" || NetworkKind(7).String() != "NetworkKind(7)" {
		t.Error("NetworkKind.String")
	}
}

// eventWorld is a small world for event tests: home (8 GB, a.js) and a
// rooted 16 GB "r" running a.js twice with args.
func eventWorld(t *testing.T) *world.World {
	t.Helper()
	s := parse(t, `, "network": {"kind": "custom", "servers": [{"hostname": "r", "maxRam": 16}]}, "start": {"rooted": ["r"]}`)
	w := newWorld(t)
	if err := s.Setup(w); err != nil {
		t.Fatal(err)
	}
	w.Server("r").WriteFile("a.js", "")
	for range 2 {
		if pid, err := w.Exec("a.js", "r", world.ExecOptions{}, []any{"x"}); pid == 0 || err != nil {
			t.Fatalf("exec: %v %v", pid, err)
		}
	}
	return w
}

func TestEvent_Apply(t *testing.T) {
	tests := []struct {
		name  string
		e     Event
		setup func(w *world.World)
		err   error // nil: success; ErrEvent for an unsentineled failure
		check func(w *world.World) bool
	}{
		{"acquire", Acquire{"HTTPWorm.exe"}, nil, nil, func(w *world.World) bool { return w.HasProgram("HTTPWorm.exe") }},
		{"buy funded", Buy{Count: 3, RAM: 32, Prefix: "p", Funded: true}, nil, nil, func(w *world.World) bool {
			return slices.Equal(w.PurchasedServers(), []string{"p-0", "p-1", "p-2"}) && w.Player().Money() == 1151 &&
				w.Server("p-2").MaxRAM == 32
		}},
		{"buy paid", Buy{Count: 2, RAM: 1, Prefix: "p"}, func(w *world.World) { w.Player().GainMoney(110000) }, nil,
			func(w *world.World) bool { return len(w.PurchasedServers()) == 2 && w.Player().Money() == 1151 }},
		{"buy poor", Buy{Count: 2, RAM: 1, Prefix: "p"}, func(w *world.World) { w.Player().GainMoney(60000) }, world.ErrMoney,
			func(w *world.World) bool { return len(w.PurchasedServers()) == 0 && w.Player().Money() == 61151 }},
		{"buy over limit", Buy{Count: 25, RAM: 1, Prefix: "p", Funded: true}, func(w *world.World) {
			w.Player().GainMoney(1e6)
			_, _ = w.PurchaseServer("x", 1)
		}, world.ErrServerLimit, func(w *world.World) bool { return len(w.PurchasedServers()) == 1 }},
		{"upgrade home", UpgradeHome{RAM: 32, Cores: 2, Funded: true}, nil, nil, func(w *world.World) bool {
			return w.Home().MaxRAM == 32 && w.Home().Cores == 2 && w.Player().Money() == 1151
		}},
		{"upgrade home paid", UpgradeHome{RAM: 16}, func(w *world.World) { w.Player().GainMoney(world.HomeRAMCost(8)) }, nil,
			func(w *world.World) bool { return w.Home().MaxRAM == 16 && w.Player().Money() == 1151 }},
		{"upgrade home poor", UpgradeHome{RAM: 32}, func(w *world.World) { w.Player().GainMoney(world.HomeRAMCost(8)) }, world.ErrMoney,
			func(w *world.World) bool { return w.Home().MaxRAM == 8 }},
		{"upgrade home down", UpgradeHome{RAM: 8}, func(w *world.World) { _ = w.SetMaxRAM("home", 16) }, ErrEvent,
			func(w *world.World) bool { return w.Home().MaxRAM == 16 }},
		{"upgrade home from 0 GB", UpgradeHome{RAM: 16}, func(w *world.World) { _ = w.SetMaxRAM("home", 0) }, ErrEvent, nil},
		{"upgrade home fewer cores", UpgradeHome{Cores: 1}, func(w *world.World) { w.Home().Cores = 2 }, ErrEvent, nil},
		{"upgrade server", UpgradeServer{Host: "p-0", RAM: 64, Funded: true}, func(w *world.World) {
			w.Player().GainMoney(1e6)
			_, _ = w.PurchaseServer("p-0", 8)
		}, nil, func(w *world.World) bool { return w.Server("p-0").MaxRAM == 64 }},
		{"upgrade server poor", UpgradeServer{Host: "p-0", RAM: 64}, func(w *world.World) {
			w.Player().GainMoney(440000)
			_, _ = w.PurchaseServer("p-0", 8)
		}, world.ErrMoney, func(w *world.World) bool { return w.Server("p-0").MaxRAM == 8 }},
		{"upgrade not bought", UpgradeServer{Host: "r", RAM: 64, Funded: true}, nil, world.ErrNotPurchased,
			func(w *world.World) bool { return w.Player().Money() == 1151 }},
		{"kill pid", Kill{Pid: 1}, nil, nil, func(w *world.World) bool { return !w.IsRunning(1) && w.IsRunning(2) }},
		{"kill pid gone", Kill{Pid: 9}, nil, ErrEvent, nil},
		{"kill by name", Kill{Script: "a.js", Host: "r", Args: []any{"x"}}, nil, nil,
			func(w *world.World) bool { return !w.IsRunning(1) && !w.IsRunning(2) }},
		{"kill by name, other args", Kill{Script: "a.js", Host: "r"}, nil, ErrEvent,
			func(w *world.World) bool { return w.IsRunning(1) }},
		{"kill unknown host", Kill{Script: "a.js", Host: "zz"}, nil, world.ErrInvalidHostname, nil},
		{"money", Money{849}, nil, nil, func(w *world.World) bool { return w.Player().Money() == 2000 }},
		{"level", SetHackingLevel{100}, nil, nil, func(w *world.World) bool { return w.Player().HackingLevel() == 100 }},
		{"exp", SetHackingExp{1000}, nil, nil, func(w *world.World) bool { return w.Player().HackingLevel() == 34 }},
		{"root", Root{"home"}, nil, nil, nil},
		{"root unknown", Root{"zz"}, nil, world.ErrUnknownHost, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := eventWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			te := TimedEvent{At: time.Minute, Source: "events[4]", Event: tt.e}
			err := te.Apply(w)
			switch {
			case tt.err == nil && err != nil:
				t.Fatalf("Apply: %v", err)
			case tt.err != nil && (!errors.Is(err, tt.err) || !errors.Is(err, ErrEvent)):
				t.Fatalf("Apply error %v, want %v", err, tt.err)
			case err != nil && !strings.HasPrefix(err.Error(), "scenario: event failed: events[4] at 1m0s ("+tt.e.Kind()+"): "):
				t.Errorf("error text %q", err)
			}
			if tt.check != nil && !tt.check(w) {
				t.Error("state after Apply is wrong")
			}
			if tt.e.String() == "" {
				t.Error("empty String")
			}
		})
	}
}

func TestEvent_String(t *testing.T) {
	tests := []struct {
		e    Event
		want string
	}{
		{Acquire{"BruteSSH.exe"}, "acquire BruteSSH.exe"},
		{Buy{Count: 4, RAM: 32, Prefix: "pserv"}, "buy 4 × 32 GB as pserv-N"},
		{UpgradeHome{RAM: 64, Cores: 2, Funded: true}, "upgrade home to 64 GB, 2 cores (funded)"},
		{UpgradeHome{Cores: 3}, "upgrade home to 3 cores"},
		{UpgradeServer{Host: "p-0", RAM: 64}, "upgrade p-0 to 64 GB"},
		{Kill{Pid: 7}, "kill pid 7"},
		{Money{1e6}, "grant $1e+06"},
		{SetHackingLevel{50}, "set hacking level 50"},
		{SetHackingExp{12.5}, "set hacking exp 12.5"},
		{Root{"n00dles"}, "root n00dles"},
		{Kill{Script: "a.js", Host: "r", Args: []any{"x", 2.0}}, "kill a.js on r args [x 2]"},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("%s String = %q, want %q", tt.e.Kind(), got, tt.want)
		}
	}
}

func TestScenario_Schedule(t *testing.T) {
	s := parse(t, `, "network": {"kind": "custom", "servers": [{"hostname": "r", "maxRam": 16}]},
	"events": [
		{"at": "0s", "do": "money", "amount": 1},
		{"at": "90s", "do": "root", "host": "r"},
		{"at": "90s", "do": "kill", "pid": 5},
		{"at": "1h", "do": "acquire", "program": "FTPCrack.exe"}]`)
	w := newWorld(t)
	if err := s.Setup(w); err != nil {
		t.Fatal(err)
	}
	loop := vclock.New()
	var log []string
	s.Schedule(loop, w, 1, func(e TimedEvent, err error) {
		log = append(log, e.String()+" @"+time.Duration(loop.Now()*float64(time.Millisecond)).String()+" err="+errText(err))
	})
	loop.RunUntil(90000)
	if w.Player().Money() != 1152 || !w.Server("r").HasRoot || w.HasProgram("FTPCrack.exe") {
		t.Errorf("at 90 s: money %v root %v", w.Player().Money(), w.Server("r").HasRoot)
	}
	loop.RunUntil(3600000)
	want := []string{
		"0s grant $1 @0s err=",
		"1m30s root r @1m30s err=",
		"1m30s kill pid 5 @1m30s err=scenario: event failed: events[2] at 1m30s (kill): pid 5 is not running",
		"1h0m0s acquire FTPCrack.exe @1h0m0s err=",
	}
	if !slices.Equal(log, want) {
		t.Errorf("log\n%s\nwant\n%s", strings.Join(log, "\n"), strings.Join(want, "\n"))
	}
	if !w.HasProgram("FTPCrack.exe") {
		t.Error("last event not applied")
	}
	// A nil report is allowed.
	w2 := newWorld(t)
	if err := s.Setup(w2); err != nil {
		t.Fatal(err)
	}
	loop2 := vclock.New()
	s.Schedule(loop2, w2, 1, nil)
	loop2.RunUntil(3600000)
	if !w2.HasProgram("FTPCrack.exe") {
		t.Error("events not applied without a report")
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }
