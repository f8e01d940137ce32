package bridge

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/memory"
	"ramfarm/core/portalloc"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// Reason codes on the wire, by engine code.
var memoryCodes = map[memory.Code]string{
	memory.CodeNone:        "none",
	memory.CodeNoRAM:       "no-ram",
	memory.CodeUnknown:     "unknown-alloc",
	memory.CodeNotOwner:    "not-owner",
	memory.CodeBadSize:     "bad-size",
	memory.CodeOverRelease: "over-release",
	memory.CodeOverClaim:   "over-claim",
	memory.CodeBadMessage:  "bad-message",
	memory.CodeDuplicate:   "duplicate-claim",
	memory.CodeRoleHeld:    "role-held",
}

var portCodes = map[portalloc.Code]string{
	portalloc.CodeNone:       "none",
	portalloc.CodeExhausted:  "no-port",
	portalloc.CodeNotOwner:   "not-owner",
	portalloc.CodeBadMessage: "bad-message",
}

// CodeBadMessage is the wire code for a message the bridge itself could
// not decode.
const CodeBadMessage = "bad-message"

// Codes lists every wire reason code, for the generated JavaScript.
func Codes() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for c := memory.CodeNone; int(c) < len(memoryCodes); c++ {
		add(memoryCodes[c])
	}
	for c := portalloc.CodeNone; int(c) < len(portCodes); c++ {
		add(portCodes[c])
	}
	return out
}

// memdTypes are the messages the memory daemon serves.
var memdTypes = map[string]bool{
	TypeAlloc: true, TypeResize: true, TypeRelease: true, TypeClaim: true, TypeUnclaim: true, TypeGive: true,
	TypeStatus: true, TypeWorker: true, TypeForget: true, TypePort: true, TypeUnport: true, TypeCordon: true,
	TypeRegister: true,
}

// ErrBadMessage wraps every decoding failure of a port message.
var ErrBadMessage = errors.New("bridge: bad message")

// header is what every request carries: enough to answer it even when the
// rest is malformed.
type header struct {
	typ   string
	rid   int64
	reply proc.Port // 0 when absent or unreadable
}

// readHeader extracts the type, rid and reply port of a message, leniently:
// a malformed message still gets an error answer whenever it named a
// usable reply port.
func readHeader(v jsonx.Value) header {
	var h header
	if t, ok := v.Get(fType); ok && t.Kind == jsonx.String {
		h.typ = t.Str
	}
	if r, ok := v.Get(fRid); ok && r.Kind == jsonx.Number && r.Num == float64(int64(r.Num)) {
		h.rid = int64(r.Num)
	}
	if p, ok := v.Get(fReply); ok && p.Kind == jsonx.Number && p.Num == float64(int64(p.Num)) && proc.Port(p.Num).Valid() {
		h.reply = proc.Port(p.Num)
	}
	return h
}

// decodeError is a message that cannot be decoded, with what is needed to
// tell its sender.
type decodeError struct {
	header
	err error
}

func (e *decodeError) Error() string { return e.err.Error() }
func (e *decodeError) Unwrap() error { return ErrBadMessage }

// registration is a worker or forget message.
type registration struct {
	host   string
	kind   memory.HostKind
	cores  int
	forget bool
	token  int64 // the discovery role's, as the message carried it
}

