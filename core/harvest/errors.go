package harvest

import "errors"

// Errors returned by NewPlanner, New and Step. Step returns one only when
// the shell broke the contract (a malformed event, or one naming nothing
// the engine issued), and then nothing changed. Match them with errors.Is.
var (
	ErrBadConfig    = errors.New("harvest: config is invalid")
	ErrNilEvent     = errors.New("harvest: event is nil")
	ErrUnknownEvent = errors.New("harvest: event type is unknown")
	ErrBadEvent     = errors.New("harvest: event is malformed")
	ErrUnknownCmd   = errors.New("harvest: command id is unknown")
	ErrUnknownPid   = errors.New("harvest: worker pid is unknown")
	ErrTimeBackward = errors.New("harvest: tick goes back in time")
)

// detailError adds what exactly was wrong to a sentinel, without fmt.
type detailError struct {
	err    error
	detail string
}

func (d *detailError) Error() string { return d.err.Error() + ": " + d.detail }
func (d *detailError) Unwrap() error { return d.err }

func wrap(err error, detail string) error { return &detailError{err, detail} }
