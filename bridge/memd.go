package bridge

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/memory"
	"ramfarm/core/portalloc"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// RoleMemd is the memory daemon: the memory allocator and the port
// allocator behind one request port (MemdPort).
const RoleMemd = "memd"

// Wire ids of sends: the engine that issued a send is the id modulo 3.
const (
	fromMemory = iota
	fromPorts
	fromBridge
)

// Memd serves the memory daemon script. It decodes the port messages the
// script forwards, steps the two engines, keeps the set of hosts the
// script must observe, and encodes what the engines want done. Its events
// and Ready are MemdWire's.
type Memd struct {
	mem   *memory.Engine
	ports *portalloc.Engine
	home  string
	cfg   MemdConfig

	// The saved file is a snapshot, then a journal of changes to it
	// (memdstate.go). saved is the state the file holds, next the one the
	// current Ready hands out (saved on Advance); logged is the journal
	// bytes the file holds after its snapshot of snapSize bytes, -1 when
	// a snapshot is due (none was saved, or a restore replaced the state).
	// A Ready hands out a change to append, or a fresh snapshot once the
	// journal outgrew the last.
	saved, next      *memdState
	spare            *memdState // an older state, whose memory the next export reuses
	logged, snapSize int
	outLog, outSnap  int // bytes the current Ready handed out
	sw               jsonx.Writer
	// touched: a message, a setting or a restore was stepped since the
	// last Advance. Only then, or when the engines have something to say
	// (every grant, death and revocation is a send or a log line), can
	// the state have changed: a quiet tick or a delivery costs no save.
	touched bool

	hosts        []registration // sorted by host
	hostsChanged bool
	memWatch     []proc.Pid
	portWatch    []proc.Pid
	watchChanged bool

	own    ownAnswers
	parser jsonx.Parser // the batches' (no event is kept past its step)
	logs   []string
	errs   []string
	w      jsonx.Writer
}

// MemdConfig is the memory daemon's configuration, decoded from JSON:
//
//	{"home":"home","homeReserve":GB,"setAside":{"host":GB},"useHacknet":bool,
//	 "firstPort":n,"lastPort":n,"selfHost":host,"selfRam":GB,"session":word,
//	 "secret":hex}
//
// selfHost and selfRam are the daemon's own process (ns.getHostname, its
// script's RAM): that RAM is neither granted nor counted against the
// player's homeReserve. session is the word on MemdSessionPort: with one,
// the daemon's Ready carries its state to save whenever it changed, and
// only a saved state of the same session is restored. secret, 32 hex
// digits, keys the allocation tokens (memory.Config.Secret); without it
// a pid alone names an owner.
type MemdConfig struct {
	Home      string // hostname of home, registered at start (default "home")
	Session   string // "" saves nothing
	Memory    memory.Config
	Portalloc portalloc.Config
}

// ParseMemdConfig decodes and checks a memd config; unknown keys are
// rejected by name.
func ParseMemdConfig(b []byte) (MemdConfig, error) {
	cfg := MemdConfig{Home: "home"}
	if len(b) == 0 {
		return cfg, nil
	}
	v, err := jsonx.Parse(b)
	if err != nil {
		return cfg, errors.New("memd config: " + err.Error())
	}
	f := jsonx.NewFields(v)
	for _, m := range v.Obj {
		switch m.Key {
		case "home", "homeReserve", "setAside", "useHacknet", "firstPort", "lastPort", "selfHost", "selfRam", "session", "secret":
		default:
			return cfg, errors.New("memd config: unknown key " + strconv.Quote(m.Key))
		}
	}
	if f.Has("home") {
		cfg.Home = f.Str("home", true)
	}
	settings(v, f, &cfg.Memory)
	cfg.Session = f.Str("session", false)
	if f.Has("secret") {
		k, ok := parseSecret(f.Str("secret", true))
		if !ok {
			f.Fail("secret", jsonx.ErrRange, "32 hexadecimal digits")
		}
		cfg.Memory.Secret = k
	}
	cfg.Memory.SelfHost = f.Str("selfHost", false)
	if f.Has("selfRam") {
		cfg.Memory.SelfRAM = gbField(f, "selfRam", true)
	}
	cfg.Portalloc.First = proc.Port(f.Int("firstPort", false, 0, int64(proc.MaxPort)))
	cfg.Portalloc.Last = proc.Port(f.Int("lastPort", false, 0, int64(proc.MaxPort)))
	if err := f.Err(); err != nil {
		return cfg, errors.New("memd config: " + err.Error())
	}
	if cfg.Home == "" {
		return cfg, errors.New(`memd config: field "home" is empty`)
	}
	// Private ports stay below the boot ports: a boot port is never leased,
	// so an answer to a client without a port can always be written there.
	if cfg.Portalloc.Last == 0 {
		cfg.Portalloc.Last = BootPortBase - 1
	}
	if cfg.Portalloc.Last >= BootPortBase {
		return cfg, errors.New(`memd config: field "lastPort" must be below the boot ports (` + strconv.FormatInt(int64(BootPortBase), 10) + ")")
	}
	return cfg, nil
}

