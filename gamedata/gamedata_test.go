package gamedata

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// sharedDir is where the developers' reference copy of the game's figures
// lives, relative to this package. A player's clone has none; then the
// comparison is skipped and the embedded copy is the authority.
const sharedDir = "../../shared/game"

func TestCopyMatchesShared(t *testing.T) {
	if _, err := os.Stat(sharedDir); err != nil {
		t.Skipf("no shared game reference at %s: %v", sharedDir, err)
	}
	n := 0
	err := fs.WalkDir(FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		ours, err := Read(path)
		if err != nil {
			return err
		}
		theirs, err := os.ReadFile(filepath.Join(sharedDir, path))
		if err != nil {
			t.Errorf("%s: in our copy but not in the reference: %v", path, err)
			return nil
		}
		if !bytes.Equal(ours, theirs) {
			t.Errorf("%s: differs from %s; copy it again", path, sharedDir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every reference data file must be in our copy too.
	refs, _ := filepath.Glob(filepath.Join(sharedDir, "vectors", "*.json"))
	for _, name := range []string{"servers.json", "constants.json", "ram_cost_table.json"} {
		refs = append(refs, filepath.Join(sharedDir, name))
	}
	for _, ref := range refs {
		rel, _ := filepath.Rel(sharedDir, ref)
		if _, err := Read(filepath.ToSlash(rel)); err != nil {
			t.Errorf("%s: in the reference but missing from our copy", rel)
		}
	}
	if n == 0 {
		t.Fatal("embedded copy is empty")
	}
}
