package task

import "errors"

// Errors returned by a task engine's Step. Step returns one only when the
// shell broke the contract (a malformed event, or one naming nothing the
// engine issued), and then nothing changed. Match them with errors.Is.
var (
	ErrBadConfig    = errors.New("task: config is invalid")
	ErrNilEvent     = errors.New("task: event is nil")
	ErrUnknownEvent = errors.New("task: event type is unknown")
	ErrBadEvent     = errors.New("task: event is malformed")
	ErrUnexpected   = errors.New("task: event is out of turn")
	ErrUnknownCmd   = errors.New("task: command id is unknown")
	ErrUnknownPid   = errors.New("task: worker pid is unknown")
	ErrTimeBackward = errors.New("task: tick goes back in time")
)