// decodeRequest turns a port message into an engine event or a
// registration. Unknown keys are rejected by name, so a typo in a client
// never silently means "default".
func decodeRequest(v jsonx.Value) (any, error) {
	h := readHeader(v)
	fail := func(err error) (any, error) { return nil, &decodeError{header: h, err: err} }
	if v.Kind != jsonx.Object {
		return fail(errors.New("message is a " + v.Kind.String() + ", want an object"))
	}
	spec, ok := MessageByType(h.typ)
	if !ok || spec.Dir != ToDaemon || !memdTypes[h.typ] {
		return fail(errors.New("unknown message type " + strconv.Quote(h.typ)))
	}
	if key, bad := unknownKey(v, fType, spec.Fields); bad {
		return fail(errors.New(h.typ + ": unknown key " + strconv.Quote(key)))
	}
	f := jsonx.NewFields(v)
	gb := func(name string, required bool) ram.Amount { return gbField(f, name, required) }
	const maxInt = 1<<53 - 1
	ridV := f.Int(fRid, fieldRequired(spec, fRid), 0, maxInt)
	pidV := proc.Pid(f.Int(fPid, fieldRequired(spec, fPid), 0, maxInt))
	replyV := proc.Port(f.Int(fReply, fieldRequired(spec, fReply), 0, maxInt))
	if f.Has(fReply) && f.Err() == nil && !replyV.Valid() {
		f.Fail(fReply, jsonx.ErrRange, "a port number ≥ 1")
	}
	tokenV := f.Int(fToken, false, 0, maxInt)
	var ev any
	switch h.typ {
	case TypeAlloc:
		ev = memory.Request{
			Rid: ridV, Pid: pidV, Reply: replyV,
			Script:    f.Str("script", false),
			ChunkSize: gb(fChunk, true),
			Count:     int(f.Int(fCount, true, 0, 1<<31-1)),
			Priority:  int(f.Int(fPrio, false, -1<<31, 1<<31-1)),
			Options: memory.Options{
				Contiguous:    f.Bool("contiguous"),
				CoreDependent: f.Bool("coreDependent"),
				LongRunning:   f.Bool("longRunning"),
				Seat:          f.Bool("seat"),
				Shrinkable:    f.Bool("shrinkable"),
				Growable:      f.Bool("growable"),
			},
		}
	case TypeResize:
		r := memory.Resize{Rid: ridV, Pid: pidV, Reply: replyV, Token: tokenV,
			Alloc:     memory.AllocID(f.Int(fAlloc, true, 0, maxInt)),
			ChunkSize: gb(fChunk, false),
			Count:     int(f.Int(fCount, true, 0, 1<<31-1)),
		}
		if f.Has(fPrio) {
			p := int(f.Int(fPrio, true, -1<<31, 1<<31-1))
			r.Priority = &p
		}
		ev = r
	case TypeRelease:
		ev = memory.Release{Rid: ridV, Pid: pidV, Reply: replyV, Token: tokenV,
			Alloc:     memory.AllocID(f.Int(fAlloc, true, 0, maxInt)),
			Host:      f.Str(fHost, false),
			ChunkSize: gb(fChunk, f.Has(fHost)),
			Count:     int(f.Int(fCount, f.Has(fHost), 0, 1<<31-1)),
		}
	case TypeClaim:
		ev = memory.Claim{Rid: ridV, Pid: pidV, Reply: replyV, Token: tokenV,
			Alloc:  memory.AllocID(f.Int(fAlloc, true, 0, maxInt)),
			Host:   f.Str(fHost, true),
			Worker: proc.Pid(f.Int(fWorker, true, 0, maxInt)),
			RAM:    gb(fRAM, true),
		}
	case TypeUnclaim:
		ev = memory.Unclaim{Rid: ridV, Pid: pidV, Reply: replyV, Token: tokenV,
			Alloc:  memory.AllocID(f.Int(fAlloc, true, 0, maxInt)),
			Worker: proc.Pid(f.Int(fWorker, true, 0, maxInt)),
		}
	case TypeGive:
		ev = memory.Give{Rid: ridV, Pid: pidV, Reply: replyV, Token: tokenV,
			Alloc: memory.AllocID(f.Int(fAlloc, true, 0, maxInt)),
			To:    proc.Pid(f.Int("to", true, 0, maxInt)),
		}
	case TypeCordon:
		host := f.Str(fHost, true)
		if host == "" && f.Err() == nil {
			f.Fail(fHost, jsonx.ErrRange, "a hostname")
		}
		ev = memory.Cordon{Host: host, On: f.Bool(fOn), Token: tokenV}
	case TypeRegister:
		role := memory.RoleByName(f.Str(fRole, true))
		if role == memory.RoleNone && f.Err() == nil {
			f.Fail(fRole, jsonx.ErrRange, `"discovery" or "selector"`)
		}
		ev = memory.Register{Rid: ridV, Pid: pidV, Reply: replyV, Role: role, Off: f.Bool(fOff), Token: tokenV}
	case TypeStatus:
		ev = memory.Status{Rid: ridV, Pid: pidV, Reply: replyV}
	case TypePort:
		ev = portalloc.Acquire{Rid: ridV, Pid: pidV, Reply: replyV}
	case TypeUnport:
		ev = portalloc.Return{Rid: ridV, Pid: pidV, Reply: replyV, Port: proc.Port(f.Int(fPort, true, 0, maxInt))}
	case TypeWorker, TypeForget:
		r := registration{host: f.Str(fHost, true), forget: h.typ == TypeForget, cores: 1, token: tokenV}
		if r.host == "" && f.Err() == nil {
			f.Fail(fHost, jsonx.ErrRange, "a hostname")
		}
		if f.Has(fCores) {
			r.cores = int(f.Int(fCores, true, 1, 1024))
		}
		switch k := f.Str(fKind, false); k {
		case "", "server":
			r.kind = memory.HostDefault
		case "home":
			r.kind = memory.HostHome
		case "purchased":
			r.kind = memory.HostPurchased
		case "hacknet":
			r.kind = memory.HostHacknet
		default:
			f.Fail(fKind, jsonx.ErrRange, `"server", "home", "purchased" or "hacknet"`)
		}
		ev = r
	}
	if err := f.Err(); err != nil {
		return fail(errors.New(h.typ + ": " + err.Error()))
	}
	return ev, nil
}