// settings decodes the player's settings of v (homeReserve, setAside,
// useHacknet) into c, failing f's fields that are wrong.
func settings(v jsonx.Value, f *jsonx.Fields, c *memory.Config) {
	c.HomeReserve = gbField(f, "homeReserve", false)
	if sv, ok := v.Get("setAside"); ok && sv.Kind != jsonx.Null {
		if sv.Kind != jsonx.Object {
			f.Fail("setAside", jsonx.ErrWrongTyp, "object of host: GB")
		}
		c.SetAside = map[string]ram.Amount{}
		for _, m := range sv.Obj {
			if m.Val.Kind != jsonx.Number {
				f.Fail("setAside."+m.Key, jsonx.ErrWrongTyp, "GB")
				continue
			}
			a, err := ram.FromGB(m.Val.Num)
			if err != nil {
				f.Fail("setAside."+m.Key, err, "GB, a multiple of 0.01")
			}
			c.SetAside[m.Key] = a
		}
	}
	c.UseHacknet = f.Bool("useHacknet")
}

// stepConfigure applies the player's changed settings.
func (m *Memd) stepConfigure(ev jsonx.Value) error {
	v, _ := ev.Get(wSettings)
	if v.Kind != jsonx.Object {
		return errors.New(EvConfigure + `: field "` + wSettings + `" is not an object`)
	}
	for _, kv := range v.Obj {
		switch kv.Key {
		case "homeReserve", "setAside", "useHacknet":
		default:
			return errors.New(EvConfigure + ": unknown setting " + strconv.Quote(kv.Key))
		}
	}
	f := jsonx.NewFields(v)
	var c memory.Config
	settings(v, f, &c)
	if err := f.Err(); err != nil {
		return errors.New(EvConfigure + ": " + err.Error())
	}
	return m.mem.Step(memory.Configure{HomeReserve: c.HomeReserve, SetAside: c.SetAside, UseHacknet: c.UseHacknet})
}

// NewMemd builds the memory daemon service from its JSON config.
func NewMemd(config []byte) (*Memd, error) {
	cfg, err := ParseMemdConfig(config)
	if err != nil {
		return nil, err
	}
	mem, err := memory.New(cfg.Memory)
	if err != nil {
		return nil, err
	}
	ports, err := portalloc.New(cfg.Portalloc)
	if err != nil {
		return nil, err
	}
	m := &Memd{mem: mem, ports: ports, home: cfg.Home, cfg: cfg, logged: -1}
	m.register(registration{host: cfg.Home, kind: memory.HostHome, cores: 1})
	return m, nil
}

