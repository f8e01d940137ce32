package bridge

import (
	"errors"
	"slices"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/formulas"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
	"ramfarm/core/selector"
)

// RoleSelector is the task selector daemon.
const RoleSelector = "selector"

// Task scripts, by kind.
var taskScripts = map[selector.Kind]string{
	selector.KindTill:    "ramfarm/till.js",
	selector.KindSow:     "ramfarm/sow.js",
	selector.KindHarvest: "ramfarm/harvest.js",
}

// Selector serves the selector daemon script. It keeps the latest target
// list (from the discovery daemon) and memory status (from memd), turns
// them with the time and hacking level into the engine's observations,
// and turns the engine's commands into launches, halts and port messages.
// Its events, commands and Ready are SelectorWire's.
type Selector struct {
	eng       *selector.Engine
	memdToken int64 // the selector role's token: cordons carry it
	targets   []selector.Target
	hosts     []selector.HostRAM
	seats     []selector.Seat
	seenTgt   int64 // seq of the target list held
	// seat is each task script's RAM, by kind: the seat a launch asks
	// the memory daemon for.
	seat [selector.KindHarvest + 1]ram.Amount
	// node is the BitNode the game runs: every task is launched with it.
	node formulas.Node

	holdings []selector.Holding

	tasks        []proc.Pid // sorted; watched
	tasksChanged bool
	// answers are error answers of the bridge's own, to status requests
	// it could not decode, as [port, message]; sent with the next Ready.
	answers []errorAnswer
	errs    []string
	w       jsonx.Writer
}

// errorAnswer is an error message for a port.
type errorAnswer struct {
	port proc.Port
	msg  []byte
}

// ParseSelectorConfig decodes the selector's config:
//
//	{"policy":"grow"|"greedy"|"restart"|"replan","heartbeatTimeout":ms,"shrinkRatio":x,"minTaskRam":GB,
//	 "maxHackFraction":x,"taskRam":{"till":GB,"sow":GB,"harvest":GB},"bitNode":{"n":n,"level":n},
//	 "replanCaps":bool,"memdToken":n}
//
// "replanCaps" gives the replan policy daemon.js's target caps
// (selector.Config.ReplanCaps).
// "memdToken" is the selector role's token from the memory daemon (see
// the register message): its cordons carry it.
// "taskRam" is each task script's RAM (ns.getScriptRam): the seat each
// launch asks the memory daemon for, which the engine counts. "bitNode" is
// the BitNode the game runs (start.js's probe reads it), BitNode 1 when
// absent; the selector launches every task with it.
func ParseSelectorConfig(b []byte) (selector.Config, error) {
	var cfg selector.Config
	if len(b) == 0 {
		return cfg, nil
	}
	v, err := jsonx.Parse(b)
	if err != nil {
		return cfg, errors.New("selector config: " + err.Error())
	}
	f := jsonx.NewFields(v)
	for _, m := range v.Obj {
		switch m.Key {
		case "policy", "heartbeatTimeout", "shrinkRatio", "minTaskRam", "maxHackFraction", "taskRam", fBitNode, wReplanCaps,
			wMemdToken:
		default:
			return cfg, errors.New("selector config: unknown key " + strconv.Quote(m.Key))
		}
	}
	if f.Has("policy") {
		p, ok := selector.ParsePolicy(f.Str("policy", true))
		if !ok {
			return cfg, errors.New(`selector config: field "policy": want "grow", "greedy", "restart" or "replan"`)
		}
		cfg.Policy = p
	}
	cfg.HeartbeatTimeout = f.Int("heartbeatTimeout", false, 0, 1<<40)
	cfg.ShrinkRatio = f.Num("shrinkRatio", false)
	cfg.MaxHackFraction = f.Num("maxHackFraction", false)
	cfg.ReplanCaps = f.Bool(wReplanCaps)
	if f.Has("minTaskRam") {
		a, err := ram.FromGB(f.Num("minTaskRam", true))
		if err != nil {
			f.Fail("minTaskRam", err, "GB")
		}
		cfg.MinTaskRAM = a
	}
	node, err := readNode(v)
	if err != nil {
		return cfg, errors.New("selector config: " + err.Error())
	}
	cfg.Node = node
	if tv, ok := v.Get("taskRam"); ok {
		tf := jsonx.NewFields(tv)
		for _, m := range tv.Obj {
			k, ok := selector.ParseKind(m.Key)
			if !ok {
				return cfg, errors.New("selector config: taskRam: unknown task kind " + strconv.Quote(m.Key))
			}
			a, err := ram.FromGB(tf.Num(m.Key, true))
			if err != nil && tf.Err() == nil {
				tf.Fail(m.Key, err, "GB")
			}
			cfg.TaskRAM[k] = a
		}
		if err := tf.Err(); err != nil {
			return cfg, errors.New("selector config: taskRam: " + err.Error())
		}
	}
	f.Int(wMemdToken, false, 0, 1<<53-1) // NewSelector keeps it
	if err := f.Err(); err != nil {
		return cfg, errors.New("selector config: " + err.Error())
	}
	return cfg, nil
}

