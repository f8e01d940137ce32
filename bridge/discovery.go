package bridge

import (
	"errors"
	"math"
	"slices"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/discovery"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// RoleDiscovery is the discovery daemon: it walks the network, opens and
// nukes what the owned programs allow, registers workers with the memory
// daemon and publishes hack targets to subscribers (DiscoveryPort).
const RoleDiscovery = "discovery"

// Discovery serves the discovery daemon script. It decodes the scan and
// the subscription messages the script forwards, steps the engine, and
// encodes what the engine wants done.
//
// Events (a JSON array):
//
//	{"k":"scan","now":ms,"level":n,"programs":[file...],"dead":[pid...],"full":bool,"servers":[server...]}
//	{"k":"msg","body":<port message read from the listen port>}
//	{"k":"done","id":n,"ok":bool,"err":text}  (outcome of an open or a nuke)
//	{"k":"sent","id":n,"ok":bool}
//
// A full scan lists every server reachable from home; the others list
// home and its neighbours. A server is what ns.getServer returns, as an
// array in this order:
//
//	[hostname, hasAdminRights, purchasedByPlayer, numOpenPortsRequired,
//	 maxRam, cpuCores, moneyMax, moneyAvailable, minDifficulty,
//	 baseDifficulty, hackDifficulty, serverGrowth, requiredHackingSkill]
//
// where null stands for a field the game leaves out (hacknet servers have
// no money or security). "programs" lists the owned program files among
// NUKE.exe and the five port openers.
//
// Commands (one JSON object; absent keys mean nothing to do):
//
//	{"listen":port,"walk":true,"open":[[id,host,program]...],"nuke":[[id,host]...],
//	 "send":[{"id","port","msg"}...],"log":[text...],"watch":[pid...],"errors":[text...]}
//
// "listen" comes with the first commands: the port the script reads
// subscriptions from. "walk" asks for the next scan to be full. The
// script runs every open, then every nuke, then writes each send with
// tryWrite, in order, and steps the outcomes as "done" and "sent" events
// before its next scan: a nuke that worked is registered with the memory
// daemon when its outcome is stepped. "watch" replaces the pid list whose
// deaths the next scan reports.
type Discovery struct {
	eng      *discovery.Engine
	home     string
	listen   proc.Port
	listened bool

	own     []ownSend // the bridge's own answers to undecodable messages
	ownNext int64
	errs    []string
	w       jsonx.Writer
}

// Wire ids: the engine's ids are even, the bridge's own odd.
const (
	discEngineID = 0
	discOwnID    = 1
)

// DiscoveryConfig is the discovery daemon's configuration, decoded from
// JSON:
//
//	{"home":"home","port":n,"memdPort":n,"walkEvery":ms}
type DiscoveryConfig struct {
	Home      string    // hostname of home (default "home")
	Port      proc.Port // where subscriptions arrive (default DiscoveryPort)
	MemdPort  proc.Port // where worker registrations go (default MemdPort)
	WalkEvery int64     // game ms between full scans (default discovery.DefaultWalkEvery)
}

// ParseDiscoveryConfig decodes and checks a discovery config; unknown
// keys are rejected by name.
func ParseDiscoveryConfig(b []byte) (DiscoveryConfig, error) {
	cfg := DiscoveryConfig{Home: "home", Port: DiscoveryPort, MemdPort: MemdPort}
	if len(b) == 0 {
		return cfg, nil
	}
	v, err := jsonx.Parse(b)
	if err != nil {
		return cfg, errors.New("discovery config: " + err.Error())
	}
	f := jsonx.NewFields(v)
	for _, m := range v.Obj {
		switch m.Key {
		case "home", "port", "memdPort", "walkEvery":
		default:
			return cfg, errors.New("discovery config: unknown key " + strconv.Quote(m.Key))
		}
	}
	if f.Has("home") {
		cfg.Home = f.Str("home", true)
	}
	if f.Has("port") {
		cfg.Port = proc.Port(f.Int("port", true, 1, int64(proc.MaxPort)))
	}
	if f.Has("memdPort") {
		cfg.MemdPort = proc.Port(f.Int("memdPort", true, 1, int64(proc.MaxPort)))
	}
	cfg.WalkEvery = f.Int("walkEvery", false, 0, 1<<53-1)
	if err := f.Err(); err != nil {
		return cfg, errors.New("discovery config: " + err.Error())
	}
	if cfg.Home == "" {
		return cfg, errors.New(`discovery config: field "home" is empty`)
	}
	if cfg.Port == cfg.MemdPort {
		return cfg, errors.New(`discovery config: fields "port" and "memdPort" name the same port`)
	}
	return cfg, nil
}

// NewDiscovery builds the discovery service from its JSON config.
func NewDiscovery(config []byte) (*Discovery, error) {
	cfg, err := ParseDiscoveryConfig(config)
	if err != nil {
		return nil, err
	}
	eng, err := discovery.New(discovery.Config{MemdPort: cfg.MemdPort, WalkEvery: cfg.WalkEvery})
	if err != nil {
		return nil, err
	}
	return &Discovery{eng: eng, home: cfg.Home, listen: cfg.Port}, nil
}

// Step implements Service.
func (d *Discovery) Step(batch []byte) error {
	return stepEach("discovery", batch, &d.errs, d.stepOne)
}

func (d *Discovery) stepOne(ev jsonx.Value) error {
	kind, _ := ev.Get("k")
	switch kind.Str {
	case "scan":
		scan, err := d.decodeScan(ev)
		if err != nil {
			return errors.New("scan: " + err.Error())
		}
		return d.eng.Step(scan)
	case "msg":
		body, ok := ev.Get("body")
		if !ok {
			return errors.New(`msg: field "body" missing`)
		}
		sub, err := decodeSubscribe(body)
		if err != nil {
			var de *decodeError
			if errors.As(err, &de) && de.reply.Valid() {
				var w jsonx.Writer
				encodeDecodeError(&w, de)
				d.ownNext++
				d.own = append(d.own, ownSend{id: d.ownNext, port: de.reply, msg: append([]byte(nil), w.Bytes()...)})
			}
			return err
		}
		return d.eng.Step(sub)
	case "done", "sent":
		f := jsonx.NewFields(ev)
		id := f.Int("id", true, 0, 1<<53-1)
		ok := f.Bool("ok")
		reason := f.Str("err", false)
		if err := f.Err(); err != nil {
			return errors.New(kind.Str + ": " + err.Error())
		}
		if kind.Str == "done" {
			if id%2 != discEngineID {
				return errors.New("done: unknown id " + strconv.FormatInt(id, 10))
			}
			return d.eng.Step(discovery.Result{ID: id / 2, OK: ok, Reason: reason})
		}
		if id%2 == discOwnID {
			return d.ownDelivered(id/2, ok)
		}
		return d.eng.Step(discovery.Delivered{Send: id / 2, OK: ok})
	}
	return errors.New("unknown event kind " + strconv.Quote(kind.Str))
}

// decodeScan reads a scan event.
func (d *Discovery) decodeScan(ev jsonx.Value) (discovery.Scan, error) {
	f := jsonx.NewFields(ev)
	scan := discovery.Scan{
		Now:   int64(f.Num("now", false)),
		Level: int(f.Int("level", true, 0, 1<<31-1)),
		Full:  f.Bool("full"),
	}
	for _, p := range f.Arr("programs", false) {
		prog, ok := discovery.ProgramByFile(p.Str)
		if p.Kind != jsonx.String || !ok {
			return scan, errors.New(`field "programs" holds ` + strconv.Quote(p.Str) + `, not NUKE.exe or a port opener`)
		}
		scan.Programs |= discovery.Programs(prog)
	}
	for _, p := range f.Arr("dead", false) {
		if p.Kind != jsonx.Number || p.Num != float64(int64(p.Num)) || p.Num < 1 {
			return scan, errors.New(`field "dead" holds a non-pid`)
		}
		scan.Dead = append(scan.Dead, proc.Pid(p.Num))
	}
	servers := f.Arr("servers", true)
	if err := f.Err(); err != nil {
		return scan, err
	}
	scan.Servers = make([]discovery.Server, 0, len(servers))
	for i, sv := range servers {
		s, err := d.decodeServer(sv)
		if err != nil {
			return scan, errors.New("server " + strconv.Itoa(i) + ": " + err.Error())
		}
		scan.Servers = append(scan.Servers, s)
	}
	return scan, nil
}

// discServerFields names the positions of a server array, for errors.
var discServerFields = [...]string{"hostname", "hasAdminRights", "purchasedByPlayer", "numOpenPortsRequired", "maxRam", "cpuCores",
	"moneyMax", "moneyAvailable", "minDifficulty", "baseDifficulty", "hackDifficulty", "serverGrowth", "requiredHackingSkill"}

func (d *Discovery) decodeServer(v jsonx.Value) (discovery.Server, error) {
	var s discovery.Server
	if v.Kind != jsonx.Array || len(v.Arr) != len(discServerFields) {
		return s, errors.New("want an array of " + strconv.Itoa(len(discServerFields)) + " fields")
	}
	a := v.Arr
	bad := func(i int, want string) (discovery.Server, error) {
		return s, errors.New(strconv.Quote(discServerFields[i]) + ": want " + want + ", got " + a[i].Kind.String())
	}
	if a[0].Kind != jsonx.String || a[0].Str == "" {
		return bad(0, "a hostname")
	}
	s.Host = a[0].Str
	for i, dst := range []*bool{&s.Rooted, &s.Purchased} {
		if a[1+i].Kind != jsonx.Bool {
			return bad(1+i, "a boolean")
		}
		*dst = a[1+i].Bool
	}
	// Whole numbers: ports (0..5, null for none) and cores.
	if a[3].Kind != jsonx.Null {
		if a[3].Kind != jsonx.Number || a[3].Num != math.Trunc(a[3].Num) || a[3].Num < 0 || a[3].Num > 5 {
			return bad(3, "an integer in [0, 5]")
		}
		s.PortsRequired = int(a[3].Num)
	}
	if a[5].Kind != jsonx.Number || a[5].Num != math.Trunc(a[5].Num) || a[5].Num < 1 || a[5].Num > 1<<31-1 {
		return bad(5, "an integer ≥ 1")
	}
	s.Cores = int(a[5].Num)
	if a[4].Kind != jsonx.Number {
		return bad(4, "GB")
	}
	maxRAM, err := ram.FromGB(a[4].Num)
	if err != nil {
		return s, errors.New(strconv.Quote(discServerFields[4]) + ": " + err.Error())
	}
	s.MaxRAM = maxRAM
	for i, dst := range []*float64{&s.MaxMoney, &s.Money, &s.MinSecurity, &s.BaseSecurity, &s.Security, &s.Growth, &s.RequiredLevel} {
		switch a[6+i].Kind {
		case jsonx.Number:
			*dst = a[6+i].Num
		case jsonx.Null:
		default:
			return bad(6+i, "a number or null")
		}
	}
	s.Home = s.Host == d.home
	return s, nil
}

// decodeSubscribe reads a message sent to the discovery port. Anything
// but a well-formed subscribe is an error that names what is wrong.
func decodeSubscribe(v jsonx.Value) (discovery.Subscribe, error) {
	h := readHeader(v)
	fail := func(err error) (discovery.Subscribe, error) {
		return discovery.Subscribe{}, &decodeError{header: h, err: err}
	}
	if v.Kind != jsonx.Object {
		return fail(errors.New("message is a " + v.Kind.String() + ", want an object"))
	}
	if h.typ != TypeSubscribe {
		return fail(errors.New("unknown message type " + strconv.Quote(h.typ) + " for the discovery daemon"))
	}
	spec, _ := MessageByType(TypeSubscribe)
	for _, m := range v.Obj {
		if m.Key != fType && !hasField(spec, m.Key) {
			return fail(errors.New(h.typ + ": unknown key " + strconv.Quote(m.Key)))
		}
	}
	f := jsonx.NewFields(v)
	const maxInt = 1<<53 - 1
	sub := discovery.Subscribe{
		Rid:   f.Int(fRid, true, 0, maxInt),
		Pid:   proc.Pid(f.Int(fPid, true, 0, maxInt)),
		Reply: proc.Port(f.Int(fReply, true, 0, maxInt)),
	}
	if f.Err() == nil && !sub.Reply.Valid() {
		f.Fail(fReply, jsonx.ErrRange, "a port number ≥ 1")
	}
	if err := f.Err(); err != nil {
		return fail(errors.New(h.typ + ": " + err.Error()))
	}
	return sub, nil
}

func (d *Discovery) ownDelivered(id int64, ok bool) error {
	for i := range d.own {
		if d.own[i].id == id {
			if ok {
				d.own = slices.Delete(d.own, i, i+1)
			} else {
				d.own[i].emitted = false // try again on the next Ready
			}
			return nil
		}
	}
	return errors.New("sent: unknown send id " + strconv.FormatInt(id*2+discOwnID, 10))
}

// Ready implements Service.
func (d *Discovery) Ready() []byte {
	rd := d.eng.Ready()
	w := &d.w
	w.Reset()
	w.BeginObject()
	if !d.listened {
		w.Key("listen")
		w.Int(int64(d.listen))
	}
	if rd.Walk {
		w.Key("walk")
		w.Bool(true)
	}
	if len(rd.Opens) > 0 {
		w.Key("open")
		w.BeginArray()
		for _, o := range rd.Opens {
			w.BeginArray()
			w.Int(o.ID*2 + discEngineID)
			w.String(o.Host)
			w.String(o.Program.File())
			w.EndArray()
		}
		w.EndArray()
	}
	if len(rd.Nukes) > 0 {
		w.Key("nuke")
		w.BeginArray()
		for _, n := range rd.Nukes {
			w.BeginArray()
			w.Int(n.ID*2 + discEngineID)
			w.String(n.Host)
			w.EndArray()
		}
		w.EndArray()
	}
	if len(rd.Sends) > 0 || d.ownPending() {
		w.Key("send")
		w.BeginArray()
		for _, s := range rd.Sends {
			d.sendHeader(s.ID*2+discEngineID, s.Port)
			encodeDiscoveryMsg(w, s.Msg)
			w.EndObject()
		}
		for _, s := range d.own {
			if !s.emitted {
				d.sendHeader(s.id*2+discOwnID, s.port)
				w.Raw(s.msg)
				w.EndObject()
			}
		}
		w.EndArray()
	}
	w.StringList("log", rd.Logs)
	if rd.Watch != nil {
		w.Key("watch")
		w.BeginArray()
		for _, p := range rd.Watch {
			w.Int(int64(p))
		}
		w.EndArray()
	}
	w.StringList("errors", d.errs)
	w.EndObject()
	return w.Bytes()
}

func (d *Discovery) sendHeader(id int64, port proc.Port) {
	d.w.BeginObject()
	d.w.Key("id")
	d.w.Int(id)
	d.w.Key("port")
	d.w.Int(int64(port))
	d.w.Key("msg")
}

func (d *Discovery) ownPending() bool {
	for _, s := range d.own {
		if !s.emitted {
			return true
		}
	}
	return false
}

// Advance implements Service.
func (d *Discovery) Advance() {
	d.eng.Advance()
	d.listened = true
	for i := range d.own {
		d.own[i].emitted = true
	}
	d.errs = d.errs[:0]
}

// encodeDiscoveryMsg writes an engine message as a port message.
func encodeDiscoveryMsg(w *jsonx.Writer, m discovery.Msg) {
	w.BeginObject()
	switch m := m.(type) {
	case discovery.Register:
		w.Key(fType)
		w.String(TypeWorker)
		w.Key(fHost)
		w.String(m.Host)
		w.Key("kind")
		w.String(m.Kind.String())
		w.Key("cores")
		w.Int(int64(m.Cores))
	case discovery.Targets:
		w.Key(fType)
		w.String(TypeTargets)
		w.Key(fRid)
		w.Int(m.Rid)
		w.Key("seq")
		w.Int(m.Seq)
		w.Key("now")
		w.Int(m.Now)
		w.Key("level")
		w.Int(int64(m.Level))
		w.Key("targets")
		w.BeginArray()
		for _, t := range m.Targets {
			w.BeginObject()
			w.Key(fHost)
			w.String(t.Host)
			for _, kv := range []struct {
				k string
				v float64
			}{{"maxMoney", t.MaxMoney}, {"money", t.Money}, {"minSec", t.MinSecurity}, {"baseSec", t.BaseSecurity},
				{"sec", t.Security}, {"growth", t.Growth}, {"level", t.RequiredLevel}} {
				w.Key(kv.k)
				w.Num(kv.v)
			}
			w.EndObject()
		}
		w.EndArray()
	case discovery.Reject:
		w.Key(fType)
		w.String(TypeError)
		w.Key(fRid)
		w.Int(m.Rid)
		w.Key(fCode)
		w.String(CodeBadMessage)
		w.Key(fReason)
		w.String(m.Reason)
	}
	w.EndObject()
}
