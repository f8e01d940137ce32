package remote

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// ManifestFile is the folder's own description, at its root. It is read
// for the RAM each script should cost and is not pushed: the game has no
// use for it, and at the root of home it would sit outside the prefix
// this tool cleans up.
const ManifestFile = "manifest.json"

// file is one file of the folder, under its game path.
type file struct {
	content string
	sum     [sha256.Size]byte
}

// snapshot is the folder as read at one moment: the files to push, the
// RAM the bundle says each script costs (nil without a report), and a
// line for every file left out and why.
type snapshot struct {
	files    map[string]file
	names    []string // sorted keys of files
	ram      map[string]float64
	notes    []string
	manifest bool // Dir has a ManifestFile
}

// same reports whether pushing s would give the game what pushing o did
// and compare against the same report.
func (s *snapshot) same(o *snapshot) bool {
	return slices.Equal(s.names, o.names) &&
		maps.EqualFunc(s.files, o.files, func(a, b file) bool { return a.sum == b.sum }) &&
		maps.Equal(s.ram, o.ram)
}

// loadSnapshot reads every file under dir. ramReport, when not empty, is
// a JSON object of game path to GB and takes the place of the manifest's
// figures.
func loadSnapshot(dir, ramReport string) (*snapshot, error) {
	// A folder that is a link (dist -> build/game) is walked as the
	// folder it points to; links inside it are not followed.
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("folder %s: %w", dir, err)
	}
	s := &snapshot{files: map[string]file{}}
	var manifest []byte
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			s.notes = append(s.notes, name+": not pushed: not a regular file")
			return nil
		}
		if name == ManifestFile {
			s.manifest = true
			manifest, err = os.ReadFile(p)
			return err
		}
		if why := GamePathProblem(name); why != "" {
			s.notes = append(s.notes, name+": not pushed: "+why)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			s.notes = append(s.notes, name+": not pushed: not UTF-8 text, and the game stores only text")
			return nil
		}
		s.files[name] = file{content: string(b), sum: sha256.Sum256(b)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("folder %s: %w", dir, err)
	}
	if len(s.files) == 0 {
		return nil, fmt.Errorf("folder %s: %w", dir, ErrNoFiles)
	}
	s.names = slices.Sorted(maps.Keys(s.files))
	switch {
	case ramReport != "":
		b, err := os.ReadFile(ramReport)
		if err != nil {
			return nil, fmt.Errorf("RAM report: %w", err)
		}
		if err := json.Unmarshal(b, &s.ram); err != nil {
			return nil, fmt.Errorf("RAM report %s: want a JSON object of game path to GB: %w", ramReport, err)
		}
	case manifest != nil:
		if s.ram, err = manifestRAM(manifest); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.ram)) {
		if _, ok := s.files[name]; !ok {
			s.notes = append(s.notes, name+": in the RAM report, but not in the folder")
		}
	}
	return s, nil
}

// manifestRAM reads the figures of a manifest of the form
// {"files": {"ramfarm/start.js": {"ram": 4.8, ...}, ...}, ...}. Fields it
// does not know are someone else's and are left alone. A manifest with
// no figures gives a nil report.
func manifestRAM(b []byte) (map[string]float64, error) {
	var m struct {
		Files map[string]struct {
			RAM *float64 `json:"ram"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf(`want {"files": {"<game path>": {"ram": GB}}}: %w`, err)
	}
	var ram map[string]float64
	for name, f := range m.Files {
		if f.RAM == nil {
			continue
		}
		if ram == nil {
			ram = map[string]float64{}
		}
		ram[name] = *f.RAM
	}
	return ram, nil
}

// GamePathProblem says why the game would refuse name as a file path in
// pushFile, or "" if it takes it (REMOTE_API.md §3.1 and §3.2). name
// comes from a folder walk, so its segments are never empty, "." or "..".
func GamePathProblem(name string) string {
	if !isScript(name) && !strings.HasSuffix(name, ".txt") && !strings.HasSuffix(name, ".json") {
		return "the game takes only .js, .script, .txt and .json files"
	}
	if i := strings.IndexAny(name, "*?[]!\\~|#\"' "); i >= 0 {
		return fmt.Sprintf("the game forbids %q in a path", name[i])
	}
	base := name[strings.LastIndexByte(name, '/')+1:]
	if strings.LastIndexByte(base, '.') < 1 {
		return "the game needs a name before the extension"
	}
	return ""
}

// isScript reports whether the game treats name as a script, the only
// kind it computes RAM for. Case matters, as in the game.
func isScript(name string) bool {
	return strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".script")
}
