package bridge

import (
	"errors"
	"math"
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

// Discovery serves the discovery daemon script. It decodes the looks at
// the network and the subscription messages the script forwards, steps
// the engine, and encodes what the engine wants done. Its events and
// Ready are DiscoveryWire's.
type Discovery struct {
	eng       *discovery.Engine
	memdToken int64 // the discovery role's token: registrations carry it
	home      string
	listen    proc.Port
	listened  bool

	own  ownAnswers
	errs []string
	w    jsonx.Writer
}

// Wire ids: the engine's ids are even, the bridge's own odd.
const (
	discEngineID = 0
	discOwnID    = 1
)

// DiscoveryConfig is the discovery daemon's configuration, decoded from
// JSON:
//
//	{"home":"home","port":n,"memdPort":n,"walkEvery":ms,"memdToken":n}
//
// memdToken is the discovery role's token from the memory daemon (see the
// register message): its worker registrations carry it.
type DiscoveryConfig struct {
	MemdToken int64
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
		case "home", "port", "memdPort", "walkEvery", wMemdToken:
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
	cfg.MemdToken = f.Int(wMemdToken, false, 0, 1<<53-1)
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
	return &Discovery{eng: eng, home: cfg.Home, listen: cfg.Port, memdToken: cfg.MemdToken}, nil
}

// Step implements Service.
func (d *Discovery) Step(batch []byte) error {
	return stepEach(DiscoveryWire, batch, &d.errs, d.stepOne)
}

func (d *Discovery) stepOne(kind string, ev jsonx.Value) error {
	switch kind {
	case EvLook:
		scan, err := d.decodeLook(ev)
		if err != nil {
			return errors.New(EvLook + ": " + err.Error())
		}
		return d.eng.Step(scan)
	case EvMsg:
		body, _ := ev.Get(wBody)
		sub, err := decodeSubscribe(body)
		if err != nil {
			d.own.answer(err)
			return err
		}
		return d.eng.Step(sub)
	}
	// done or sent
	f, id, ok := outcome(ev)
	reason := f.Str(wErr, false) // a sent has none: eventOf saw to it
	if err := f.Err(); err != nil {
		return errors.New(kind + ": " + err.Error())
	}
	if kind == EvDone {
		if id%2 != discEngineID {
			return errors.New(EvDone + ": unknown id " + strconv.FormatInt(id, 10))
		}
		return d.eng.Step(discovery.Result{ID: id / 2, OK: ok, Reason: reason})
	}
	if id%2 == discEngineID {
		return d.eng.Step(discovery.Delivered{Send: id / 2, OK: ok})
	}
	if !d.own.delivered(id/2, ok) {
		return errors.New(EvSent + ": unknown send id " + strconv.FormatInt(id, 10))
	}
	return nil
}

// decodeLook reads a look event: discovery's scan.
func (d *Discovery) decodeLook(ev jsonx.Value) (discovery.Scan, error) {
	f := jsonx.NewFields(ev)
	scan := discovery.Scan{
		Now:   int64(f.Num(wNow, false)),
		Level: int(f.Int(wLevel, true, 0, 1<<31-1)),
		Full:  f.Bool(wFull),
	}
	for _, p := range f.Arr(wPrograms, false) {
		prog, ok := discovery.ProgramByFile(p.Str)
		if p.Kind != jsonx.String || !ok {
			return scan, errors.New(`field "` + wPrograms + `" holds ` + strconv.Quote(p.Str) + `, not NUKE.exe or a port opener`)
		}
		scan.Programs |= discovery.Programs(prog)
	}
	dead, err := pids(f)
	if err != nil {
		return scan, err
	}
	scan.Dead = dead
	servers := f.Arr(wServers, true)
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
	if key, bad := unknownKey(v, fType, spec.Fields); bad {
		return fail(errors.New(h.typ + ": unknown key " + strconv.Quote(key)))
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

// Ready implements Service.
func (d *Discovery) Ready() []byte {
	rd := d.eng.Ready()
	w := &d.w
	w.Reset()
	w.BeginObject()
	if !d.listened {
		w.Key(wListen)
		w.Int(int64(d.listen))
	}
	if rd.Walk {
		w.Key(wWalk)
		w.Bool(true)
	}
	if len(rd.Opens) > 0 {
		w.Key(wOpen)
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
		w.Key(wRoot)
		w.BeginArray()
		for _, n := range rd.Nukes {
			w.BeginArray()
			w.Int(n.ID*2 + discEngineID)
			w.String(n.Host)
			w.EndArray()
		}
		w.EndArray()
	}
	if len(rd.Sends) > 0 || d.own.pending() {
		w.Key(wSend)
		w.BeginArray()
		for _, s := range rd.Sends {
			beginSend(w, s.ID*2+discEngineID, s.Port)
			encodeDiscoveryMsg(w, s.Msg, d.memdToken)
			w.EndArray()
		}
		d.own.write(w, func(id int64) int64 { return id*2 + discOwnID })
		w.EndArray()
	}
	w.StringList(wLog, rd.Logs)
	if rd.Watch != nil {
		jsonx.IntList(w, wWatch, rd.Watch)
	}
	w.StringList(wErrors, d.errs)
	w.EndObject()
	return w.Bytes()
}

// Advance implements Service.
func (d *Discovery) Advance() {
	d.eng.Advance()
	d.listened = true
	d.own.advance()
	d.errs = d.errs[:0]
}

// encodeDiscoveryMsg writes an engine message as a port message.
func encodeDiscoveryMsg(w *jsonx.Writer, m discovery.Msg, token int64) {
	w.BeginObject()
	switch m := m.(type) {
	case discovery.Register:
		w.Key(fType)
		w.String(TypeWorker)
		w.Key(fHost)
		w.String(m.Host)
		w.Key(fKind)
		w.String(m.Kind.String())
		w.Key(fCores)
		w.Int(int64(m.Cores))
		if token != 0 {
			w.Key(fToken)
			w.Int(token)
		}
	case discovery.Targets:
		w.Key(fType)
		w.String(TypeTargets)
		w.Key(fRid)
		w.Int(m.Rid)
		w.Key(fSeq)
		w.Int(m.Seq)
		w.Key(fNow)
		w.Int(m.Now)
		w.Key(fLevel)
		w.Int(int64(m.Level))
		w.Key(fTargets)
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
		w.String(clip(m.Reason))
	}
	w.EndObject()
}
