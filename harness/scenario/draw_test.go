package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ramfarm/gamedata"
	"ramfarm/harness/vclock"
	"ramfarm/harness/world"
)

func TestParse_draw(t *testing.T) {
	s := parse(t, `, "start": {"homeRam": 16, "programs": ["BruteSSH.exe"]},
	"events": [{"at": "1m", "do": "buy", "ram": 8, "prefix": "p", "count": 5}, {"at": "2m", "do": "upgrade-home", "cores": 2}],
	"draw": {
		"programs": [{"program": "FTPCrack.exe", "from": "1m", "to": "20m"}, {"program": "relaySMTP.exe", "from": "90s", "to": "19m"}],
		"programOrder": "drawn",
		"servers": [{"from": "10m", "to": "40m", "count": [2, 19], "ram": [8, 64], "prefix": "q", "funded": true},
		            {"from": "0s", "to": "1h", "ram": 4, "prefix": "r"}],
		"home": [{"ram": 64, "from": "5m", "to": "15m", "funded": true}, {"ram": 128, "from": "5m", "to": "1h"}]}`)
	want := &Draw{
		Programs: []DrawProgram{
			{"FTPCrack.exe", Span{time.Minute, 20 * time.Minute}},
			{"relaySMTP.exe", Span{90 * time.Second, 19 * time.Minute}},
		},
		ProgramOrder: OrderDrawn,
		Servers: []DrawServers{
			{Span: Span{10 * time.Minute, 40 * time.Minute}, Count: [2]int{2, 19}, RAM: []float64{8, 64}, Prefix: "q", Funded: true},
			{Span: Span{0, time.Hour}, Count: [2]int{1, 1}, RAM: []float64{4}, Prefix: "r"},
		},
		Home: []DrawHome{
			{Span: Span{5 * time.Minute, 15 * time.Minute}, RAM: 64, Funded: true},
			{Span: Span{5 * time.Minute, time.Hour}, RAM: 128},
		},
	}
	if !reflect.DeepEqual(s.Draw, want) {
		t.Errorf("draw %+v\nwant %+v", s.Draw, want)
	}
	if len(s.Events) != 2 {
		t.Errorf("the draw changed the file's events: %v", s.Events)
	}
	if s := parse(t, `, "draw": {"programs": [{"program": "FTPCrack.exe", "from": "1m", "to": "2m"}]}`); s.Draw.ProgramOrder != OrderListed {
		t.Errorf("default order %v", s.Draw.ProgramOrder)
	}
	if OrderListed.String() != "listed" || OrderDrawn.String() != "drawn" {
		t.Error("ProgramOrder.String")
	}
}

