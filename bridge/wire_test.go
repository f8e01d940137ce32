package bridge

import (
	"slices"
	"strings"
	"testing"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/selector"
)

// stepJSON steps a batch and returns the Ready, after checking it against
// the service's wire: every key is a part of its Ready, every command has
// exactly the fields its kind lists, in order (perform hands them on by
// position).
func stepJSON(t *testing.T, s Service, batch string) string {
	t.Helper()
	if err := s.Step([]byte(batch)); err != nil {
		t.Fatalf("step %s: %v", batch, err)
	}
	out := string(s.Ready())
	checkReady(t, wireOfService(s), out)
	s.Advance()
	return out
}

func wireOfService(s Service) ServiceWire {
	switch s.(type) {
	case *Memd:
		return MemdWire
	case *Discovery:
		return DiscoveryWire
	case *Selector:
		return SelectorWire
	}
	return TaskWire
}

func checkReady(t *testing.T, sw ServiceWire, ready string) {
	t.Helper()
	v, err := jsonx.Parse([]byte(ready))
	if err != nil || v.Kind != jsonx.Object {
		t.Fatalf("%s: Ready is no object: %v\n%s", sw.Role, err, ready)
	}
	for _, m := range v.Obj {
		if !slices.ContainsFunc(sw.Ready, func(p Part) bool { return p.Name == m.Key }) {
			t.Errorf("%s: Ready key %q is not in its wire", sw.Role, m.Key)
		}
		if m.Key == wCmds {
			for _, c := range m.Val.Arr {
				checkCommand(t, sw, c)
			}
		}
	}
}

// checkCommand checks an encoded command against sw and returns its kind:
// the kind comes first, then exactly the fields its kind lists, in order
// (perform hands them on by position).
func checkCommand(t *testing.T, sw ServiceWire, c jsonx.Value) string {
	t.Helper()
	kind, _ := c.Get(wCommand)
	spec, ok := wireOf(sw.Commands, kind.Str)
	if !ok || c.Obj[0].Key != wCommand {
		t.Errorf("%s: command %q is not in its wire, or its kind is not its first key", sw.Role, kind.Str)
		return kind.Str
	}
	var keys, want []string
	for _, m := range c.Obj[1:] {
		keys = append(keys, m.Key)
	}
	for _, f := range spec.Fields {
		want = append(want, f.Name)
	}
	if !slices.Equal(keys, want) {
		t.Errorf("%s: %s has keys %q, its wire says %q", sw.Role, kind.Str, keys, want)
	}
	return kind.Str
}

// checkCommands encodes each command into w and checks it; together they
// must bring every kind sw lists.
func checkCommands[C any](t *testing.T, sw ServiceWire, w *jsonx.Writer, encode func(C), commands []C) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range commands {
		w.Reset()
		encode(c)
		v, err := jsonx.Parse(w.Bytes())
		if err != nil || v.Kind != jsonx.Object {
			t.Fatalf("%s: %s is no object: %v", sw.Role, w.Bytes(), err)
		}
		seen[checkCommand(t, sw, v)] = true
	}
	for _, c := range sw.Commands {
		if !seen[c.Kind] {
			t.Errorf("%s: command %q is never encoded", sw.Role, c.Kind)
		}
	}
}

