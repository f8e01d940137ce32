package ports

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"ramfarm/harness/world/jsval"
	"ramfarm/internal/vectorfile"
)

// This file replays the game's port vector files (the format of
// gamedata/vectors/ports.json) through one interpreter, so that a file
// recorded from another game release, with other operations, another order
// or other values, runs without a change here. A file has up to three
// sections: "cases", operations applied in order to one port, each looked
// up by its "op" in portOps; "identity", whether peek and read hand back
// the written object or a copy; "port_number_validation", port arguments
// and what the game made of them. An op, a field or a section the
// interpreter does not know fails the file, naming the step.
//
// Extra files: RAMFARM_PORT_VECTORS names more files of this format to run
// (absolute paths, separated like PATH), e.g. one recorded from a newer
// release: RAMFARM_PORT_VECTORS=/abs/ports.json go test ./harness/ports/

// portEnv is the environment variable naming extra port vector files.
const portEnv = "RAMFARM_PORT_VECTORS"

// portFixture is what the vector's generator chose and the file does not
// record: it is written here once, and every file of the format shares it.
type portFixture struct {
	capacity int   // Settings.MaxPortCapacity during the sequence
	port     int64 // the one port the cases use
	// identityWrite is the object the identity check writes (a fresh one
	// per call), then peeks and reads back.
	identityWrite func() map[string]any
	// validateFn is the function the port arguments were passed to; the
	// game's messages start with its name.
	validateFn string
}

// gamePortFixture is ports.json's generator: the default capacity (50),
// any one port, {x: 1} for the identity check, writePort for validation.
func gamePortFixture() portFixture {
	return portFixture{
		capacity:      DefaultCapacity,
		port:          1,
		identityWrite: func() map[string]any { return map[string]any{"x": float64(1)} },
		validateFn:    "writePort",
	}
}

// portOp is one operation a case may name: whether it takes the case's
// "arg" (a value to write), and how it runs. Results are the game's values;
// JS undefined is jsval.Undefined.
type portOp struct {
	takesArg bool
	do       func(r *Registry, n int64, arg any) (any, error)
}

// portOps are the operations of the cases, by their name in the file.
var portOps = map[string]portOp{
	"read":     {do: func(r *Registry, n int64, _ any) (any, error) { return r.Read(n), nil }},
	"peek":     {do: func(r *Registry, n int64, _ any) (any, error) { return r.Peek(n), nil }},
	"write":    {takesArg: true, do: func(r *Registry, n int64, v any) (any, error) { return r.Write(n, v) }},
	"tryWrite": {takesArg: true, do: func(r *Registry, n int64, v any) (any, error) { return r.TryWrite(n, v) }},
	"clear":    {do: func(r *Registry, n int64, _ any) (any, error) { r.Clear(n); return jsval.Undefined, nil }},
	"full":     {do: func(r *Registry, n int64, _ any) (any, error) { return r.Full(n), nil }},
	"empty":    {do: func(r *Registry, n int64, _ any) (any, error) { return r.Empty(n), nil }},
}

// The fields each part of the format may have.
var (
	portFileFields     = []string{"function", "source", "note", "inputs_schema", "cases", "identity", "port_number_validation"}
	portCaseFields     = []string{"in", "out", "len_after", "port_object_exists"}
	portInFields       = []string{"op", "arg"}
	portIdentityFields = []string{"peek_is_same_object_as_written", "read_is_same_object_as_written", "peek_equals", "read_equals"}
	portValidFields    = []string{"in", "out"}
	portValidInFields  = []string{"port"}
)

// portStep is one bound case of the sequence.
type portStep struct {
	name   string // "step 3 (write)", for messages
	op     portOp
	arg    any
	out    any
	len    *int  // len_after; nil is not recorded
	exists *bool // port_object_exists; nil is not recorded
}

// portIdentity is the identity section.
type portIdentity struct {
	PeekIsSame bool   `json:"peek_is_same_object_as_written"`
	ReadIsSame bool   `json:"read_is_same_object_as_written"`
	PeekEquals string `json:"peek_equals"`
	ReadEquals string `json:"read_equals"`
}

// portValidation is one port argument and what the game made of it.
type portValidation struct {
	name string
	arg  any
	out  any
}

