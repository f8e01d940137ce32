package memory

import "errors"

// Errors returned by New and Step. Step returns one only when the shell
// broke the contract (a client's mistake is an Error reply instead), and
// then nothing changed. Match them with errors.Is.
var (
	ErrBadConfig     = errors.New("memory: config is invalid")
	ErrNilEvent      = errors.New("memory: event is nil")
	ErrUnknownEvent  = errors.New("memory: event type is unknown")
	ErrBadReply      = errors.New("memory: reply port is invalid")
	ErrUnknownSend   = errors.New("memory: delivered send id is unknown")
	ErrBadPid        = errors.New("memory: tick lists an invalid pid")
	ErrBadWorker     = errors.New("memory: tick has a malformed worker")
	ErrDuplicateHost = errors.New("memory: tick lists a host twice")
	ErrBadState      = errors.New("memory: state to restore is invalid")
)

// detailError adds what exactly was wrong to a sentinel, without fmt.
type detailError struct {
	err    error
	detail string
}

func (d *detailError) Error() string { return d.err.Error() + ": " + d.detail }
func (d *detailError) Unwrap() error { return d.err }

func wrap(err error, detail string) error { return &detailError{err, detail} }