// Each daemon event, with every field its wire lists, gets past the
// decoder: what rejects the samples below is the engine or the bridge's
// bookkeeping, never the schema. A key the wire does not list is
// rejected by name, and so is a required one missing.
func TestDaemonWire_events(t *testing.T) {
	tests := []struct {
		wire  ServiceWire
		event string
		err   string // "" = accepted
	}{
		{MemdWire, `{"k":"msg","body":{"t":"worker","host":"a"}}`, ""},
		{MemdWire, `{"k":"tick","now":5,"dead":[3],"workers":[["home",true,8,1.5]],"gone":["b"]}`, ""},
		{MemdWire, `{"k":"sent","id":5,"ok":true}`, "sent: unknown send id 5"},
		{MemdWire, `{"k":"tick","workers":[["home",true,8]]}`, `tick: worker 0: want [host, root, max, used]`},
		{MemdWire, `{"k":"tick","workers":[["home",1,8,0]]}`, `tick: worker 0: "root": want a boolean, got number`},
		{MemdWire, `{"k":"tick","workers":[["home",true,8,0.001]]}`, `tick: worker 0: "used": ram: amount is not a multiple of 0.01 GB`},
		{MemdWire, `{"k":"tick","dead":["x"]}`, `tick: field "dead" holds a non-pid`},
		{MemdWire, `{"k":"tick","observe":[]}`, `tick: unknown key "observe"`},
		{MemdWire, `{"k":"sent","ok":true}`, `sent: field "id" missing`},
		{MemdWire, `{"k":"configure","settings":{"homeReserve":16,"setAside":{"pserv-0":64},"useHacknet":true}}`, ""},
		{MemdWire, `{"k":"configure","settings":{}}`, ""},
		{MemdWire, `{"k":"configure","settings":{"reserve":16}}`, `configure: unknown setting "reserve"`},
		{MemdWire, `{"k":"configure","settings":{"homeReserve":-1}}`, `configure: field "homeReserve" ram: amount is negative`},
		{MemdWire, `{"k":"configure","settings":{"setAside":{"a":"x"}}}`, `configure: field "setAside.a" wrong type: want GB`},
		{MemdWire, `{"k":"configure","settings":[1]}`, `configure: field "settings" is not an object`},
		{MemdWire, `{"k":"restore","state":"{}"}`, `restore: saved state: key "v" is missing`},
		{MemdWire, `{"k":"restore","state":"{\"v\":2}"}`, `restore: saved state: version 2, want 1`},
		{DiscoveryWire, `{"k":"look","now":1,"level":1,"programs":["NUKE.exe"],"dead":[4],"full":true,"servers":[` + homeJS + `]}`, ""},
		{DiscoveryWire, `{"k":"msg","body":{"t":"subscribe","rid":1,"pid":2,"reply":3}}`, ""},
		{DiscoveryWire, `{"k":"done","id":2,"ok":false,"err":"no"}`, "discovery: result names no open or nuke in flight"},
		{DiscoveryWire, `{"k":"sent","id":2,"ok":true}`, "discovery: delivered send id is unknown"},
		{DiscoveryWire, `{"k":"done","id":1,"ok":true}`, "done: unknown id 1"},
		{DiscoveryWire, `{"k":"sent","id":1,"ok":true}`, "sent: unknown send id 1"},
		{SelectorWire, `{"k":"msg","body":{"t":"reopen","host":"a"}}`, ""},
		{SelectorWire, `{"k":"tick","now":1,"hacking":1,"dead":[5]}`, ""},
		{SelectorWire, `{"k":"launched","id":1,"pid":0,"reason":"full"}`, "selector: launch id is unknown"},
		{SelectorWire, `{"k":"tick","now":1}`, `tick: field "hacking" missing`},
		{SelectorWire, `{"k":"launched","id":1,"pid":0,"why":"full"}`, `launched: unknown key "why"`},
		{SelectorWire, `{"k":"look","now":1}`, `unknown event kind "look"`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		s, err := NewService(tt.wire.Role, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonx.Parse([]byte(tt.event))
		if err != nil {
			t.Fatal(err)
		}
		if spec, err := eventOf(tt.wire.Events, v); err == nil && len(v.Obj) == len(spec.Fields)+1 {
			seen[tt.wire.Role+" "+spec.Kind] = true // a sample with every field
		}
		got := stepJSON(t, s, `[`+tt.event+`]`)
		switch {
		case tt.err == "" && strings.Contains(got, `"errors"`):
			t.Errorf("%s %s: rejected: %s", tt.wire.Role, tt.event, got)
		case tt.err != "" && !strings.Contains(got, `"event 0: `+strings.ReplaceAll(tt.err, `"`, `\"`)):
			t.Errorf("%s %s: want error %q, got %s", tt.wire.Role, tt.event, tt.err, got)
		}
	}
	for _, sw := range []ServiceWire{MemdWire, DiscoveryWire, SelectorWire} {
		for _, e := range sw.Events {
			if !seen[sw.Role+" "+e.Kind] {
				t.Errorf("%s: no sample of %s with every field", sw.Role, e.Kind)
			}
		}
	}
}

// Every selector command kind is encoded with the fields its wire lists
// (stepJSON checks the commands of the other tests' Readies, which do not
// bring every kind).
func TestSelectorWire_commands(t *testing.T) {
	s := &Selector{}
	checkCommands(t, SelectorWire, &s.w, s.encodeCommand, []selector.Command{
		selector.Launch{ID: 1, Kind: selector.KindTill, Target: "a", RAM: 100}, selector.Kill{Pid: 3},
		selector.SetPriority{Port: 101, Priority: 2}, selector.Cordon{Host: "a", On: true},
	})
}

// A renamed kind, field or Ready key changes its service's generated
// file: the committed one then differs, and make check-gen (and jsglue's
// TestGenerated) fails before any run.
func TestGenerateWireJS_rename(t *testing.T) {
	for _, sw := range Wires() {
		orig := string(GenerateWireJS(sw))
		type rename struct {
			what string
			edit func(*ServiceWire)
		}
		var renames []rename
		for i, e := range sw.Events {
			renames = append(renames, rename{"event " + e.Kind, func(c *ServiceWire) { c.Events[i].Kind += "X" }})
			for j, f := range e.Fields {
				renames = append(renames, rename{e.Kind + "." + f.Name, func(c *ServiceWire) { c.Events[i].Fields[j].Name += "X" }})
			}
		}
		for i, e := range sw.Commands {
			renames = append(renames, rename{"command " + e.Kind, func(c *ServiceWire) { c.Commands[i].Kind += "X" }})
			for j, f := range e.Fields {
				renames = append(renames, rename{e.Kind + "." + f.Name, func(c *ServiceWire) { c.Commands[i].Fields[j].Name += "X" }})
			}
		}
		for i, p := range sw.Ready {
			renames = append(renames, rename{"ready " + p.Name, func(c *ServiceWire) { c.Ready[i].Name += "X" }})
		}
		for _, r := range renames {
			c := cloneWire(sw)
			r.edit(&c)
			if got := string(GenerateWireJS(c)); got == orig || !strings.Contains(got, "X") {
				t.Errorf("%s: renaming %s leaves %s as it was", sw.Role, r.what, sw.File())
			}
		}
		if string(GenerateWireJS(cloneWire(sw))) != orig {
			t.Errorf("%s: a copy of the wire generates another file", sw.Role)
		}
	}
}

// cloneWire copies a wire deep enough that editing its names leaves the
// original alone.
func cloneWire(sw ServiceWire) ServiceWire {
	clone := func(ws []Wire) []Wire {
		out := slices.Clone(ws)
		for i := range out {
			out[i].Fields = slices.Clone(out[i].Fields)
		}
		return out
	}
	sw.Events, sw.Commands, sw.Ready = clone(sw.Events), clone(sw.Commands), slices.Clone(sw.Ready)
	return sw
}