// wReplanCaps is the config key of selector.Config.ReplanCaps.
const wReplanCaps = "replanCaps"

// wMemdToken is the config key of a daemon's role token, which the
// messages it sends the memory daemon carry.
const wMemdToken = "memdToken"

// memdToken is the role token in a config ParseXxxConfig accepted; 0 if
// none.
func memdToken(config []byte) int64 {
	v, err := jsonx.Parse(config)
	if err != nil {
		return 0
	}
	return jsonx.NewFields(v).Int(wMemdToken, false, 0, 1<<53-1)
}

// NewSelector builds the selector service from its JSON config.
func NewSelector(config []byte) (*Selector, error) {
	cfg, err := ParseSelectorConfig(config)
	if err != nil {
		return nil, err
	}
	eng, err := selector.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Selector{eng: eng, seat: cfg.TaskRAM, node: cfg.Node.Or1(), tasksChanged: true, memdToken: memdToken(config)}, nil
}

// Step implements Service.
func (s *Selector) Step(batch []byte) error {
	return stepEach(SelectorWire, batch, &s.errs, s.stepOne)
}

func (s *Selector) stepOne(kind string, ev jsonx.Value) error {
	f := jsonx.NewFields(ev)
	switch kind {
	case EvMsg:
		body, _ := ev.Get(wBody)
		return s.stepMessage(body)
	case EvTick:
		now := f.Int(wNow, true, 0, 1<<53)
		hacking := f.Num(wHacking, true)
		dead, err := pids(f)
		if err == nil {
			err = f.Err()
		}
		if err != nil {
			return errors.New(EvTick + ": " + err.Error())
		}
		for _, pid := range dead {
			if s.forget(pid) {
				if err := s.eng.Step(selector.Exit{Pid: pid}); err != nil {
					return err
				}
			}
		}
		return s.eng.Step(selector.Observe{Now: now, Hacking: hacking, Targets: s.targets, Hosts: s.hosts, Seats: s.seats,
			Holdings: s.holdings})
	}
	// launched, the one kind left
	id := f.Int(wID, true, 1, 1<<53)
	pid := proc.Pid(f.Int(fPid, true, 0, 1<<53))
	reason := f.Str(fReason, false)
	if err := f.Err(); err != nil {
		return errors.New(EvLaunched + ": " + err.Error())
	}
	if pid > 0 {
		s.watch(pid)
	} else if reason == "" {
		reason = "exec returned 0"
	}
	return s.eng.Step(selector.Launched{ID: id, OK: pid > 0, Pid: pid, Reason: reason})
}

