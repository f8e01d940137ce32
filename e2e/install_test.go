package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"ramfarm/harness"
	"ramfarm/internal/coretest"
	"ramfarm/release"
)

// releaseServer serves one release at a time over HTTP, as GitHub's raw
// files or a local web server would, and counts what it was asked for.
type releaseServer struct {
	mu    sync.Mutex
	files map[string]string
	asked []string
}

func (s *releaseServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := strings.TrimPrefix(r.URL.Path, "/")
	s.asked = append(s.asked, name)
	text, ok := s.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write([]byte(text))
}

// serve makes files the release served, and forgets what was asked.
func (s *releaseServer) serve(files map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files, s.asked = files, nil
}

func (s *releaseServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.asked)
}

func assemble(t *testing.T, files map[string]string) (map[string]string, release.Manifest) {
	t.Helper()
	out, err := release.Assemble(files)
	if err != nil {
		t.Fatal(err)
	}
	m, err := release.ReadManifest(out[release.ManifestFile])
	if err != nil {
		t.Fatal(err)
	}
	return out, m
}

// TestInstall is the player's way in: an empty 8 GB home holding only
// install.js (what `wget URL install.js` leaves) and a note of the
// player's own under ramfarm/. install.js --from a web server installs
// ramfarm, starts it, and it earns. Then the release changes (a file
// changed, one dropped) and install.js run again, without --from,
// updates it from the same place: only the changed file is fetched, the
// dropped one is removed, the player's note stays, and the new version
// runs and earns. A release whose file does not match its manifest
// changes nothing.
func TestInstall(t *testing.T) {
	base, err := release.Build(coretest.Wasm(t))
	if err != nil {
		t.Fatal(err)
	}
	delete(base, release.ManifestFile)
	v1files := maps.Clone(base)
	v1files["ramfarm/lib/retired.js"] = "// a file the next release drops\nexport const RETIRED = true;\n"
	v1, m1 := assemble(t, v1files)
	v2files := maps.Clone(base)
	v2files["ramfarm/stop.js"] += "// release 2\n"
	v2, m2 := assemble(t, v2files)

	srv := &releaseServer{}
	srv.serve(v1)
	web := httptest.NewServer(srv)
	defer web.Close()

	const note = "ramfarm/notes.txt"
	g, _ := scenarioGame(t, "../scenarios/bn1-fresh.json", nil, map[string]string{"install.js": v1["install.js"], note: "the player's own"})
	if ram := g.World.Server("home").MaxRAM; ram != 8 {
		t.Fatalf("home has %v GB, want a fresh 8 GB home", ram)
	}

	// First install.
	if _, err := g.Exec("install.js", "home", 1, "--from", web.URL); err != nil {
		t.Fatal(err)
	}
	run(t, g, 30_000)
	mustSay(t, g, fmt.Sprintf("INFO install: ramfarm %s installed (files: %d fetched, 1 unchanged, 0 of the previous release removed)", m1.Version, len(m1.Files)-1))
	home := g.World.Server("home")
	for name, text := range v1 {
		if name == release.ManifestFile {
			continue
		}
		if got, _ := home.File(name); got != text {
			t.Errorf("after install, home's %s is not the release's (%d bytes, want %d)", name, len(got), len(text))
		}
	}
	memd1 := memdPid(t, g)
	earned := earnBy(t, g, 12*60_000)
	t.Logf("first install: memd pid %d, first money $%.0f by %.0f s", memd1, earned, g.Now()/1000)

	// Update: run the installed install.js again, from the same place.
	srv.serve(v2)
	if _, err := g.Exec("install.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	run(t, g, 30_000)
	mustSay(t, g, fmt.Sprintf("INFO install: ramfarm %s installed (files: 1 fetched, %d unchanged, 1 of the previous release removed)", m2.Version, len(m2.Files)-1))
	mustSay(t, g, "INFO install: restarting ramfarm on this version")
	if got := srv.requests(); !slices.Equal(got, []string{release.ManifestFile, "ramfarm/stop.js"}) {
		t.Errorf("the update asked for %v, want only the manifest and the changed file", got)
	}
	if home.HasFile("ramfarm/lib/retired.js") {
		t.Error("the file the new release dropped is still on home")
	}
	if got, _ := home.File(note); got != "the player's own" {
		t.Errorf("the player's %s was touched: %q", note, got)
	}
	if got, _ := home.File("ramfarm/stop.js"); got != v2["ramfarm/stop.js"] {
		t.Error("ramfarm/stop.js is not the new release's")
	}
	for _, name := range home.FileNames() {
		if strings.HasPrefix(name, "ramfarm-update/") {
			t.Errorf("staged file %s left on home", name)
		}
	}
	if memd2 := memdPid(t, g); memd2 == memd1 {
		t.Errorf("memd pid %d still runs: ramfarm was not restarted on the new version", memd1)
	}
	before := g.Stats().Money
	run(t, g, 5*60_000)
	if g.Stats().Money <= before {
		t.Errorf("no money in the 5 minutes after the update ($%.0f before, $%.0f after)", before, g.Stats().Money)
	}

	// A release whose file does not match its manifest: nothing changes.
	v3files := maps.Clone(v2files)
	v3files["ramfarm/w/hack.js"] += "// release 3\n"
	v3, _ := assemble(t, v3files)
	v3["ramfarm/w/hack.js"] = v2["ramfarm/w/hack.js"] // a stale cache
	srv.serve(v3)
	if _, err := g.Exec("install.js", "home", 1); err != nil {
		t.Fatal(err)
	}
	run(t, g, 30_000)
	mustSay(t, g, "ERROR install: ramfarm/w/hack.js as fetched does not match the release's manifest")
	if rec, _ := home.File("ramfarm/installed.json"); !strings.Contains(rec, m2.Version) {
		t.Errorf("the record changed after a failed install: %.80s", rec)
	}
	for _, name := range home.FileNames() {
		if strings.HasPrefix(name, "ramfarm-update/") {
			t.Errorf("staged file %s left on home after a failed install", name)
		}
	}
}

// mustSay fails unless the terminal holds a line containing want.
func mustSay(t *testing.T, g *harness.Game, want string) {
	t.Helper()
	for _, l := range g.Terminal() {
		if strings.Contains(l, want) {
			return
		}
	}
	t.Fatalf("the terminal never said %q; it holds:\n%s", want, strings.Join(g.Terminal(), "\n"))
}

// memdPid is the memory daemon's pid on home; the test fails without one.
func memdPid(t *testing.T, g *harness.Game) int64 {
	t.Helper()
	ps, _ := g.World.PS("home")
	for _, p := range ps {
		if p.Filename == "ramfarm/memd.js" {
			return p.Pid
		}
	}
	t.Fatalf("no ramfarm/memd.js on home; terminal:\n%s", strings.Join(g.Terminal(), "\n"))
	return 0
}

// earnBy runs the game until ramfarm's hacks have brought money, failing
// if none came by game time limit (ms).
func earnBy(t *testing.T, g *harness.Game, limit float64) float64 {
	t.Helper()
	for g.Stats().Money == 0 {
		if g.Now() >= limit {
			t.Fatalf("no money from hacking by %.0f s", g.Now()/1000)
		}
		run(t, g, 10_000)
	}
	return g.Stats().Money
}
