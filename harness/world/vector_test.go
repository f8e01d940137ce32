package world

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"ramfarm/internal/vectorfile"
)

// This file replays the game's exec-semantics vector files (the format of
// gamedata/vectors/exec_semantics.json) through one interpreter, so that a
// file recorded from another game release, with other steps, another order
// or other values, runs without a change here. Each case is a recorded
// call such as exec('w.js','exec-target',1,'n00dles'); the function name is
// the step's kind, looked up in execKinds. A kind, a field or an argument
// the interpreter does not know fails the file, naming the step: checking
// less than the file says must never pass silently.
//
// Extra files: RAMFARM_EXEC_VECTORS names more files of this format to run
// (absolute paths, separated like PATH), e.g. one recorded from a newer
// release: RAMFARM_EXEC_VECTORS=/abs/exec_semantics.json go test ./harness/world/

// execEnv is the environment variable naming extra exec vector files.
const execEnv = "RAMFARM_EXEC_VECTORS"

// execFixture is the game the vector's generator set up before its first
// step; the file describes it only in prose (its "note"), so it is written
// here once, and every file of the format shares it.
type execFixture struct {
	// caller is the host of the script making the calls: run starts there,
	// and a call without a host means it. The calling script itself takes
	// no RAM and has no pid in the recording.
	caller string
	// target is the host that target_ramUsed_after and target_maxRam
	// describe.
	target  string
	servers []*Server
	// scripts are the static RAM per thread of every script present at the
	// start, as the game computed it; scriptHosts hold a copy of each.
	scripts     map[string]float64
	scriptHosts []string
	// atExitPid registers atExit callbacks, in this order, once it starts.
	// A step's atExit_calls lists the labels of those that ran during it;
	// a label's first word is its id in the list (the rest is commentary).
	atExitPid int64
	atExit    []struct{ id, label string }
}

// gameExecFixture is exec_semantics.json's generator: a fresh game with
// home (8 GB) running the calling script, exec-target (8 GB, rooted) and
// exec-noroot (64 GB, no root); w.js (1.75 GB) and big.js (4.9 GB) on home
// and exec-target; pid 1 registers atExit callbacks under "default",
// "named" and "default" again.
func gameExecFixture() execFixture {
	return execFixture{
		caller: HomeHost,
		target: "exec-target",
		servers: []*Server{
			{Hostname: HomeHost, MaxRAM: 8, HasRoot: true, IsHome: true, Cores: 1},
			{Hostname: "exec-target", MaxRAM: 8, HasRoot: true, Links: []string{HomeHost}},
			{Hostname: "exec-noroot", MaxRAM: 64, Links: []string{HomeHost}},
		},
		scripts:     map[string]float64{"w.js": 1.75, "big.js": 4.9},
		scriptHosts: []string{HomeHost, "exec-target"},
		atExitPid:   1,
		atExit: []struct{ id, label string }{
			{"default", "cb-default-1"}, {"named", "cb-named"}, {"default", "cb-default-2"},
		},
	}
}

// execRun is one replay: the world built from the fixture, and the atExit
// labels run during the current step.
type execRun struct {
	fx     execFixture
	w      *World
	atExit []string
}

func newExecRun(fx execFixture) (*execRun, error) {
	r := &execRun{fx: fx}
	w, err := New(Config{
		RAMOf: func(_, file string) (float64, bool) {
			ram, ok := fx.scripts[file]
			return ram, ok
		},
		OnStart: func(p *Process) {
			if p.Pid != fx.atExitPid {
				return
			}
			for _, cb := range fx.atExit {
				r.w.AtExit(p.Pid, cb.id, func() error { r.atExit = append(r.atExit, cb.label); return nil })
			}
		},
	})
	if err != nil {
		return nil, err
	}
	r.w = w
	for _, s := range fx.servers {
		c := *s
		c.Links = slices.Clone(s.Links)
		if err := w.AddServer(&c); err != nil {
			return nil, err
		}
	}
	for _, h := range fx.scriptHosts {
		for name := range fx.scripts {
			w.Server(h).WriteFile(name, "export async function main(ns) {}")
		}
	}
	return r, nil
}

// host resolves a host argument: "" is the caller's.
func (r *execRun) host(h string) string {
	if h == "" {
		return r.fx.caller
	}
	return h
}