func (s *Selector) stepMessage(body jsonx.Value) error {
	typ, _ := body.Get(fType)
	f := jsonx.NewFields(body)
	gb := func(name string) ram.Amount { return gbField(f, name, true) }
	switch typ.Str {
	case TypeHeartbeat:
		k, ok := selector.ParseKind(f.Str(fKind, true))
		hb := selector.Heartbeat{
			Pid:      proc.Pid(f.Int(fPid, true, 1, 1<<53)),
			Port:     proc.Port(f.Int(fPort, true, 1, int64(proc.MaxPort))),
			Kind:     k,
			Target:   f.Str(fTarget, true),
			Held:     gb(fHeld),
			Want:     gb(fWant),
			Cap:      gb(fCap),
			Priority: int(f.Int(fPrio, true, -1<<31, 1<<31-1)),
			Rate:     f.Num(fRate, false),
			Stopping: f.Bool(fStopping),
			Capped:   f.Bool(fCapped),
			Earned:   f.Num(fEarned, false),
		}
		if f.Has(fChunk) {
			hb.Chunk = gb(fChunk)
		}
		for _, v := range f.Arr(fGaveUp, false) {
			if v.Kind != jsonx.String || v.Str == "" {
				f.Fail(fGaveUp, jsonx.ErrRange, "an array of host names")
				break
			}
			hb.GaveUp = append(hb.GaveUp, v.Str)
		}
		if !ok && f.Err() == nil {
			f.Fail(fKind, jsonx.ErrRange, `"till", "sow" or "harvest"`)
		}
		if err := f.Err(); err != nil {
			return errors.New("heartbeat: " + err.Error())
		}
		s.watch(hb.Pid)
		return s.eng.Step(hb)
	case TypeFinished:
		pid := proc.Pid(f.Int(fPid, true, 1, 1<<53))
		done := f.Bool(fDone)
		earned := f.Num(fEarned, false)
		if err := f.Err(); err != nil {
			return errors.New("finished: " + err.Error())
		}
		s.forget(pid)
		return s.eng.Step(selector.Exit{Pid: pid, Done: done, Earned: earned})
	case TypeStatus:
		return s.stepStatus(body)
	case TypeVacate:
		host := f.Str(fHost, true)
		reply := proc.Port(f.Int(fReply, true, 1, int64(proc.MaxPort)))
		if err := f.Err(); err != nil {
			return errors.New("vacate: " + err.Error())
		}
		return s.eng.Step(selector.Vacate{Host: host, Reply: reply})
	case TypeReopen:
		host := f.Str(fHost, true)
		if err := f.Err(); err != nil {
			return errors.New("reopen: " + err.Error())
		}
		return s.eng.Step(selector.Reopen{Host: host})
	case TypeTargets:
		seq := f.Int("seq", true, 0, 1<<53)
		list := f.Arr("targets", true)
		if err := f.Err(); err != nil {
			return errors.New("targets: " + err.Error())
		}
		if seq < s.seenTgt {
			return nil // an older list overtaken by a newer one
		}
		var ts []selector.Target
		for _, tv := range list {
			tf := jsonx.NewFields(tv)
			ts = append(ts, selector.Target{
				Host: tf.Str(fHost, true), MoneyMax: tf.Num("maxMoney", true), MoneyAvailable: tf.Num("money", true),
				MinSecurity: tf.Num("minSec", true), BaseSecurity: tf.Num("baseSec", true), Security: tf.Num("sec", true),
				Growth: tf.Num("growth", true), RequiredHacking: tf.Num("level", true), Rooted: true,
			})
			if err := tf.Err(); err != nil {
				return errors.New("targets: " + err.Error())
			}
		}
		s.targets, s.seenTgt = ts, seq
		return nil
	case TypeReport:
		var hs []selector.HostRAM
		for _, wv := range f.Arr("workers", true) {
			wf := jsonx.NewFields(wv)
			h := selector.HostRAM{Host: wf.Str(fHost, true), Cordoned: wf.Bool("cordoned")}
			for _, x := range []struct {
				name string
				dst  *ram.Amount
			}{{"usable", &h.Usable}, {"allocated", &h.Allocated}, {"claimed", &h.Claimed}} {
				a, err := ram.FromGB(wf.Num(x.name, true))
				if err != nil && wf.Err() == nil {
					wf.Fail(x.name, err, "GB")
				}
				*x.dst = a
			}
			if err := wf.Err(); err != nil {
				return errors.New("report: " + err.Error())
			}
			hs = append(hs, h)
		}
		// Seats: where each process runs that sits in an allocation of its
		// own (the engine moves tasks off a host being vacated). Every
		// other allocation is a task's holding, for overviews.
		var seats []selector.Seat
		var holdings []selector.Holding
		for _, av := range f.Arr("allocs", true) {
			af := jsonx.NewFields(av)
			pid := proc.Pid(af.Int(fPid, true, 1, 1<<53))
			held := af.Arr("held", true)
			if err := af.Err(); err != nil {
				return errors.New("report: allocs: " + err.Error())
			}
			if af.Bool("seat") {
				if len(held) > 0 && len(held[0].Arr) > 0 && held[0].Arr[0].Kind == jsonx.String {
					seats = append(seats, selector.Seat{Pid: pid, Host: held[0].Arr[0].Str})
				}
				continue
			}
			a, err := decodeHolding(af, pid, held)
			if err != nil {
				return errors.New("report: allocs: " + err.Error())
			}
			// One owner, one entry: an owner of two allocations shows their sum.
			if i := slices.IndexFunc(holdings, func(h selector.Holding) bool { return h.Pid == pid }); i >= 0 {
				h := &holdings[i]
				h.Chunk, h.Chunks, h.Desired, h.Held = a.Chunk, h.Chunks+a.Chunks, h.Desired+a.Desired, h.Held+a.Held
				continue
			}
			holdings = append(holdings, a)
		}
		if err := f.Err(); err != nil {
			return errors.New("report: " + err.Error())
		}
		s.hosts, s.seats, s.holdings = hs, seats, holdings
		return nil
	}
	return errors.New("unexpected message type " + strconv.Quote(typ.Str))
}