func fieldRequired(m Message, name string) bool {
	for _, f := range m.Fields {
		if f.Name == name {
			return f.Required
		}
	}
	return false
}

// encodeMemoryReply writes a memory engine reply as a port message. A
// status report also tells how many private ports are leased.
func encodeMemoryReply(w *jsonx.Writer, r memory.Reply, leases []portalloc.Lease) {
	w.BeginObject()
	switch r := r.(type) {
	case memory.Granted:
		w.Key(fType)
		w.String(TypeGranted)
		encodeGranted(w, r)
	case memory.Refused:
		w.Key(fType)
		w.String(TypeRefused)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key(fCode)
		w.String(memoryCodes[r.Code])
		w.Key(fReason)
		w.String(clip(r.Reason))
	case memory.Error:
		w.Key(fType)
		w.String(TypeError)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key(fCode)
		w.String(memoryCodes[r.Code])
		w.Key(fReason)
		w.String(clip(r.Reason))
	case memory.Registered:
		w.Key(fType)
		w.String(TypeRegistered)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key(fRole)
		w.String(r.Role.String())
		w.Key(fToken)
		w.Int(r.Token)
	case memory.Done:
		w.Key(fType)
		w.String(TypeDone)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key(fAlloc)
		w.Int(int64(r.Alloc))
	case memory.StatusReport:
		w.Key(fType)
		w.String(TypeReport)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key("workers")
		w.BeginArray()
		for _, wr := range r.Workers {
			w.BeginObject()
			w.Key(fHost)
			w.String(wr.Host)
			for _, kv := range []struct {
				k string
				v ram.Amount
			}{{"max", wr.MaxRAM}, {"usable", wr.Usable}, {"allocated", wr.Allocated}, {"claimed", wr.Claimed}, {"foreign", wr.Foreign}} {
				w.Key(kv.k)
				w.Num(kv.v.GB())
			}
			if wr.Cordoned {
				w.Key("cordoned")
				w.Bool(true)
			}
			w.EndObject()
		}
		w.EndArray()
		w.Key("ports")
		w.Int(int64(len(leases)))
		w.Key("leases")
		w.BeginArray()
		for _, l := range leases {
			w.BeginArray()
			w.Int(int64(l.Port))
			w.Int(int64(l.Pid))
			w.EndArray()
		}
		w.EndArray()
		w.Key("allocs")
		w.BeginArray()
		for _, a := range r.Allocs {
			w.BeginObject()
			w.Key(fPid)
			w.Int(int64(a.Pid))
			w.Key("script")
			w.String(a.Script)
			w.Key(fPrio)
			w.Int(int64(a.Priority))
			if a.Seat {
				w.Key("seat")
				w.Bool(true)
			}
			if a.Orphan {
				w.Key("orphan")
				w.Bool(true)
			}
			w.Key("claimed")
			w.Num(a.Claimed.GB())
			encodeGranted(w, a.Granted)
			w.EndObject()
		}
		w.EndArray()
	}
	w.EndObject()
}

