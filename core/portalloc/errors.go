package portalloc

import "errors"

// Errors returned by New and Step. Step returns one only when the shell
// broke the contract, and then nothing changed; a client's mistake is an
// Error reply instead. Match them with errors.Is.
var (
	ErrBadConfig    = errors.New("portalloc: config is invalid")
	ErrNilEvent     = errors.New("portalloc: event is nil")
	ErrUnknownEvent = errors.New("portalloc: event type is unknown")
	ErrBadReply     = errors.New("portalloc: reply port is invalid")
	ErrUnknownSend  = errors.New("portalloc: delivered send id is unknown")
	ErrBadPid       = errors.New("portalloc: tick lists an invalid pid")
	ErrBadState     = errors.New("portalloc: state to restore is invalid")
)

// detailError adds what exactly was wrong to a sentinel, without fmt.
type detailError struct {
	err    error
	detail string
}

func (d *detailError) Error() string { return d.err.Error() + ": " + d.detail }
func (d *detailError) Unwrap() error { return d.err }

func wrap(err error, detail string) error { return &detailError{err, detail} }