// execOp performs one bound call and returns its result as the game's
// value: the game's error text (without "fn: ") comes back as the error.
type execOp func(r *execRun) (any, error)

// execKinds maps each netscript function a step may call to a binder: it
// checks the recorded arguments once, before anything runs, and returns
// the operation. Defaults are the game's (host: the caller's; threads: 1).
var execKinds = map[string]func(a *callArgs) execOp{
	"getScriptRam": func(a *callArgs) execOp {
		script, host := a.str(0), a.optStr(1)
		a.atMost(2)
		return func(r *execRun) (any, error) {
			s, err := r.w.lookup(r.host(host))
			if err != nil || !s.HasFile(script) {
				return 0.0, err
			}
			ram, ok := r.w.cfg.RAMOf(s.Hostname, script)
			if !ok {
				return 0.0, nil
			}
			return ram, nil
		}
	},
	"exec": func(a *callArgs) execOp {
		script, host, opts, args := a.str(0), a.str(1), a.runOptions(2), a.rest(3)
		return func(r *execRun) (any, error) { return r.w.Exec(script, host, opts, args) }
	},
	"run": func(a *callArgs) execOp {
		script, opts, args := a.str(0), a.runOptions(1), a.rest(2)
		return func(r *execRun) (any, error) { return r.w.Exec(script, r.fx.caller, opts, args) }
	},
	"ps":        hostQuery((*World).PS),
	"isRunning": pidOrName((*World).IsRunning, (*World).IsRunningByName),
	"kill": func(a *callArgs) execOp {
		if len(a.v) == 0 {
			a.fail("kill() ends the calling script, which the recording does not model")
		}
		return pidOrName((*World).Kill, (*World).KillByName)(a)
	},
	"killall": func(a *callArgs) execOp {
		// The safety guard spares the caller, which has no process here.
		host, _ := a.optStr(0), a.optBool(1)
		a.atMost(2)
		return func(r *execRun) (any, error) { return r.w.KillAll(r.host(host), 0) }
	},
	"getServerUsedRam": hostQuery((*World).GetServerUsedRam),
	"getServerMaxRam":  hostQuery((*World).GetServerMaxRam),
	"scp": func(a *callArgs) execOp {
		files, dest, src := a.strs(0), a.str(1), a.optStr(2)
		a.atMost(3)
		return func(r *execRun) (any, error) { return r.w.Scp(files, dest, r.host(src)) }
	},
}

// hostQuery binds a function whose one optional argument is a host.
func hostQuery[T any](get func(w *World, host string) (T, error)) func(a *callArgs) execOp {
	return func(a *callArgs) execOp {
		host := a.optStr(0)
		a.atMost(1)
		return func(r *execRun) (any, error) { return get(r.w, r.host(host)) }
	}
}

// pidOrName binds isRunning and kill: a pid alone, or a filename, an
// optional host and the script's exact args.
func pidOrName(byPid func(w *World, pid int64) bool, byName func(w *World, file, host string, args []any) (bool, error)) func(a *callArgs) execOp {
	return func(a *callArgs) execOp {
		if pid, ok := a.pid(); ok {
			a.atMost(1)
			return func(r *execRun) (any, error) { return byPid(r.w, pid), nil }
		}
		file, host, args := a.str(0), a.optStr(1), a.rest(2)
		return func(r *execRun) (any, error) { return byName(r.w, file, r.host(host), args) }
	}
}

// callArgs reads a recorded call's arguments for a binder; the first
// problem sticks, so a binder reads them all and the caller checks once.
type callArgs struct {
	v   []any
	err error
}

func (a *callArgs) fail(format string, x ...any) {
	if a.err == nil {
		a.err = fmt.Errorf(format, x...)
	}
}

func (a *callArgs) atMost(n int) {
	if len(a.v) > n {
		a.fail("%d arguments, this kind takes at most %d", len(a.v), n)
	}
}

func (a *callArgs) str(i int) string {
	if i >= len(a.v) {
		a.fail("argument %d missing", i)
		return ""
	}
	s, ok := a.v[i].(string)
	if !ok {
		a.fail("argument %d is %v, want a string", i, a.v[i])
	}
	return s
}

