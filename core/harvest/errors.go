package harvest

import (
	"errors"

	"ramfarm/core/internal/detail"
)

// Errors returned by New and Step. Step returns one only when the shell
// broke the contract (a malformed event, or one naming nothing the engine
// issued), and then nothing changed. Match them with errors.Is.
var (
	ErrBadConfig    = errors.New("harvest: config is invalid")
	ErrNilEvent     = errors.New("harvest: event is nil")
	ErrUnknownEvent = errors.New("harvest: event type is unknown")
	ErrBadEvent     = errors.New("harvest: event is malformed")
	ErrUnknownCmd   = errors.New("harvest: command id is unknown")
	ErrUnknownPid   = errors.New("harvest: worker pid is unknown")
	ErrTimeBackward = errors.New("harvest: tick goes back in time")
)

func wrap(err error, s string) error { return detail.Wrap(err, s) }
