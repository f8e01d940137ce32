package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/harness/world"
)

func newWorld(t *testing.T) *world.World {
	t.Helper()
	w, err := world.New(world.Config{RAMOf: func(string, string) (float64, bool) { return 0, false }})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// defaults is servers.json's record of the default world.
type defaults struct {
	Home struct {
		LinksDefault []string `json:"linksDefault"`
	} `json:"home"`
	Servers []struct {
		Hostname             string   `json:"hostname"`
		OrganizationName     string   `json:"organizationName"`
		NumOpenPortsRequired int      `json:"numOpenPortsRequired"`
		MaxRAM               float64  `json:"maxRam"`
		MoneyAvailable       float64  `json:"moneyAvailable"`
		MoneyMax             float64  `json:"moneyMax"`
		HackDifficulty       float64  `json:"hackDifficulty"`
		BaseDifficulty       float64  `json:"baseDifficulty"`
		MinDifficulty        float64  `json:"minDifficulty"`
		ServerGrowth         float64  `json:"serverGrowth"`
		RequiredHackingSkill float64  `json:"requiredHackingSkill"`
		CPUCores             int      `json:"cpuCores"`
		HasAdminRights       bool     `json:"hasAdminRights"`
		Literature           []string `json:"literature"`
		LinksDefault         []string `json:"linksDefault"`
	} `json:"servers"`
}

func readDefaults(t *testing.T) defaults {
	t.Helper()
	b, err := gamedata.Read("servers.json")
	if err != nil {
		t.Fatal(err)
	}
	var d defaults
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBuildDefault checks every server's stats and links against the
// values the game itself produced with Math.random stubbed to 0.5.
func TestBuildDefault(t *testing.T) {
	w := newWorld(t)
	if err := BuildDefault(w); err != nil {
		t.Fatal(err)
	}
	d := readDefaults(t)
	if got := len(w.Servers()); got != len(d.Servers)+1 {
		t.Fatalf("%d servers, want %d", got, len(d.Servers)+1)
	}
	for _, want := range d.Servers {
		s := w.Server(want.Hostname)
		if s == nil {
			t.Errorf("%s missing", want.Hostname)
			continue
		}
		got := []any{s.OrganizationName, s.NumOpenPortsRequired, s.MaxRAM, s.MoneyAvailable, s.MoneyMax,
			s.HackDifficulty, s.BaseDifficulty, s.MinDifficulty, s.ServerGrowth, s.RequiredHackingSkill,
			s.Cores, s.HasRoot, s.Purchased, s.OpenPortCount, s.RAMUsed}
		exp := []any{want.OrganizationName, want.NumOpenPortsRequired, want.MaxRAM, want.MoneyAvailable, want.MoneyMax,
			want.HackDifficulty, want.BaseDifficulty, want.MinDifficulty, want.ServerGrowth, want.RequiredHackingSkill,
			want.CPUCores, want.HasAdminRights, false, 0, 0.0}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("%s stats\n got %v\nwant %v", want.Hostname, got, exp)
		}
		if !slices.Equal(s.Links, want.LinksDefault) && !(len(s.Links) == 0 && len(want.LinksDefault) == 0) {
			t.Errorf("%s links %v, want %v", want.Hostname, s.Links, want.LinksDefault)
		}
		if !slices.Equal(s.FileNames(), sorted(want.Literature)) {
			t.Errorf("%s files %v, want %v", want.Hostname, s.FileNames(), want.Literature)
		}
	}
	home := w.Home()
	if !slices.Equal(home.Links, d.Home.LinksDefault) {
		t.Errorf("home links %v, want %v", home.Links, d.Home.LinksDefault)
	}
}

func sorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	if c == nil {
		c = []string{}
	}
	return c
}

func TestHome(t *testing.T) {
	w := newWorld(t)
	if err := Build(w, 7); err != nil {
		t.Fatal(err)
	}
	h := w.Home()
	got := []any{h.Hostname, h.IsHome, h.MaxRAM, h.Cores, h.HasRoot, h.Purchased, h.FileNames(),
		h.MoneyAvailable, h.MoneyMax, h.HackDifficulty, h.MinDifficulty, h.ServerGrowth, h.RequiredHackingSkill,
		h.NumOpenPortsRequired, h.OrganizationName}
	want := []any{"home", true, 8.0, 1, true, true, []string{"NUKE.exe"},
		0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 5, "Home PC"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("home\n got %v\nwant %v", got, want)
	}
	if !w.HasProgram("NUKE.exe") || w.HasProgram("BruteSSH.exe") {
		t.Error("a fresh player owns NUKE.exe only")
	}
	fresh, err := Home()
	if err != nil {
		t.Fatal(err)
	}
	fresh.Links = h.Links // Build linked it
	if !reflect.DeepEqual(fresh, h) {
		t.Errorf("Home() = %+v, %v; want %+v", fresh, err, h)
	}
}

// snapshot prints a world's servers so two worlds can be compared.
func snapshot(w *world.World) []string {
	var out []string
	for _, s := range w.Servers() {
		out = append(out, fmt.Sprintf("%s ram=%v money=%v/%v sec=%v/%v/%v growth=%v req=%v ports=%d links=%v",
			s.Hostname, s.MaxRAM, s.MoneyAvailable, s.MoneyMax, s.HackDifficulty, s.BaseDifficulty,
			s.MinDifficulty, s.ServerGrowth, s.RequiredHackingSkill, s.NumOpenPortsRequired, s.Links))
	}
	return out
}

func TestBuild_seeded(t *testing.T) {
	build := func(seed uint64) []string {
		w := newWorld(t)
		if err := Build(w, seed); err != nil {
			t.Fatal(err)
		}
		return snapshot(w)
	}
	a, b, c := build(1), build(1), build(2)
	if !slices.Equal(a, b) {
		t.Error("the same seed gave different worlds")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 1 and 2 gave the same world")
	}
}

