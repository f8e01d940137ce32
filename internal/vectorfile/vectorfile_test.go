package vectorfile

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ramfarm/harness/world/jsval"
)

func TestParseCall(t *testing.T) {
	tests := []struct {
		in      string
		want    Call
		wantErr string
	}{
		{in: "ps()", want: Call{Fn: "ps", Args: []any{}}},
		{in: "exec('w.js','exec-target',1,'n00dles')", want: Call{Fn: "exec", Args: []any{"w.js", "exec-target", 1.0, "n00dles"}}},
		{in: `scp( ["a.js", 'b\'s.txt'] , "h" )`, want: Call{Fn: "scp", Args: []any{[]any{"a.js", "b's.txt"}, "h"}}},
		{in: "exec('w.js','t',{threads:1,ramOverride:3.1009,'temporary':true,},'a')", want: Call{Fn: "exec", Args: []any{
			"w.js", "t", map[string]any{"threads": 1.0, "ramOverride": 3.1009, "temporary": true}, "a"}}},
		{in: "f(-1, 1.5e3, .5, 2e-2, +4, null, undefined, false, -Infinity)", want: Call{Fn: "f", Args: []any{
			-1.0, 1500.0, 0.5, 0.02, 4.0, nil, jsval.Undefined, false, math.Inf(-1)}}},
		{in: "kill(pid)", wantErr: "want a literal value"},
		{in: "kill(1", wantErr: "want ',' or ')'"},
		{in: "kill(1) + 1", wantErr: "unexpected text after the call"},
		{in: "exec('w.js)", wantErr: "unterminated string"},
		{in: "exec('\\x41')", wantErr: "unsupported escape"},
		{in: "(1)", wantErr: "want a function name"},
		{in: "f(1.2.3)", wantErr: "bad number"},
		{in: "f({1:2})", wantErr: "want an object key"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCall(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCall error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseCall = %#v, want %#v", got, tt.want)
			}
		})
	}
	// NaN is not equal to itself, so it gets its own check.
	c, err := ParseCall("f(NaN)")
	if err != nil || len(c.Args) != 1 || !math.IsNaN(c.Args[0].(float64)) {
		t.Errorf("ParseCall(f(NaN)) = %v, %v", c, err)
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name    string
		got     any
		thrown  string
		want    any
		wantErr string
	}{
		{"equal number", 1.0, "", 1.0, ""},
		{"equal list", []any{map[string]any{"a": true}}, "", []any{map[string]any{"a": true}}, ""},
		{"other value", 2.0, "", 1.0, "= 2, want 1"},
		{"expected throw", nil, "exec: bad", "THROWS: exec: bad", ""},
		{"other throw", nil, "exec: worse", "THROWS: exec: bad", `threw "exec: worse", want "exec: bad"`},
		{"missing throw", 0.0, "", "THROWS: exec: bad", `returned 0, want it to throw "exec: bad"`},
		{"unexpected throw", nil, "exec: bad", 3.0, `threw "exec: bad", want 3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Compare(tt.got, tt.thrown, tt.want)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Compare: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Compare error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestObject(t *testing.T) {
	m, err := Object([]byte(`{"a": 1, "b": [2]}`), "a", "b", "c")
	if err != nil || len(m) != 2 || string(m["b"]) != "[2]" {
		t.Errorf("Object = %v, %v", m, err)
	}
	if _, err := Object([]byte(`{"a": 1, "z": 2, "y": 3}`), "a"); err == nil || !strings.Contains(err.Error(), `unknown field ["y" "z"]`) {
		t.Errorf("unknown fields: error %v", err)
	}
	for _, bad := range []string{`[1]`, `null`, `{`} {
		if _, err := Object([]byte(bad), "a"); err == nil {
			t.Errorf("Object(%s) took it as an object", bad)
		}
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	extra := filepath.Join(dir, "newer.json")
	if err := os.WriteFile(extra, []byte(`{"cases": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RAMFARM_TEST_VECTORS", extra+string(os.PathListSeparator))
	files, err := Files("vectors/ports.json", "RAMFARM_TEST_VECTORS")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "gamedata/vectors/ports.json" || len(files[0].Data) == 0 ||
		files[1].Name != extra || string(files[1].Data) != `{"cases": []}` {
		t.Errorf("Files = %v", files)
	}
	t.Setenv("RAMFARM_TEST_VECTORS", filepath.Join(dir, "missing.json"))
	if _, err := Files("vectors/ports.json", "RAMFARM_TEST_VECTORS"); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a missing extra file: error %v", err)
	}
}
