package prep

import (
	"errors"

	"ramfarm/core/internal/detail"
)

// Errors returned by New and Step. Step returns one only when the shell
// broke the contract (a malformed event, or one naming nothing the engine
// issued), and then nothing changed. Match them with errors.Is.
var (
	ErrBadConfig    = errors.New("prep: config is invalid")
	ErrNilEvent     = errors.New("prep: event is nil")
	ErrUnknownEvent = errors.New("prep: event type is unknown")
	ErrBadEvent     = errors.New("prep: event is malformed")
	ErrUnexpected   = errors.New("prep: event is out of turn")
	ErrUnknownCmd   = errors.New("prep: command id is unknown")
	ErrUnknownPid   = errors.New("prep: worker pid is unknown")
	ErrTimeBackward = errors.New("prep: observation goes back in time")
)

func wrap(err error, s string) error { return detail.Wrap(err, s) }
