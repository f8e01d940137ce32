package e2e

import (
	"strings"
	"testing"

	"ramfarm/harness"
)

// homeWork is the RAM ramfarm's tasks and workers use on home (not its
// daemons: a running daemon cannot move, so it stays where it was seated).
func homeWork(g *harness.Game) (gb float64) {
	ps, _ := g.World.PS("home")
	for _, p := range ps {
		switch p.Filename {
		case "ramfarm/memd.js", "ramfarm/discover.js", "ramfarm/selector.js":
			continue
		}
		if strings.HasPrefix(p.Filename, "ramfarm/") {
			ram, _ := g.ScriptRAM("home", p.Filename)
			gb += ram * float64(p.Threads)
		}
	}
	return gb
}

// TestConfigFile: ramfarm/config.json changed while ramfarm runs. A
// larger home reserve is applied at once: ramfarm's work leaves home as
// its workers end, and nothing new starts there. A file that is not
// valid says WARN with what is wrong and leaves the settings as they
// were; a file start.js cannot use stops it with an ERROR.
func TestConfigFile(t *testing.T) {
	g := startedGame(t, nil)
	run(t, g, 3*60_000)
	if gb := homeWork(g); gb == 0 {
		t.Fatal("nothing of ramfarm's works on home (32 GB, 8 reserved): the test would prove nothing")
	}
	memd := memdPid(t, g)
	set := func(text string) {
		t.Helper()
		if err := g.Install("home", map[string]string{"ramfarm/config.json": text}); err != nil {
			t.Fatal(err)
		}
	}
	logged := func(want string) bool {
		for _, l := range g.Logs(memd) {
			if strings.Contains(l, want) {
				return true
			}
		}
		return false
	}

	set(`{"reserve": 30}`)
	run(t, g, 5000)
	for _, want := range []string{"INFO memd: settings from ramfarm/config.json: reserve 30 GB on home", "INFO config: home reserve 8GB -> 30GB"} {
		if !logged(want) {
			t.Errorf("memd's log lacks %q:\n%s", want, strings.Join(g.Logs(memd), "\n"))
		}
	}
	run(t, g, 5*60_000)
	if gb := homeWork(g); gb != 0 {
		t.Errorf("%.2f GB of ramfarm's work still on home 5 minutes after reserving 30 of its 32 GB", gb)
	}

	for _, tt := range []struct{ file, warn string }{
		{`{"reserve": 30`, "WARN memd: ramfarm/config.json is not JSON"},
		{`{"reserv": 4}`, "WARN memd: ramfarm/config.json: unknown setting reserv"},
		{`{"reserve": -4}`, "the previous settings stay"},
	} {
		set(tt.file)
		run(t, g, 3000)
		if !logged(tt.warn) {
			t.Errorf("%s: memd's log lacks %q", tt.file, tt.warn)
		}
	}
	run(t, g, 60_000)
	if gb := homeWork(g); gb != 0 {
		t.Errorf("after bad files, %.2f GB of work is on home again: the 30 GB reserve did not stay", gb)
	}

	set(`[1]`)
	if _, err := g.Exec("ramfarm/start.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	run(t, g, 2000)
	mustSay(t, g, "ERROR start: ramfarm/config.json must hold one JSON object")
}
