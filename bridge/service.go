package bridge

import (
	"errors"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
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

// stepEach decodes a service's batch of events (a JSON array) and steps
// each with one. An event one rejects is reported in errs by its index and
// changes nothing; the others still run. Only a batch that is no array is
// an error.
func stepEach(role string, batch []byte, errs *[]string, one func(jsonx.Value) error) error {
	v, err := jsonx.Parse(batch)
	if err != nil {
		return errors.New(role + ": events: " + err.Error())
	}
	if v.Kind != jsonx.Array {
		return errors.New(role + ": events: want an array, got " + v.Kind.String())
	}
	for i, ev := range v.Arr {
		if err := one(ev); err != nil {
			*errs = append(*errs, "event "+strconv.Itoa(i)+": "+err.Error())
		}
	}
	return nil
}
