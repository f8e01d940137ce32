// Package chart draws the simulation's runs as one SVG picture: money
// and income over time, one line per policy, and the RAM each policy had
// and put to work, with its RAM jumps marked. It reads only the runs'
// summaries (sim.Result), so a picture can be drawn again from --json
// output, and the same summaries give the same bytes.
package chart

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"ramfarm/harness/sim"
)

const (
	width     = 24 * vg.Centimeter
	rowHeight = 7 * vg.Centimeter
	// incomeWindowS is the window of the income panel: the income at t is
	// the money made over the 5 minutes before it, per second (the
	// table's income at the end is the same measure).
	incomeWindowS = 300
	// maxPoints is the most points a RAM line has: a run's per-second
	// samples are averaged down to it, which keeps the file small and the
	// lines readable.
	maxPoints = 400
)

// policyColors tell the policies apart, in the order of the runs.
var policyColors = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
}

var (
	gray      = color.Gray{Y: 0x60}
	jumpColor = color.Gray{Y: 0xa0}
	dashed    = []vg.Length{vg.Points(4), vg.Points(3)}
	dotted    = []vg.Length{vg.Points(1), vg.Points(2)}
)

// Write draws runs of the scenario named title as an SVG picture to w:
// a money panel, an income panel and one RAM panel per run, one above
// the other, on one time axis in minutes.
func Write(w io.Writer, title string, runs []sim.Result) error {
	if len(runs) == 0 {
		return errors.New("chart: no runs to draw")
	}
	plots := []*plot.Plot{moneyPlot(title, runs), incomePlot(runs)}
	for i, r := range runs {
		plots = append(plots, ramPlot(r, policyColors[i%len(policyColors)]))
	}
	var end float64
	for _, r := range runs {
		end = math.Max(end, r.SimSeconds/60)
	}
	rows := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		p.X.Min, p.X.Max = 0, end
		p.X.Label.Text = "game time, min"
		p.Legend.Top, p.Legend.Left = true, true
		rows[i] = []*plot.Plot{p}
	}
	c := vgsvg.New(width, rowHeight*vg.Length(len(plots)))
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadX: vg.Millimeter, PadY: 4 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 4 * vg.Millimeter}
	for i, canvases := range plot.Align(rows, tiles, dc) {
		rows[i][0].Draw(canvases[0])
	}
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

// name is a run's label: its policy, or "run" for a scenario with no
// selector to vary.
func name(r sim.Result) string {
	if r.Policy == "" {
		return "run"
	}
	return r.Policy
}

func moneyPlot(title string, runs []sim.Result) *plot.Plot {
	p := plot.New()
	p.Title.Text = title + ": hacking money made"
	p.Y.Label.Text = "money"
	p.Y.Tick.Marker = dollarTicks{}
	p.Y.Min = 0
	for i, r := range runs {
		addLine(p, name(r), pointsOf(r.Money, func(s [2]float64) (float64, float64) { return s[0] / 60, s[1] }),
			policyColors[i%len(policyColors)], nil)
	}
	return p
}

func incomePlot(runs []sim.Result) *plot.Plot {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("income: money made over the last %d minutes, per second", incomeWindowS/60)
	p.Y.Label.Text = "$/s"
	p.Y.Tick.Marker = dollarTicks{}
	p.Y.Min = 0
	for i, r := range runs {
		addLine(p, name(r), pointsOf(income(r.Money, incomeWindowS), func(s [2]float64) (float64, float64) { return s[0] / 60, s[1] }),
			policyColors[i%len(policyColors)], nil)
	}
	return p
}

// ramPlot draws one run's RAM: what ramfarm could allocate (usable), what
// the best plan could put to work (useful) and what was at work (used),
// with a mark at each RAM jump. The axis ends at 1.2 times the most
// usable RAM: useful can be far larger, and then the legend says how
// large.
func ramPlot(r sim.Result, c color.Color) *plot.Plot {
	p := plot.New()
	p.Title.Text = name(r) + ": RAM, GB (" + pointSpan(r.RAMUtil) + ")"
	p.Y.Label.Text = "GB"
	util := thin(r.RAMUtil, maxPoints)
	field := func(i int) plotter.XYs {
		return pointsOf(util, func(u [5]float64) (float64, float64) { return u[0] / 60, u[i] })
	}
	var top, peak float64
	for _, u := range r.RAMUtil {
		top = math.Max(top, 1.2*math.Max(u[1], u[2]))
		peak = math.Max(peak, u[3])
	}
	usefulLabel := "useful"
	if peak > top {
		usefulLabel = fmt.Sprintf("useful (cut at the top; peak %.3g GB)", peak)
	}
	addLine(p, "usable", field(2), gray, nil)
	addLine(p, usefulLabel, field(3), gray, dashed)
	addLine(p, "used", field(1), c, nil)
	// Lines widen the axis to their data; the axis is set after them.
	p.Y.Min = 0
	if top > 0 {
		p.Y.Max = top
	}
	if len(r.Jumps) > 0 {
		marks := jumpMarks(r.Jumps)
		p.Add(marks)
		p.Legend.Add("RAM jump", marks)
	}
	return p
}