func TestParse_drawErrors(t *testing.T) {
	const brute = `{"program": "BruteSSH.exe", "from": "1m", "to": "2m"}`
	tests := []struct {
		name string
		doc  string // spliced into minimal
		kind error
		msg  string
	}{
		{"not object", `, "draw": []`, ErrBadValue, "scenario: draw: want an object, got a list"},
		{"unknown key", `, "draw": {"program": []}`, ErrUnknownKey, `scenario: draw: unknown key "program"`},
		{"empty", `, "draw": {}`, ErrMissingKey, `scenario: draw: give "programs", "servers" or "home"`},
		{"empty lists", `, "draw": {"programs": [], "home": []}`, ErrMissingKey, `draw: give "programs"`},
		{"programs not list", `, "draw": {"programs": {}}`, ErrBadValue, `draw.programs: want a list, got an object`},
		{"program not object", `, "draw": {"programs": ["BruteSSH.exe"]}`, ErrBadValue, `draw.programs[0]: want an object, got a string`},
		{"program key", `, "draw": {"programs": [{"program": "BruteSSH.exe", "from": "1m", "to": "2m", "at": "1m"}]}`, ErrUnknownKey, `scenario: draw.programs[0]: unknown key "at"`},
		{"program no to", `, "draw": {"programs": [{"program": "BruteSSH.exe", "from": "1m"}]}`, ErrMissingKey, `draw.programs[0]: key "to" is required`},
		{"program no name", `, "draw": {"programs": [{"from": "1m", "to": "2m"}]}`, ErrMissingKey, `draw.programs[0]: key "program" is required`},
		{"program unknown", `, "draw": {"programs": [{"program": "brutessh.exe", "from": "1m", "to": "2m"}]}`, ErrBadValue, `draw.programs[0].program: "brutessh.exe" is not a program of the game`},
		{"program NUKE", `, "draw": {"programs": [{"program": "NUKE.exe", "from": "1m", "to": "2m"}]}`, ErrBadValue, `draw.programs[0].program: "NUKE.exe" is owned at the start`},
		{"program at start", `, "start": {"programs": ["BruteSSH.exe"]}, "draw": {"programs": [` + brute + `]}`, ErrBadValue, `"BruteSSH.exe" is owned at the start`},
		{"program twice", `, "draw": {"programs": [` + brute + `, ` + brute + `]}`, ErrBadValue, `draw.programs[1].program: "BruteSSH.exe" is drawn twice`},
		{"program acquired", `, "events": [{"at": "1m", "do": "money", "amount": 1}, {"at": "2m", "do": "acquire", "program": "BruteSSH.exe"}], "draw": {"programs": [` + brute + `]}`, ErrBadValue, `draw.programs[0].program: "BruteSSH.exe" is acquired by events[1] already`},
		{"from not duration", `, "draw": {"programs": [{"program": "BruteSSH.exe", "from": 60, "to": "2m"}]}`, ErrBadValue, `draw.programs[0].from: want a duration`},
		{"to bad", `, "draw": {"programs": [{"program": "BruteSSH.exe", "from": "1m", "to": "soon"}]}`, ErrBadValue, `draw.programs[0].to: want a duration such as "90s", "12m" or "1h30m", got "soon"`},
		{"to before from", `, "draw": {"programs": [{"program": "BruteSSH.exe", "from": "5m", "to": "1m"}]}`, ErrBadValue, `draw.programs[0].to: 1m0s is before from's 5m0s`},
		{"to after end", `, "draw": {"programs": [{"program": "BruteSSH.exe", "from": "5m", "to": "2h"}]}`, ErrBadValue, `draw.programs[0].to: 2h0m0s is after the run ends at 1h0m0s`},
		{"listed from", `, "draw": {"programs": [{"program": "BruteSSH.exe", "from": "5m", "to": "9m"}, {"program": "FTPCrack.exe", "from": "6m", "to": "9m"}, {"program": "HTTPWorm.exe", "from": "4m", "to": "20m"}]}`, ErrOrder, `scenario: draw.programs[2].from: 4m0s is before draw.programs[1]'s 6m0s; drawn in list order, spans must not start earlier`},
		{"listed to", `, "draw": {"programOrder": "listed", "programs": [{"program": "BruteSSH.exe", "from": "5m", "to": "9m"}, {"program": "FTPCrack.exe", "from": "5m", "to": "8m"}]}`, ErrOrder, `draw.programs[1].to: 8m0s is before draw.programs[0]'s 9m0s`},
		{"order value", `, "draw": {"programOrder": "random", "programs": [` + brute + `]}`, ErrBadValue, `draw.programOrder: want "listed" or "drawn", got "random"`},
		{"order type", `, "draw": {"programOrder": 1, "programs": [` + brute + `]}`, ErrBadValue, `draw.programOrder: want a string`},
		{"order alone", `, "draw": {"programOrder": "drawn", "home": [{"ram": 16, "from": "1m", "to": "2m"}]}`, ErrBadValue, `draw.programOrder: there are no programs to order`},

		{"servers key", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": 8, "prefix": "p", "size": 8}]}`, ErrUnknownKey, `draw.servers[0]: unknown key "size"`},
		{"servers no ram", `, "draw": {"servers": [{"from": "1m", "to": "2m", "prefix": "p"}]}`, ErrMissingKey, `draw.servers[0]: key "ram" is required`},
		{"servers no prefix", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": 8}]}`, ErrMissingKey, `draw.servers[0]: key "prefix" is required`},
		{"servers span", `, "draw": {"servers": [{"from": "3m", "to": "2m", "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].to: 2m0s is before from's 3m0s`},
		{"count zero", `, "draw": {"servers": [{"from": "1m", "to": "2m", "count": 0, "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].count: want whole numbers from 1 to 25, got 0`},
		{"count fraction", `, "draw": {"servers": [{"from": "1m", "to": "2m", "count": [1, 2.5], "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].count: want whole numbers from 1 to 25, got 2.5`},
		{"count reversed", `, "draw": {"servers": [{"from": "1m", "to": "2m", "count": [3, 2], "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].count: min 3 is more than max 2`},
		{"count three", `, "draw": {"servers": [{"from": "1m", "to": "2m", "count": [1, 2, 3], "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].count: want a whole number or a list [min, max], got 3 numbers`},
		{"count one-list", `, "draw": {"servers": [{"from": "1m", "to": "2m", "count": [2], "ram": 8, "prefix": "p"}]}`, ErrBadValue, `got 1 numbers`},
		{"count string", `, "draw": {"servers": [{"from": "1m", "to": "2m", "count": "2", "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].count: want a number, got a string "2"`},
		{"ram empty", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": [], "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].ram: want at least one number to draw from`},
		{"ram not power", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": 12, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].ram: want a power of 2 from 1 to 1048576 GB, got 12`},
		{"ram choice", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": [8, 12], "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].ram[1]: want a power of 2`},
		{"ram choice type", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": [8, "16"], "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].ram[1]: want a number, got a string "16"`},
		{"prefix", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": 8, "prefix": ""}]}`, ErrBadValue, `draw.servers[0].prefix: want a name without white space`},
		{"funded", `, "draw": {"servers": [{"from": "1m", "to": "2m", "ram": 8, "prefix": "p", "funded": 1}]}`, ErrBadValue, `draw.servers[0].funded: want true or false`},
		{"limit", `, "draw": {"servers": [{"from": "1m", "to": "2m", "count": [1, 13], "ram": 8, "prefix": "p"}, {"from": "1m", "to": "2m", "count": [1, 13], "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[1].count: up to 26 servers bought by the events and draws so far, more than the limit of 25`},
		{"limit with events", `, "events": [{"at": "1m", "do": "buy", "ram": 8, "prefix": "p", "count": 20}], "draw": {"servers": [{"from": "1m", "to": "2m", "count": [1, 6], "ram": 8, "prefix": "p"}]}`, ErrBadValue, `draw.servers[0].count: up to 26 servers`},

		{"home key", `, "draw": {"home": [{"ram": 16, "cores": 2, "from": "1m", "to": "2m"}]}`, ErrUnknownKey, `draw.home[0]: unknown key "cores"`},
		{"home no ram", `, "draw": {"home": [{"from": "1m", "to": "2m"}]}`, ErrMissingKey, `draw.home[0]: key "ram" is required`},
		{"home ram", `, "draw": {"home": [{"ram": 48, "from": "1m", "to": "2m"}]}`, ErrBadValue, `draw.home[0].ram: want a power of 2 from 8`},
		{"home not above start", `, "start": {"homeRam": 16}, "draw": {"home": [{"ram": 16, "from": "1m", "to": "2m"}]}`, ErrBadValue, `draw.home[0].ram: want more than start.homeRam's 16 GB, got 16`},
		{"home falling", `, "draw": {"home": [{"ram": 32, "from": "1m", "to": "2m"}, {"ram": 16, "from": "1m", "to": "2m"}]}`, ErrBadValue, `draw.home[1].ram: want more than draw.home[0]'s 32 GB, got 16`},
		{"home from", `, "draw": {"home": [{"ram": 16, "from": "5m", "to": "9m"}, {"ram": 32, "from": "4m", "to": "9m"}]}`, ErrOrder, `draw.home[1].from: 4m0s is before draw.home[0]'s 5m0s`},
		{"home to", `, "draw": {"home": [{"ram": 16, "from": "5m", "to": "9m"}, {"ram": 32, "from": "5m", "to": "8m"}]}`, ErrOrder, `draw.home[1].to: 8m0s is before draw.home[0]'s 9m0s`},
		{"home and event", `, "events": [{"at": "1m", "do": "upgrade-home", "ram": 64}], "draw": {"home": [{"ram": 16, "from": "1m", "to": "2m"}]}`, ErrBadValue, `draw.home: events[0] upgrades home RAM too`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(minimal + tt.doc + "}"))
			if s != nil || !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v\nwant %v containing %q", err, tt.kind, tt.msg)
			}
		})
	}
}

