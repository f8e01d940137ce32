// Package release assembles what a player installs: every in-game file
// (jsglue.Files), the installer, and a manifest naming each file with its
// SHA-256, size and RAM. The repository commits the result as dist/, so
// the copy a player fetches from inside the game is the one tested.
package release

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"ramfarm/gamedata"
	"ramfarm/harness/ramcalc"
	"ramfarm/jsglue"
)

// ManifestFile is the manifest's path in a release. It sits at the root,
// beside install.js: the installer fetches it first, and the Remote API
// push reads it for the RAM figures without pushing it.
const ManifestFile = "manifest.json"

// Entry is one file of a release.
type Entry struct {
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
	// RAM is the GB the newest game release charges to run the file as a
	// script, computed the game's way; absent for files that are not
	// scripts. RAMByRelease gives every supported release's figure.
	RAM          *float64           `json:"ram,omitempty"`
	RAMByRelease map[string]float64 `json:"ramByRelease,omitempty"`
}

// Manifest describes a release.
type Manifest struct {
	Name string `json:"name"`
	// Version names the release by its content: the same files, the
	// same version, wherever and whenever it is built.
	Version string           `json:"version"`
	Files   map[string]Entry `json:"files"`
}

// Build returns every file of the release for core module coreWasm, by
// its path in the release (and in the game), the manifest included.
func Build(coreWasm []byte) (map[string]string, error) {
	files := jsglue.Files(coreWasm)
	files[jsglue.InstallFile] = jsglue.InstallJS
	return Assemble(files)
}

// Assemble returns files with the manifest that describes them added.
func Assemble(files map[string]string) (map[string]string, error) {
	calcs := map[gamedata.Release]*ramcalc.Calculator{}
	for _, rel := range gamedata.Releases {
		c, err := ramcalc.NewFor(rel)
		if err != nil {
			return nil, err
		}
		calcs[rel] = c
	}
	out := maps.Clone(files)
	m := Manifest{Name: "ramfarm", Files: map[string]Entry{}}
	var id strings.Builder
	for _, name := range slices.Sorted(maps.Keys(files)) {
		sum := sha256.Sum256([]byte(files[name]))
		e := Entry{SHA256: hex.EncodeToString(sum[:]), Bytes: len(files[name])}
		if strings.HasSuffix(name, ".js") {
			e.RAMByRelease = map[string]float64{}
			for rel, c := range calcs {
				res, err := c.ScriptRAM(name, files)
				if err != nil {
					return nil, fmt.Errorf("release: RAM of %s on %s: %w", name, rel, err)
				}
				e.RAMByRelease[string(rel)] = res.RAM
			}
			ram := e.RAMByRelease[string(gamedata.Latest)]
			e.RAM = &ram
		}
		m.Files[name] = e
		id.WriteString(name + " " + e.SHA256 + "\n")
	}
	sum := sha256.Sum256([]byte(id.String()))
	m.Version = hex.EncodeToString(sum[:6])
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	out[ManifestFile] = string(b) + "\n"
	return out, nil
}

// ReadManifest parses a release's manifest.
func ReadManifest(text string) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("release: manifest: %w", err)
	}
	return m, nil
}

// Write makes dir hold exactly files: it writes each and removes every
// other file under dir, so a file a release dropped does not linger.
func Write(dir string, files map[string]string) error {
	stale, err := Diff(dir, files)
	if err != nil {
		return err
	}
	for _, d := range stale {
		p := filepath.Join(dir, filepath.FromSlash(d.Path))
		if d.Problem == ProblemExtra {
			if err := os.Remove(p); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(files[d.Path]), 0o644); err != nil {
			return err
		}
	}
	return removeEmptyDirs(dir)
}

// Problem is how a folder's file differs from the release.
type Problem string

const (
	ProblemMissing Problem = "missing"
	ProblemDiffers Problem = "differs"
	ProblemExtra   Problem = "not part of the release"
)

// Difference is one file of a folder that is not as the release has it.
type Difference struct {
	Path    string
	Problem Problem
}

// Diff lists how dir differs from files, sorted by path; nil when dir
// holds exactly files, byte for byte. A missing dir differs in every file.
func Diff(dir string, files map[string]string) ([]Difference, error) {
	var out []Difference
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		want, ok := files[name]
		if !ok {
			out = append(out, Difference{name, ProblemExtra})
			return nil
		}
		seen[name] = true
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, []byte(want)) {
			out = append(out, Difference{name, ProblemDiffers})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name := range files {
		if !seen[name] {
			out = append(out, Difference{name, ProblemMissing})
		}
	}
	slices.SortFunc(out, func(a, b Difference) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// removeEmptyDirs removes the folders under dir that hold no file.
func removeEmptyDirs(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	// Deepest first, so a folder emptied by its children goes too.
	for _, d := range slices.Backward(dirs) {
		if entries, err := os.ReadDir(d); err == nil && len(entries) == 0 {
			if err := os.Remove(d); err != nil {
				return err
			}
		}
	}
	return nil
}
