package bridge

import (
	"errors"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/proc"
)

// Wire is one event or one command of a service between a script and the
// module: its kind (the "k" of an event, the "c" of a command) and its
// fields, in the order the generated JavaScript passes them.
type Wire struct {
	Kind   string
	Doc    string
	Fields []Field
}

// Part is one key of a service's Ready. Absent, it reads as its type's
// zero (no commands, no log lines), or, with Keep, as undefined: the
// script keeps what an earlier Ready said (a list that replaces the last).
type Part struct {
	Name string
	Type FieldType
	Keep bool
	Doc  string
}

// ServiceWire is everything a script and the module exchange for one
// role: the events the script steps, the commands it carries out (in the
// Ready's "cmds", "c" their kind; none for the memory and discovery
// daemons) and the keys of its Ready. jsglue/lib/<role>wire.js is
// generated from it, so the script spells none of these names itself.
type ServiceWire struct {
	Role     string
	Source   string // the Go file declaring it, for the generated file's header
	Events   []Wire
	Commands []Wire
	Ready    []Part
}

// File is the name of the generated JavaScript file, in jsglue/lib.
func (s ServiceWire) File() string { return s.Role + "wire.js" }

// Wires lists every service's wire, in the order of Roles.
func Wires() []ServiceWire { return []ServiceWire{MemdWire, DiscoveryWire, SelectorWire, TaskWire} }

// Keys every service's events, commands or Ready use alike.
const (
	wEvent   = "k"
	wCommand = "c"
	wID      = "id"
	wNow     = "now"
	wLevel   = "level"
	wBody    = "body"
	wMsg     = "msg"
	wScript  = "script"
	wDead    = "dead"
	wOK      = "ok"
	wCmds    = "cmds"
	wSend    = "send"
	wLog     = "log"
	wWatch   = "watch"
	wErrors  = "errors"
)

// Event kinds more than one service steps.
const (
	EvTick = "tick"
	EvMsg  = "msg"
	EvSent = "sent"
)

// CmdHalt is a kill, of a worker or a task: the game charges a script
// for every name it spells like a netscript function, even on its own
// objects, so no wire name is one (jsglue's RAM test checks them all).
const CmdHalt = "halt"

// msgEvent is a port message the script read and hands on as it is.
func msgEvent(doc string) Wire {
	return Wire{EvMsg, doc, []Field{{wBody, TAny, true, "the message as read"}}}
}

// The daemons' sends: each [id, port, msg] of the Ready's "send" is
// written with tryWrite, in order, and its outcome stepped as sent.
var (
	sendPart = Part{wSend, TTuples, false, "messages to write with tryWrite, in order, each [id, port, msg]; step each outcome as sent"}
	sentEv   = Wire{EvSent, "The outcome of a send: whether tryWrite took it.", []Field{
		{wID, TInt, true, "the send's id"},
		{wOK, TBool, false, "tryWrite took it; false: the port was full"},
	}}
	logPart    = Part{wLog, TStrings, false, "log lines"}
	errorsPart = Part{wErrors, TStrings, false, "events the engine rejected, which changed nothing"}
	deadField  = Field{wDead, TInts, false, "watched pids found not running"}
)

func wireOf(list []Wire, kind string) (Wire, bool) {
	for _, w := range list {
		if w.Kind == kind {
			return w, true
		}
	}
	return Wire{}, false
}

// eventOf returns the entry of list that event v's kind names, after
// checking v's keys against it: an unknown key or a missing required one
// is an error that names it, so a misspelt key never means "absent".
func eventOf(list []Wire, v jsonx.Value) (Wire, error) {
	if v.Kind != jsonx.Object {
		return Wire{}, errors.New("event is a " + v.Kind.String() + ", want an object")
	}
	k, _ := v.Get(wEvent)
	spec, ok := wireOf(list, k.Str)
	if !ok {
		return spec, errors.New("unknown event kind " + strconv.Quote(k.Str))
	}
	if key, bad := unknownKey(v, wEvent, spec.Fields); bad {
		return spec, errors.New(spec.Kind + ": unknown key " + strconv.Quote(key))
	}
	for _, f := range spec.Fields {
		if _, ok := v.Get(f.Name); f.Required && !ok {
			return spec, errors.New(spec.Kind + ": " + (&jsonx.FieldError{Field: f.Name, Err: jsonx.ErrMissing}).Error())
		}
	}
	return spec, nil
}

// pids reads an event's dead pids (deadField).
func pids(f *jsonx.Fields) ([]proc.Pid, error) {
	var out []proc.Pid
	for _, d := range f.Arr(wDead, false) {
		if d.Kind != jsonx.Number || d.Num != float64(int64(d.Num)) || d.Num < 1 {
			return nil, errors.New(`field "` + wDead + `" holds a non-pid`)
		}
		out = append(out, proc.Pid(d.Num))
	}
	return out, nil
}

// unknownKey returns the first key of object v that is neither tag (its
// kind or type key) nor one of fields.
func unknownKey(v jsonx.Value, tag string, fields []Field) (string, bool) {
	for _, m := range v.Obj {
		if m.Key != tag && !hasField(fields, m.Key) {
			return m.Key, true
		}
	}
	return "", false
}

func hasField(fields []Field, name string) bool {
	for _, f := range fields {
		if f.Name == name {
			return true
		}
	}
	return false
}
