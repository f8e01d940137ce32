package main

import (
	"strings"
	"testing"

	"ramfarm/harness/sim"
)

func TestPrintUse(t *testing.T) {
	ptr := func(x float64) *float64 { return &x }
	for _, tt := range []struct {
		name    string
		windows []sim.UseWindow
		want    string
	}{
		{"well used, saturated and empty windows", []sim.UseWindow{
			{FromMin: 0, ToMin: 10, Mean: ptr(0.95)},
			{FromMin: 10, ToMin: 20, Mean: ptr(0.5), Saturated: true, IdleGB: 40},
			{FromMin: 20, ToMin: 25},
		}, "  grow     0.95 0.50* -\n"},
		{"idle for other reasons than saturation", []sim.UseWindow{
			{FromMin: 0, ToMin: 10, Mean: ptr(0.6), IdleGB: 12, UnallocatedGB: 5},
			{FromMin: 10, ToMin: 20, Mean: ptr(0.29), Saturated: true},
			{FromMin: 20, ToMin: 30, Mean: ptr(0.899), IdleGB: 3.4},
		}, "  grow     0.60 0.29* 0.89\n" +
			"           RAM idle though targets could use it: 0-10 min (0.60, 12 GB idle, 5 GB of it unallocated), " +
			"20-30 min (0.89, 3 GB idle, 0 GB of it unallocated)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			printUse(&b, sim.Result{Policy: "grow", UseWindows: tt.windows})
			if b.String() != tt.want {
				t.Errorf("printUse:\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}
