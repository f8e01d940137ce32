package bridge

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/memory"
	"ramfarm/core/portalloc"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// The memory daemon's saved state: what it writes to MemdStateFile after
// every step that changed it, and reads back when it starts again (or
// after a trap). It is the two engines' States, the registered hosts and
// the session it belongs to, written as positional tuples to keep the
// file, which the player's browser writes every tick, small. The file is
// a snapshot line, then a journal: a line for each step that changed the
// state, appended before its answers are written, which holds what
// changed (see encodeChange). A snapshot:
//
//	{"v":1, "s":session, "m":{memory}, "p":{ports}, "r":[[host, kind, cores]]}
//	memory: "k" token secret (hex), "n" last id, "h" [[host, kind, cores]],
//	  "a" [[id, owner, script, reply, prio, options, size, desired,
//	        [[host, size, count]], [[worker, host, ram]], [settled], seq, regrowAt, gen, rid]],
//	  "q" [[rid, pid, script, reply, size, count, prio, options]], "c" [cordoned host],
//	  "g" [[role, holder pid, grants]],
//	  "l" [[port, pid, type, rid, alloc or code, reason]], "o" [[alloc, port, rid]]
//	ports: "n" next, "f" [free], "l" [[port, pid]], "m" [[port, pid, type, rid, port or code, reason]]
//
// RAM is in hundredths of a GB (ram.Amount), options a bit set
// (optionBits).
const stateVersion = 1

// Option bits of an allocation or a waiting request in the saved state.
var optionBits = [...]func(*memory.Options) *bool{
	func(o *memory.Options) *bool { return &o.Contiguous },
	func(o *memory.Options) *bool { return &o.CoreDependent },
	func(o *memory.Options) *bool { return &o.LongRunning },
	func(o *memory.Options) *bool { return &o.Shrinkable },
	func(o *memory.Options) *bool { return &o.Seat },
	func(o *memory.Options) *bool { return &o.Growable },
}

func packOptions(o memory.Options) int64 {
	var n int64
	for i, f := range optionBits {
		if *f(&o) {
			n |= 1 << i
		}
	}
	return n
}

func unpackOptions(n int64) memory.Options {
	var o memory.Options
	for i, f := range optionBits {
		*f(&o) = n&(1<<i) != 0
	}
	return o
}

// memdState is everything the daemon saves.
type memdState struct {
	session string
	mem     memory.State
	ports   portalloc.State
	hosts   []registration
}

// encodeState writes s.
func encodeState(w *jsonx.Writer, s memdState) {
	w.BeginObject()
	w.Key("v")
	w.Int(stateVersion)
	w.Key("s")
	w.String(s.session)
	w.Key("m")
	encodeMemoryState(w, s.mem)
	w.Key("p")
	encodePortState(w, s.ports)
	rows(w, "r", s.hosts, func(h registration) { w.String(h.host); ints(w, int64(h.kind), int64(h.cores)) })
	w.EndObject()
}

// rows writes key (none if "": an element of an array) and xs as an
// array of tuples, each written by row.
func rows[T any](w *jsonx.Writer, key string, xs []T, row func(T)) {
	if key != "" {
		w.Key(key)
	}
	w.BeginArray()
	for _, x := range xs {
		w.BeginArray()
		row(x)
		w.EndArray()
	}
	w.EndArray()
}

func ints(w *jsonx.Writer, ns ...int64) {
	for _, n := range ns {
		w.Int(n)
	}
}

func encodeMemoryState(w *jsonx.Writer, s memory.State) {
	w.BeginObject()
	w.Key("k")
	w.String(formatSecret(s.Secret))
	w.Key("n")
	w.Int(int64(s.NextAlloc))
	rows(w, "h", s.Hosts, func(h memory.HostState) { w.String(h.Name); ints(w, int64(h.Kind), int64(h.Cores)) })
	rows(w, "a", s.Allocs, func(a memory.AllocState) { allocRow(w, a) })
	memoryTail(w, s)
	w.EndObject()
}

