package remote

import (
	"math"
	"testing"
)

func TestRAMTable(t *testing.T) {
	nan := math.NaN()
	for _, tt := range []struct {
		name   string
		rows   []ramRow
		report bool
		want   string
	}{
		{"with a report", []ramRow{
			{file: "ramfarm/start.js", game: 4.8, report: 4.8},
			{file: "ramfarm/w/hack.js", game: 1.75, report: 1.7},
			{file: "ramfarm/w/grow.js", game: 1.75, report: 1.754}, // equal at the game's precision
			{file: "ramfarm/lib/core.js", game: 1.6, report: nan},
			{file: "ramfarm/till.js", game: nan, report: 4.4, failed: true},
		}, true, "" +
			"script               game GB  report GB\n" +
			"ramfarm/start.js        4.80       4.80\n" +
			"ramfarm/w/hack.js       1.75       1.70  MISMATCH\n" +
			"ramfarm/w/grow.js       1.75       1.75\n" +
			"ramfarm/lib/core.js     1.60          -\n" +
			"ramfarm/till.js        error       4.40\n"},
		{"without one", []ramRow{
			{file: "a.js", game: 4.8, report: nan},
			{file: "b.js", game: nan, report: nan, failed: true},
		}, false, "" +
			"script  game GB\n" +
			"a.js       4.80\n" +
			"b.js      error\n"},
	} {
		if got := ramTable(tt.rows, tt.report); got != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}
