package bridge

import (
	"errors"
	"math"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/formulas"
	"ramfarm/core/harvest"
	"ramfarm/core/hwgw"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// RoleHarvest is one harvest task: HWGW batches against one target in
// the chunks of a growable allocation.
const RoleHarvest = "harvest"

// Harvest serves the harvest script. It decodes what the script observed
// and heard, steps the engine, and encodes the engine's commands.
//
// Events (a JSON array), in the order the script collects them:
//
//	{"k":"started","id":n,"pid":n}                 (a start's result; pid 0: exec failed)
//	{"k":"exited","pid":n}                         (a worker is gone; unclaim it first)
//	{"k":"held","answered":id,"held":[[host,GB,count(,cores)]...]}
//	{"k":"budget","ram":GB,"maxChunk":GB}          (the selector's cap; maxChunk optional)
//	{"k":"shutdown"}                               (the selector's stop)
//	{"k":"leave","host":name}                      (the selector's leave: a vacate)
//	{"k":"tick","now":ms,"money":n,"sec":n,"level":n}
//
// "held" is the allocation's latest snapshot; "answered" is the id of the
// last resize or release command whose answer the script has received (0
// before any), since the engine learns from it which releases the
// snapshot reflects. A tick's "level" may be left out (keeps the last).
//
// Commands (one JSON object; absent keys mean nothing to do):
//
//	{"cmds":[cmd...],"log":[text...],"wake":ms,"errors":[text...]}
//
// where each cmd has "c" for its kind and an "id":
//
//	{"c":"start","id","batch","op","part","host","threads","ram","delay","duration","land"}
//	{"c":"resize","id","chunk","count"}
//	{"c":"release","id","host","chunk","count"}    (no host: the whole allocation)
//	{"c":"heartbeat","id","mode","inFlight","depth","chunk","perBatch","held","want","rate","fraction","landed"}
//	{"c":"rebalance","id","reason","money","sec","weaken","grow"}
//	{"c":"done","id","reason"}
//
// The script carries them out in order. A run of consecutive starts
// starts together: "op" names the worker ("hack", "grow" or "weaken"),
// "part" the landing (H, W1, G, W2), "ram" the GB to claim, and "delay"
// the additionalMsec for a start at the tick's time, so one that starts
// later passes land − duration − now instead. Its result is stepped as
// "started". The first resize creates the allocation (growable, unless
// the script was told to keep a fixed size). Resizes and releases go to
// the memory daemon one at a time, each awaited, so the snapshot held
// after one's answer reflects it and every release before. A heartbeat's
// "want" is the most RAM the task could use within its cap and "rate" its
// expected money per second, as the selector's heartbeat reports them.
// "wake" is the latest game time for the next tick; "errors" lists events
// the engine rejected, which changed nothing.
type Harvest struct {
	eng  *harvest.Engine
	seq  int64 // the snapshots stepped: the script sends no seq
	errs []string
	w    jsonx.Writer
}

// ParseHarvestConfig decodes a harvest config; unknown keys are rejected
// by name. The engine checks the values when it is built.
//
//	{"target":{"maxMoney":n,"minSec":n,"baseSec":n,"growth":n,"level":n},
//	 "level":n,"intelligence":n,
//	 "mults":{"hacking","hackingChance","hackingSpeed","hackingMoney","hackingGrow","hackingExp"},
//	 "hackRam":GB,"growRam":GB,"weakenRam":GB,"spacing":ms,"period":ms,"growSafety":n,
//	 "fraction":f,"maxFraction":f,"maxChunk":GB,"budget":GB,"reshapeGain":f,
//	 "guard":ms,"securityTolerance":n,"moneyTolerance":f,"heartbeat":ms}
//
// "target" holds the target's fixed figures (the names of discovery's
// targets message) and "level" the player's hacking level; both are
// required. Absent multipliers are 1 and the BitNode is BN1 (the game
// reveals BitNode multipliers only with Source-File 5). Every other key
// may be left out for the engine's default.
func ParseHarvestConfig(b []byte) (harvest.Config, error) {
	var cfg harvest.Config
	fail := func(err error) (harvest.Config, error) { return cfg, errors.New("harvest config: " + err.Error()) }
	v, err := jsonx.Parse(b)
	if err != nil {
		return fail(err)
	}
	if err := onlyKeys(v, "target", "level", "intelligence", "mults", "hackRam", "growRam", "weakenRam",
		"spacing", "period", "growSafety", "fraction", "maxFraction", "maxChunk", "budget", "reshapeGain",
		"guard", "securityTolerance", "moneyTolerance", "heartbeat"); err != nil {
		return fail(err)
	}
	f := jsonx.NewFields(v)
	m := &cfg.Model
	tv, ok := v.Get("target")
	if !ok || tv.Kind != jsonx.Object {
		return fail(errors.New(`field "target" must be an object`))
	}
	if err := onlyKeys(tv, "maxMoney", "minSec", "baseSec", "growth", "level"); err != nil {
		return fail(errors.New("target: " + err.Error()))
	}
	tf := jsonx.NewFields(tv)
	m.Target = formulas.Server{
		MoneyMax:             tf.Num("maxMoney", true),
		MinDifficulty:        tf.Num("minSec", true),
		BaseDifficulty:       tf.Num("baseSec", false),
		ServerGrowth:         tf.Num("growth", true),
		RequiredHackingSkill: tf.Num("level", false),
	}
	if err := tf.Err(); err != nil {
		return fail(errors.New("target: " + err.Error()))
	}
	m.Player = formulas.NewPlayer(f.Num("level", true))
	m.Player.Intelligence = f.Num("intelligence", false)
	if mv, ok := v.Get("mults"); ok && mv.Kind != jsonx.Null {
		if err := onlyKeys(mv, "hacking", "hackingChance", "hackingSpeed", "hackingMoney", "hackingGrow", "hackingExp"); err != nil {
			return fail(errors.New("mults: " + err.Error()))
		}
		mf := jsonx.NewFields(mv)
		mult := func(name string, dst *float64) {
			if mf.Has(name) {
				*dst = mf.Num(name, true)
			}
		}
		p := &m.Player.Mults
		mult("hacking", &p.Hacking)
		mult("hackingChance", &p.HackingChance)
		mult("hackingSpeed", &p.HackingSpeed)
		mult("hackingMoney", &p.HackingMoney)
		mult("hackingGrow", &p.HackingGrow)
		mult("hackingExp", &p.HackingExp)
		if err := mf.Err(); err != nil {
			return fail(errors.New("mults: " + err.Error()))
		}
	}
	m.BitNode = formulas.BN1()
	m.HackRAM = gbField(f, "hackRam", false)
	m.GrowRAM = gbField(f, "growRam", false)
	m.WeakenRAM = gbField(f, "weakenRam", false)
	m.Spacing = f.Int("spacing", false, 0, 1<<31)
	m.Period = f.Int("period", false, 0, 1<<40)
	m.GrowSafety = int(f.Int("growSafety", false, hwgw.NoGrowSafety, 1<<20))
	cfg.Fraction = f.Num("fraction", false)
	cfg.MaxFraction = f.Num("maxFraction", false)
	cfg.MaxChunk = gbField(f, "maxChunk", false)
	cfg.Task.Cap = gbField(f, "budget", false)
	cfg.ReshapeGain = f.Num("reshapeGain", false)
	cfg.Guard = f.Int("guard", false, 0, 1<<31)
	cfg.SecurityTolerance = f.Num("securityTolerance", false)
	cfg.MoneyTolerance = f.Num("moneyTolerance", false)
	cfg.Task.Heartbeat = f.Int("heartbeat", false, 0, 1<<40)
	if err := f.Err(); err != nil {
		return fail(err)
	}
	return cfg, nil
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

// gbField reads a GB field; an optional one that is absent is 0.
func gbField(f *jsonx.Fields, name string, required bool) ram.Amount {
	x := f.Num(name, required)
	if f.Err() != nil {
		return 0
	}
	a, err := ram.FromGB(x)
	if err != nil {
		f.Fail(name, err, "GB")
	}
	return a
}

// NewHarvest builds the harvest service from its JSON config.
func NewHarvest(config []byte) (*Harvest, error) {
	cfg, err := ParseHarvestConfig(config)
	if err != nil {
		return nil, err
	}
	eng, err := harvest.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Harvest{eng: eng}, nil
}

// Step implements Service.
func (h *Harvest) Step(batch []byte) error {
	return stepEach("harvest", batch, &h.errs, h.stepOne)
}

func (h *Harvest) stepOne(v jsonx.Value) error {
	ev, err := decodeHarvestEvent(v)
	if err != nil {
		return err
	}
	if held, ok := ev.(task.Held); ok {
		h.seq++
		held.Seq = h.seq
		ev = held
	}
	return h.eng.Step(ev)
}

// decodeHarvestEvent turns one wire event into an engine event.
func decodeHarvestEvent(v jsonx.Value) (task.Event, error) {
	if v.Kind != jsonx.Object {
		return nil, errors.New("event is a " + v.Kind.String() + ", want an object")
	}
	kind, _ := v.Get("k")
	var ev task.Event
	f := jsonx.NewFields(v)
	var keys []string
	switch kind.Str {
	case "tick":
		keys = []string{"now", "money", "sec", "level"}
		now := f.Num("now", true)
		if f.Err() == nil && (now < 0 || now > 1<<53) {
			f.Fail("now", jsonx.ErrRange, "ms in [0, 2^53]")
		}
		ev = task.Tick{Now: int64(math.Floor(now)), Money: f.Num("money", true), Security: f.Num("sec", true), Hacking: f.Num("level", false)}
	case "held":
		keys = []string{"answered", "desired", "held"}
		held := task.Held{Answered: f.Int("answered", true, 0, 1<<53-1), Desired: int(f.Int("desired", false, 0, 1<<31-1))}
		for i, c := range f.Arr("held", true) {
			ch, err := decodeHeldChunk(c)
			if err != nil {
				return nil, errors.New("held: chunk " + strconv.Itoa(i) + ": " + err.Error())
			}
			held.Chunks = append(held.Chunks, ch)
		}
		ev = held
	case "budget":
		keys = []string{"ram", "maxChunk"}
		ev = task.SetCap{RAM: gbField(f, "ram", true)}
	case "started":
		keys = []string{"id", "pid"}
		ev = task.Started{Cmd: f.Int("id", true, 1, 1<<53-1), Pid: proc.Pid(f.Int("pid", true, 0, 1<<53-1))}
	case "exited":
		keys = []string{"pid"}
		ev = task.Exited{Pid: proc.Pid(f.Int("pid", true, 1, 1<<53-1))}
	case "shutdown":
		ev = task.Stop{}
	case "leave":
		keys = []string{fHost}
		ev = task.Leave{Host: f.Str(fHost, true)}
	default:
		return nil, errors.New("unknown event kind " + strconv.Quote(kind.Str))
	}
	if err := onlyKeys(v, append(keys, "k")...); err != nil {
		return nil, errors.New(kind.Str + ": " + err.Error())
	}
	if err := f.Err(); err != nil {
		return nil, errors.New(kind.Str + ": " + err.Error())
	}
	return ev, nil
}

// decodeHeldChunk reads [host, GB, count] or [host, GB, count, cores],
// the form of the memory daemon's granted snapshots plus the host's cores
// where the script knows them.
func decodeHeldChunk(v jsonx.Value) (task.Chunk, error) {
	var c task.Chunk
	a := v.Arr
	if v.Kind != jsonx.Array || len(a) < 3 || len(a) > 4 || a[0].Kind != jsonx.String {
		return c, errors.New("want [host, GB, count] or [host, GB, count, cores]")
	}
	c.Host = a[0].Str
	for i, x := range a[1:] {
		if x.Kind != jsonx.Number {
			return c, errors.New("element " + strconv.Itoa(i+1) + " is a " + x.Kind.String() + ", want a number")
		}
	}
	size, err := ram.FromGB(a[1].Num)
	if err != nil {
		return c, errors.New("size: " + err.Error())
	}
	c.Size = size
	whole := func(x float64) bool { return x == math.Trunc(x) && x >= 0 && x <= 1<<31 }
	if !whole(a[2].Num) {
		return c, errors.New("count " + jsonx.FormatNum(a[2].Num) + " is not a whole number")
	}
	c.Count = int(a[2].Num)
	if len(a) == 4 {
		if !whole(a[3].Num) {
			return c, errors.New("cores " + jsonx.FormatNum(a[3].Num) + " is not a whole number")
		}
		c.Cores = int(a[3].Num)
	}
	return c, nil
}

// Ready implements Service.
func (h *Harvest) Ready() []byte {
	rd := h.eng.Ready()
	w := &h.w
	w.Reset()
	w.BeginObject()
	if len(rd.Commands) > 0 {
		w.Key("cmds")
		w.BeginArray()
		for _, c := range rd.Commands {
			if _, ok := c.(task.Unclaim); !ok { // the script unclaims before it steps an exit
				h.encodeCommand(c)
			}
		}
		w.EndArray()
	}
	w.StringList("log", rd.Logs)
	if rd.Wake != 0 {
		w.Key("wake")
		w.Int(rd.Wake)
	}
	w.StringList("errors", h.errs)
	w.EndObject()
	return w.Bytes()
}

func (h *Harvest) encodeCommand(c task.Command) {
	w := &h.w
	w.BeginObject()
	head := func(kind string, id int64) {
		w.Key("c")
		w.String(kind)
		w.Key("id")
		w.Int(id)
	}
	switch c := c.(type) {
	case task.Start:
		head("start", c.ID)
		w.Key("batch")
		w.Int(c.Batch)
		w.Key("op")
		w.String(c.Action.String())
		w.Key("part")
		w.String(c.Op.String())
		w.Key("host")
		w.String(c.Host)
		w.Key("threads")
		w.Int(int64(c.Threads))
		w.Key("ram")
		w.Num(c.RAM.GB())
		w.Key("delay")
		w.Num(c.Delay)
		w.Key("duration")
		w.Num(c.Duration)
		w.Key("land")
		w.Num(c.Land)
	case task.Alloc:
		head("resize", c.ID)
		w.Key("chunk")
		w.Num(c.Size.GB())
		w.Key("count")
		w.Int(int64(c.Count))
	case task.Resize:
		head("resize", c.ID)
		w.Key("chunk")
		w.Num(c.Size.GB())
		w.Key("count")
		w.Int(int64(c.Count))
	case task.Release:
		head("release", c.ID)
		if c.Host != "" {
			w.Key("host")
			w.String(c.Host)
			w.Key("chunk")
			w.Num(c.Size.GB())
			w.Key("count")
			w.Int(int64(c.Count))
		}
	case task.Heartbeat:
		head("heartbeat", c.ID)
		w.Key("mode")
		w.String(c.Mode)
		w.Key("chunk")
		w.Num(c.Chunk.GB())
		w.Key("held")
		w.Num(c.Held.GB())
		w.Key("want")
		w.Num(c.Want.GB())
		w.Key("rate")
		w.Num(c.Rate)
	case task.Finished:
		head("done", c.ID)
		w.Key("reason")
		w.String(c.Reason.String())
	}
	w.EndObject()
}

// Advance implements Service.
func (h *Harvest) Advance() {
	h.eng.Advance()
	h.errs = h.errs[:0]
}
