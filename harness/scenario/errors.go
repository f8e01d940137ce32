package scenario

import "errors"

// Kinds of parse errors; each comes inside an *Error that says where.
var (
	ErrSyntax       = errors.New("scenario: malformed JSON")
	ErrUnknownKey   = errors.New("scenario: unknown key")
	ErrDuplicateKey = errors.New("scenario: key given twice")
	ErrMissingKey   = errors.New("scenario: required key missing")
	ErrBadValue     = errors.New("scenario: invalid value")
	ErrUnknownHost  = errors.New("scenario: no such server")
	ErrOrder        = errors.New("scenario: events out of time order")
)

// Errors from applying a scenario to a world.
var (
	ErrEvent = errors.New("scenario: event failed")
	ErrSetup = errors.New("scenario: setup failed")
)

// Error is a parse error: Path says where in the file (such as
// "events[3] (buy).ram"), Msg what is wrong, and Kind matches it with
// errors.Is.
type Error struct {
	Path string
	Kind error
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "scenario: " + e.Msg
	}
	return "scenario: " + e.Path + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Kind }