// addLine adds a line of points, solid or dashed, with its legend entry;
// a line with no points adds nothing.
func addLine(p *plot.Plot, label string, pts plotter.XYs, c color.Color, dashes []vg.Length) {
	if len(pts) == 0 {
		return
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		// Only NaN or infinite coordinates fail, and a summary has none:
		// JSON cannot hold them.
		panic(fmt.Sprintf("chart: %s: %v", label, err))
	}
	l.Color = c
	l.Dashes = dashes
	l.Width = vg.Points(1.2)
	p.Add(l)
	p.Legend.Add(label, l)
}

func pointsOf[T any](xs []T, xy func(T) (float64, float64)) plotter.XYs {
	pts := make(plotter.XYs, len(xs))
	for i, x := range xs {
		pts[i].X, pts[i].Y = xy(x)
	}
	return pts
}

// income turns a money series [t s, $] in time order into the income at
// each point but the first: the money made since the earliest point at
// most window s before it (or the point before it, after a longer gap),
// per second.
func income(money [][2]float64, window float64) [][2]float64 {
	var out [][2]float64
	from := 0
	for i := 1; i < len(money); i++ {
		t, m := money[i][0], money[i][1]
		for from < i-1 && money[from][0] < t-window {
			from++
		}
		if dt := t - money[from][0]; dt > 0 { // points at one time: no rate
			out = append(out, [2]float64{t, (m - money[from][1]) / dt})
		}
	}
	return out
}

// thin averages RAM samples down to at most n points: each point is the
// mean of a run of consecutive samples, all runs of one length but the
// last.
func thin(util [][5]float64, n int) [][5]float64 {
	k := bucket(len(util), n)
	if k == 1 {
		return util
	}
	var out [][5]float64
	for i := 0; i < len(util); i += k {
		part := util[i:min(i+k, len(util))]
		var mean [5]float64
		for _, u := range part {
			for j := range mean {
				mean[j] += u[j] / float64(len(part))
			}
		}
		out = append(out, mean)
	}
	return out
}

// bucket is how many of count samples thin averages into a point.
func bucket(count, n int) int { return max(1, (count+n-1)/n) }

// pointSpan says what a point of a RAM panel is: a sample, or the mean of
// the samples over some seconds of game time.
func pointSpan(util [][5]float64) string {
	k := bucket(len(util), maxPoints)
	if k == 1 || len(util) < 2 {
		return "every sample"
	}
	gap := (util[len(util)-1][0] - util[0][0]) / float64(len(util)-1)
	return fmt.Sprintf("means over %.0f s", float64(k)*gap)
}

// jumpMarks draw a vertical line across the panel at each RAM jump.
type jumpMarks []sim.Jump

var markStyle = draw.LineStyle{Color: jumpColor, Width: vg.Points(0.8), Dashes: dotted}

// Plot implements plot.Plotter.
func (m jumpMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, j := range m {
		x := trX(j.T / 60)
		if x >= c.Min.X && x <= c.Max.X {
			c.StrokeLine2(markStyle, x, c.Min.Y, x, c.Max.Y)
		}
	}
}

// Thumbnail implements plot.Thumbnailer: the legend's sample of a mark.
func (jumpMarks) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(markStyle, x, c.Min.Y, x, c.Max.Y)
}

// dollarTicks label an axis in dollars the way the game abbreviates
// them: $0, $500k, $1.5m.
type dollarTicks struct{}

func (dollarTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = dollars(ticks[i].Value)
		}
	}
	return ticks
}

// dollars abbreviates x by thousands, with at most three significant
// digits: $950, $1.5k, $12m.
func dollars(x float64) string {
	const suffixes = " kmbtq"
	i := 0
	for math.Abs(x) >= 1000 && i < len(suffixes)-1 {
		x /= 1000
		i++
	}
	s := fmt.Sprintf("$%.3g", x)
	if i > 0 {
		s += suffixes[i : i+1]
	}
	return s
}
