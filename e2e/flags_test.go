package e2e

import (
	"path"
	"strings"
	"testing"

	"ramfarm/harness/world"
	"ramfarm/internal/coretest"
	"ramfarm/jsglue"
)

// Every script a player runs answers --help with its usage, and a
// mistyped flag gets what was wrong and the usage, never the game's error
// popup (a crash): the script ends on its own.
func TestScriptsHelpAndBadFlags(t *testing.T) {
	var scripts []string
	for _, name := range jsglue.Names(jsglue.Files(coretest.Wasm(t))) {
		if path.Dir(name) == "ramfarm" {
			scripts = append(scripts, name)
		}
	}
	if len(scripts) < 10 {
		t.Fatalf("only %d scripts: %v", len(scripts), scripts)
	}
	for _, script := range scripts {
		for _, tc := range []struct {
			args []any
			want string
		}{
			{[]any{"--help"}, "usage: run " + script},
			{[]any{"--no-such-flag", "1"}, "ERROR " + strings.TrimSuffix(path.Base(script), ".js") + ": "},
		} {
			t.Run(path.Base(script)+" "+tc.args[0].(string), func(t *testing.T) {
				g, _ := newGame(t, 64)
				pid, err := g.Exec(script, "home", 1, tc.args...)
				if err != nil {
					t.Fatal(err)
				}
				run(t, g, 1000)
				reason, ended := g.Exited(pid)
				if !ended || reason != world.ExitFinished {
					t.Errorf("ended %v (%v), want finished", ended, reason)
				}
				if out := strings.Join(g.Terminal(), "\n"); !strings.Contains(out, tc.want) {
					t.Errorf("terminal lacks %q:\n%s", tc.want, out)
				}
			})
		}
	}
}