// decodeHolding reads an allocation of memd's report: its chunk size,
// desired count, and held chunks as [host, GB, count] (a fourth element,
// the host's cores, is the tasks' business).
func decodeHolding(af *jsonx.Fields, pid proc.Pid, held []jsonx.Value) (selector.Holding, error) {
	a := selector.Holding{Pid: pid, Chunk: gbField(af, fChunk, true), Desired: int(af.Int("desired", true, 0, 1<<31-1))}
	if err := af.Err(); err != nil {
		return a, err
	}
	for _, c := range held {
		if c.Kind != jsonx.Array || len(c.Arr) < 3 || len(c.Arr) > 4 || c.Arr[1].Kind != jsonx.Number || c.Arr[2].Kind != jsonx.Number ||
			c.Arr[2].Num < 0 || c.Arr[2].Num > 1<<31-1 || c.Arr[2].Num != float64(int64(c.Arr[2].Num)) {
			return a, errors.New("held: want [host, GB, count]")
		}
		size, err := ram.FromGB(c.Arr[1].Num)
		if err != nil {
			return a, errors.New("held: " + err.Error())
		}
		n := int(c.Arr[2].Num)
		a.Chunks += n
		a.Held += size.Times(n)
	}
	return a, nil
}

// stepStatus steps a status request. One the bridge cannot decode is
// answered with an error on its reply port, when it named a usable one;
// one the engine refuses (a bad reply port) cannot be answered. Either
// way it is reported in the Ready's errors and changes nothing.
func (s *Selector) stepStatus(body jsonx.Value) error {
	h := readHeader(body)
	spec, _ := MessageByType(TypeStatus)
	fail := func(err error) error {
		var w jsonx.Writer
		encodeDecodeError(&w, &decodeError{header: h, err: err})
		if h.reply.Valid() {
			s.answers = append(s.answers, errorAnswer{h.reply, append([]byte(nil), w.Bytes()...)})
		}
		return err
	}
	if key, bad := unknownKey(body, fType, spec.Fields); bad {
		return fail(errors.New("status: unknown key " + strconv.Quote(key)))
	}
	f := jsonx.NewFields(body)
	rid := f.Int(fRid, true, 0, 1<<53-1)
	f.Int(fPid, true, 1, 1<<53-1)
	reply := proc.Port(f.Int(fReply, true, -1<<53, 1<<53))
	if err := f.Err(); err != nil {
		return fail(errors.New("status: " + err.Error()))
	}
	return s.eng.Step(selector.Status{Rid: rid, Reply: reply})
}

func (s *Selector) watch(pid proc.Pid) {
	if i, found := slices.BinarySearch(s.tasks, pid); !found {
		s.tasks = slices.Insert(s.tasks, i, pid)
		s.tasksChanged = true
	}
}

func (s *Selector) forget(pid proc.Pid) bool {
	i, found := slices.BinarySearch(s.tasks, pid)
	if found {
		s.tasks = slices.Delete(s.tasks, i, i+1)
		s.tasksChanged = true
	}
	return found
}

// Ready implements Service.
func (s *Selector) Ready() []byte {
	r := s.eng.Ready()
	w := &s.w
	w.Reset()
	w.BeginObject()
	if len(r.Commands)+len(s.answers) > 0 {
		w.Key(wCmds)
		w.BeginArray()
		for _, c := range r.Commands {
			s.encodeCommand(c)
		}
		for _, a := range s.answers {
			w.BeginObject()
			w.Key(wCommand)
			w.String(CmdSend)
			w.Key(fPort)
			w.Int(int64(a.port))
			w.Key(wMsg)
			w.Raw(a.msg)
			w.EndObject()
		}
		w.EndArray()
	}
	w.StringList(wLog, r.Logs)
	if s.tasksChanged {
		jsonx.IntList(w, wWatch, s.tasks)
	}
	w.StringList(wErrors, s.errs)
	w.EndObject()
	return w.Bytes()
}

