package bridge

import (
	"errors"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/formulas"
	"ramfarm/core/harvest"
	"ramfarm/core/hwgw"
	"ramfarm/core/prep"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// RoleTask is one task: a till, a sow or a harvest, by its config's kind.
const RoleTask = "task"

// workerScripts are the worker scripts (jsglue/w/), by the action they
// run. A worker's arguments are TARGET DELAY_MS LOOP PORT.
var workerScripts = [...]string{
	hwgw.ActionHack:   "ramfarm/w/hack.js",
	hwgw.ActionGrow:   "ramfarm/w/grow.js",
	hwgw.ActionWeaken: "ramfarm/w/weaken.js",
}

// WorkerScript is the script of the worker that runs action.
func WorkerScript(a hwgw.Action) string { return workerScripts[a] }

// Task serves a till, sow or harvest script (jsglue/lib/task.js): one
// engine of core/task's contract, whatever its kind. It decodes the
// events of TaskEvents, steps the engine, and encodes its Ready as
//
//	{"cmds":[cmd...],"log":[text...],"wake":ms,"errors":[text...]}
//
// with each cmd one of TaskCommands, "c" its kind. The requests to the
// memory daemon, the heartbeat and the finished message are built here,
// from the config's pid, port, kind and target; the script only sends
// them. "errors" lists events the engine rejected, which changed nothing.
type Task struct {
	eng    task.Engine
	kind   string
	target string
	pid    proc.Pid
	port   proc.Port
	errs   []string
	w      jsonx.Writer
}

// TaskConfig is a task's configuration, decoded from JSON:
//
//	{"kind":"till"|"sow"|"harvest","target":host,"pid":n,"port":n,
//	 "prio":n,"cap":GB,"fixed":bool,"round":bool,"heartbeat":ms,
//	 "minSec":x,"maxMoney":x,"growth":x,"baseSec":x,"requiredLevel":x,
//	 "level":n,"intelligence":n,"mults":{"hacking","hackingChance","hackingSpeed","hackingMoney","hackingGrow","hackingExp"},
//	 "growRam":GB,"weakenRam":GB,"securityTolerance":x,"moneyTolerance":x,"bitNode":{"n":n,"level":n},
//	 harvest only: "hackRam":GB,"spacing":ms,"period":ms,"growSafety":n,"fraction":f,"maxFraction":f,
//	               "sizeGain":f,"guard":ms}
//
// pid and port are the script's own (heartbeats name them); prio, cap,
// fixed and round are the selector's word at launch. The target's figures are its
// getters' (a till needs minSec; a sow also maxMoney and growth; a harvest
// all but baseSec), and the player's are level (a harvest's required),
// intelligence and mults; absent multipliers are 1. "bitNode" is the
// BitNode the game runs, BitNode 1 when absent: only its number and level
// travel, and the engine looks its multipliers up in the table compiled
// into the module (the game reveals them only with Source-File 5). Every
// other key may be left out for the engine's default.
type TaskConfig struct {
	Kind    string
	Target  string
	Pid     proc.Pid
	Port    proc.Port
	Prep    prep.Config    // a till or sow
	Harvest harvest.Config // a harvest
}

var (
	taskKeys    = []string{fKind, fTarget, fPid, fPort, fPrio, fCap, "fixed", "round", "heartbeat", "minSec", "maxMoney", "growth", "baseSec", "requiredLevel", "level", "intelligence", "mults", "growRam", "weakenRam", "securityTolerance", "moneyTolerance", fBitNode}
	harvestKeys = []string{"hackRam", "spacing", "period", "growSafety", "fraction", "maxFraction", "sizeGain", "guard"}
	prepKeys    = []string{}
)

// ParseTaskConfig decodes a task config; a key unknown to its kind is
// rejected by name. The engine checks the values when it is built.
func ParseTaskConfig(b []byte) (TaskConfig, error) {
	var cfg TaskConfig
	fail := func(err error) (TaskConfig, error) { return cfg, errors.New("task config: " + err.Error()) }
	v, err := jsonx.Parse(b)
	if err != nil {
		return fail(err)
	}
	if v.Kind != jsonx.Object {
		return fail(errors.New("want an object, got " + v.Kind.String()))
	}
	f := jsonx.NewFields(v)
	cfg.Kind = f.Str(fKind, true)
	own := prepKeys
	switch cfg.Kind {
	case "till", "sow":
	case harvestKind:
		own = harvestKeys
	default:
		if f.Err() == nil {
			f.Fail(fKind, jsonx.ErrRange, `"till", "sow" or "harvest"`)
		}
	}
	if err := f.Err(); err != nil {
		return fail(err)
	}
	if err := onlyKeys(v, append(own, taskKeys...)...); err != nil {
		return fail(errors.New(cfg.Kind + ": " + err.Error()))
	}
	cfg.Target = f.Str(fTarget, true)
	cfg.Pid = proc.Pid(f.Int(fPid, true, 1, 1<<53-1))
	cfg.Port = proc.Port(f.Int(fPort, true, 1, int64(proc.MaxPort)))
	tc := task.Config{
		Priority:  int(f.Int(fPrio, false, -1<<31, 1<<31-1)),
		Cap:       gbField(f, fCap, false),
		Fixed:     f.Bool("fixed"),
		Round:     f.Bool("round"),
		Heartbeat: f.Int("heartbeat", false, 0, 1<<40),
	}
	harvesting := cfg.Kind == harvestKind
	target := formulas.Server{
		MinDifficulty:        f.Num("minSec", true),
		MoneyMax:             f.Num("maxMoney", cfg.Kind != "till"),
		ServerGrowth:         f.Num("growth", cfg.Kind != "till"),
		BaseDifficulty:       f.Num("baseSec", false),
		RequiredHackingSkill: f.Num("requiredLevel", false),
	}
	player := formulas.NewPlayer(f.Num("level", harvesting))
	if !f.Has("level") {
		player.Hacking = 0
	}
	player.Intelligence = f.Num("intelligence", false)
	if err := f.Err(); err != nil {
		return fail(err)
	}
	if err := readMults(v, &player.Mults); err != nil {
		return fail(err)
	}
	node, err := readNode(v)
	if err != nil {
		return fail(err)
	}
	growRAM, weakenRAM := gbField(f, "growRam", false), gbField(f, "weakenRam", false)
	secTol, moneyTol := f.Num("securityTolerance", false), f.Num("moneyTolerance", false)
	if harvesting {
		h := &cfg.Harvest
		h.Node = node
		h.Model = hwgw.Model{Target: target, Player: player, GrowRAM: growRAM, WeakenRAM: weakenRAM,
			HackRAM: gbField(f, "hackRam", false), Spacing: f.Int("spacing", false, 0, 1<<31), Period: f.Int("period", false, 0, 1<<40),
			GrowSafety: int(f.Int("growSafety", false, hwgw.NoGrowSafety, 1<<20))}
		h.Fraction, h.MaxFraction = f.Num("fraction", false), f.Num("maxFraction", false)
		h.SizeGain, h.Guard = f.Num("sizeGain", false), f.Int("guard", false, 0, 1<<31)
		h.SecurityTolerance, h.MoneyTolerance, h.Task = secTol, moneyTol, tc
	} else {
		kind := prep.KindTill
		if cfg.Kind == "sow" {
			kind = prep.KindSow
		}
		cfg.Prep = prep.Config{Kind: kind, Target: target, Player: player, Node: node, GrowRAM: growRAM, WeakenRAM: weakenRAM, Task: tc,
			SecurityTolerance: secTol, MoneyTolerance: moneyTol}
	}
	if err := f.Err(); err != nil {
		return fail(err)
	}
	if cfg.Target == "" {
		return fail(errors.New(`field "target" is empty`))
	}
	return cfg, nil
}

const harvestKind = "harvest"

// fBitNode is the config key of the BitNode the game runs.
const fBitNode = "bitNode"

// readNode reads the config's "bitNode": {"n": 1..14, "level": 1..}. An
// absent key is BitNode 1; a BitNode or level the game has none of is an
// error naming it, from the table compiled into the module.
func readNode(v jsonx.Value) (formulas.Node, error) {
	nv, ok := v.Get(fBitNode)
	if !ok || nv.Kind == jsonx.Null {
		return formulas.Node{}.Or1(), nil
	}
	if err := onlyKeys(nv, "n", "level"); err != nil {
		return formulas.Node{}, errors.New(fBitNode + ": " + err.Error())
	}
	nf := jsonx.NewFields(nv)
	node := formulas.Node{N: int(nf.Int("n", true, 1, 1<<20)), Level: int(nf.Int("level", false, 1, 1<<20))}
	if err := nf.Err(); err != nil {
		return formulas.Node{}, errors.New(fBitNode + ": " + err.Error())
	}
	if _, err := node.Mults(); err != nil {
		return formulas.Node{}, errors.New(fBitNode + ": " + err.Error())
	}
	return node.Or1(), nil
}

// readMults reads the player's multipliers, if the config has them.
func readMults(v jsonx.Value, m *formulas.Mults) error {
	mv, ok := v.Get("mults")
	if !ok || mv.Kind == jsonx.Null {
		return nil
	}
	if err := onlyKeys(mv, "hacking", "hackingChance", "hackingSpeed", "hackingMoney", "hackingGrow", "hackingExp"); err != nil {
		return errors.New("mults: " + err.Error())
	}
	mf := jsonx.NewFields(mv)
	for _, x := range []struct {
		name string
		dst  *float64
	}{
		{"hacking", &m.Hacking}, {"hackingChance", &m.HackingChance}, {"hackingSpeed", &m.HackingSpeed},
		{"hackingMoney", &m.HackingMoney}, {"hackingGrow", &m.HackingGrow}, {"hackingExp", &m.HackingExp},
	} {
		if mf.Has(x.name) {
			*x.dst = mf.Num(x.name, true)
		}
	}
	if err := mf.Err(); err != nil {
		return errors.New("mults: " + err.Error())
	}
	return nil
}

// onlyKeys rejects an object member not named in keys, so a misspelt key
// never silently means "default".
func onlyKeys(v jsonx.Value, keys ...string) error {
	if v.Kind != jsonx.Object {
		return errors.New("want an object, got " + v.Kind.String())
	}
next:
	for _, m := range v.Obj {
		for _, k := range keys {
			if m.Key == k {
				continue next
			}
		}
		return errors.New("unknown key " + strconv.Quote(m.Key))
	}
	return nil
}

// NewTask builds the task service from its JSON config.
func NewTask(config []byte) (*Task, error) {
	cfg, err := ParseTaskConfig(config)
	if err != nil {
		return nil, err
	}
	t := &Task{kind: cfg.Kind, target: cfg.Target, pid: cfg.Pid, port: cfg.Port}
	if cfg.Kind == harvestKind {
		t.eng, err = harvest.New(cfg.Harvest)
	} else {
		t.eng, err = prep.New(cfg.Prep)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Step implements Service.
func (t *Task) Step(batch []byte) error {
	return stepEach(TaskWire, batch, &t.errs, t.stepOne)
}

func (t *Task) stepOne(kind string, v jsonx.Value) error {
	ev, err := decodeTaskEvent(kind, v)
	if err != nil || ev == nil {
		return err
	}
	return t.eng.Step(ev)
}

// Ready implements Service.
func (t *Task) Ready() []byte {
	rd := t.eng.Ready()
	w := &t.w
	w.Reset()
	w.BeginObject()
	if len(rd.Commands) > 0 {
		w.Key(wCmds)
		w.BeginArray()
		for _, c := range rd.Commands {
			t.encodeCommand(c)
		}
		w.EndArray()
	}
	w.StringList(wLog, rd.Logs)
	if rd.Wake != 0 {
		w.Key(wWake)
		w.Int(rd.Wake)
	}
	w.StringList(wErrors, t.errs)
	w.EndObject()
	return w.Bytes()
}

// encodeCommand writes one command with the fields TaskCommands lists for
// its kind, in that order.
func (t *Task) encodeCommand(c task.Command) {
	w := &t.w
	w.BeginObject()
	head := func(kind string, id int64) {
		w.Key(wCommand)
		w.String(kind)
		w.Key(wID)
		w.Int(id)
	}
	switch c := c.(type) {
	case task.Alloc:
		head(CmdAlloc, c.ID)
		t.message(TypeAlloc, func() {
			t.chunkCount(c.Size, c.Count, c.Priority)
			w.Key(fGrow)
			w.Bool(c.Growable)
			w.Key(fShrink)
			w.Bool(c.Shrinkable)
		})
	case task.Resize:
		head(CmdAsk, c.ID)
		t.message(TypeResize, func() { t.chunkCount(c.Size, c.Count, c.Priority) })
	case task.Release:
		if c.Host == "" {
			head(CmdClose, c.ID)
			break
		}
		head(CmdAsk, c.ID)
		t.message(TypeRelease, func() {
			w.Key(fHost)
			w.String(c.Host)
			w.Key(fChunk)
			w.Num(c.Size.GB())
			w.Key(fCount)
			w.Int(int64(c.Count))
		})
	case task.Unclaim:
		head(CmdUnclaim, c.ID)
		t.message(TypeUnclaim, func() {
			w.Key(fWorker)
			w.Int(int64(c.Pid))
		})
	case task.Start:
		head(CmdStart, c.ID)
		w.Key(wScript)
		w.String(WorkerScript(c.Action))
		w.Key(fHost)
		w.String(c.Host)
		w.Key(wThreads)
		w.Int(int64(c.Threads))
		w.Key(fRAM)
		w.Num(c.RAM.GB())
		w.Key(wAt)
		w.Num(c.At())
		w.Key(wLand)
		w.Num(c.Land)
		w.Key(wKeep)
		w.Bool(c.Keep())
	case task.Kill:
		head(CmdHalt, c.ID)
		w.Key(fPid)
		w.Int(int64(c.Pid))
	case task.Heartbeat:
		head(CmdBeat, c.ID)
		t.selectorMsg(TypeHeartbeat, func() {
			w.Key(fPort)
			w.Int(int64(t.port))
			t.kindTarget()
			w.Key(fHeld)
			w.Num(c.Held.GB())
			w.Key(fWant)
			w.Num(c.Want.GB())
			w.Key(fCapped)
			w.Bool(c.Capped)
			w.Key(fCap)
			w.Num(c.Cap.GB())
			w.Key(fPrio)
			w.Int(int64(c.Priority))
			w.Key(fRate)
			w.Num(c.Rate)
			w.Key(fStopping)
			w.Bool(c.Stopping)
			w.Key(fChunk)
			w.Num(c.Chunk.GB())
			w.StringList(fGaveUp, c.GaveUp)
			w.Key(fEarned)
			w.Num(c.Earned)
		})
	case task.Finished:
		head(CmdFinished, c.ID)
		t.selectorMsg(TypeFinished, func() {
			t.kindTarget()
			w.Key(fDone)
			w.Bool(c.Done())
			w.Key(fEarned)
			w.Num(c.Earned)
		})
	}
	w.EndObject()
}

// message writes the "msg" of a command, a port message from the task:
// its type, the task's pid, then body's fields.
func (t *Task) message(typ string, body func()) {
	w := &t.w
	w.Key(wMsg)
	w.BeginObject()
	w.Key(fType)
	w.String(typ)
	w.Key(fPid)
	w.Int(int64(t.pid))
	body()
	w.EndObject()
}

// selectorMsg writes the selector's port and the message to send there.
func (t *Task) selectorMsg(typ string, body func()) {
	w := &t.w
	w.Key(fPort)
	w.Int(int64(SelectorPort))
	t.message(typ, body)
}

func (t *Task) chunkCount(size ram.Amount, count, prio int) {
	w := &t.w
	w.Key(fChunk)
	w.Num(size.GB())
	w.Key(fCount)
	w.Int(int64(count))
	w.Key(fPrio)
	w.Int(int64(prio))
}

func (t *Task) kindTarget() {
	w := &t.w
	w.Key(fKind)
	w.String(t.kind)
	w.Key(fTarget)
	w.String(t.target)
}

// Advance implements Service.
func (t *Task) Advance() {
	t.eng.Advance()
	t.errs = t.errs[:0]
}
