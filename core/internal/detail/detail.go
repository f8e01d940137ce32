// Package detail adds what exactly was wrong to a package's sentinel
// error, without fmt: the sentinel still matches with errors.Is, and the
// text reads "sentinel: detail".
package detail

// Error is a sentinel with the detail of one occurrence.
type Error struct {
	Err    error
	Detail string
}

func (d *Error) Error() string { return d.Err.Error() + ": " + d.Detail }
func (d *Error) Unwrap() error { return d.Err }

// Wrap adds detail to err.
func Wrap(err error, detail string) error { return &Error{err, detail} }

// Of is the detail err carries, or its whole text when it carries none: a
// package that reports another's error under its own sentinel says what
// was wrong once, not behind two prefixes.
//
// It walks the Unwrap chain itself: errors.As would link reflection into
// the module (27 KB of code), and ramfarm's errors never join or match by
// an As method.
func Of(err error) string {
	for e := err; e != nil; {
		if d, ok := e.(*Error); ok {
			return d.Detail
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return err.Error()
}
