package harness

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// A script pair that answers each other's port writes at once never lets
// game time pass: in the game it freezes the page. The harness stops the
// run with ErrFrozen, naming the last ns call, instead of spinning (and
// growing its logs) until the machine runs out of memory. A script that
// awaits its timers runs on untouched under the same limit.
func TestGame_frozen(t *testing.T) {
	pingPong := func(mine, theirs int) string {
		return `export async function main(ns) {
  const h = ns.getPortHandle(` + itoa(int64(mine)) + `);
  ns.writePort(` + itoa(int64(theirs)) + `, "hi");
  for (;;) {
    await h.nextWrite();
    h.read();
    ns.print("pong");
    ns.writePort(` + itoa(int64(theirs)) + `, "hi");
  }
}`
	}
	tests := []struct {
		name    string
		files   map[string]string
		scripts []string
		frozen  bool
	}{
		{"port ping-pong", map[string]string{"a.js": pingPong(1, 2), "b.js": pingPong(2, 1)}, []string{"b.js", "a.js"}, true},
		{"settled promises only", map[string]string{"a.js": `export async function main(ns) { for (;;) { ns.getHostname(); await Promise.resolve(); } }`}, []string{"a.js"}, true},
		{"sleeps", map[string]string{"a.js": `export async function main(ns) { for (;;) { ns.getHostname(); await ns.sleep(1); } }`}, []string{"a.js"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := homeGame(t, Config{Seed: 1, FreezeAfter: 300 * time.Millisecond})
			if err := g.Install("home", tc.files); err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.scripts {
				if _, err := g.Exec(s, "home", 1); err != nil {
					t.Fatal(err)
				}
			}
			err := g.RunFor(5000)
			switch {
			case !tc.frozen && err != nil:
				t.Fatalf("run: %v", err)
			case tc.frozen && !errors.Is(err, ErrFrozen):
				t.Fatalf("run: %v, want ErrFrozen", err)
			case tc.frozen && !strings.Contains(err.Error(), "last ns call was "):
				t.Errorf("the report names no ns call: %v", err)
			case tc.frozen && g.RunFor(1000) == nil:
				t.Errorf("a frozen game ran on")
			case tc.frozen && len(g.Faults()) != 1:
				t.Errorf("faults %v, want the freeze once", g.Faults())
			}
		})
	}
}

// A kill from a clock callback runs the killed script's atExit inside the
// clock's own step: one run under one timer, not a freeze when it ends.
func TestGame_killFromClockIsNoFreeze(t *testing.T) {
	g := homeGame(t, Config{Seed: 1, FreezeAfter: 300 * time.Millisecond})
	if err := g.Install("home", map[string]string{"a.js": `export async function main(ns) { ns.atExit(() => ns.print("bye")); await ns.sleep(1e9); }`}); err != nil {
		t.Fatal(err)
	}
	pid, err := g.Exec("a.js", "home", 1)
	if err != nil {
		t.Fatal(err)
	}
	g.Clock.After(100, func() { g.Kill(pid) })
	if err := g.RunFor(1000); err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, ended := g.Exited(pid); !ended || len(g.Faults()) > 0 {
		t.Errorf("ended %v, faults %v", ended, g.Faults())
	}
}