func encodeGranted(w *jsonx.Writer, g memory.Granted) {
	w.Key(fRid)
	w.Int(g.Rid)
	if g.Token != 0 {
		w.Key(fToken)
		w.Int(g.Token)
	}
	w.Key(fAlloc)
	w.Int(int64(g.Alloc))
	w.Key(fSeq)
	w.Int(g.Seq)
	w.Key(fChunk)
	w.Num(g.ChunkSize.GB())
	w.Key("desired")
	w.Int(int64(g.Desired))
	w.Key("held")
	w.BeginArray()
	for _, c := range g.Held {
		w.BeginArray()
		w.String(c.Host)
		w.Num(c.Size.GB())
		w.Int(int64(c.Count))
		if c.Cores > 1 {
			// Only where it matters: one core is the rule, and a
			// three-element run reads as one core everywhere.
			w.Int(int64(c.Cores))
		}
		w.EndArray()
	}
	w.EndArray()
}

// encodePortReply writes a port allocator reply as a port message.
func encodePortReply(w *jsonx.Writer, r portalloc.Reply) {
	w.BeginObject()
	switch r := r.(type) {
	case portalloc.Assigned:
		w.Key(fType)
		w.String(TypeAssigned)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key(fPort)
		w.Int(int64(r.Port))
	case portalloc.Done:
		w.Key(fType)
		w.String(TypeDone)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key(fPort)
		w.Int(int64(r.Port))
	case portalloc.Error:
		w.Key(fType)
		w.String(TypeError)
		w.Key(fRid)
		w.Int(r.Rid)
		w.Key(fCode)
		w.String(portCodes[r.Code])
		w.Key(fReason)
		w.String(clip(r.Reason))
	}
	w.EndObject()
}

// maxQuote bounds what an answer or a log line quotes of a message: a
// reason may name a key or value the sender chose, and a megabyte of it
// must not travel back, nor fill the log.
const maxQuote = 200

// clip cuts s to maxQuote bytes on a character boundary, saying how much
// was left out.
func clip(s string) string {
	if len(s) <= maxQuote {
		return s
	}
	cut := maxQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "... (" + strconv.Itoa(len(s)-cut) + " more bytes)"
}

// encodeDecodeError writes the answer to a message that could not be
// decoded.
func encodeDecodeError(w *jsonx.Writer, e *decodeError) {
	w.BeginObject()
	w.Key(fType)
	w.String(TypeError)
	w.Key(fRid)
	w.Int(e.rid)
	w.Key(fCode)
	w.String(CodeBadMessage)
	w.Key(fReason)
	w.String(clip(e.err.Error()))
	w.EndObject()
}

// gbField reads a GB field; an optional one that is absent is 0.
func gbField(f *jsonx.Fields, name string, required bool) ram.Amount {
	x := f.Num(name, required)
	if f.Err() != nil {
		return 0
	}
	a, err := ram.FromGB(x)
	if err != nil {
		f.Fail(name, err, "GB, a multiple of 0.01")
	}
	return a
}
