package vectorfile

import (
	"encoding/json"
	"strings"
	"testing"
)

// Doc is a vector file decoded for editing in a test.
type Doc = map[string]any

// Variant is one change to a vector file and the failure it must cause.
type Variant struct {
	Name   string
	Change func(Doc) // nil: the file as it is
	// WantErr are substrings the replay's error must contain; none means
	// the file must pass.
	WantErr []string
}

// RunVariants replays each variant of base with replay, one subtest each.
// It is how an interpreter's tests show that it follows the file: a file
// with other steps passes, and a wrong expectation, an unknown step kind or
// field fails with a message naming the step.
func RunVariants(t *testing.T, base []byte, replay func([]byte) error, variants []Variant) {
	t.Helper()
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) {
			var d Doc
			if err := json.Unmarshal(base, &d); err != nil {
				t.Fatal(err)
			}
			if v.Change != nil {
				v.Change(d)
			}
			data, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			err = replay(data)
			if len(v.WantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("the file passed")
			}
			for _, want := range v.WantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\ndoes not say %q", err, want)
				}
			}
		})
	}
}

// RunFiles replays the embedded gamedata file embedded and every file
// named in the environment variable env (see Files) with replay, one
// subtest each.
func RunFiles(t *testing.T, embedded, env string, replay func([]byte) error) {
	t.Helper()
	files, err := Files(embedded, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			if err := replay(f.Data); err != nil {
				t.Error(err)
			}
		})
	}
}