// TestBuild_rules checks, over many seeds, what every game world has:
// ranges drawn inside their bounds, the constructor's derived values, and
// a tree whose depths are the data's layers.
func TestBuild_rules(t *testing.T) {
	d, err := load()
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(0); seed < 50; seed++ {
		w := newWorld(t)
		if err := Build(w, seed); err != nil {
			t.Fatal(err)
		}
		depth := map[string]int{"home": 0}
		queue := []string{"home"}
		for len(queue) > 0 {
			h := queue[0]
			queue = queue[1:]
			for i, l := range w.Server(h).Links {
				if _, seen := depth[l]; seen {
					if i != 0 || h == "home" {
						t.Fatalf("seed %d: %s links back to %s not as its first link", seed, h, l)
					}
					continue
				}
				depth[l] = depth[h] + 1
				queue = append(queue, l)
			}
		}
		for _, sd := range d.Servers {
			s := w.Server(sd.Hostname)
			if sd.NetworkLayer == nil {
				if len(s.Links) != 0 {
					t.Errorf("seed %d: %s is linked", seed, sd.Hostname)
				}
			} else if depth[sd.Hostname] != *sd.NetworkLayer {
				t.Errorf("seed %d: %s at depth %d, layer %d", seed, sd.Hostname, depth[sd.Hostname], *sd.NetworkLayer)
			}
			in := func(name string, x float64, v dataValue) {
				if v.isRange && (x < v.min || x > v.max || x != float64(int64(x))) {
					t.Errorf("seed %d: %s %s = %v outside [%v, %v]", seed, sd.Hostname, name, x, v.min, v.max)
				}
			}
			in("security", s.BaseDifficulty, sd.HackDifficulty)
			in("money", s.MoneyAvailable, sd.MoneyAvailable)
			in("level", s.RequiredHackingSkill, sd.RequiredHackingSkill)
			in("growth", s.ServerGrowth, sd.ServerGrowth)
			if s.MoneyMax != 25*s.MoneyAvailable || s.HackDifficulty != s.BaseDifficulty {
				t.Errorf("seed %d: %s derived values wrong", seed, sd.Hostname)
			}
		}
	}
}

func TestBuild_notEmpty(t *testing.T) {
	w := newWorld(t)
	if err := w.AddServer(&world.Server{Hostname: "x"}); err != nil {
		t.Fatal(err)
	}
	for name, build := range map[string]func(*world.World) error{
		"Build":        func(w *world.World) error { return Build(w, 1) },
		"BuildDefault": BuildDefault,
	} {
		if err := build(w); !errors.Is(err, ErrNotEmpty) {
			t.Errorf("%s on a non-empty world: %v", name, err)
		}
	}
}

// TestUnlinked checks that darkweb and w0r1d_d43m0n exist but scripts
// cannot see them, as in a fresh game.
func TestUnlinked(t *testing.T) {
	w := newWorld(t)
	if err := BuildDefault(w); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"darkweb", "w0r1d_d43m0n"} {
		if w.Server(h) == nil {
			t.Errorf("%s missing", h)
		}
		if _, err := w.GetServerMaxRam(h); !errors.Is(err, world.ErrInvalidHostname) {
			t.Errorf("%s visible to scripts: %v", h, err)
		}
	}
	names, err := Hostnames()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 70 || names[0] != "home" || slices.Contains(names, "darkweb") || !slices.Contains(names, "CSEC") {
		t.Errorf("Hostnames = %d names %v…", len(names), names[:3])
	}
}

// TestRandomInt checks getRandomInt against the game's vectors.
func TestRandomInt(t *testing.T) {
	b, err := gamedata.Read("vectors/random_int.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Cases []struct {
			In struct {
				Min, Max, Random float64
			} `json:"in"`
			Out float64 `json:"out"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.Cases {
		bd := &builder{random: func() float64 { return c.In.Random }}
		if got := bd.randomInt(c.In.Min, c.In.Max); got != c.Out {
			t.Errorf("getRandomInt(%v, %v) with %v = %v, want %v", c.In.Min, c.In.Max, c.In.Random, got, c.Out)
		}
	}
}

// TestNewIP checks that an IP already taken is drawn again, four draws
// each time, as createUniqueRandomIp does.
func TestNewIP(t *testing.T) {
	draws := []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.1, 0.5, 0.5, 0.5}
	n := 0
	b := &builder{drawIPs: true, ips: make(map[string]bool), random: func() float64 {
		n++
		return draws[n-1]
	}}
	b.newIP()
	b.newIP()
	if n != 12 || !b.ips["50.5.5.5"] || !b.ips["10.5.5.5"] {
		t.Errorf("%d draws, IPs %v", n, b.ips)
	}
}

func TestDataValue_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    dataValue
		truthy  bool
		wantErr bool
	}{
		{"null", dataValue{}, false, false},
		{"0", dataValue{set: true}, false, false},
		{"25", dataValue{set: true, fixed: 25}, true, false},
		{`{"min": 3, "max": 6}`, dataValue{set: true, isRange: true, min: 3, max: 6}, true, false},
		{`{"min": 3}`, dataValue{}, false, true},
		{`"x"`, dataValue{}, false, true},
	}
	for _, tt := range tests {
		var v dataValue
		err := json.Unmarshal([]byte(tt.in), &v)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v", tt.in, err)
			continue
		}
		if err == nil && (v != tt.want || v.truthy() != tt.truthy) {
			t.Errorf("%s = %+v (truthy %v), want %+v (%v)", tt.in, v, v.truthy(), tt.want, tt.truthy)
		}
	}
}