// optStr is an optional string argument; absent is "".
func (a *callArgs) optStr(i int) string {
	if i >= len(a.v) {
		return ""
	}
	return a.str(i)
}

func (a *callArgs) optBool(i int) bool {
	if i >= len(a.v) {
		return false
	}
	b, ok := a.v[i].(bool)
	if !ok {
		a.fail("argument %d is %v, want a boolean", i, a.v[i])
	}
	return b
}

// strs is scp's files: one name or an array of names.
func (a *callArgs) strs(i int) []string {
	if i < len(a.v) {
		if l, ok := a.v[i].([]any); ok {
			out := make([]string, len(l))
			for j, e := range l {
				s, ok := e.(string)
				if !ok {
					a.fail("argument %d[%d] is %v, want a string", i, j, e)
				}
				out[j] = s
			}
			return out
		}
	}
	return []string{a.str(i)}
}

// pid reads a first argument that is a number: a pid. A number that is no
// whole pid matches no process, as in the game.
func (a *callArgs) pid() (int64, bool) {
	if len(a.v) == 0 {
		return 0, false
	}
	x, ok := a.v[0].(float64)
	if !ok {
		return 0, false
	}
	if x != math.Trunc(x) || x < 1 || x > maxSafeInteger {
		return 0, true
	}
	return int64(x), true
}

// rest is the script arguments from i on, passed to the model as they
// are: it validates them the way the game does.
func (a *callArgs) rest(i int) []any {
	if i >= len(a.v) {
		return nil
	}
	return a.v[i:]
}

// runOptionKeys are the RunOptions fields the model takes; another key is
// an error rather than ignored, since a newer release may give it meaning.
var runOptionKeys = []string{"threads", "temporary", "ramOverride", "preventDuplicates"}

// runOptions is exec's and run's threadOrOptions: a thread count (number
// or numeric string, left for Exec to validate) or a RunOptions object.
func (a *callArgs) runOptions(i int) ExecOptions {
	if i >= len(a.v) {
		return ExecOptions{}
	}
	o, ok := a.v[i].(map[string]any)
	if !ok {
		return ExecOptions{Threads: a.v[i]}
	}
	for k := range o {
		if !slices.Contains(runOptionKeys, k) {
			a.fail("RunOptions field %q unknown (known: %s)", k, strings.Join(runOptionKeys, ", "))
		}
	}
	flag := func(k string) bool {
		b, ok := o[k].(bool)
		if _, present := o[k]; present && !ok {
			a.fail("RunOptions.%s is %v, want a boolean", k, o[k])
		}
		return b
	}
	return ExecOptions{
		Threads:           o["threads"],
		ThreadsArg:        "RunOptions.threads",
		Temporary:         flag("temporary"),
		RAMOverride:       o["ramOverride"],
		PreventDuplicates: flag("preventDuplicates"),
	}
}

// execStep is one case of the file, bound and ready to run.
type execStep struct {
	name string // "step 3 (exec)", for messages
	kind string // the function called, which prefixes its errors
	call string
	op   execOp
	out  any
	// Checks after the call; nil is not recorded for this step.
	targetUsed, targetMax *float64
	atExit                []string
}

// execCaseFields and execInFields are the fields a case and its "in" may
// have; execFileFields those of the file.
var (
	execFileFields = []string{"function", "source", "note", "inputs_schema", "cases"}
	execCaseFields = []string{"in", "out", "target_ramUsed_after", "target_maxRam", "atExit_calls"}
	execInFields   = []string{"step", "call"}
)

// compileExec reads a whole file and binds every step before any runs, so
// an unknown kind or field fails the file at once, with every such problem
// named.
func compileExec(data []byte) ([]execStep, error) {
	top, err := vectorfile.Object(data, execFileFields...)
	if err != nil {
		return nil, err
	}
	if err := vectorfile.Schema(top["inputs_schema"], execInFields...); err != nil {
		return nil, err
	}
	steps, err := vectorfile.List(top["cases"], "cases", compileExecStep)
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return nil, errors.New("no cases")
	}
	return steps, nil
}