// listedDoc mixes the file's events with draws in listed order whose
// spans overlap.
const listedDoc = `, "events": [{"at": "0s", "do": "money", "amount": 5}, {"at": "20m", "do": "buy", "ram": 8, "prefix": "f", "funded": true},
		{"at": "1h", "do": "root", "host": "n00dles"}],
	"draw": {
		"programs": [{"program": "BruteSSH.exe", "from": "0s", "to": "30m"}, {"program": "FTPCrack.exe", "from": "1m", "to": "31m"},
		             {"program": "relaySMTP.exe", "from": "31m", "to": "31m"}, {"program": "HTTPWorm.exe", "from": "31m", "to": "50m"}],
		"servers": [{"from": "20m", "to": "21m", "count": [1, 3], "ram": [2, 4, 8], "prefix": "d", "funded": true}],
		"home": [{"ram": 16, "from": "10m", "to": "50m", "funded": true}, {"ram": 64, "from": "10m", "to": "50m", "funded": true},
		         {"ram": 128, "from": "11m", "to": "1h", "funded": true}]}`

// drawnDocs are the scenario files EventsFor is checked on.
func drawnDocs(t *testing.T) map[string][]byte {
	t.Helper()
	drawn, err := os.ReadFile("../../scenarios/bn1-drawn.json")
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{"bn1-drawn": drawn, "listed": []byte(minimal + listedDoc + "}")}
}

