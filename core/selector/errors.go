package selector

import "errors"

// Errors returned by New and Step. Step returns one only when the shell
// broke the contract (a malformed event, or a result for a command the
// engine never issued), and then nothing changed. Match them with
// errors.Is.
var (
	ErrBadConfig      = errors.New("selector: config is invalid")
	ErrNilEvent       = errors.New("selector: event is nil")
	ErrUnknownEvent   = errors.New("selector: event type is unknown")
	ErrTimeBackwards  = errors.New("selector: time went backwards")
	ErrBadObservation = errors.New("selector: observation is malformed")
	ErrUnknownLaunch  = errors.New("selector: launch id is unknown")
	ErrBadPid         = errors.New("selector: pid is invalid")
	ErrBadHeartbeat   = errors.New("selector: heartbeat is malformed")
	ErrBadHost        = errors.New("selector: host name is invalid")
	ErrBadReply       = errors.New("selector: reply port is invalid")
	ErrBadRequest     = errors.New("selector: request is malformed")
)

// detailError adds what exactly was wrong to a sentinel, without fmt.
type detailError struct {
	err    error
	detail string
}

func (d *detailError) Error() string { return d.err.Error() + ": " + d.detail }
func (d *detailError) Unwrap() error { return d.err }

func wrap(err error, detail string) error { return &detailError{err, detail} }