func allocRow(w *jsonx.Writer, a memory.AllocState) {
	ints(w, int64(a.ID), int64(a.Owner))
	w.String(a.Script)
	ints(w, int64(a.Reply), int64(a.Priority), packOptions(a.Options), int64(a.Size), int64(a.Desired))
	rows(w, "", a.Held, func(c memory.Chunks) { w.String(c.Host); ints(w, int64(c.Size), int64(c.Count)) })
	rows(w, "", a.Claims, func(c memory.ClaimState) { w.Int(int64(c.Worker)); w.String(c.Host); w.Int(int64(c.RAM)) })
	w.BeginArray()
	for _, p := range a.Settled {
		w.Int(int64(p))
	}
	w.EndArray()
	ints(w, a.Seq, a.RegrowAt, int64(a.Gen), a.Rid)
}

// memoryTail writes the memory state's small sections, after "a".
func memoryTail(w *jsonx.Writer, s memory.State) {
	rows(w, "q", s.Pending, func(r memory.Request) {
		ints(w, r.Rid, int64(r.Pid))
		w.String(r.Script)
		ints(w, int64(r.Reply), int64(r.ChunkSize), int64(r.Count), int64(r.Priority), packOptions(r.Options))
	})
	w.Key("c")
	w.BeginArray()
	for _, c := range s.Cordons {
		w.String(c)
	}
	w.EndArray()
	rows(w, "g", s.Roles, func(r memory.RoleState) { ints(w, int64(r.Role), int64(r.Pid), int64(r.Gen)) })
	rows(w, "l", s.Letters, func(l memory.Letter) {
		ints(w, int64(l.Port), int64(l.Pid))
		switch m := l.Msg.(type) {
		case memory.Registered:
			letterTail(w, TypeRegistered, m.Rid, int64(m.Role), strconv.FormatInt(m.Token, 10))
		case memory.Error:
			letterTail(w, TypeError, m.Rid, int64(m.Code), m.Reason)
		case memory.Refused:
			letterTail(w, TypeRefused, m.Rid, int64(m.Code), m.Reason)
		case memory.Done:
			letterTail(w, TypeDone, m.Rid, int64(m.Alloc), "")
		case memory.StatusReport:
			letterTail(w, TypeReport, m.Rid, 0, "")
		}
	})
	rows(w, "o", s.Owed, func(o memory.Owed) { ints(w, int64(o.Alloc), int64(o.Port), o.Rid) })
}

// encodeChange writes a journal line: what changed from old to cur,
// which applyChange makes old into cur with. It is a snapshot's object
// with only the allocations that changed in "m"."a", the ids of those
// that ended in "m"."x", and "m"."h", "m"."k" and "r" only when they
// changed (the other sections are small, and written whole). It tells
// whether anything changed at all.
//
//	{"m":{"n":last id, ["k":secret,] ["h":hosts,] "a":[changed], ["x":[ended ids],] "q",...,"o"}, "p":{ports}, ["r":hosts]}
func encodeChange(w *jsonx.Writer, old, cur *memdState) bool {
	var changed, ended []int
	oa, ca := old.mem.Allocs, cur.mem.Allocs
	for i, j := 0, 0; i < len(oa) || j < len(ca); {
		switch {
		case j == len(ca) || (i < len(oa) && oa[i].ID < ca[j].ID):
			ended = append(ended, i)
			i++
		case i == len(oa) || ca[j].ID < oa[i].ID:
			changed = append(changed, j)
			j++
		default:
			if !sameAlloc(&oa[i], &ca[j]) {
				changed = append(changed, j)
			}
			i++
			j++
		}
	}
	hostsSame := slices.Equal(old.mem.Hosts, cur.mem.Hosts)
	regsSame := slices.Equal(old.hosts, cur.hosts)
	w.BeginObject()
	w.Key("m")
	w.BeginObject()
	w.Key("n")
	w.Int(int64(cur.mem.NextAlloc))
	if cur.mem.Secret != old.mem.Secret {
		w.Key("k")
		w.String(formatSecret(cur.mem.Secret))
	}
	if !hostsSame {
		rows(w, "h", cur.mem.Hosts, func(h memory.HostState) { w.String(h.Name); ints(w, int64(h.Kind), int64(h.Cores)) })
	}
	rows(w, "a", changed, func(j int) { allocRow(w, ca[j]) })
	if len(ended) > 0 {
		w.Key("x")
		w.BeginArray()
		for _, i := range ended {
			w.Int(int64(oa[i].ID))
		}
		w.EndArray()
	}
	n := len(w.Bytes())
	memoryTail(w, cur.mem)
	tail := w.Bytes()[n:]
	w.EndObject()
	w.Key("p")
	n = len(w.Bytes())
	encodePortState(w, cur.ports)
	ports := w.Bytes()[n:]
	if !regsSame {
		rows(w, "r", cur.hosts, func(h registration) { w.String(h.host); ints(w, int64(h.kind), int64(h.cores)) })
	}
	w.EndObject()
	if len(changed)+len(ended) > 0 || !hostsSame || !regsSame || cur.mem.NextAlloc != old.mem.NextAlloc || cur.mem.Secret != old.mem.Secret {
		return true
	}
	// The small sections: compared as written, against old's.
	var ow jsonx.Writer
	ow.BeginObject()
	memoryTail(&ow, old.mem)
	ow.Key("p")
	encodePortState(&ow, old.ports)
	return string(ow.Bytes()[1:]) != string(tail)+`,"p":`+string(ports)
}

