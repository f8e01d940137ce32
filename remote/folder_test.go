package remote

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ramfarm/internal/remotetest"
)

func TestGamePathProblem(t *testing.T) {
	for _, tt := range []struct {
		name string
		want string // a part of the reason; "" for a path the game takes
	}{
		{"ramfarm/start.js", ""},
		{"ramfarm/lib/core.js", ""},
		{"old.script", ""},
		{"ramfarm/notes.txt", ""},
		{"ramfarm/config.json", ""},
		{"a.b.c.js", ""},
		{".hidden/x.js", ""},
		{"NetscriptDefinitions.d.ts", "only .js, .script, .txt and .json"},
		{"README.md", "only .js"},
		{"main.JS", "only .js"},
		{"core.wasm", "only .js"},
		{"main.mjs", "only .js"},
		{"my file.js", `forbids ' '`},
		{"a#b.js", `forbids '#'`},
		{"a[1].js", `forbids '['`},
		{"dir/.js", "a name before the extension"},
		{".js", "a name before the extension"},
	} {
		got := GamePathProblem(tt.name)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("GamePathProblem(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLoadSnapshot(t *testing.T) {
	const manifest = `{"version": 1, "files": {"ramfarm/a.js": {"ram": 1.75, "sha256": "ab"}, "ramfarm/b.txt": {"sha256": "cd"}}}`
	files := map[string]string{"ramfarm/a.js": "a", "ramfarm/b.txt": "b"}
	for _, tt := range []struct {
		name   string
		folder map[string]string // beside files
		report string            // --ram-report's content; "" for none
		ram    map[string]float64
		notes  []string
		err    string
	}{
		{name: "no report"},
		{name: "figures from the manifest", folder: map[string]string{ManifestFile: manifest},
			ram: map[string]float64{"ramfarm/a.js": 1.75}},
		{name: "a manifest without figures", folder: map[string]string{ManifestFile: `{"files": {"ramfarm/a.js": {}}}`}},
		{name: "the report file over the manifest", folder: map[string]string{ManifestFile: manifest},
			report: `{"ramfarm/a.js": 2.5}`, ram: map[string]float64{"ramfarm/a.js": 2.5}},
		{name: "a report naming a file the folder lacks", report: `{"ramfarm/a.js": 2.5, "ramfarm/gone.js": 3}`,
			ram:   map[string]float64{"ramfarm/a.js": 2.5, "ramfarm/gone.js": 3},
			notes: []string{"ramfarm/gone.js: in the RAM report, but not in the folder"}},
		{name: "files the game would refuse", folder: map[string]string{"README.md": "x", "ramfarm/my file.js": "x", "ramfarm/bin.js": "\xff\xfe"},
			notes: []string{
				"README.md: not pushed: the game takes only .js, .script, .txt and .json files",
				"ramfarm/bin.js: not pushed: not UTF-8 text, and the game stores only text",
				"ramfarm/my file.js: not pushed: the game forbids ' ' in a path",
			}},
		{name: "a broken manifest", folder: map[string]string{ManifestFile: `{"files": [`}, err: "manifest.json: want"},
		{name: "a broken report", report: `[1, 2]`, err: "want a JSON object of game path to GB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all := maps.Clone(files)
			maps.Copy(all, tt.folder)
			dir := remotetest.WriteDir(t, all)
			report := ""
			if tt.report != "" {
				report = filepath.Join(t.TempDir(), "ram.json")
				if err := os.WriteFile(report, []byte(tt.report), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := loadSnapshot(dir, report)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(s.names, " ") != "ramfarm/a.js ramfarm/b.txt" {
				t.Errorf("names = %q, want the two game files", s.names)
			}
			if !maps.Equal(s.ram, tt.ram) {
				t.Errorf("ram = %v, want %v", s.ram, tt.ram)
			}
			if strings.Join(s.notes, "\n") != strings.Join(tt.notes, "\n") {
				t.Errorf("notes:\n%s\nwant\n%s", strings.Join(s.notes, "\n"), strings.Join(tt.notes, "\n"))
			}
			if s.manifest != (tt.folder[ManifestFile] != "") {
				t.Errorf("manifest = %v", s.manifest)
			}
		})
	}
}

// An empty folder, or one the game would take nothing from, is an error
// and not a request to clean the game out.
func TestLoadSnapshot_nothingToPush(t *testing.T) {
	for _, files := range []map[string]string{{}, {"README.md": "x", ManifestFile: "{}"}} {
		if _, err := loadSnapshot(remotetest.WriteDir(t, files), ""); !errors.Is(err, ErrNoFiles) {
			t.Errorf("%v: err = %v, want ErrNoFiles", files, err)
		}
	}
	if _, err := loadSnapshot(filepath.Join(t.TempDir(), "missing"), ""); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing folder: err = %v", err)
	}
}

// A folder that is a link is read as the folder it points to.
func TestLoadSnapshot_linkedFolder(t *testing.T) {
	dir := remotetest.WriteDir(t, map[string]string{"ramfarm/a.js": "a"})
	link := filepath.Join(t.TempDir(), "dist")
	if err := os.Symlink(dir, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	s, err := loadSnapshot(link, "")
	if err != nil || strings.Join(s.names, " ") != "ramfarm/a.js" {
		t.Fatalf("names = %v, err = %v", s, err)
	}
}

func TestSnapshot_same(t *testing.T) {
	load := func(files map[string]string) *snapshot {
		s, err := loadSnapshot(remotetest.WriteDir(t, files), "")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := load(map[string]string{"a.js": "1", "b.js": "2"})
	for _, tt := range []struct {
		name  string
		files map[string]string
		same  bool
	}{
		{"the same files", map[string]string{"a.js": "1", "b.js": "2"}, true},
		{"a skipped file more", map[string]string{"a.js": "1", "b.js": "2", "c.md": "3"}, true},
		{"a changed file", map[string]string{"a.js": "1", "b.js": "3"}, false},
		{"a file fewer", map[string]string{"a.js": "1"}, false},
		{"a renamed file", map[string]string{"a.js": "1", "c.js": "2"}, false},
		{"new figures", map[string]string{"a.js": "1", "b.js": "2", ManifestFile: `{"files": {"a.js": {"ram": 2}}}`}, false},
	} {
		if got := load(tt.files).same(base); got != tt.same {
			t.Errorf("%s: same = %v, want %v", tt.name, got, tt.same)
		}
	}
}