func compileExecStep(i int, raw json.RawMessage) (execStep, error) {
	st := execStep{name: fmt.Sprintf("step %d", i)}
	fail := func(err error) (execStep, error) { return execStep{}, fmt.Errorf("%s: %w", st.name, err) }
	c, in, err := vectorfile.Case(raw, execCaseFields, execInFields)
	if err == nil {
		st.call, err = vectorfile.String(in, "call")
	}
	if err != nil {
		return fail(err)
	}
	call, err := vectorfile.ParseCall(st.call)
	if err != nil {
		return fail(err)
	}
	st.name, st.kind = fmt.Sprintf("step %d (%s)", i, call.Fn), call.Fn
	bind, ok := execKinds[call.Fn]
	if !ok {
		return fail(fmt.Errorf("unknown step kind %q in %s", call.Fn, st.call))
	}
	a := &callArgs{v: call.Args}
	st.op = bind(a)
	if a.err != nil {
		return fail(fmt.Errorf("%s: %w", st.call, a.err))
	}
	if _, ok := c["out"]; !ok {
		return fail(errors.New(`no "out"`))
	}
	for _, f := range []struct {
		key string
		dst any
	}{{"out", &st.out}, {"target_ramUsed_after", &st.targetUsed}, {"target_maxRam", &st.targetMax}, {"atExit_calls", &st.atExit}} {
		if c[f.key] == nil {
			continue
		}
		if err := json.Unmarshal(c[f.key], f.dst); err != nil {
			return fail(fmt.Errorf("%s: %w", f.key, err))
		}
	}
	if c["atExit_calls"] != nil && st.atExit == nil {
		st.atExit = []string{} // recorded as none
	}
	return st, nil
}

// runExec replays one exec vector file on a fresh world built from fx. It
// returns every mismatch, each naming its step.
func runExec(data []byte, fx execFixture) error {
	steps, err := compileExec(data)
	if err != nil {
		return err
	}
	r, err := newExecRun(fx)
	if err != nil {
		return err
	}
	var errs []error
	for _, st := range steps {
		r.atExit = nil
		got, err := st.op(r)
		thrown := ""
		if err != nil {
			thrown = st.kind + ": " + err.Error()
		}
		check := func(err error) {
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %s: %w", st.name, st.call, err))
			}
		}
		check(vectorfile.Compare(jsonish(got), thrown, st.out))
		target := r.w.Server(fx.target)
		if st.targetUsed != nil && target.RAMUsed != *st.targetUsed {
			check(fmt.Errorf("%s ramUsed %v, want %v", fx.target, target.RAMUsed, *st.targetUsed))
		}
		if st.targetMax != nil && target.MaxRAM != *st.targetMax {
			check(fmt.Errorf("%s maxRam %v, want %v", fx.target, target.MaxRAM, *st.targetMax))
		}
		if st.atExit != nil {
			want := make([]string, len(st.atExit))
			for i, s := range st.atExit {
				want[i], _, _ = strings.Cut(s, " ")
			}
			if !slices.Equal(r.atExit, want) {
				check(fmt.Errorf("atExit callbacks ran %q, want %q", r.atExit, want))
			}
		}
	}
	return errors.Join(errs...)
}

// jsonish turns a model result into what JSON decoding of the game's value
// gives, for comparison with the vector.
func jsonish(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case []ProcInfo:
		out := []any{}
		for _, p := range x {
			out = append(out, map[string]any{
				"filename":  p.Filename,
				"threads":   float64(p.Threads),
				"args":      p.Args,
				"pid":       float64(p.Pid),
				"temporary": p.Temporary,
			})
		}
		return out
	}
	return v
}

// TestExec_vectors replays the game's exec vector (the gamedata copy) and
// every file named in RAMFARM_EXEC_VECTORS.
func TestExec_vectors(t *testing.T) {
	vectorfile.RunFiles(t, "vectors/exec_semantics.json", execEnv, func(data []byte) error { return runExec(data, gameExecFixture()) })
}