// sameAlloc tells whether two states of an allocation are alike.
func sameAlloc(a, b *memory.AllocState) bool {
	return a.ID == b.ID && a.Owner == b.Owner && a.Script == b.Script && a.Reply == b.Reply && a.Priority == b.Priority &&
		a.Options == b.Options && a.Size == b.Size && a.Desired == b.Desired && a.Seq == b.Seq && a.RegrowAt == b.RegrowAt &&
		a.Gen == b.Gen && a.Rid == b.Rid && a.Orphan == b.Orphan &&
		slices.Equal(a.Held, b.Held) && slices.Equal(a.Claims, b.Claims) && slices.Equal(a.Settled, b.Settled)
}

func letterTail(w *jsonx.Writer, typ string, rid, x int64, reason string) {
	w.String(typ)
	w.Int(rid)
	w.Int(x)
	w.String(reason)
}

func encodePortState(w *jsonx.Writer, s portalloc.State) {
	w.BeginObject()
	w.Key("n")
	w.Int(int64(s.Next))
	jsonx.IntList(w, "f", s.Free)
	rows(w, "l", s.Leases, func(l portalloc.Lease) { ints(w, int64(l.Port), int64(l.Pid)) })
	rows(w, "m", s.Letters, func(l portalloc.Letter) {
		ints(w, int64(l.Port), int64(l.Pid))
		switch m := l.Msg.(type) {
		case portalloc.Assigned:
			letterTail(w, TypeAssigned, m.Rid, int64(m.Port), "")
		case portalloc.Done:
			letterTail(w, TypeDone, m.Rid, int64(m.Port), "")
		case portalloc.Error:
			letterTail(w, TypeError, m.Rid, int64(m.Code), m.Reason)
		}
	})
	w.EndObject()
}

// formatSecret is a token secret as 32 hex digits, its two words high
// first; the zero secret (tokens off) is "".
func formatSecret(k [2]uint64) string {
	if k == ([2]uint64{}) {
		return ""
	}
	const digits = "0123456789abcdef"
	b := make([]byte, 32)
	for i := range 32 {
		b[i] = digits[k[i/16]>>(60-4*(i%16))&15]
	}
	return string(b)
}

// parseSecret reads formatSecret's form; "" is the zero secret.
func parseSecret(s string) ([2]uint64, bool) {
	var k [2]uint64
	if s == "" {
		return k, true
	}
	if len(s) != 32 {
		return k, false
	}
	for i := range 32 {
		var d uint64
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		default:
			return k, false
		}
		k[i/16] = k[i/16]<<4 | d
	}
	return k, true
}

// stateReader reads the saved state's tuples, keeping the first mistake.
type stateReader struct{ err error }

func (r *stateReader) fail(what string) {
	if r.err == nil {
		r.err = errors.New("saved state: " + what)
	}
}

