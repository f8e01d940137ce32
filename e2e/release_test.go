package e2e

import (
	"slices"
	"strings"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/harness/scenario"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// TestReleases starts the same scripts in each game release: each finds
// out which release it runs in from the ns object alone, ramfarm runs and
// earns on every one, and the world is the release's (world servers with
// more than one core from 2.6.2).
func TestReleases(t *testing.T) {
	want := map[gamedata.Release]string{gamedata.Release261: "2.6.1", gamedata.Release281: "2.8", gamedata.Release30: "3.0"}
	for _, rel := range gamedata.Releases {
		t.Run(string(rel), func(t *testing.T) {
			g, _ := scenarioGame(t, "../scenarios/bn1-start.json", func(sc *scenario.Scenario) { sc.Release = rel },
				jsglue.Files(coretest.Wasm(t)))
			start, err := g.Exec("ramfarm/start.js", "home", 1)
			if err != nil {
				t.Fatal(err)
			}
			run(t, g, 10*60_000)
			if !slices.Contains(g.Logs(start), "INFO start: game release "+want[rel]) {
				t.Errorf("start.js's log %q does not name release %s", g.Logs(start), want[rel])
			}
			if g.Stats().Money == 0 {
				t.Errorf("no money after 10 minutes on %s", rel)
			}
			cores := 0
			for _, s := range g.World.Servers() {
				if !s.IsHome && !s.Purchased {
					cores = max(cores, s.Cores)
				}
			}
			if many := rel.In(gamedata.WorldCores); (cores > 1) != many {
				t.Errorf("%s: the most cores on a world server is %d", rel, cores)
			}
			if touched := g.RemovedTouched(); len(touched) > 0 {
				t.Errorf("on %s, scripts read names the release removed: %v", rel, touched)
			}
			for _, l := range g.Terminal() {
				if strings.Contains(l, "ERROR") || strings.Contains(l, "WARN") {
					t.Errorf("terminal: %s", l)
				}
			}
		})
	}
}
