package world

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"ramfarm/gamedata"
)

type execVector struct {
	Cases []struct {
		In struct {
			Step string `json:"step"`
			Call string `json:"call"`
		} `json:"in"`
		Out          any      `json:"out"`
		TargetUsed   *float64 `json:"target_ramUsed_after"`
		TargetMaxRAM *float64 `json:"target_maxRam"`
		AtExitCalls  []string `json:"atExit_calls"`
	} `json:"cases"`
}

// vectorWorld is the vector's fresh game: home (8 GB) running the calling
// script, which takes no RAM in the vector; exec-target 8 GB rooted;
// exec-noroot 64 GB without root. The scripts are on home and
// exec-target.
func vectorWorld(t *testing.T) *World {
	t.Helper()
	// The static RAM per thread the vector gives its scripts.
	vectorRAM := map[string]float64{"w.js": 1.75, "big.js": 4.9}
	w, err := New(Config{RAMOf: func(_, file string) (float64, bool) {
		ram, ok := vectorRAM[file]
		return ram, ok
	}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestExec_vector replays vectors/exec_semantics.json step by step. Each
// call string is translated by hand into model calls; the translation's
// call string must match the vector's, so the two cannot drift apart.
func TestExec_vector(t *testing.T) {
	b, err := gamedata.Read("vectors/exec_semantics.json")
	if err != nil {
		t.Fatal(err)
	}
	var v execVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	w := vectorWorld(t)
	for _, s := range []*Server{
		{Hostname: "home", MaxRAM: 8, HasRoot: true, IsHome: true, Cores: 1},
		{Hostname: "exec-target", MaxRAM: 8, HasRoot: true, Links: []string{"home"}},
		{Hostname: "exec-noroot", MaxRAM: 64, Links: []string{"home"}},
	} {
		if err := w.AddServer(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []string{"home", "exec-target"} {
		w.Server(h).WriteFile("w.js", "export async function main(ns) {}")
		w.Server(h).WriteFile("big.js", "export async function main(ns) {}")
	}
	const target = "exec-target"
	var atExitCalls []string
	exec := func(file, host string, opts ExecOptions, args ...any) func() (any, error) {
		return func() (any, error) { return w.Exec(file, host, opts, args) }
	}
	steps := []struct {
		call string
		do   func() (any, error)
	}{
		{"getScriptRam('w.js','exec-target')", func() (any, error) {
			ram, _ := w.cfg.RAMOf(target, "w.js")
			return ram, nil
		}},
		{"exec('w.js','exec-target',1,'n00dles')", func() (any, error) {
			pid, err := w.Exec("w.js", target, ExecOptions{Threads: 1}, []any{"n00dles"})
			// The vector's pid 1 registers: atExit(cb1), atExit(cb, "named"), atExit(cb2).
			record := func(label string) func() error {
				return func() error { atExitCalls = append(atExitCalls, label); return nil }
			}
			w.AtExit(pid, "default", record("cb-default-1"))
			w.AtExit(pid, "named", record("cb-named"))
			w.AtExit(pid, "default", record("cb-default-2"))
			return pid, err
		}},
		{"exec('w.js','exec-target',2,'n00dles')", exec("w.js", target, ExecOptions{Threads: 2}, "n00dles")},
		{"exec('w.js','exec-target',100)", exec("w.js", target, ExecOptions{Threads: 100})},
		{"exec('nope.js','exec-target')", exec("nope.js", target, ExecOptions{})},
		{"exec('w.js','exec-noroot')", exec("w.js", "exec-noroot", ExecOptions{})},
		{"exec('w.js','no-such-host')", exec("w.js", "no-such-host", ExecOptions{})},
		{"exec('w.js','exec-target',0)", exec("w.js", target, ExecOptions{Threads: 0})},
		{"exec('w.js','exec-target',1.5)", exec("w.js", target, ExecOptions{Threads: 1.5})},
		{"exec('w.js','exec-target','1','foodnstuff')", exec("w.js", target, ExecOptions{Threads: "1"}, "foodnstuff")},
		{"ps('exec-target')", func() (any, error) { return w.PS(target) }},
		{"exec('w.js','exec-target',1,'y')", exec("w.js", target, ExecOptions{Threads: 1}, "y")},
		{"exec('w.js','exec-target',{ramOverride:1})", exec("w.js", target, ExecOptions{ThreadsArg: "RunOptions.threads", RAMOverride: 1})},
		{"isRunning(1)", func() (any, error) { return w.IsRunning(1), nil }},
		{"isRunning('w.js','exec-target','n00dles')", func() (any, error) { return w.IsRunningByName("w.js", target, []any{"n00dles"}) }},
		{"isRunning('w.js','exec-target')", func() (any, error) { return w.IsRunningByName("w.js", target, nil) }},
		{"kill(1)", func() (any, error) { return w.Kill(1), nil }},
		{"kill(1)", func() (any, error) { return w.Kill(1), nil }},
		{"kill(424242)", func() (any, error) { return w.Kill(424242), nil }},
		{"exec('w.js','exec-target',1,'z')", exec("w.js", target, ExecOptions{Threads: 1}, "z")},
		{"kill('w.js','exec-target','n00dles')", func() (any, error) { return w.KillByName("w.js", target, []any{"n00dles"}) }},
		{"ps('exec-target')", func() (any, error) { return w.PS(target) }},
		{"exec('w.js','exec-target',{preventDuplicates:true},'z')", exec("w.js", target, ExecOptions{ThreadsArg: "RunOptions.threads", PreventDuplicates: true}, "z")},
		{"getServerUsedRam('exec-target')", func() (any, error) { return w.GetServerUsedRam(target) }},
		{"killall('exec-target')", func() (any, error) { return w.KillAll(target, 0) }},
		{"ps('exec-target')", func() (any, error) { return w.PS(target) }},
		{"exec('big.js','exec-target')", exec("big.js", target, ExecOptions{})},
		{"exec('w.js','exec-target',{threads:1,ramOverride:3.1009},'a')", exec("w.js", target, ExecOptions{Threads: 1, ThreadsArg: "RunOptions.threads", RAMOverride: 3.1009}, "a")},
		{"exec('w.js','exec-target',1,'b')", exec("w.js", target, ExecOptions{Threads: 1}, "b")},
		{"kill('w.js','exec-target','a')", func() (any, error) { return w.KillByName("w.js", target, []any{"a"}) }},
		{"exec('w.js','exec-target',{threads:2,ramOverride:1.6},'c')", exec("w.js", target, ExecOptions{Threads: 2, ThreadsArg: "RunOptions.threads", RAMOverride: 1.6}, "c")},
		{"exec('w.js','exec-target',{threads:1,ramOverride:1.6},'d')", exec("w.js", target, ExecOptions{Threads: 1, ThreadsArg: "RunOptions.threads", RAMOverride: 1.6}, "d")},
		{"run('w.js',4,'q')", exec("w.js", "home", ExecOptions{Threads: 4}, "q")}, // run = exec on the caller's host
		{"getServerUsedRam('home')", func() (any, error) { return w.GetServerUsedRam("home") }},
		{"scp('w.js','exec-noroot','home')", func() (any, error) { return w.Scp([]string{"w.js"}, "exec-noroot", "home") }},
		{"scp('missing.js','exec-noroot','home')", func() (any, error) { return w.Scp([]string{"missing.js"}, "exec-noroot", "home") }},
		{"scp('x.exe','exec-noroot','home')", func() (any, error) { return w.Scp([]string{"x.exe"}, "exec-noroot", "home") }},
	}
	if len(steps) != len(v.Cases) {
		t.Fatalf("translation has %d steps, vector %d", len(steps), len(v.Cases))
	}
	for i, c := range v.Cases {
		st := steps[i]
		if st.call != c.In.Call {
			t.Fatalf("step %d translates %q, vector has %q", i, st.call, c.In.Call)
		}
		got, err := st.do()
		name := fmt.Sprintf("step %d %s", i, c.In.Call)
		if want, ok := c.Out.(string); ok && strings.HasPrefix(want, "THROWS: ") {
			fn := c.In.Call[:strings.Index(c.In.Call, "(")]
			if err == nil || "THROWS: "+fn+": "+err.Error() != want {
				t.Errorf("%s: error %v, want %q", name, err, want)
			}
		} else if err != nil {
			t.Errorf("%s: unexpected error %v", name, err)
		} else if g := jsonish(got); !reflect.DeepEqual(g, c.Out) {
			t.Errorf("%s = %#v, want %#v", name, g, c.Out)
		}
		if c.TargetUsed != nil && w.Server(target).RAMUsed != *c.TargetUsed {
			t.Errorf("%s: target ramUsed %v, want %v", name, w.Server(target).RAMUsed, *c.TargetUsed)
		}
		if c.TargetMaxRAM != nil && w.Server(target).MaxRAM != *c.TargetMaxRAM {
			t.Errorf("%s: target maxRam %v, want %v", name, w.Server(target).MaxRAM, *c.TargetMaxRAM)
		}
		if c.AtExitCalls != nil {
			var want []string
			for _, s := range c.AtExitCalls {
				want = append(want, strings.Fields(s)[0])
			}
			if !reflect.DeepEqual(atExitCalls, want) {
				t.Errorf("%s: atExit calls %v, want %v", name, atExitCalls, want)
			}
		}
	}
	if c, ok := w.Server("exec-noroot").File("w.js"); !ok || c == "" {
		t.Error("scp did not copy w.js to exec-noroot")
	}
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