func drawnScenarios(t *testing.T) map[string]*Scenario {
	t.Helper()
	out := map[string]*Scenario{}
	for name, doc := range drawnDocs(t) {
		s, err := Parse(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// drawnSpan returns the span and index of the draw item a drawn event
// names as its source.
func drawnSpan(t *testing.T, d *Draw, source string) (string, int, Span) {
	t.Helper()
	var list string
	var i int
	if _, err := fmt.Sscanf(strings.NewReplacer("[", " ", "]", "").Replace(source), "draw.%s %d", &list, &i); err != nil {
		t.Fatalf("source %q: %v", source, err)
	}
	switch list {
	case "programs":
		return list, i, d.Programs[i].Span
	case "servers":
		return list, i, d.Servers[i].Span
	case "home":
		return list, i, d.Home[i].Span
	}
	t.Fatalf("source %q", source)
	return "", 0, Span{}
}

func TestScenario_EventsFor(t *testing.T) {
	docs := drawnDocs(t)
	for name, s := range drawnScenarios(t) {
		t.Run(name, func(t *testing.T) {
			again, err := Parse(docs[name])
			if err != nil {
				t.Fatal(err)
			}
			d := s.Draw
			// What independent draws gave over all seeds, by draw source.
			counts, rams := map[string]map[int]bool{}, map[string]map[float64]bool{}
			first, last := map[string]time.Duration{}, map[string]time.Duration{}
			for seed := range uint64(200) {
				evs := s.EventsFor(seed)
				if !reflect.DeepEqual(evs, s.EventsFor(seed)) || !reflect.DeepEqual(evs, again.EventsFor(seed)) {
					t.Fatalf("seed %d: EventsFor is not a function of the seed", seed)
				}
				if len(evs) != len(s.Events)+len(d.Programs)+len(d.Servers)+len(d.Home) {
					t.Fatalf("seed %d: %d events", seed, len(evs))
				}
				var programs, homes []int // draw indexes in time order
				fixed := 0
				for k, e := range evs {
					if k > 0 && e.At < evs[k-1].At {
						t.Errorf("seed %d: %v after %v", seed, e, evs[k-1])
					}
					if strings.HasPrefix(e.Source, "events[") {
						if !reflect.DeepEqual(e, s.Events[fixed]) {
							t.Errorf("seed %d: file event %v, want %v", seed, e, s.Events[fixed])
						}
						fixed++
						continue
					}
					list, i, sp := drawnSpan(t, d, e.Source)
					if f, ok := first[e.Source]; !ok || e.At < f {
						first[e.Source] = e.At
					}
					last[e.Source] = max(last[e.Source], e.At)
					if !sp.Contains(e.At) || e.At%time.Second != 0 {
						t.Errorf("seed %d: %s at %v, outside %v–%v or not on a whole second", seed, e.Source, e.At, sp.From, sp.To)
					}
					switch ev := e.Event.(type) {
					case Acquire:
						programs = append(programs, i)
						if list != "programs" || ev.Program != d.Programs[i].Program {
							t.Errorf("seed %d: %s is %v", seed, e.Source, ev)
						}
					case Buy:
						b := d.Servers[i]
						if list != "servers" || ev.Count < b.Count[0] || ev.Count > b.Count[1] || !slices.Contains(b.RAM, ev.RAM) ||
							ev.Prefix != b.Prefix || ev.Funded != b.Funded {
							t.Errorf("seed %d: %s is %v", seed, e.Source, ev)
						}
						if counts[e.Source] == nil {
							counts[e.Source], rams[e.Source] = map[int]bool{}, map[float64]bool{}
						}
						counts[e.Source][ev.Count], rams[e.Source][ev.RAM] = true, true
					case UpgradeHome:
						homes = append(homes, i)
						if list != "home" || ev != (UpgradeHome{RAM: d.Home[i].RAM, Funded: d.Home[i].Funded}) {
							t.Errorf("seed %d: %s is %v", seed, e.Source, ev)
						}
					default:
						t.Errorf("seed %d: %s drew %v", seed, e.Source, e)
					}
				}
				if !slices.IsSorted(homes) || d.ProgramOrder == OrderListed && !slices.IsSorted(programs) {
					t.Errorf("seed %d: drawn out of list order: programs %v, home %v", seed, programs, homes)
				}
			}
			// Every count and size is drawn, and times independently
			// drawn reach both tenths of their span's ends.
			for i, b := range d.Servers {
				src := fmt.Sprintf("draw.servers[%d]", i)
				for c := b.Count[0]; c <= b.Count[1]; c++ {
					if !counts[src][c] {
						t.Errorf("%s: count %d never drawn", src, c)
					}
				}
				for _, r := range b.RAM {
					if !rams[src][r] {
						t.Errorf("%s: %v GB never drawn", src, r)
					}
				}
			}
			for src := range first {
				list, _, sp := drawnSpan(t, d, src)
				if list == "home" || list == "programs" && d.ProgramOrder == OrderListed {
					continue // sorted draws lean to their neighbours' spans
				}
				if tenth := (sp.To - sp.From) / 10; first[src] > sp.From+tenth || last[src] < sp.To-tenth {
					t.Errorf("%s: drawn from %v to %v in %v–%v", src, first[src], last[src], sp.From, sp.To)
				}
			}
		})
	}
}

// TestEventsFor_spread checks that seeds draw different timelines: every
// drawn time, count, size and, where the order is drawn, the order of the
// programs vary from seed to seed.
func TestEventsFor_spread(t *testing.T) {
	const seeds = 20
	for name, s := range drawnScenarios(t) {
		t.Run(name, func(t *testing.T) {
			timelines := map[string]bool{}
			times := map[string]map[time.Duration]bool{} // draw source → times drawn
			values := map[string]map[string]bool{}       // draw source → events drawn, time aside
			orders := map[string]bool{}
			for seed := range uint64(seeds) {
				var all, order []string
				for _, e := range s.EventsFor(seed) {
					all = append(all, e.String())
					if !strings.HasPrefix(e.Source, "draw.") {
						continue
					}
					if times[e.Source] == nil {
						times[e.Source], values[e.Source] = map[time.Duration]bool{}, map[string]bool{}
					}
					times[e.Source][e.At] = true
					values[e.Source][e.Event.String()] = true
					if a, ok := e.Event.(Acquire); ok {
						order = append(order, a.Program)
					}
				}
				timelines[strings.Join(all, "\n")] = true
				orders[strings.Join(order, " ")] = true
			}
			if len(timelines) != seeds {
				t.Errorf("%d seeds drew %d timelines", seeds, len(timelines))
			}
			for src, ts := range times {
				_, _, sp := drawnSpan(t, s.Draw, src)
				if want := min(seeds/2, int((sp.To-sp.From)/time.Second)+1); len(ts) < want {
					t.Errorf("%s: %d times over %d seeds, want at least %d", src, len(ts), seeds, want)
				}
			}
			for i, b := range s.Draw.Servers {
				src := fmt.Sprintf("draw.servers[%d]", i)
				if want := min(len(b.RAM)*(b.Count[1]-b.Count[0]+1), 3); len(values[src]) < want {
					t.Errorf("%s: %d purchases over %d seeds, want at least %d: %v", src, len(values[src]), seeds, want, values[src])
				}
			}
			if s.Draw.ProgramOrder == OrderDrawn && len(orders) < 2 {
				t.Errorf("the programs came in one order over %d seeds: %v", seeds, orders)
			}
			if s.Draw.ProgramOrder == OrderListed && len(orders) != 1 {
				t.Errorf("listed programs came in %d orders", len(orders))
			}
		})
	}
}

func TestEventsFor_noDraw(t *testing.T) {
	s := parse(t, `, "events": [{"at": "1m", "do": "money", "amount": 1}]`)
	evs := s.EventsFor(9)
	if !reflect.DeepEqual(evs, s.Events) || !reflect.DeepEqual(s.EventsFor(10), s.Events) {
		t.Errorf("events %v, want the file's %v", evs, s.Events)
	}
	evs[0].At = 0
	if s.Events[0].At != time.Minute {
		t.Error("EventsFor returned the scenario's own slice")
	}
}

// TestBn1Drawn_seeds lists bn1-drawn's events for seeds 1 to 5 (see them
// with -v) and plays each timeline on a fresh world.
func TestBn1Drawn_seeds(t *testing.T) {
	s, err := Load("../../scenarios/bn1-drawn.json")
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 5; seed++ {
		w := newWorld(t)
		if err := s.Setup(w); err != nil {
			t.Fatal(err)
		}
		var lines []string
		bought := 0
		for _, e := range s.EventsFor(seed) {
			lines = append(lines, fmt.Sprintf("  %-8v %-40s %s", e.At, e.Event, e.Source))
			if err := e.Apply(w); err != nil {
				t.Errorf("seed %d: %v", seed, err)
			}
			if b, ok := e.Event.(Buy); ok {
				bought += b.Count
			}
		}
		t.Logf("bn1-drawn, seed %d:\n%s", seed, strings.Join(lines, "\n"))
		for _, p := range []string{"BruteSSH.exe", "FTPCrack.exe", "relaySMTP.exe", "HTTPWorm.exe", "SQLInject.exe"} {
			if !w.HasProgram(p) {
				t.Errorf("seed %d: %s not owned", seed, p)
			}
		}
		if n := len(w.PurchasedServers()); n != bought || n < 4 || n > 12 {
			t.Errorf("seed %d: %d servers bought, want the %d drawn (4 to 12)", seed, n, bought)
		}
		if w.Home().MaxRAM != 128 || w.Player().Money() != 1000 {
			t.Errorf("seed %d: home %v GB, money %v", seed, w.Home().MaxRAM, w.Player().Money())
		}
	}
}

// TestScenario_Schedule_draw checks that Schedule plays the draws of the
// seed it is given.
func TestScenario_Schedule_draw(t *testing.T) {
	s := parse(t, listedDoc)
	for _, seed := range []uint64{3, 4} {
		w := newWorld(t)
		if err := s.Setup(w); err != nil {
			t.Fatal(err)
		}
		loop := vclock.New()
		var got []string
		s.Schedule(loop, w, seed, func(e TimedEvent, err error) {
			if err != nil {
				t.Errorf("seed %d: %v", seed, err)
			}
			got = append(got, fmt.Sprintf("%v %v", time.Duration(loop.Now()*float64(time.Millisecond)), e.Event))
		})
		loop.RunUntil(float64(s.Duration.Milliseconds()))
		var want []string
		for _, e := range s.EventsFor(seed) {
			want = append(want, fmt.Sprintf("%v %v", e.At, e.Event))
		}
		if !slices.Equal(got, want) {
			t.Errorf("seed %d played\n%s\nwant\n%s", seed, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if w.Home().MaxRAM != 128 || len(w.PurchasedServers()) < 2 {
			t.Errorf("seed %d: home %v GB, bought %v", seed, w.Home().MaxRAM, w.PurchasedServers())
		}
	}
}

// TestBn1Fresh_affordable checks bn1-fresh's timeline against the income
// its story gives: at each event, the money earned by then must cover
// everything bought so far at the game's prices, the programs on the
// darkweb after the TOR router.
func TestBn1Fresh_affordable(t *testing.T) {
	s, err := Load("../../scenarios/bn1-fresh.json")
	if err != nil {
		t.Fatal(err)
	}
	var consts struct {
		CONSTANTSSubset struct{ TorRouterCost float64 } `json:"CONSTANTS_subset"`
		Darkweb         map[string]struct {
			Program string
			Price   float64
		}
	}
	b, err := gamedata.Read("constants.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &consts); err != nil {
		t.Fatal(err)
	}
	price := map[string]float64{}
	for _, item := range consts.Darkweb {
		price[item.Program] = item.Price
	}
	// The story's income: $/s from each time on.
	income := []struct {
		from time.Duration
		rate float64
	}{{0, 1e3}, {10 * time.Minute, 5e3}, {30 * time.Minute, 20e3}, {time.Hour, 60e3}, {90 * time.Minute, 150e3}}
	earned := func(at time.Duration) float64 {
		sum := 0.0
		for i, r := range income {
			end := at
			if i+1 < len(income) {
				end = min(at, income[i+1].from)
			}
			sum += max(0, (end-r.from).Seconds()) * r.rate
		}
		return sum
	}
	spent, home := consts.CONSTANTSSubset.TorRouterCost, s.Start.HomeRAM
	for _, e := range s.EventsFor(s.Seed) {
		funded := true // a program changes hands outside the world
		switch ev := e.Event.(type) {
		case Acquire:
			spent += price[ev.Program]
		case Buy:
			spent += float64(ev.Count) * world.PurchaseServerCost(ev.RAM)
			funded = ev.Funded
		case UpgradeHome:
			for ; home < ev.RAM; home *= 2 {
				spent += world.HomeRAMCost(home)
			}
			funded = ev.Funded
		default:
			t.Errorf("%v: the story has no price for it", e)
		}
		if !funded {
			t.Errorf("%v is not funded: the policies would meet different jumps", e)
		}
		if earned(e.At) < spent {
			t.Errorf("%v: $%.4gM spent by then, $%.4gM earned", e, spent/1e6, earned(e.At)/1e6)
		}
	}
	if spent < 350e6 || price["SQLInject.exe"] != 250e6 {
		t.Errorf("$%.4gM spent in all, SQLInject.exe at $%v", spent/1e6, price["SQLInject.exe"])
	}
}