// tuple is v's elements when v is an array of n (n < 0: any length).
func (r *stateReader) tuple(v jsonx.Value, n int, what string) []jsonx.Value {
	if v.Kind != jsonx.Array || (n >= 0 && len(v.Arr) != n) {
		r.fail(what + " is not an array of " + strconv.Itoa(n))
		return make([]jsonx.Value, max(n, 0))
	}
	return v.Arr
}

func (r *stateReader) int(v jsonx.Value, what string) int64 {
	if v.Kind != jsonx.Number || v.Num != math.Trunc(v.Num) || math.Abs(v.Num) > 1<<53 {
		r.fail(what + " is not an integer")
		return 0
	}
	return int64(v.Num)
}

func (r *stateReader) str(v jsonx.Value, what string) string {
	if v.Kind != jsonx.String {
		r.fail(what + " is not a string")
	}
	return v.Str
}

func (r *stateReader) key(v jsonx.Value, k string) jsonx.Value {
	m, ok := v.Get(k)
	if !ok {
		r.fail("key " + strconv.Quote(k) + " is missing")
	}
	return m
}

// letter reads a letter's tuple: [port, pid, type, rid, x, reason].
func (r *stateReader) letter(v jsonx.Value) (port proc.Port, pid proc.Pid, typ string, rid, x int64, reason string) {
	t := r.tuple(v, 6, "a letter")
	return proc.Port(r.int(t[0], "port")), proc.Pid(r.int(t[1], "pid")), r.str(t[2], "letter type"),
		r.int(t[3], "rid"), r.int(t[4], "letter field"), r.str(t[5], "reason")
}

// decodeSaved reads a saved file: its snapshot, with every journal line
// applied.
func decodeSaved(b []byte) (memdState, error) {
	snap, journal, _ := bytes.Cut(b, []byte("\n"))
	s, err := decodeState(snap)
	for n := 1; err == nil && len(journal) > 0; n++ {
		var line []byte
		line, journal, _ = bytes.Cut(journal, []byte("\n"))
		if !blank(line) {
			if err = applyChange(&s, line); err != nil {
				err = errors.New(err.Error() + " (journal line " + strconv.Itoa(n) + ")")
			}
		}
	}
	return s, err
}

// blank reports whether a journal line holds only ASCII spaces: the file
// is ours and ASCII, and bytes.TrimSpace would link Unicode's tables.
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// MemdSnapshot is the state a memory daemon's state file holds, as one
// snapshot: the file's snapshot with its journal applied. A file that
// is a snapshot alone comes back as it is.
func MemdSnapshot(file []byte) ([]byte, error) {
	s, err := decodeSaved(file)
	if err != nil {
		return nil, err
	}
	var w jsonx.Writer
	encodeState(&w, s)
	return w.Bytes(), nil
}

// applyChange applies a journal line (encodeChange) to s.
func applyChange(s *memdState, line []byte) error {
	v, err := jsonx.Parse(line)
	if err != nil {
		return errors.New("saved state: " + err.Error())
	}
	if v.Kind != jsonx.Object {
		return errors.New("saved state: a change is not an object")
	}
	r := &stateReader{}
	mv := r.key(v, "m")
	if r.err != nil {
		return r.err
	}
	d := r.memoryState(mv, true)
	ended := map[memory.AllocID]bool{}
	if xv, ok := mv.Get("x"); ok {
		for _, x := range r.tuple(xv, -1, "ended allocations") {
			ended[memory.AllocID(r.int(x, "an ended allocation"))] = true
		}
	}
	allocs := make([]memory.AllocState, 0, len(s.mem.Allocs)+len(d.Allocs))
	old := s.mem.Allocs
	i := 0
	for _, a := range d.Allocs {
		for i < len(old) && old[i].ID < a.ID {
			if !ended[old[i].ID] {
				allocs = append(allocs, old[i])
			}
			i++
		}
		if i < len(old) && old[i].ID == a.ID {
			i++
		}
		allocs = append(allocs, a)
	}
	for ; i < len(old); i++ {
		if !ended[old[i].ID] {
			allocs = append(allocs, old[i])
		}
	}
	if _, ok := mv.Get("k"); !ok {
		d.Secret = s.mem.Secret
	}
	if _, ok := mv.Get("h"); !ok {
		d.Hosts = s.mem.Hosts
	}
	d.Allocs = allocs
	s.mem = d
	s.ports = r.portState(r.key(v, "p"))
	if _, ok := v.Get("r"); ok {
		s.hosts = r.hosts(v)
	}
	return r.err
}