// TestExec_dataDriven proves the interpreter follows the file, not a fixed
// list: testdata/exec_other_order.json (other steps, another order, other
// values) passes, and each change to it below fails, naming the step.
func TestExec_dataDriven(t *testing.T) {
	b, err := os.ReadFile("testdata/exec_other_order.json")
	if err != nil {
		t.Fatal(err)
	}
	type doc = vectorfile.Doc
	kase := func(d doc, i int) doc { return d["cases"].([]any)[i].(doc) }
	setCall := func(i int, call string) func(doc) {
		return func(d doc) { kase(d, i)["in"].(doc)["call"] = call }
	}
	vectorfile.RunVariants(t, b, func(data []byte) error { return runExec(data, gameExecFixture()) }, []vectorfile.Variant{
		{Name: "as written"},
		{Name: "wrong result", Change: func(d doc) { kase(d, 13)["out"] = 99 },
			WantErr: []string{"step 13 (exec) exec('w.js','exec-target',4): = 3, want 99"}},
		{Name: "wrong ps", Change: func(d doc) { kase(d, 3)["out"].([]any)[0].(doc)["threads"] = 2 },
			WantErr: []string{"step 3 (ps)", `"threads":3`, `"threads":2`}},
		{Name: "wrong target RAM", Change: func(d doc) { kase(d, 2)["target_ramUsed_after"] = 1.75 },
			WantErr: []string{"step 2 (exec)", "exec-target ramUsed 5.25, want 1.75"}},
		{Name: "wrong atExit calls", Change: func(d doc) { kase(d, 9)["atExit_calls"] = []any{"cb-named"} },
			WantErr: []string{"step 9 (kill)", `atExit callbacks ran ["cb-default-2" "cb-named"], want ["cb-named"]`}},
		{Name: "callbacks where none ran", Change: func(d doc) { kase(d, 12)["atExit_calls"] = []any{"cb-named"} },
			WantErr: []string{"step 12 (killall)", "want [\"cb-named\"]"}},
		{Name: "throw expected", Change: func(d doc) { kase(d, 7)["out"] = "THROWS: exec: no root" },
			WantErr: []string{"step 7 (exec)", `returned 0, want it to throw "exec: no root"`}},
		{Name: "other error text", Change: func(d doc) { kase(d, 15)["out"] = "THROWS: exec: threads must be positive" },
			WantErr: []string{"step 15 (exec)", `threw "exec: threads should be a positive integer, was -1"`}},
		{Name: "unknown step kind", Change: setCall(4, "getServerMoneyAvailable('n00dles')"),
			WantErr: []string{`step 4 (getServerMoneyAvailable): unknown step kind "getServerMoneyAvailable"`}},
		{Name: "unknown case field", Change: func(d doc) { kase(d, 6)["target_cores"] = 1 },
			WantErr: []string{"step 6", `unknown field ["target_cores"]`}},
		{Name: "unknown input field", Change: func(d doc) { kase(d, 6)["in"].(doc)["host"] = "home" },
			WantErr: []string{"step 6", `unknown field ["host"]`}},
		{Name: "unknown RunOptions field", Change: setCall(2, "exec('w.js','exec-target',{threads:1,priority:2})"),
			WantErr: []string{"step 2 (exec)", `RunOptions field "priority" unknown`}},
		{Name: "too many arguments", Change: setCall(1, "getServerUsedRam('home','exec-target')"),
			WantErr: []string{"step 1 (getServerUsedRam)", "2 arguments, this kind takes at most 1"}},
		{Name: "argument of the wrong type", Change: setCall(5, "scp(['w.js',3],'exec-noroot')"),
			WantErr: []string{"step 5 (scp)", "argument 0[1] is 3, want a string"}},
		{Name: "kill of the caller", Change: setCall(14, "kill()"),
			WantErr: []string{"step 14 (kill)", "does not model"}},
		{Name: "call that is no literal call", Change: setCall(0, "run(script)"),
			WantErr: []string{"step 0:", "want a literal value"}},
		{Name: "no call", Change: func(d doc) { delete(kase(d, 8)["in"].(doc), "call") },
			WantErr: []string{`step 8: no "call"`}},
		{Name: "no out", Change: func(d doc) { delete(kase(d, 0), "out") },
			WantErr: []string{`step 0 (run): no "out"`}},
		{Name: "unknown file field", Change: func(d doc) { d["release"] = "3.0.0" },
			WantErr: []string{`unknown field ["release"]`}},
		{Name: "unknown input in the schema", Change: func(d doc) { d["inputs_schema"].(doc)["host"] = "where" },
			WantErr: []string{"inputs_schema", `unknown field ["host"]`}},
		{Name: "no cases", Change: func(d doc) { d["cases"] = []any{} }, WantErr: []string{"no cases"}},
	})
}
