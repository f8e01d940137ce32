package bridge

import (
	"errors"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/prep"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// RolePrep is a till or sow task: the weaken (till) or grow and weaken
// (sow) work that prepares one target, in a growable allocation.
const RolePrep = "prep"

// Default worker scripts of a prep task.
const (
	WeakenWorker = "ramfarm/w/weaken.js"
	GrowWorker   = "ramfarm/w/grow.js"
)

// Prep serves the till and sow scripts. The script talks to the memory
// daemon through jsglue/lib/alloc.js, which waits for every answer and
// keeps the allocation's newest snapshot; the module decides everything.
//
// Events (a JSON array; the script puts "observe" last):
//
//	{"k":"observe","now":ms,"money":x,"sec":x}
//	{"k":"held","seq":n,"desired":n,"held":[[host,GB,count]...]}   (the allocation's newest snapshot)
//	{"k":"refused","reason":text}                                   (the alloc was refused)
//	{"k":"started","id":n,"pid":n}                                  (pid 0: exec failed)
//	{"k":"exited","pid":n}                                          (a worker is no longer running)
//	{"k":"msg","body":<message read from the private port>}        (the selector's prio, cap, stop, leave; a worker's landed only wakes the script)
//
// Commands (one JSON object; absent keys mean nothing to do), carried out
// in this order:
//
//	{"kill":[pid...],
//	 "unclaim":[pid...],
//	 "alloc":{"chunk":GB,"count":n,"prio":n,"growable":bool,"shrinkable":bool},
//	 "resize":{"count":n,"prio":n},
//	 "release":[[host,GB,count]...],
//	 "close":true,
//	 "start":[{"id","script","host","threads","ram","args"}...],
//	 "beat":<heartbeat message>, "finished":<finished message>, "exit":true,
//	 "log":[text...], "errors":[text...]}
//
// "kill" ends workers; "unclaim" ends the claims of workers found dead
// (before their chunks are reused); "alloc" asks for the allocation (the
// answer is stepped as "held" or "refused"); "resize" sets its desired
// count and priority, before any "release": the memory daemon regrows an
// allocation that holds less than it desires, so chunks given back
// before a lower count would come straight back; "release" gives chunks
// back and "close" the whole allocation; each "start" execs the worker with RAM per thread "ram" and
// claims it (stepped as "started"); "beat" is written to SelectorPort
// with tryWrite (the next one repeats it), "finished" is delivered there;
// after "exit" the script ends.
type Prep struct {
	eng    *prep.Engine
	kind   prep.Kind
	target string
	pid    proc.Pid
	port   proc.Port
	script [2]string // weaken, grow
	errs   []string
	w      jsonx.Writer
}

// PrepConfig is a prep task's configuration, decoded from JSON:
//
//	{"kind":"till"|"sow","target":host,"pid":n,"port":n,"minSec":x,
//	 "maxMoney":x,"growth":x,"weakenScript":path,"weakenRam":GB,
//	 "growScript":path,"growRam":GB,"prio":n,"cap":GB,"fixed":bool,
//	 "heartbeat":ms}
//
// pid and port are the script's own (heartbeats name them); maxMoney and
// growth are read by a sow only.
type PrepConfig struct {
	Target string
	Pid    proc.Pid
	Port   proc.Port
	Script [2]string // worker script: weaken, grow
	Engine prep.Config
}

// ParsePrepConfig decodes and checks a prep config; unknown keys are
// rejected by name. The engine checks the numbers.
func ParsePrepConfig(b []byte) (PrepConfig, error) {
	cfg := PrepConfig{Script: [2]string{WeakenWorker, GrowWorker}}
	fail := func(s string) (PrepConfig, error) { return cfg, errors.New("prep config: " + s) }
	v, err := jsonx.Parse(b)
	if err != nil {
		return fail(err.Error())
	}
	f := jsonx.NewFields(v)
	for _, m := range v.Obj {
		switch m.Key {
		case "kind", "target", "pid", "port", "minSec", "maxMoney", "growth", "weakenScript", "weakenRam",
			"growScript", "growRam", "prio", "cap", "fixed", "heartbeat":
		default:
			return fail("unknown key " + strconv.Quote(m.Key))
		}
	}
	gb := func(name string, positive bool) ram.Amount {
		if !f.Has(name) {
			return 0
		}
		a, err := ram.FromGB(f.Num(name, true))
		if err == nil && positive && a == 0 {
			err = jsonx.ErrRange
		}
		if err != nil && f.Err() == nil {
			f.Fail(name, err, "GB, a multiple of 0.01")
		}
		return a
	}
	switch k := f.Str("kind", true); k {
	case "till":
		cfg.Engine.Kind = prep.KindTill
	case "sow":
		cfg.Engine.Kind = prep.KindSow
	default:
		if f.Err() == nil {
			f.Fail("kind", jsonx.ErrRange, `"till" or "sow"`)
		}
	}
	cfg.Target = f.Str("target", true)
	cfg.Pid = proc.Pid(f.Int("pid", true, 1, 1<<53-1))
	cfg.Port = proc.Port(f.Int("port", true, 1, int64(proc.MaxPort)))
	cfg.Engine.Target = formulas.Server{
		MinDifficulty: f.Num("minSec", true),
		MoneyMax:      f.Num("maxMoney", cfg.Engine.Kind == prep.KindSow),
		ServerGrowth:  f.Num("growth", cfg.Engine.Kind == prep.KindSow),
	}
	if f.Has("weakenScript") {
		cfg.Script[0] = f.Str("weakenScript", true)
	}
	if f.Has("growScript") {
		cfg.Script[1] = f.Str("growScript", true)
	}
	cfg.Engine.WeakenRAM = gb("weakenRam", true)
	cfg.Engine.GrowRAM = gb("growRam", true)
	cfg.Engine.Task.Priority = int(f.Int("prio", false, -1<<31, 1<<31-1))
	cfg.Engine.Task.Cap = gb("cap", false)
	cfg.Engine.Task.Fixed = f.Bool("fixed")
	cfg.Engine.Task.Heartbeat = f.Int("heartbeat", false, 0, 1<<53-1)
	if err := f.Err(); err != nil {
		return fail(err.Error())
	}
	if cfg.Target == "" {
		return fail(`field "target" is empty`)
	}
	for _, s := range cfg.Script {
		if s == "" {
			return fail("a worker script name is empty")
		}
	}
	return cfg, nil
}

// NewPrep builds the prep service from its JSON config.
func NewPrep(config []byte) (*Prep, error) {
	cfg, err := ParsePrepConfig(config)
	if err != nil {
		return nil, err
	}
	eng, err := prep.New(cfg.Engine)
	if err != nil {
		return nil, err
	}
	return &Prep{eng: eng, kind: cfg.Engine.Kind, target: cfg.Target, pid: cfg.Pid, port: cfg.Port, script: cfg.Script}, nil
}

// Step implements Service.
func (p *Prep) Step(batch []byte) error {
	return stepEach("prep", batch, &p.errs, p.stepOne)
}

func (p *Prep) stepOne(v jsonx.Value) error {
	kind, _ := v.Get("k")
	ev, err := decodePrepEvent(kind.Str, v)
	if err == nil && ev != nil {
		err = p.eng.Step(ev)
	}
	if err != nil {
		return errors.New(kind.Str + ": " + err.Error())
	}
	return nil
}

// decodePrepEvent turns one event into an engine event; nil means there
// is nothing to step (a worker's landed message).
func decodePrepEvent(kind string, v jsonx.Value) (task.Event, error) {
	f := jsonx.NewFields(v)
	var ev task.Event
	switch kind {
	case "observe":
		ev = task.Tick{Now: int64(f.Num("now", true)), Money: f.Num("money", false), Security: f.Num("sec", true)}
	case "held":
		h := task.Held{Seq: f.Int("seq", true, 0, 1<<53-1), Desired: int(f.Int("desired", true, 0, 1<<31-1))}
		for i, c := range f.Arr("held", true) {
			if c.Kind != jsonx.Array || len(c.Arr) != 3 || c.Arr[0].Kind != jsonx.String || c.Arr[1].Kind != jsonx.Number ||
				c.Arr[2].Kind != jsonx.Number || c.Arr[2].Num != float64(int(c.Arr[2].Num)) {
				return nil, errors.New(`field "held": entry ` + strconv.Itoa(i) + " is not [host, GB, count]")
			}
			size, err := ram.FromGB(c.Arr[1].Num)
			if err != nil {
				return nil, errors.New(`field "held": entry ` + strconv.Itoa(i) + ": " + err.Error())
			}
			h.Chunks = append(h.Chunks, task.Chunk{Host: c.Arr[0].Str, Size: size, Count: int(c.Arr[2].Num)})
		}
		ev = h
	case "refused":
		ev = task.Refused{Reason: f.Str("reason", false)}
	case "started":
		ev = task.Started{Cmd: f.Int("id", true, 1, 1<<53-1), Pid: proc.Pid(f.Int("pid", true, 0, 1<<53-1))}
	case "exited":
		ev = task.Exited{Pid: proc.Pid(f.Int("pid", true, 1, 1<<53-1))}
	case "msg":
		body, ok := v.Get("body")
		if !ok {
			return nil, errors.New(`field "body" missing`)
		}
		return decodeTaskCommand(body)
	default:
		return nil, errors.New("unknown event kind")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return ev, nil
}

// decodeTaskCommand reads a message from a task's private port: a
// selector command, or a worker's landed message (nil: it only wakes the
// script, which then finds the worker gone). Unknown keys are rejected by
// name.
func decodeTaskCommand(v jsonx.Value) (task.Event, error) {
	h := readHeader(v)
	if v.Kind != jsonx.Object {
		return nil, errors.New("message is a " + v.Kind.String() + ", want an object")
	}
	spec, ok := MessageByType(h.typ)
	switch h.typ {
	case TypePrio, TypeCap, TypeStop, TypeLeave, TypeLanded:
	default:
		ok = false
	}
	if !ok {
		return nil, errors.New("unexpected message type " + strconv.Quote(h.typ))
	}
	for _, m := range v.Obj {
		if m.Key != fType && !hasField(spec, m.Key) {
			return nil, errors.New(h.typ + ": unknown key " + strconv.Quote(m.Key))
		}
	}
	f := jsonx.NewFields(v)
	var ev task.Event
	switch h.typ {
	case TypePrio:
		ev = task.SetPriority{Priority: int(f.Int(fPrio, true, -1<<31, 1<<31-1))}
	case TypeCap:
		a, err := ram.FromGB(f.Num(fRAM, true))
		if err != nil && f.Err() == nil {
			f.Fail(fRAM, err, "GB, a multiple of 0.01")
		}
		ev = task.SetCap{RAM: a}
	case TypeStop:
		ev = task.Stop{}
	case TypeLeave:
		ev = task.Leave{Host: f.Str(fHost, true)}
	}
	if err := f.Err(); err != nil {
		return nil, errors.New(h.typ + ": " + err.Error())
	}
	return ev, nil
}

// Ready implements Service.
func (p *Prep) Ready() []byte {
	rd := p.eng.Ready()
	var kills, unclaims []int64
	var releases []task.Release
	var starts []task.Start
	var alloc *task.Alloc
	var resize *task.Resize
	var beat *task.Heartbeat
	var fin *task.Finished
	closeAll := false
	for _, c := range rd.Commands {
		switch c := c.(type) {
		case task.Kill:
			kills = append(kills, int64(c.Pid))
		case task.Unclaim:
			unclaims = append(unclaims, int64(c.Pid))
		case task.Release:
			if c.Host == "" {
				closeAll = true
			} else {
				releases = append(releases, c)
			}
		case task.Alloc:
			alloc = &c
		case task.Resize:
			resize = &c // a later one supersedes: it carries the whole state
		case task.Start:
			starts = append(starts, c)
		case task.Heartbeat:
			beat = &c
		case task.Finished:
			fin = &c
		}
	}
	w := &p.w
	w.Reset()
	w.BeginObject()
	if len(kills) > 0 {
		jsonx.IntList(w, "kill", kills)
	}
	if len(unclaims) > 0 {
		jsonx.IntList(w, "unclaim", unclaims)
	}
	if alloc != nil {
		w.Key("alloc")
		w.BeginObject()
		w.Key(fChunk)
		w.Num(alloc.Size.GB())
		w.Key(fCount)
		w.Int(int64(alloc.Count))
		w.Key(fPrio)
		w.Int(int64(alloc.Priority))
		w.Key("growable")
		w.Bool(alloc.Growable)
		w.Key("shrinkable")
		w.Bool(alloc.Shrinkable)
		w.EndObject()
	}
	if resize != nil {
		w.Key("resize")
		w.BeginObject()
		w.Key(fCount)
		w.Int(int64(resize.Count))
		w.Key(fPrio)
		w.Int(int64(resize.Priority))
		w.EndObject()
	}
	if len(releases) > 0 {
		w.Key("release")
		w.BeginArray()
		for _, r := range releases {
			w.BeginArray()
			w.String(r.Host)
			w.Num(r.Size.GB())
			w.Int(int64(r.Count))
			w.EndArray()
		}
		w.EndArray()
	}
	if closeAll {
		w.Key("close")
		w.Bool(true)
	}
	if len(starts) > 0 {
		w.Key("start")
		w.BeginArray()
		for _, s := range starts {
			p.encodeStart(s)
		}
		w.EndArray()
	}
	if beat != nil {
		w.Key("beat")
		p.encodeHeartbeat(*beat)
	}
	if fin != nil {
		w.Key("finished")
		p.encodeFinished(*fin)
		w.Key("exit")
		w.Bool(true)
	}
	w.StringList("log", rd.Logs)
	w.StringList("errors", p.errs)
	w.EndObject()
	return w.Bytes()
}

// encodeStart writes one worker start: the worker's arguments are
// TARGET DELAY_MS LOOP PORT (jsglue/w/*.js): no delay, one operation, and
// the task's port for its landed message.
func (p *Prep) encodeStart(s task.Start) {
	w := &p.w
	w.BeginObject()
	w.Key("id")
	w.Int(s.ID)
	w.Key("script")
	script := p.script[0]
	if s.Action == hwgw.ActionGrow {
		script = p.script[1]
	}
	w.String(script)
	w.Key(fHost)
	w.String(s.Host)
	w.Key("threads")
	w.Int(int64(s.Threads))
	w.Key(fRAM)
	w.Num(s.RAM.GB() / float64(s.Threads))
	w.Key("args")
	w.BeginArray()
	w.String(p.target)
	w.Int(0)
	w.Bool(false)
	w.Int(int64(p.port))
	w.EndArray()
	w.EndObject()
}

func (p *Prep) encodeHeartbeat(b task.Heartbeat) {
	w := &p.w
	w.BeginObject()
	w.Key(fType)
	w.String(TypeHeartbeat)
	w.Key(fPid)
	w.Int(int64(p.pid))
	w.Key(fPort)
	w.Int(int64(p.port))
	w.Key("kind")
	w.String(p.kind.String())
	w.Key("target")
	w.String(p.target)
	w.Key("held")
	w.Num(b.Held.GB())
	w.Key("want")
	w.Num(b.Want.GB())
	w.Key("cap")
	w.Num(b.Cap.GB())
	w.Key(fPrio)
	w.Int(int64(b.Priority))
	w.Key("stopping")
	w.Bool(b.Stopping)
	w.EndObject()
}

func (p *Prep) encodeFinished(f task.Finished) {
	w := &p.w
	w.BeginObject()
	w.Key(fType)
	w.String(TypeFinished)
	w.Key(fPid)
	w.Int(int64(p.pid))
	w.Key("kind")
	w.String(p.kind.String())
	w.Key("target")
	w.String(p.target)
	w.Key("done")
	w.Bool(f.Done())
	w.EndObject()
}

// Advance implements Service.
func (p *Prep) Advance() {
	p.eng.Advance()
	p.errs = p.errs[:0]
}