// decodeState reads a saved state; the engines check what it says.
func decodeState(b []byte) (memdState, error) {
	var s memdState
	v, err := jsonx.Parse(b)
	if err != nil {
		return s, errors.New("saved state: " + err.Error())
	}
	r := &stateReader{}
	if v.Kind != jsonx.Object {
		return s, errors.New("saved state: not an object")
	}
	if n := r.int(r.key(v, "v"), "version"); r.err == nil && n != stateVersion {
		return s, errors.New("saved state: version " + strconv.FormatInt(n, 10) + ", want " + strconv.Itoa(stateVersion))
	}
	s.session = r.str(r.key(v, "s"), "session")
	s.mem = r.memoryState(r.key(v, "m"), false)
	s.ports = r.portState(r.key(v, "p"))
	s.hosts = r.hosts(v)
	return s, r.err
}

// hosts reads the registered hosts, "r".
func (r *stateReader) hosts(v jsonx.Value) []registration {
	var hosts []registration
	for _, h := range r.tuple(r.key(v, "r"), -1, "hosts") {
		t := r.tuple(h, 3, "a host")
		kind := r.int(t[1], "a host's kind")
		if kind < 0 || kind > int64(memory.HostHacknet) {
			r.fail("a host's kind is unknown")
		}
		hosts = append(hosts, registration{host: r.str(t[0], "a host"), kind: memory.HostKind(kind), cores: int(r.int(t[2], "cores"))})
	}
	return hosts
}