// portFile is a whole file, read and bound before anything runs.
type portFile struct {
	steps    []portStep
	identity *portIdentity
	valid    []portValidation
}

// compilePorts reads a whole file, so an unknown op or field fails it at
// once, with every such problem named.
func compilePorts(data []byte) (portFile, error) {
	var f portFile
	top, err := vectorfile.Object(data, portFileFields...)
	if err != nil {
		return f, err
	}
	if err := vectorfile.Schema(top["inputs_schema"], portInFields...); err != nil {
		return f, err
	}
	var errs [3]error
	f.steps, errs[0] = vectorfile.List(top["cases"], "cases", compilePortStep)
	if raw := top["identity"]; raw != nil {
		f.identity, errs[1] = compileIdentity(raw)
	}
	f.valid, errs[2] = vectorfile.List(top["port_number_validation"], "port_number_validation", compileValidation)
	if err := errors.Join(errs[:]...); err != nil {
		return f, err
	}
	if len(f.steps) == 0 && f.identity == nil && len(f.valid) == 0 {
		return f, errors.New("no cases, identity or port_number_validation")
	}
	return f, nil
}

func compilePortStep(i int, raw json.RawMessage) (portStep, error) {
	st := portStep{name: fmt.Sprintf("step %d", i)}
	fail := func(err error) (portStep, error) { return st, fmt.Errorf("%s: %w", st.name, err) }
	c, in, err := vectorfile.Case(raw, portCaseFields, portInFields)
	var opName string
	if err == nil {
		opName, err = vectorfile.String(in, "op")
	}
	if err != nil {
		return fail(err)
	}
	st.name = fmt.Sprintf("step %d (%s)", i, opName)
	op, ok := portOps[opName]
	if !ok {
		return fail(fmt.Errorf("unknown step kind %q", opName))
	}
	st.op = op
	if err := outField(c, &st.out); err != nil {
		return fail(err)
	}
	if a := in["arg"]; a != nil {
		if st.arg, err = vectorfile.Value(a); err != nil {
			return fail(fmt.Errorf("arg: %w", err))
		}
	} else if op.takesArg {
		return fail(errors.New(`no "arg" to write`))
	}
	if !op.takesArg && st.arg != nil {
		return fail(fmt.Errorf("arg %v given, but %s takes none", st.arg, opName))
	}
	for key, dst := range map[string]any{"len_after": &st.len, "port_object_exists": &st.exists} {
		if c[key] != nil {
			if err := json.Unmarshal(c[key], dst); err != nil {
				return fail(fmt.Errorf("%s: %w", key, err))
			}
		}
	}
	return st, nil
}

// outField decodes the required expected result.
func outField(c map[string]json.RawMessage, dst *any) error {
	raw, ok := c["out"]
	if !ok {
		return errors.New(`no "out"`)
	}
	v, err := vectorfile.Value(raw)
	if err != nil {
		return fmt.Errorf("out: %w", err)
	}
	*dst = v
	return nil
}

