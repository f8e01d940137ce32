package discovery

import "errors"

// Errors returned by New and Step. Step returns one only when the shell
// broke the contract (a malformed observation, a result for a command
// the engine never issued); then nothing changed. A client's mistake is a
// Reject reply instead. Match them with errors.Is.
var (
	ErrBadConfig     = errors.New("discovery: config is invalid")
	ErrNilEvent      = errors.New("discovery: event is nil")
	ErrUnknownEvent  = errors.New("discovery: event type is unknown")
	ErrBadScan       = errors.New("discovery: scan is malformed")
	ErrBadReply      = errors.New("discovery: reply port is invalid")
	ErrUnknownSend   = errors.New("discovery: delivered send id is unknown")
	ErrUnknownAction = errors.New("discovery: result names no open or nuke in flight")
)

// detailError adds what exactly was wrong to a sentinel, without fmt.
type detailError struct {
	err    error
	detail string
}

func (d *detailError) Error() string { return d.err.Error() + ": " + d.detail }
func (d *detailError) Unwrap() error { return d.err }

func wrap(err error, detail string) error { return &detailError{err, detail} }
