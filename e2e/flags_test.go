package e2e

import (
	"path"
	"slices"
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
	scripts = append(scripts, jsglue.InstallFile)
	if len(scripts) < 10 {
		t.Fatalf("only %d scripts: %v", len(scripts), scripts)
	}
	// One game for all, with room to start every script at once: one that
	// answers --help or a bad flag ends before it touches anything.
	g, _ := newGame(t, 512)
	if err := g.Install("home", map[string]string{jsglue.InstallFile: jsglue.InstallJS}); err != nil {
		t.Fatal(err)
	}
	type call struct {
		script, arg, want string
		pid               int64
	}
	var calls []call
	for _, script := range scripts {
		name := strings.TrimSuffix(path.Base(script), ".js")
		for _, r := range []call{
			// A terminal line says "FILE: text"; only --help's text starts with the usage.
			{script: script, arg: "--help", want: script + ": usage: run " + script + " "},
			{script: script, arg: "--no-such-flag", want: script + ": ERROR " + name + ": "},
		} {
			pid, err := g.Exec(script, "home", 1, r.arg, "1")
			if err != nil {
				t.Fatal(err)
			}
			r.pid = pid
			calls = append(calls, r)
		}
	}
	run(t, g, 1000)
	term := g.Terminal()
	for _, r := range calls {
		if reason, ended := g.Exited(r.pid); !ended || reason != world.ExitFinished {
			t.Errorf("%s %s: ended %v (%v), want finished", r.script, r.arg, ended, reason)
		}
		if !slices.ContainsFunc(term, func(l string) bool { return strings.Contains(l, r.want) }) {
			t.Errorf("%s %s: terminal lacks %q", r.script, r.arg, r.want)
		}
	}
}
