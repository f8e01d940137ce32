// Package vectorfile is what the harness's vector interpreters share: the
// game records a sequence of calls and their results as a JSON vector file,
// and the harness replays any such file against its model, so a file
// recorded from another game release runs without a change in Go. This
// package finds the files (the embedded copy plus files named in an
// environment variable), reads their objects strictly (a field no
// interpreter knows is an error, never skipped), and compares a result with
// what the file expects, with the files' "THROWS: " convention.
package vectorfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"ramfarm/gamedata"
)

// File is one vector file to replay.
type File struct {
	// Name is where it came from: "gamedata/" and its embedded path, or the
	// path given in the environment variable.
	Name string
	Data []byte
}

// Files returns the embedded gamedata file embedded (a path inside
// gamedata.FS) followed by every file listed in the environment variable
// env, paths separated by os.PathListSeparator. The extra files let a file
// recorded from a newer game release run through the same tests; a path
// that cannot be read is an error, so a typo cannot pass unnoticed.
func Files(embedded, env string) ([]File, error) {
	b, err := gamedata.Read(embedded)
	if err != nil {
		return nil, err
	}
	files := []File{{Name: "gamedata/" + embedded, Data: b}}
	for _, p := range strings.Split(os.Getenv(env), string(os.PathListSeparator)) {
		if p == "" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", env, err)
		}
		files = append(files, File{Name: p, Data: b})
	}
	return files, nil
}

// Object decodes raw as one JSON object and returns its fields. A key not
// in known is an error naming it: an interpreter that met a field it does
// not understand would otherwise check less than the file says.
func Object(raw json.RawMessage, known ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not a JSON object: %s", raw)
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("unknown field %q (this format knows %s)", unknown, strings.Join(known, ", "))
	}
	return m, nil
}

// Value decodes one JSON value the way the vectors mean it: numbers as
// float64 (JS has no other), objects as map[string]any, null as nil.
func Value(raw json.RawMessage) (any, error) {
	var v any
	err := json.Unmarshal(raw, &v)
	return v, err
}

// throwsPrefix marks an expected result that is a thrown error: the rest is
// the game's message, "fn: text".
const throwsPrefix = "THROWS: "

// Throws reports whether want is an expected thrown error, and its message.
func Throws(want any) (msg string, ok bool) {
	s, ok := want.(string)
	if !ok || !strings.HasPrefix(s, throwsPrefix) {
		return "", false
	}
	return strings.TrimPrefix(s, throwsPrefix), true
}

// Compare checks one step's result against want, the file's expected
// result. got must already be in JSON's shapes (float64, string, bool, nil,
// []any, map[string]any). thrown is the message the game would show for the
// error the model returned ("fn: text"), "" when it returned none. It
// returns nil on a match, else what differs.
func Compare(got any, thrown string, want any) error {
	if msg, ok := Throws(want); ok {
		switch {
		case thrown == "":
			return fmt.Errorf("returned %s, want it to throw %q", show(got), msg)
		case thrown != msg:
			return fmt.Errorf("threw %q, want %q", thrown, msg)
		}
		return nil
	}
	if thrown != "" {
		return fmt.Errorf("threw %q, want %s", thrown, show(want))
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("= %s, want %s", show(got), show(want))
	}
	return nil
}

// show prints a value as JSON, as the file would hold it.
func show(v any) string {
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprintf("%#v", v)
}

// Schema checks a file's inputs_schema, when it has one: it must name no
// input the interpreter does not read, since a recording with a new input
// means something the interpreter would not reproduce.
func Schema(raw json.RawMessage, known ...string) error {
	if raw == nil {
		return nil
	}
	if _, err := Object(raw, known...); err != nil {
		return fmt.Errorf("inputs_schema: %w", err)
	}
	return nil
}

// String returns the required string field key of m.
func String(m map[string]json.RawMessage, key string) (string, error) {
	raw, ok := m[key]
	if !ok {
		return "", fmt.Errorf("no %q", key)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return s, nil
}

// Case reads one recorded case: its own fields (known: caseFields) and
// those of its required "in" object (known: inFields).
func Case(raw json.RawMessage, caseFields, inFields []string) (c, in map[string]json.RawMessage, err error) {
	c, err = Object(raw, caseFields...)
	if err != nil {
		return nil, nil, err
	}
	rawIn, ok := c["in"]
	if !ok {
		return nil, nil, errors.New(`no "in"`)
	}
	if in, err = Object(rawIn, inFields...); err != nil {
		return nil, nil, fmt.Errorf("in: %w", err)
	}
	return c, in, nil
}

// List binds each element of an optional array field (name, for messages)
// with bind, and returns every element's error, not just the first, so one
// run names every step the interpreter cannot read.
func List[T any](raw json.RawMessage, name string, bind func(i int, raw json.RawMessage) (T, error)) ([]T, error) {
	if raw == nil {
		return nil, nil
	}
	var l []json.RawMessage
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make([]T, 0, len(l))
	var errs []error
	for i, r := range l {
		v, err := bind(i, r)
		errs = append(errs, err)
		out = append(out, v)
	}
	return out, errors.Join(errs...)
}
