package harness

import (
	"errors"
	"strings"
	"testing"

	"ramfarm/harness/network"
)

// TestGame_fileFunctions runs each ns file function from a script and
// checks what it answered (printed by the script) and what home holds
// afterwards: the behaviour an installer relies on.
func TestGame_fileFunctions(t *testing.T) {
	web := map[string]string{"http://x/a.js": "export const A = 1;\n", "http://x/m.json": "{}"}
	fetch := func(url string) (int, string, error) {
		if url == "http://down/" {
			return 0, "", errors.New("connection refused")
		}
		if body, ok := web[url]; ok {
			return 200, body, nil
		}
		return 404, "not found", nil
	}
	tests := []struct {
		name   string
		script string
		want   string            // the script's printed answers, joined by |
		files  map[string]string // home's files afterwards ("" means: absent)
	}{
		{"read and write", `ns.write("n.txt", "a"); ns.write("n.txt", "b"); p(ns.read("n.txt")); ns.write("n.txt", "c", "w"); p(ns.read("n.txt")); p(ns.read("none.txt") === "")`,
			"ab|c|true", map[string]string{"n.txt": "c"}},
		{"write refuses other files", `try { ns.write("x.exe", "a"); } catch (e) { p(String(e).includes("Invalid filename")); }`,
			"true", map[string]string{"x.exe": ""}},
		{"rm", `ns.write("n.txt", "a"); p(ns.rm("n.txt")); p(ns.rm("n.txt")); p(ns.rm("main.js"))`,
			"true|false|false", map[string]string{"n.txt": ""}},
		{"mv", `ns.write("d/n.txt", "a"); ns.mv("home", "d/n.txt", "e/n.js"); p(ns.read("e/n.js")); try { ns.mv("home", "d/n.txt", "f.js"); } catch (e) { p(String(e).includes("does not exist")); }`,
			"a|true", map[string]string{"d/n.txt": "", "e/n.js": "a"}},
		{"wget", `p(await ns.wget("http://x/a.js", "lib/a.js")); p(await ns.wget("http://x/m.json", "m.json")); p(await ns.wget("http://x/nope.js", "b.js")); p(await ns.wget("http://down/", "c.js")); p(await ns.wget("http://x/a.js", "a.exe"))`,
			"true|true|false|false|false", map[string]string{"lib/a.js": "export const A = 1;\n", "m.json": "{}", "b.js": "", "c.js": "", "a.exe": ""}},
		{"spawn", `ns.write("s.js", "export async function main(ns) { ns.tprint('spawned ' + ns.args.join(',')); }", "w"); ns.spawn("s.js", {threads: 1, spawnDelay: 50}, "x", 2); p("not reached")`,
			"", map[string]string{"s.js": "export async function main(ns) { ns.tprint('spawned ' + ns.args.join(',')); }"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := homeGame(t, Config{Seed: 1, Fetch: fetch})
			main := `export async function main(ns) { const out = []; const p = (x) => { out.push(String(x)); ns.tprint(out.join("|")); };
` + tc.script + `
}`
			if err := g.Install("home", map[string]string{"main.js": main}); err != nil {
				t.Fatal(err)
			}
			pid, err := g.Exec("main.js", "home", 1)
			if err != nil || pid == 0 {
				t.Fatalf("exec: %d %v", pid, err)
			}
			if err := g.RunFor(1000); err != nil {
				t.Fatal(err)
			}
			said := ""
			for _, l := range g.Terminal() {
				if rest, ok := strings.CutPrefix(l[strings.Index(l, "] ")+2:], "main.js: "); ok {
					said = rest
				}
			}
			if said != tc.want {
				t.Errorf("answers %q, want %q\nterminal: %v\nlog: %v", said, tc.want, g.Terminal(), g.Logs(pid))
			}
			for name, want := range tc.files {
				got, ok := g.World.Server("home").File(name)
				if want == "" && ok || want != "" && got != want {
					t.Errorf("home's %s = %q (exists %v), want %q", name, got, ok, want)
				}
			}
			if tc.name == "spawn" {
				if _, ended := g.Exited(pid); !ended {
					t.Error("spawn left its caller running")
				}
				if !strings.Contains(strings.Join(g.Terminal(), "\n"), "s.js: spawned x,2") {
					t.Errorf("the spawned script did not run with its args: %v", g.Terminal())
				}
			}
		})
	}
}

// homeGame is a game of cfg whose world is a fresh home and nothing else.
func homeGame(t *testing.T, cfg Config) *Game {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	home, err := network.Home()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.World.AddServer(home); err != nil {
		t.Fatal(err)
	}
	return g
}
