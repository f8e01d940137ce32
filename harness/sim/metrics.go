package sim

import "math"

// MoneyMark is the hacking money made by a point of the run.
type MoneyMark struct {
	TMin  float64 `json:"t_min"`
	Money float64 `json:"money"`
	// End marks the run's last sample (the mark is then the run length).
	End bool `json:"end,omitempty"`
}

// UseWindow is how much of the RAM that could work did, over ten minutes
// of the run. A sample at t s belongs to the window with
// from_min·60 < t ≤ to_min·60: it measures the time up to t.
type UseWindow struct {
	FromMin float64 `json:"from_min"`
	ToMin   float64 `json:"to_min"`
	// Mean is the mean of used / min(usable, useful) over the window's
	// samples where that minimum is not 0; null when there are none.
	Mean *float64 `json:"mean"`
	// Saturated: useful < usable on most of the window's samples, so RAM
	// was idle because every target was at full depth with its prep.
	Saturated bool `json:"saturated"`
	// IdleGB is the mean of min(usable, useful) − used, GB; of it,
	// UnallocatedGB was in no allocation (the selector left it), the rest
	// was held by tasks and no worker used it (between batches).
	IdleGB        float64 `json:"idle_gb"`
	UnallocatedGB float64 `json:"unallocated_gb"`
}

const windowMin = 10

type moneySample struct{ t, m float64 } // ms, $

// moneyAt reads the money made at each mark within a run of end ms, and
// at its end, from samples in time order. A mark takes the last sample at
// or before it, never an interpolation; with a sample period that divides
// ten minutes (1 s by default) a sample lands on every mark.
func moneyAt(samples []moneySample, end float64) []MoneyMark {
	if len(samples) == 0 {
		return nil
	}
	at := func(t float64) float64 {
		m := 0.0
		for _, s := range samples {
			if s.t > t {
				break
			}
			m = s.m
		}
		return round(m)
	}
	var out []MoneyMark
	for _, mark := range [...]float64{10, 20, 40, 60} { // minutes
		if t := mark * 60000; t <= end {
			out = append(out, MoneyMark{TMin: mark, Money: at(t), End: t == end})
		}
	}
	if n := len(out); n == 0 || !out[n-1].End {
		out = append(out, MoneyMark{TMin: round(end / 60000), Money: at(end), End: true})
	}
	return out
}

// moneyEveryMs is the game time between two points of the summary's
// money series.
const moneyEveryMs = 10000

// moneySeries thins money samples in time order to [t s, $] points: the
// first sample of every period ms of game time, and the last sample, so
// the series ends with the run's total.
func moneySeries(samples []moneySample, period float64) [][2]float64 {
	var out [][2]float64
	last := -1.0
	for i, s := range samples {
		if b := math.Floor(s.t / period); b > last || i == len(samples)-1 {
			last = b
			out = append(out, [2]float64{round(s.t / 1000), round(s.m)})
		}
	}
	return out
}

// useWindows cuts the samples [t s, used, usable, useful, allocated GB]
// of a run of end ms into ten-minute windows, and returns them with the
// lowest mean of the windows from ten minutes on (nil when none has one).
func useWindows(util [][5]float64, end float64) ([]UseWindow, *float64) {
	n := int(math.Ceil(end / (windowMin * 60000)))
	type acc struct {
		ratio, idle, unallocated float64
		rated, samples           int
		saturated                int
	}
	accs := make([]acc, n)
	for _, u := range util {
		i := int(math.Ceil(u[0]/(windowMin*60))) - 1
		if i < 0 || i >= n {
			continue
		}
		used, usable, useful, allocated := u[1], u[2], u[3], u[4]
		can := math.Min(usable, useful)
		a := &accs[i]
		a.samples++
		a.idle += can - used
		a.unallocated += math.Max(0, can-allocated)
		if useful < usable {
			a.saturated++
		}
		if can > 0 {
			a.ratio += used / can
			a.rated++
		}
	}
	out := make([]UseWindow, n)
	var low *float64
	for i, a := range accs {
		w := UseWindow{FromMin: float64(i * windowMin), ToMin: math.Min(float64((i+1)*windowMin), round(end/60000))}
		if a.samples > 0 {
			w.IdleGB = round(a.idle / float64(a.samples))
			w.UnallocatedGB = round(a.unallocated / float64(a.samples))
			w.Saturated = 2*a.saturated > a.samples
		}
		if a.rated > 0 {
			m := round(a.ratio / float64(a.rated))
			w.Mean = &m
			if w.FromMin >= windowMin && (low == nil || m < *low) {
				low = &m
			}
		}
		out[i] = w
	}
	return out, low
}
