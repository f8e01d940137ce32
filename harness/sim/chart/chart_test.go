package chart

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"ramfarm/harness/sim"
)

// run is a made-up summary of a 20-minute run: money rising by rate $/s,
// RAM samples every second, and the given jumps.
func run(policy string, rate float64, jumps ...sim.Jump) sim.Result {
	r := sim.Result{Policy: policy, SimSeconds: 1200, Jumps: jumps}
	for t := 1.0; t <= 1200; t++ {
		if int(t)%10 == 1 || t == 1200 {
			r.Money = append(r.Money, [2]float64{t, rate * t})
		}
		usable := 8.0
		if t > 600 {
			usable = 40
		}
		r.RAMUtil = append(r.RAMUtil, [5]float64{t, usable * 0.8, usable, 30, usable})
	}
	r.MoneyTotal = rate * 1200
	return r
}

// usefulGB sets the useful RAM of every sample of r to gb.
func usefulGB(r sim.Result, gb float64) sim.Result {
	for i := range r.RAMUtil {
		r.RAMUtil[i][3] = gb
	}
	return r
}

func TestWrite(t *testing.T) {
	jump := sim.Jump{T: 601, NewGB: 32}
	for _, tt := range []struct {
		name  string
		runs  []sim.Result
		texts []string // each must be in the picture
		jumps int      // panels with RAM jump marks (legend entries)
	}{
		{"three policies, two with jumps", []sim.Result{run("grow", 50, jump), run("greedy", 30, jump), run("restart", 40)},
			[]string{">bn1-test: hacking money made<", ">grow<", ">greedy<", ">restart<", ">grow: RAM, GB (means over 3 s)<",
				">usable<", ">useful<", ">used<", ">$60k<"}, 2},
		{"a run with no selector", []sim.Result{run("", 10)}, []string{">run<", ">run: RAM, GB (means over 3 s)<"}, 0},
		{"useful far above the axis says how far", []sim.Result{usefulGB(run("grow", 10), 2.5e7)},
			[]string{">useful (cut at the top; peak 2.5e+07 GB)<"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := Write(&a, "bn1-test", tt.runs); err != nil {
				t.Fatal(err)
			}
			if err := Write(&b, "bn1-test", tt.runs); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("the same runs drew different bytes")
			}
			svg := a.String()
			if !strings.HasPrefix(svg, "<?xml") || !strings.HasSuffix(svg, "</svg>\n") {
				t.Errorf("not a whole SVG document: %.60q ... %q", svg, svg[max(0, len(svg)-20):])
			}
			for _, s := range tt.texts {
				if !strings.Contains(svg, s) {
					t.Errorf("no %q in the picture", s)
				}
			}
			if n := strings.Count(svg, ">RAM jump<"); n != tt.jumps {
				t.Errorf("%d panels mark RAM jumps, want %d", n, tt.jumps)
			}
			if len(svg) > 400_000 {
				t.Errorf("%d bytes: the picture should stay small", len(svg))
			}
		})
	}
	if err := Write(&bytes.Buffer{}, "empty", nil); err == nil {
		t.Error("no runs: no error")
	}
}

// The marks are vertical lines across the panel at each jump's time,
// and none for a jump outside the axis.
func TestJumpMarks_Plot(t *testing.T) {
	rec := &recorder.Canvas{}
	c := draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: 100, Y: 50}}}
	p := plot.New()
	p.X.Min, p.X.Max = 0, 10 // minutes
	jumpMarks{{T: 60}, {T: 300}, {T: 900}}.Plot(c, p)
	var lines [][2]vg.Point
	for _, a := range rec.Actions {
		if s, ok := a.(*recorder.Stroke); ok {
			if len(s.Path) != 2 {
				t.Fatalf("a mark of %d path parts", len(s.Path))
			}
			lines = append(lines, [2]vg.Point{s.Path[0].Pos, s.Path[1].Pos})
		}
	}
	want := [][2]vg.Point{{{X: 10, Y: 0}, {X: 10, Y: 50}}, {{X: 50, Y: 0}, {X: 50, Y: 50}}}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("marks %v, want %v", lines, want)
	}
}

func TestIncome(t *testing.T) {
	for _, tt := range []struct {
		name   string
		money  [][2]float64
		window float64
		want   [][2]float64
	}{
		{"from the start while the window is not full", [][2]float64{{0, 0}, {10, 100}, {20, 300}}, 300,
			[][2]float64{{10, 10}, {20, 15}}},
		{"the window slides", [][2]float64{{0, 0}, {10, 100}, {20, 300}, {30, 300}}, 10,
			[][2]float64{{10, 10}, {20, 20}, {30, 0}}},
		{"a gap longer than the window still measures", [][2]float64{{0, 0}, {100, 500}}, 10,
			[][2]float64{{100, 5}}},
		{"one point has no income", [][2]float64{{5, 50}}, 300, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := income(tt.money, tt.window); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("income = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestThin(t *testing.T) {
	util := func(ts ...float64) [][5]float64 {
		var out [][5]float64
		for _, t := range ts {
			out = append(out, [5]float64{t, t * 2, 10, 20, t})
		}
		return out
	}
	for _, tt := range []struct {
		name string
		util [][5]float64
		n    int
		want [][5]float64
	}{
		{"few samples stay", util(1, 2, 3), 5, util(1, 2, 3)},
		{"means of runs of two", util(1, 2, 3, 4), 2, [][5]float64{{1.5, 3, 10, 20, 1.5}, {3.5, 7, 10, 20, 3.5}}},
		{"a shorter last run", util(1, 2, 3, 4, 5), 2, [][5]float64{{2, 4, 10, 20, 2}, {4.5, 9, 10, 20, 4.5}}},
		{"nothing", nil, 5, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := thin(tt.util, tt.n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("thin = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDollars(t *testing.T) {
	for _, tt := range []struct {
		x    float64
		want string
	}{
		{0, "$0"}, {950, "$950"}, {1500, "$1.5k"}, {60000, "$60k"}, {12e6, "$12m"}, {2.5e9, "$2.5b"}, {1e18, "$1e+03q"},
		{math.Round(123456), "$123k"},
	} {
		if got := dollars(tt.x); got != tt.want {
			t.Errorf("dollars(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
}
