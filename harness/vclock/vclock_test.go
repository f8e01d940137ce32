package vclock

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

// recorder collects "name@time" strings as timers fire.
type recorder struct {
	l   *Loop
	got []string
}

func (r *recorder) at(name string) func() {
	return func() { r.got = append(r.got, fmt.Sprintf("%s@%g", name, r.l.Now())) }
}

func TestLoop_After_order(t *testing.T) {
	tests := []struct {
		name   string
		delays []float64 // timer i is named "t<i>"
		want   []string
	}{
		{"by time", []float64{30, 10, 20}, []string{"t1@10", "t2@20", "t0@30"}},
		{"ties keep scheduling order", []float64{5, 5, 0, 5}, []string{"t2@0", "t0@5", "t1@5", "t3@5"}},
		{"negative is zero", []float64{1, -5}, []string{"t1@0", "t0@1"}},
		{"NaN is zero", []float64{1, math.NaN()}, []string{"t1@0", "t0@1"}},
		{"zero ties after earlier zero", []float64{0, -1, math.NaN()}, []string{"t0@0", "t1@0", "t2@0"}},
		{"fractional ms", []float64{0.5, 0.25}, []string{"t1@0.25", "t0@0.5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New()
			r := &recorder{l: l}
			for i, d := range tt.delays {
				l.After(d, r.at(fmt.Sprintf("t%d", i)))
			}
			if got := l.Pending(); got != len(tt.delays) {
				t.Fatalf("Pending = %d, want %d", got, len(tt.delays))
			}
			for l.Step() {
			}
			if !reflect.DeepEqual(r.got, tt.want) {
				t.Errorf("fired %v, want %v", r.got, tt.want)
			}
			if l.Pending() != 0 {
				t.Errorf("Pending = %d after draining", l.Pending())
			}
		})
	}
}

func TestLoop_Cancel(t *testing.T) {
	l := New()
	r := &recorder{l: l}
	a := l.After(10, r.at("a"))
	b := l.After(20, r.at("b"))
	c := l.After(30, r.at("c"))
	tests := []struct {
		name string
		id   TimerID
		want bool
	}{
		{"pending", b, true},
		{"already cancelled", b, false},
		{"unknown", TimerID(999), false},
	}
	for _, tt := range tests {
		if got := l.Cancel(tt.id); got != tt.want {
			t.Errorf("%s: Cancel = %v, want %v", tt.name, got, tt.want)
		}
	}
	if l.Pending() != 2 {
		t.Fatalf("Pending = %d, want 2", l.Pending())
	}
	l.Step()
	if l.Cancel(a) {
		t.Error("Cancel of a fired timer = true")
	}
	l.RunUntil(100)
	if want := []string{"a@10", "c@30"}; !reflect.DeepEqual(r.got, want) {
		t.Errorf("fired %v, want %v", r.got, want)
	}
	if l.Cancel(c) {
		t.Error("Cancel after firing = true")
	}
}

func TestLoop_After_fromInsideTimers(t *testing.T) {
	l := New()
	r := &recorder{l: l}
	var selfID TimerID
	l.After(10, func() {
		r.at("outer")()
		l.After(0, r.at("zero"))  // due now: runs after the already-due tie below
		l.After(5, r.at("later")) // 15
		l.Cancel(selfID)          // the firing timer is no longer pending
		selfID = l.After(-3, r.at("neg"))
	})
	l.After(10, r.at("tie"))
	l.RunUntil(15)
	want := []string{"outer@10", "tie@10", "zero@10", "neg@10", "later@15"}
	if !reflect.DeepEqual(r.got, want) {
		t.Errorf("fired %v, want %v", r.got, want)
	}
}

func TestLoop_Cancel_fromInsideTimer(t *testing.T) {
	l := New()
	r := &recorder{l: l}
	var victim TimerID
	l.After(1, func() {
		if !l.Cancel(victim) {
			t.Error("Cancel of a pending timer from inside a timer = false")
		}
	})
	victim = l.After(1, r.at("victim"))
	l.RunFor(10)
	if len(r.got) != 0 {
		t.Errorf("cancelled timer fired: %v", r.got)
	}
}