// encodeCommand writes one command with the fields SelectorWire lists for
// its kind, in that order.
func (s *Selector) encodeCommand(c selector.Command) {
	w := &s.w
	head := func(kind string) {
		w.BeginObject()
		w.Key(wCommand)
		w.String(kind)
	}
	send := func(port proc.Port, msg func()) {
		head(CmdSend)
		w.Key(fPort)
		w.Int(int64(port))
		w.Key(wMsg)
		w.BeginObject()
		msg()
		w.EndObject()
		w.EndObject()
	}
	typ := func(t string) { w.Key(fType); w.String(t) }
	switch c := c.(type) {
	case selector.Launch:
		head(CmdLaunch)
		w.Key(wID)
		w.Int(c.ID)
		w.Key(wScript)
		w.String(taskScripts[c.Kind])
		w.Key(fRAM)
		w.Num(s.seat[c.Kind].GB())
		w.Key(fPrio)
		w.Int(int64(c.Priority))
		w.Key(wArgs)
		w.BeginArray()
		w.String(c.Target)
		w.String("--prio")
		w.Int(int64(c.Priority))
		w.String("--ram")
		w.Num(c.RAM.GB())
		if !c.Growable {
			w.String("--fixed")
		}
		if c.Round {
			w.String("--round")
		}
		if s.node != (formulas.Node{N: 1, Level: 1}) {
			w.String("--bitnode")
			w.Int(int64(s.node.N))
			w.String("--bn-level")
			w.Int(int64(s.node.Level))
		}
		w.EndArray()
		w.EndObject()
	case selector.Kill:
		head(CmdHalt)
		w.Key(fPid)
		w.Int(int64(c.Pid))
		w.EndObject()
	case selector.SetPriority:
		send(c.Port, func() { typ(TypePrio); w.Key(fPrio); w.Int(int64(c.Priority)) })
	case selector.Resize:
		send(c.Port, func() { typ(TypeCap); w.Key(fRAM); w.Num(c.RAM.GB()) })
	case selector.Stop:
		send(c.Port, func() { typ(TypeStop) })
	case selector.Leave:
		send(c.Port, func() { typ(TypeLeave); w.Key(fHost); w.String(c.Host) })
	case selector.Cordon:
		send(MemdPort, func() {
			typ(TypeCordon)
			w.Key(fHost)
			w.String(c.Host)
			w.Key(fOn)
			w.Bool(c.On)
			if s.memdToken != 0 {
				w.Key(fToken)
				w.Int(s.memdToken)
			}
		})
	case selector.Vacated:
		send(c.Reply, func() { typ(TypeVacated); w.Key(fHost); w.String(c.Host) })
	case selector.Overview:
		send(c.Reply, func() { typ(TypeOverview); s.encodeOverview(c) })
	}
}

// encodeOverview writes an overview's fields, in the schema's order.
func (s *Selector) encodeOverview(o selector.Overview) {
	w := &s.w
	num := func(k string, x float64) { w.Key(k); w.Num(x) }
	integer := func(k string, n int64) { w.Key(k); w.Int(n) }
	integer(fRid, o.Rid)
	integer(fNow, o.Now)
	integer("since", o.Since)
	integer("hosts", int64(o.Hosts))
	num("usable", o.Usable.GB())
	num("allocated", o.Allocated.GB())
	num("idle", o.Idle.GB())
	w.Key("tasks")
	w.BeginArray()
	for _, t := range o.Tasks {
		w.BeginObject()
		integer(fPid, int64(t.Pid))
		w.Key(fKind)
		w.String(t.Kind.String())
		w.Key(fTarget)
		w.String(t.Target)
		w.Key("state")
		w.String(t.State)
		num(fChunk, t.Chunk.GB())
		integer("chunks", int64(t.Chunks))
		integer("desired", int64(t.Desired))
		num(fHeld, t.Held.GB())
		num(fWant, t.Want.GB())
		num(fEarned, t.Earned)
		w.EndObject()
	}
	w.EndArray()
	num(fEarned, o.Earned)
	num("income", o.Income)
	integer("jumpAt", o.Jump.At)
	num("jumpGB", o.Jump.GB.GB())
	integer("absorbed", o.Jump.Absorbed)
	num("jumpLeft", o.Jump.Left.GB())
}

// Advance implements Service.
func (s *Selector) Advance() {
	s.eng.Advance()
	s.answers = s.answers[:0]
	s.errs = s.errs[:0]
	s.tasksChanged = false
}