func (m *Memd) register(r registration) {
	i, found := slices.BinarySearchFunc(m.hosts, r.host, func(a registration, h string) int {
		return compareStrings(a.host, h)
	})
	switch {
	case r.forget:
		if found {
			m.hosts = slices.Delete(m.hosts, i, i+1)
			m.hostsChanged = true
		}
		return
	case found:
		if m.hosts[i] != r {
			m.hosts[i] = r
			m.hostsChanged = true
		}
	default:
		m.hosts = slices.Insert(m.hosts, i, r)
		m.hostsChanged = true
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Step implements Service.
func (m *Memd) Step(batch []byte) error {
	return stepEachWith(&m.parser, MemdWire, batch, &m.errs, m.stepOne)
}

func (m *Memd) stepOne(kind string, ev jsonx.Value) error {
	if kind != EvTick && kind != EvSent {
		m.touched = true
	}
	switch kind {
	case EvMsg:
		body, _ := ev.Get(wBody)
		return m.stepMessage(body)
	case EvTick:
		return m.stepTick(ev)
	case EvConfigure:
		return m.stepConfigure(ev)
	case EvRestore:
		v, _ := ev.Get(wState)
		return m.restore([]byte(v.Str))
	}
	// sent, the one kind left
	f, id, ok := outcome(ev)
	if err := f.Err(); err != nil {
		return errors.New(EvSent + ": " + err.Error())
	}
	switch id % 3 {
	case fromMemory:
		return m.mem.Step(memory.Delivered{Send: id / 3, OK: ok})
	case fromPorts:
		return m.ports.Step(portalloc.Delivered{Send: id / 3, OK: ok})
	}
	if !m.own.delivered(id/3, ok) {
		return errors.New(EvSent + ": unknown send id " + strconv.FormatInt(id, 10))
	}
	return nil
}

func (m *Memd) stepMessage(body jsonx.Value) error {
	ev, err := decodeRequest(body)
	if err != nil {
		m.own.answer(err)
		return err
	}
	switch ev := ev.(type) {
	case registration:
		if !m.mem.Acts(memory.RoleDiscovery, ev.token) {
			what := TypeWorker
			if ev.forget {
				what = TypeForget
			}
			return errors.New(what + " " + strconv.Quote(ev.host) + ": no valid discovery token (only the process registered for the discovery role registers servers)")
		}
		ev.token = 0
		m.register(ev)
		return nil
	case memory.Event:
		return m.mem.Step(ev)
	case portalloc.Event:
		return m.ports.Step(ev)
	}
	return errors.New("memd: undispatched message")
}

func (m *Memd) stepTick(ev jsonx.Value) error {
	f := jsonx.NewFields(ev)
	now := int64(f.Num(wNow, false))
	dead, err := pids(f)
	if err != nil {
		return errors.New(EvTick + ": " + err.Error())
	}
	var gone []string
	for _, g := range f.Arr(wGone, false) {
		if g.Kind != jsonx.String {
			return errors.New(EvTick + `: field "` + wGone + `" holds a non-string`)
		}
		gone = append(gone, g.Str)
	}
	var workers []memory.WorkerState
	for i, wv := range f.Arr(wWorkers, false) {
		ws, err := decodeWorkerRow(wv)
		if err != nil {
			return errors.New(EvTick + ": worker " + strconv.Itoa(i) + ": " + err.Error())
		}
		j, found := slices.BinarySearchFunc(m.hosts, ws.Host, func(a registration, h string) int {
			return compareStrings(a.host, h)
		})
		if !found {
			continue // forgotten since the script's last observe list
		}
		ws.Kind, ws.Cores = m.hosts[j].kind, m.hosts[j].cores
		workers = append(workers, ws)
	}
	if err := f.Err(); err != nil {
		return errors.New(EvTick + ": " + err.Error())
	}
	if err := m.mem.Step(memory.Tick{Now: now, Dead: dead, Workers: workers, Gone: gone}); err != nil {
		return err
	}
	for _, g := range gone {
		m.register(registration{host: g, forget: true})
	}
	return m.ports.Step(portalloc.Tick{Now: now, Dead: dead})
}

// decodeWorkerRow reads a host's reading, [host, root, max, used].
func decodeWorkerRow(v jsonx.Value) (memory.WorkerState, error) {
	ws := memory.WorkerState{Cores: 1}
	a := v.Arr
	if v.Kind != jsonx.Array || len(a) != len(memdWorkerRow) {
		return ws, errors.New("want [" + strings.Join(memdWorkerRow[:], ", ") + "]")
	}
	bad := func(i int, want string) (memory.WorkerState, error) {
		return ws, errors.New(strconv.Quote(memdWorkerRow[i]) + ": want " + want + ", got " + a[i].Kind.String())
	}
	if a[0].Kind != jsonx.String {
		return bad(0, "a hostname")
	}
	if a[1].Kind != jsonx.Bool {
		return bad(1, "a boolean")
	}
	ws.Host, ws.Rooted = a[0].Str, a[1].Bool
	for i, dst := range []*ram.Amount{&ws.MaxRAM, &ws.UsedRAM} {
		if a[2+i].Kind != jsonx.Number {
			return bad(2+i, "GB")
		}
		gb, err := ram.FromGB(a[2+i].Num)
		if err != nil {
			return ws, errors.New(strconv.Quote(memdWorkerRow[2+i]) + ": " + err.Error())
		}
		*dst = gb
	}
	return ws, nil
}

// restore continues from a saved state: fresh engines are restored from
// it and replace the daemon's only when both take it, so a refused state
// leaves the daemon as it was (empty, as it has stepped nothing yet).
func (m *Memd) restore(b []byte) error {
	s, err := decodeSaved(b)
	if err != nil {
		return errors.New(EvRestore + ": " + err.Error())
	}
	if m.cfg.Session == "" || s.session != m.cfg.Session {
		return errors.New(EvRestore + ": the saved state is of session " + strconv.Quote(s.session) +
			", not this daemon's " + strconv.Quote(m.cfg.Session) + " (the game was reloaded, or the session port cleared)")
	}
	mem, _ := memory.New(m.cfg.Memory) // the config was checked by NewMemd
	ports, _ := portalloc.New(m.cfg.Portalloc)
	if err := mem.Restore(s.mem); err != nil {
		return errors.New(EvRestore + ": " + err.Error())
	}
	if err := ports.Restore(s.ports); err != nil {
		return errors.New(EvRestore + ": " + err.Error())
	}
	m.mem, m.ports = mem, ports
	m.hosts, m.hostsChanged = s.hosts, true
	m.saved, m.logged = nil, -1
	return nil
}

// save writes the state to save to w, and tells which part it is: a
// snapshot (wSave) when one is due, else the change since the saved
// state (wJournal); "" when nothing changed.
func (m *Memd) save(w *jsonx.Writer) string {
	cur := m.spare
	if cur == nil {
		cur = &memdState{}
	}
	m.spare = nil
	cur.session, cur.ports, cur.hosts = m.cfg.Session, m.ports.Export(), append(cur.hosts[:0], m.hosts...)
	m.mem.ExportInto(&cur.mem)
	w.Reset()
	part := wJournal
	if m.saved == nil || m.logged < 0 || m.logged > journalLimit(m.snapSize) {
		encodeState(w, *cur)
		part = wSave
	} else if !encodeChange(w, m.saved, cur) {
		m.spare = cur
		return ""
	}
	w.Raw([]byte{'\n'})
	m.next = cur
	return part
}

// journalLimit is the most journal bytes a file keeps after a snapshot of
// snap bytes before the next Ready writes a fresh snapshot: a snapshot
// costs a journal of that much, and a restore reads at most that much.
func journalLimit(snap int) int { return 2*snap + 4<<10 }

// Ready implements Service.
func (m *Memd) Ready() []byte {
	mr, pr := m.mem.Ready(), m.ports.Ready()
	if mr.Watch != nil {
		m.memWatch, m.watchChanged = mr.Watch, true
	}
	if pr.Watch != nil {
		m.portWatch, m.watchChanged = pr.Watch, true
	}
	w := &m.w
	w.Reset()
	w.BeginObject()
	if len(pr.Clear) > 0 {
		jsonx.IntList(w, wClear, pr.Clear)
	}
	if len(mr.Sends)+len(pr.Sends) > 0 || m.own.pending() {
		w.Key(wSend)
		w.BeginArray()
		for _, s := range pr.Sends {
			beginSend(w, s.ID*3+fromPorts, s.Port)
			encodePortReply(w, s.Msg)
			w.EndArray()
		}
		for _, s := range mr.Sends {
			beginSend(w, s.ID*3+fromMemory, s.Port)
			encodeMemoryReply(w, s.Msg, m.ports.Leases())
			w.EndArray()
		}
		m.own.write(w, func(id int64) int64 { return id*3 + fromBridge })
		w.EndArray()
	}
	logs := append(append(m.logs[:len(m.logs):len(m.logs)], pr.Logs...), mr.Logs...)
	w.StringList(wLog, logs)
	if m.watchChanged {
		jsonx.IntList(w, wWatch, mergePids(m.memWatch, m.portWatch))
	}
	if m.hostsChanged {
		w.Key(wObserve)
		w.BeginArray()
		for _, h := range m.hosts {
			w.String(h.host)
		}
		w.EndArray()
	}
	w.StringList(wErrors, m.errs)
	m.next, m.outLog, m.outSnap = nil, 0, 0
	if m.cfg.Session != "" && (m.touched || len(pr.Clear)+len(pr.Sends)+len(mr.Sends)+len(logs) > 0 || m.watchChanged || m.hostsChanged) {
		if part := m.save(&m.sw); part != "" {
			if part == wSave {
				m.outSnap = len(m.sw.Bytes())
			} else {
				m.outLog = len(m.sw.Bytes())
			}
			w.Key(part)
			w.StringBytes(m.sw.Bytes())
		}
	}
	w.EndObject()
	return w.Bytes()
}

// Advance implements Service.
func (m *Memd) Advance() {
	m.mem.Advance()
	m.ports.Advance()
	m.own.advance()
	if m.next != nil {
		m.saved, m.spare, m.next = m.next, m.saved, nil
		if m.outSnap > 0 {
			m.logged, m.snapSize = 0, m.outSnap
		} else {
			m.logged += m.outLog
		}
	}
	m.touched = false
	m.logs, m.errs = m.logs[:0], m.errs[:0]
	m.watchChanged, m.hostsChanged = false, false
}

// mergePids returns the sorted union of two sorted pid lists.
func mergePids(a, b []proc.Pid) []proc.Pid {
	out := make([]proc.Pid, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