func TestLoop_RunUntil(t *testing.T) {
	tests := []struct {
		name     string
		delays   []float64
		until    float64
		wantRun  int
		wantNow  float64
		wantLeft int
	}{
		{"due exactly at t runs", []float64{10}, 10, 1, 10, 0},
		{"just after t waits", []float64{10.000001}, 10, 0, 10, 1},
		{"no timers still moves the clock", nil, 42, 0, 42, 0},
		{"past t does not rewind", []float64{5}, -1, 0, 0, 1},
		{"NaN runs nothing", []float64{0}, math.NaN(), 0, 0, 1},
		{"several", []float64{1, 2, 3, 4}, 2.5, 2, 2.5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New()
			run := 0
			for _, d := range tt.delays {
				l.After(d, func() { run++ })
			}
			l.RunUntil(tt.until)
			if run != tt.wantRun || l.Now() != tt.wantNow || l.Pending() != tt.wantLeft {
				t.Errorf("ran %d, Now %g, Pending %d; want %d, %g, %d",
					run, l.Now(), l.Pending(), tt.wantRun, tt.wantNow, tt.wantLeft)
			}
		})
	}
}

func TestLoop_RunFor(t *testing.T) {
	l := New()
	r := &recorder{l: l}
	l.After(100, r.at("a"))
	l.RunFor(60)
	l.RunFor(-5) // no-op
	l.RunFor(math.NaN())
	if l.Now() != 60 || len(r.got) != 0 {
		t.Fatalf("Now %g fired %v, want 60 and nothing", l.Now(), r.got)
	}
	l.RunFor(40)
	if l.Now() != 100 || !reflect.DeepEqual(r.got, []string{"a@100"}) {
		t.Errorf("Now %g fired %v, want 100 and [a@100]", l.Now(), r.got)
	}
}

func TestLoop_Step(t *testing.T) {
	l := New()
	if l.Step() {
		t.Fatal("Step on an empty loop = true")
	}
	if _, ok := l.NextAt(); ok {
		t.Fatal("NextAt on an empty loop reports a timer")
	}
	l.RunUntil(50)
	l.After(25, func() {})
	if at, ok := l.NextAt(); !ok || at != 75 {
		t.Fatalf("NextAt = %g, %v; want 75, true", at, ok)
	}
	if !l.Step() || l.Now() != 75 {
		t.Errorf("Step: Now = %g, want 75", l.Now())
	}
}

func TestLoop_SetAfterEach(t *testing.T) {
	l := New()
	var got []string
	l.SetAfterEach(func() { got = append(got, fmt.Sprintf("hook@%g", l.Now())) })
	l.After(1, func() { got = append(got, "a") })
	l.After(2, func() { got = append(got, "b") })
	l.RunUntil(1)
	l.SetAfterEach(nil)
	l.RunUntil(2)
	want := []string{"a", "hook@1", "b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestLoop_Step_nestedPanics(t *testing.T) {
	tests := []struct {
		name string
		run  func(l *Loop)
	}{
		{"Step", func(l *Loop) { l.Step() }},
		{"RunUntil", func(l *Loop) { l.RunUntil(10) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New()
			l.After(0, func() {})
			var recovered any
			l.After(0, func() {
				defer func() { recovered = recover() }()
				tt.run(l)
			})
			l.RunUntil(0)
			if recovered == nil {
				t.Error("nested run did not panic")
			}
			// The loop is still usable afterwards.
			fired := false
			l.After(1, func() { fired = true })
			l.RunFor(1)
			if !fired {
				t.Error("loop stuck after a recovered nested run")
			}
		})
	}
}

func TestLoop_deterministic(t *testing.T) {
	run := func() []string {
		l := New()
		r := &recorder{l: l}
		for i := 0; i < 50; i++ {
			i := i
			l.After(float64((i*37)%11), func() {
				r.at(fmt.Sprint(i))()
				if i%3 == 0 {
					l.After(float64(i%4), r.at(fmt.Sprintf("c%d", i)))
				}
			})
		}
		l.RunUntil(1000)
		return r.got
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Error("two identical runs fired differently")
	}
}
