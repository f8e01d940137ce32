package bridge

import (
	"errors"
	"slices"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/proc"
)

// Service is one engine role as the module serves it to a script: a batch
// of encoded events in, encoded commands out. Ready returns the same
// commands until Advance says they were carried out.
type Service interface {
	// Step applies a JSON array of events. It fails only when the batch
	// itself is malformed; an event that is rejected is reported in the
	// "errors" list of the next Ready and changes nothing.
	Step(batch []byte) error
	// Ready returns the pending commands as one JSON object. The slice is
	// valid until the next call on the service.
	Ready() []byte
	// Advance acknowledges that the commands of the last Ready ran.
	Advance()
}

// Roles lists the roles NewService knows, for help texts.
func Roles() []string { return []string{RoleMemd, RoleDiscovery, RoleSelector, RoleTask} }

// ErrUnknownRole is returned by NewService for a role it does not serve.
var ErrUnknownRole = errors.New("bridge: unknown role")

// NewService builds the service for role from its JSON config.
func NewService(role string, config []byte) (Service, error) {
	switch role {
	case RoleMemd:
		return NewMemd(config)
	case RoleDiscovery:
		return NewDiscovery(config)
	case RoleTask:
		return NewTask(config)
	case RoleSelector:
		return NewSelector(config)
	}
	return nil, errors.New(ErrUnknownRole.Error() + " " + strconv.Quote(role))
}

// stepEach decodes a service's batch of events (a JSON array), checks
// each against the service's wire (eventOf) and steps it with one, given
// its kind. An event rejected is reported in errs by its index and
// changes nothing; the others still run. Only a batch that is no array is
// an error.
func stepEach(sw ServiceWire, batch []byte, errs *[]string, one func(kind string, ev jsonx.Value) error) error {
	return stepEachWith(nil, sw, batch, errs, one)
}

// stepEachWith is stepEach parsing with p, whose memory the next batch
// reuses (nil: a fresh parse): for a service that keeps no part of an
// event past its step.
func stepEachWith(p *jsonx.Parser, sw ServiceWire, batch []byte, errs *[]string, one func(kind string, ev jsonx.Value) error) error {
	var v jsonx.Value
	var err error
	if p != nil {
		v, err = p.Parse(batch)
	} else {
		v, err = jsonx.Parse(batch)
	}
	if err != nil {
		return errors.New(sw.Role + ": events: " + err.Error())
	}
	if v.Kind != jsonx.Array {
		return errors.New(sw.Role + ": events: want an array, got " + v.Kind.String())
	}
	for i, ev := range v.Arr {
		spec, err := eventOf(sw.Events, ev)
		if err == nil {
			err = one(spec.Kind, ev)
		}
		if err != nil {
			*errs = append(*errs, clip("event "+strconv.Itoa(i)+": "+err.Error()))
		}
	}
	return nil
}

// ownAnswers are a daemon's answers of its own, to messages it could not
// decode: each is sent again until a sent event says it went through.
type ownAnswers struct {
	list []ownSend
	next int64
}

type ownSend struct {
	id      int64
	port    proc.Port
	msg     []byte
	emitted bool
	tries   int // writes that met a full port
}

// ownTries bounds the writes of one answer to a message that could not
// be decoded: its sender may never read its port again (or be dead, which
// an undecodable message cannot tell), and thousands of answers retried
// on every tick would slow the daemon for good.
const ownTries = 5

// answer queues the error answer to a message err says is undecodable,
// when the message named a port to answer on.
func (o *ownAnswers) answer(err error) {
	// A type assertion, not errors.As (which links reflection into the
	// module): the decoders return a *decodeError itself.
	if de, ok := err.(*decodeError); ok && de.reply.Valid() {
		var w jsonx.Writer
		encodeDecodeError(&w, de)
		o.next++
		o.list = append(o.list, ownSend{id: o.next, port: de.reply, msg: append([]byte(nil), w.Bytes()...)})
	}
}

func (o *ownAnswers) pending() bool {
	for _, s := range o.list {
		if !s.emitted {
			return true
		}
	}
	return false
}

// write writes each answer not yet handed to the script as a send, with
// wire(id) its send id.
func (o *ownAnswers) write(w *jsonx.Writer, wire func(int64) int64) {
	for _, s := range o.list {
		if !s.emitted {
			beginSend(w, wire(s.id), s.port)
			w.Raw(s.msg)
			w.EndArray()
		}
	}
}

// delivered applies an answer's outcome: one delivered is forgotten, one
// that met a full port is sent again, up to ownTries writes in all, then
// dropped. False: no answer has that id.
func (o *ownAnswers) delivered(id int64, ok bool) bool {
	for i := range o.list {
		if o.list[i].id == id {
			if o.list[i].tries++; ok || o.list[i].tries >= ownTries {
				o.list = slices.Delete(o.list, i, i+1)
			} else {
				o.list[i].emitted = false
			}
			return true
		}
	}
	return false
}

// advance notes that the answers written were handed to the script.
func (o *ownAnswers) advance() {
	for i := range o.list {
		o.list[i].emitted = true
	}
}

// beginSend opens a send, [id, port, msg]; the caller writes msg and
// closes the array.
func beginSend(w *jsonx.Writer, id int64, port proc.Port) {
	w.BeginArray()
	w.Int(id)
	w.Int(int64(port))
}

// outcome reads a sent or done event's id and ok; the caller may read
// more from f before it checks f.Err.
func outcome(v jsonx.Value) (f *jsonx.Fields, id int64, ok bool) {
	f = jsonx.NewFields(v)
	return f, f.Int(wID, true, 0, 1<<53-1), f.Bool(wOK)
}