func compileIdentity(raw json.RawMessage) (*portIdentity, error) {
	m, err := vectorfile.Object(raw, portIdentityFields...)
	if err == nil && len(m) != len(portIdentityFields) {
		err = fmt.Errorf("want all of %s", strings.Join(portIdentityFields, ", "))
	}
	var id portIdentity
	if err == nil {
		err = json.Unmarshal(raw, &id)
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return &id, nil
}

func compileValidation(i int, raw json.RawMessage) (portValidation, error) {
	v := portValidation{name: fmt.Sprintf("port_number_validation %d", i)}
	fail := func(err error) (portValidation, error) { return v, fmt.Errorf("%s: %w", v.name, err) }
	c, in, err := vectorfile.Case(raw, portValidFields, portValidInFields)
	if err == nil && in["port"] == nil {
		err = errors.New(`no "port"`)
	}
	if err == nil {
		v.arg, err = vectorfile.Value(in["port"])
	}
	if err == nil {
		err = outField(c, &v.out)
	}
	if err != nil {
		return fail(err)
	}
	v.name = fmt.Sprintf("port_number_validation %d (port %s)", i, in["port"])
	v.arg = jsPortArg(v.arg)
	return v, nil
}

// jsPortArg turns the file's JSON encoding of a port argument into the JS
// value it stands for: JSON cannot hold NaN, ±Infinity or undefined, so the
// files write them as strings (the game's messages show which: a string
// "NaN" would fail parseFloat with a type error, not "is NaN").
func jsPortArg(v any) any {
	switch v {
	case "NaN":
		return math.NaN()
	case "Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	case "undefined":
		return jsval.Undefined
	}
	return v
}

// portResult turns a result into the file's encoding: JS undefined is the
// string "undefined", as the format's note says.
func portResult(v any) any {
	if v == jsval.Undefined {
		return "undefined"
	}
	return v
}

// runPorts replays one port vector file with fx. It returns every
// mismatch, each naming its step.
func runPorts(data []byte, fx portFixture) error {
	f, err := compilePorts(data)
	if err != nil {
		return err
	}
	var errs []error
	check := func(name string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	r, err := New(Config{Capacity: fx.capacity, Clone: deepCopy})
	if err != nil {
		return err
	}
	for _, st := range f.steps {
		got, err := st.op.do(r, fx.port, st.arg)
		thrown := ""
		if err != nil {
			thrown = err.Error()
		}
		check(st.name, vectorfile.Compare(portResult(got), thrown, st.out))
		if st.len != nil && r.Len(fx.port) != *st.len {
			check(st.name, fmt.Errorf("length %d after, want %d", r.Len(fx.port), *st.len))
		}
		if st.exists != nil && r.Exists(fx.port) != *st.exists {
			check(st.name, fmt.Errorf("port object exists %v after, want %v", r.Exists(fx.port), *st.exists))
		}
	}
	if f.identity != nil {
		errs = append(errs, runIdentity(*f.identity, fx)...)
	}
	for _, v := range f.valid {
		got, err := PortNumber(fx.validateFn, v.arg)
		thrown := ""
		if err != nil {
			thrown = err.Error()
			if !errors.Is(err, ErrPortNumber) {
				check(v.name, fmt.Errorf("error %v is not ErrPortNumber", err))
			}
		}
		check(v.name, vectorfile.Compare(float64(got), thrown, v.out))
	}
	return errors.Join(errs...)
}

// runIdentity writes fx's object to a fresh registry, then peeks and reads
// it: each must be, or not be, the written object as the file says, and
// equal its JSON.
func runIdentity(id portIdentity, fx portFixture) []error {
	var errs []error
	r, err := New(Config{Capacity: fx.capacity, Clone: deepCopy})
	if err != nil {
		return []error{err}
	}
	written := fx.identityWrite()
	if _, err := r.Write(fx.port, written); err != nil {
		return []error{fmt.Errorf("identity: write: %w", err)}
	}
	for _, c := range []struct {
		name   string
		get    func(int64) any
		same   bool
		equals string
	}{
		{"peek", r.Peek, id.PeekIsSame, id.PeekEquals},
		{"read", r.Read, id.ReadIsSame, id.ReadEquals},
	} {
		got := c.get(fx.port)
		if s := sameObject(got, written); s != c.same {
			errs = append(errs, fmt.Errorf("identity: %s is the written object: %v, want %v", c.name, s, c.same))
		}
		var want any
		if err := json.Unmarshal([]byte(c.equals), &want); err != nil {
			errs = append(errs, fmt.Errorf("identity: %s_equals: %w", c.name, err))
		} else if !reflect.DeepEqual(got, want) {
			errs = append(errs, fmt.Errorf("identity: %s = %v, want %s", c.name, got, c.equals))
		}
	}
	return errs
}

// sameObject reports whether two values are the same map object.
func sameObject(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	return va.Kind() == reflect.Map && vb.Kind() == reflect.Map && va.Pointer() == vb.Pointer()
}

// TestPorts_vectors replays the game's port vector (the gamedata copy) and
// every file named in RAMFARM_PORT_VECTORS.
func TestPorts_vectors(t *testing.T) {
	vectorfile.RunFiles(t, "vectors/ports.json", portEnv, func(data []byte) error { return runPorts(data, gamePortFixture()) })
}

// TestPorts_dataDriven proves the interpreter follows the file, not a fixed
// list: testdata/ports_other_order.json (other operations, another order,
// other values) passes, and each change to it below fails, naming the
// step.
func TestPorts_dataDriven(t *testing.T) {
	b, err := os.ReadFile("testdata/ports_other_order.json")
	if err != nil {
		t.Fatal(err)
	}
	type doc = vectorfile.Doc
	kase := func(d doc, i int) doc { return d["cases"].([]any)[i].(doc) }
	valid := func(d doc, i int) doc { return d["port_number_validation"].([]any)[i].(doc) }
	vectorfile.RunVariants(t, b, func(data []byte) error { return runPorts(data, gamePortFixture()) }, []vectorfile.Variant{
		{Name: "as written"},
		{Name: "wrong result", Change: func(d doc) { kase(d, 5)["out"] = "b" },
			WantErr: []string{`step 5 (read): = "a", want "b"`}},
		{Name: "wrong length", Change: func(d doc) { kase(d, 2)["len_after"] = 3 },
			WantErr: []string{"step 2 (write): length 2 after, want 3"}},
		{Name: "wrong existence", Change: func(d doc) { kase(d, 0)["port_object_exists"] = true },
			WantErr: []string{"step 0 (peek): port object exists false after, want true"}},
		{Name: "wrong identity", Change: func(d doc) { d["identity"].(doc)["read_is_same_object_as_written"] = true },
			WantErr: []string{"identity: read is the written object: false, want true"}},
		{Name: "wrong identity value", Change: func(d doc) { d["identity"].(doc)["peek_equals"] = `{"x":2}` },
			WantErr: []string{`identity: peek = map[x:1], want {"x":2}`}},
		{Name: "wrong validation", Change: func(d doc) { valid(d, 1)["out"] = 8 },
			WantErr: []string{"port_number_validation 1 (port \"7\"): = 7, want 8"}},
		{Name: "validation expected to throw", Change: func(d doc) { valid(d, 0)["out"] = "THROWS: writePort: no" },
			WantErr: []string{"port_number_validation 0 (port 12)", `returned 12, want it to throw "writePort: no"`}},
		{Name: "unknown step kind", Change: func(d doc) { kase(d, 3)["in"].(doc)["op"] = "nextWrite" },
			WantErr: []string{`step 3 (nextWrite): unknown step kind "nextWrite"`}},
		{Name: "arg for an op that takes none", Change: func(d doc) { kase(d, 4)["in"].(doc)["arg"] = 5 },
			WantErr: []string{"step 4 (full): arg 5 given, but full takes none"}},
		{Name: "write without arg", Change: func(d doc) { delete(kase(d, 1)["in"].(doc), "arg") },
			WantErr: []string{`step 1 (write): no "arg" to write`}},
		{Name: "unknown case field", Change: func(d doc) { kase(d, 2)["waiters_after"] = 0 },
			WantErr: []string{"step 2", `unknown field ["waiters_after"]`}},
		{Name: "unknown input field", Change: func(d doc) { kase(d, 2)["in"].(doc)["port"] = 2 },
			WantErr: []string{"step 2", `unknown field ["port"]`}},
		{Name: "unknown identity field", Change: func(d doc) { d["identity"].(doc)["nextWrite_shared"] = true },
			WantErr: []string{"identity", `unknown field ["nextWrite_shared"]`}},
		{Name: "identity field missing", Change: func(d doc) { delete(d["identity"].(doc), "read_equals") },
			WantErr: []string{"identity: want all of"}},
		{Name: "unknown section", Change: func(d doc) { d["capacity_setting"] = []any{} },
			WantErr: []string{`unknown field ["capacity_setting"]`}},
		{Name: "no op", Change: func(d doc) { delete(kase(d, 6)["in"].(doc), "op") },
			WantErr: []string{`step 6: no "op"`}},
		{Name: "no out", Change: func(d doc) { delete(valid(d, 2), "out") },
			WantErr: []string{`port_number_validation 2: no "out"`}},
		{Name: "nothing to run", Change: func(d doc) {
			delete(d, "cases")
			delete(d, "identity")
			delete(d, "port_number_validation")
		}, WantErr: []string{"no cases, identity or port_number_validation"}},
	})
}