// memoryState reads the memory engine's state; in a change (partial),
// "k" and "h" may be missing (unchanged) and "a" holds only changes.
func (r *stateReader) memoryState(v jsonx.Value, partial bool) memory.State {
	var s memory.State
	has := func(k string) bool {
		_, ok := v.Get(k)
		return ok || !partial
	}
	if has("k") {
		k, ok := parseSecret(r.str(r.key(v, "k"), "secret"))
		if !ok {
			r.fail("the secret is not 32 hexadecimal digits")
		}
		s.Secret = k
	}
	s.NextAlloc = memory.AllocID(r.int(r.key(v, "n"), "last id"))
	if has("h") {
		for _, h := range r.tuple(r.key(v, "h"), -1, "hosts") {
			t := r.tuple(h, 3, "a host")
			s.Hosts = append(s.Hosts, memory.HostState{Name: r.str(t[0], "a host"), Kind: memory.HostKind(r.int(t[1], "kind")), Cores: int(r.int(t[2], "cores"))})
		}
	}
	for _, av := range r.tuple(r.key(v, "a"), -1, "allocations") {
		t := r.tuple(av, 15, "an allocation")
		a := memory.AllocState{ID: memory.AllocID(r.int(t[0], "id")), Owner: proc.Pid(r.int(t[1], "owner")), Script: r.str(t[2], "script"),
			Reply: proc.Port(r.int(t[3], "reply")), Priority: int(r.int(t[4], "prio")), Options: unpackOptions(r.int(t[5], "options")),
			Size: ram.Amount(r.int(t[6], "size")), Desired: int(r.int(t[7], "desired")), Seq: r.int(t[11], "seq"), RegrowAt: r.int(t[12], "regrowAt"),
			Gen: uint32(r.int(t[13], "gen")), Rid: r.int(t[14], "rid")}
		for _, cv := range r.tuple(t[8], -1, "held") {
			c := r.tuple(cv, 3, "chunks")
			a.Held = append(a.Held, memory.Chunks{Host: r.str(c[0], "host"), Size: ram.Amount(r.int(c[1], "size")), Count: int(r.int(c[2], "count"))})
		}
		for _, cv := range r.tuple(t[9], -1, "claims") {
			c := r.tuple(cv, 3, "a claim")
			a.Claims = append(a.Claims, memory.ClaimState{Worker: proc.Pid(r.int(c[0], "worker")), Host: r.str(c[1], "host"), RAM: ram.Amount(r.int(c[2], "ram"))})
		}
		for _, p := range r.tuple(t[10], -1, "settled") {
			a.Settled = append(a.Settled, proc.Pid(r.int(p, "a settled pid")))
		}
		s.Allocs = append(s.Allocs, a)
	}
	for _, qv := range r.tuple(r.key(v, "q"), -1, "requests") {
		t := r.tuple(qv, 8, "a request")
		s.Pending = append(s.Pending, memory.Request{Rid: r.int(t[0], "rid"), Pid: proc.Pid(r.int(t[1], "pid")), Script: r.str(t[2], "script"),
			Reply: proc.Port(r.int(t[3], "reply")), ChunkSize: ram.Amount(r.int(t[4], "size")), Count: int(r.int(t[5], "count")),
			Priority: int(r.int(t[6], "prio")), Options: unpackOptions(r.int(t[7], "options"))})
	}
	for _, c := range r.tuple(r.key(v, "c"), -1, "cordons") {
		s.Cordons = append(s.Cordons, r.str(c, "a cordoned host"))
	}
	for _, gv := range r.tuple(r.key(v, "g"), -1, "roles") {
		t := r.tuple(gv, 3, "a role")
		s.Roles = append(s.Roles, memory.RoleState{Role: memory.Role(r.int(t[0], "role")), Pid: proc.Pid(r.int(t[1], "holder")), Gen: uint32(r.int(t[2], "grants"))})
	}
	for _, lv := range r.tuple(r.key(v, "l"), -1, "letters") {
		port, pid, typ, rid, x, reason := r.letter(lv)
		var msg memory.Reply
		switch typ {
		case TypeRegistered:
			token, err := strconv.ParseInt(reason, 10, 64)
			if err != nil {
				r.fail("a registered letter's token is not a number")
			}
			msg = memory.Registered{Rid: rid, Role: memory.Role(x), Token: token}
		case TypeError:
			msg = memory.Error{Rid: rid, Code: memory.Code(x), Reason: reason}
		case TypeRefused:
			msg = memory.Refused{Rid: rid, Code: memory.Code(x), Reason: reason}
		case TypeDone:
			msg = memory.Done{Rid: rid, Alloc: memory.AllocID(x)}
		case TypeReport:
			msg = memory.StatusReport{Rid: rid}
		default:
			r.fail("a letter's type is unknown")
		}
		s.Letters = append(s.Letters, memory.Letter{Port: port, Pid: pid, Msg: msg})
	}
	for _, ov := range r.tuple(r.key(v, "o"), -1, "owed") {
		t := r.tuple(ov, 3, "an owed snapshot")
		s.Owed = append(s.Owed, memory.Owed{Alloc: memory.AllocID(r.int(t[0], "alloc")), Port: proc.Port(r.int(t[1], "port")), Rid: r.int(t[2], "rid")})
	}
	return s
}

func (r *stateReader) portState(v jsonx.Value) portalloc.State {
	var s portalloc.State
	s.Next = proc.Port(r.int(r.key(v, "n"), "next port"))
	for _, p := range r.tuple(r.key(v, "f"), -1, "free ports") {
		s.Free = append(s.Free, proc.Port(r.int(p, "a free port")))
	}
	for _, lv := range r.tuple(r.key(v, "l"), -1, "leases") {
		t := r.tuple(lv, 2, "a lease")
		s.Leases = append(s.Leases, portalloc.Lease{Port: proc.Port(r.int(t[0], "port")), Pid: proc.Pid(r.int(t[1], "pid"))})
	}
	for _, lv := range r.tuple(r.key(v, "m"), -1, "letters") {
		port, pid, typ, rid, x, reason := r.letter(lv)
		var msg portalloc.Reply
		switch typ {
		case TypeAssigned:
			msg = portalloc.Assigned{Rid: rid, Port: proc.Port(x)}
		case TypeDone:
			msg = portalloc.Done{Rid: rid, Port: proc.Port(x)}
		case TypeError:
			msg = portalloc.Error{Rid: rid, Code: portalloc.Code(x), Reason: reason}
		default:
			r.fail("a letter's type is unknown")
		}
		s.Letters = append(s.Letters, portalloc.Letter{Port: port, Pid: pid, Msg: msg})
	}
	return s
}
