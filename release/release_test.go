package release

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/jsglue"
	"ramfarm/remote"
)

var sample = map[string]string{
	"install.js":         "export async function main(ns) { await ns.wget('x', 'y.js'); }\n",
	"ramfarm/start.js":   "import { f } from '/ramfarm/lib/f.js';\nexport async function main(ns) { f(ns); }\n",
	"ramfarm/lib/f.js":   "export function f(ns) { ns.scan(); }\n",
	"ramfarm/readme.txt": "words\n",
}

func TestAssemble(t *testing.T) {
	files, err := Assemble(sample)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(files[ManifestFile])
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != len(sample) {
		t.Fatalf("manifest lists %d files, want %d", len(m.Files), len(sample))
	}
	ram := map[string]float64{"install.js": 1.6, "ramfarm/start.js": 1.8, "ramfarm/lib/f.js": 1.8}
	for name, text := range sample {
		e := m.Files[name]
		sum := sha256.Sum256([]byte(text))
		if e.SHA256 != hex.EncodeToString(sum[:]) || e.Bytes != len(text) {
			t.Errorf("%s: manifest says %s, %d bytes; the file is %x, %d bytes", name, e.SHA256, e.Bytes, sum, len(text))
		}
		want, script := ram[name]
		switch {
		case script && (e.RAM == nil || *e.RAM != want):
			t.Errorf("%s: RAM %v, want %v GB", name, e.RAM, want)
		case !script && e.RAM != nil:
			t.Errorf("%s is no script but has RAM %v", name, *e.RAM)
		case script && (len(e.RAMByRelease) != len(gamedata.Releases) || e.RAMByRelease[string(gamedata.Latest)] != *e.RAM):
			t.Errorf("%s: RAM by release %v, want every release and the newest's as ram (%v)", name, e.RAMByRelease, *e.RAM)
		}
	}
	again, _ := Assemble(sample)
	if again[ManifestFile] != files[ManifestFile] {
		t.Error("the same files gave another manifest")
	}
	changed := map[string]string{}
	for k, v := range sample {
		changed[k] = v
	}
	changed["ramfarm/readme.txt"] += "more\n"
	other, _ := Assemble(changed)
	if m2, _ := ReadManifest(other[ManifestFile]); m2.Version == m.Version {
		t.Errorf("a changed file kept version %s", m.Version)
	}
}

func TestAssemble_unrunnable(t *testing.T) {
	if _, err := Assemble(map[string]string{"ramfarm/a.js": "import '/ramfarm/missing.js';"}); err == nil {
		t.Error("a script whose import is missing (the game would refuse to run it) was released")
	}
}

// TestWriteDiff: Write leaves the folder holding exactly the release, a
// file it dropped and an empty folder removed; Diff names each kind of
// difference and nothing once written.
func TestWriteDiff(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	files, err := Assemble(sample)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := Diff(dir, files)
	if err != nil || len(diff) != len(files) {
		t.Fatalf("a missing folder: %v %v, want every file missing", diff, err)
	}
	put := func(name, text string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("ramfarm/old/gone.js", "dropped")
	put("ramfarm/start.js", "edited by hand")
	diff, err = Diff(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	want := []Difference{
		{"install.js", ProblemMissing}, {ManifestFile, ProblemMissing}, {"ramfarm/lib/f.js", ProblemMissing},
		{"ramfarm/old/gone.js", ProblemExtra}, {"ramfarm/readme.txt", ProblemMissing}, {"ramfarm/start.js", ProblemDiffers},
	}
	if !slices.Equal(diff, want) {
		t.Errorf("Diff = %v\nwant   %v", diff, want)
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	if diff, err := Diff(dir, files); err != nil || diff != nil {
		t.Errorf("after Write, Diff = %v, %v; want nothing", diff, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ramfarm/old")); !os.IsNotExist(err) {
		t.Errorf("the emptied folder ramfarm/old is still there: %v", err)
	}
}

// TestBuild_gamePaths: every file of the real release is one the game
// stores under that very path, and install.js imports nothing.
func TestBuild_gamePaths(t *testing.T) {
	files, err := Build([]byte("\x00asm\x01\x00\x00\x00"))
	if err != nil {
		t.Fatal(err)
	}
	for name := range files {
		if why := remote.GamePathProblem(name); why != "" {
			t.Errorf("%s: %s", name, why)
		}
	}
	m, _ := ReadManifest(files[ManifestFile])
	if e := m.Files[jsglue.InstallFile]; e.RAM == nil || strings.Contains(files[jsglue.InstallFile], "import ") {
		t.Errorf("install.js must be a script importing nothing (nothing of ramfarm's is there on a first install): RAM %v", e.RAM)
	}
}
