package remote

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrTimeout is a request the game did not answer in Config.Timeout.
	// The game sends no answer at all to some malformed requests, and a
	// busy game (a script that never yields) answers nothing until it is
	// free again, so every request needs one.
	ErrTimeout = errors.New("no answer from the game in time")
	// ErrClosed is a request cut short because the game's connection
	// closed.
	ErrClosed = errors.New("the game's connection closed")
	// ErrNotLoopback is a listen address other machines could reach.
	// Any web page in the player's browser can open a WebSocket to the
	// tool's port, so reaching it from other machines is opt-in.
	ErrNotLoopback = errors.New("address is not loopback")
	// ErrNoFiles is a folder with nothing to push. Pushing it would delete
	// every file under the prefix in the game, which is never what a
	// missing or half-written folder means.
	ErrNoFiles = errors.New("no files to push")
	// ErrStopped is a one-shot run stopped before a game had its push.
	ErrStopped = errors.New("stopped before a game had its push")
)

// GameError is the game's answer "no" to a request, with the method and
// file it concerned so the player can find what to fix. The game sends
// only a message, never a code.
type GameError struct {
	Method  string // e.g. "pushFile"
	File    string // the game path, "" for methods without one
	Message string // the game's own text, e.g. "Invalid file extension"
}

func (e *GameError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%s: the game answered %q", e.Method, e.Message)
	}
	return fmt.Sprintf("%s %s: the game answered %q", e.Method, e.File, e.Message)
}

// SyncError is every request of one push that failed. Each was logged as
// it happened; this carries them to the caller, for errors.Is and As.
type SyncError struct {
	Errs []error
}

func (e *SyncError) Error() string {
	if len(e.Errs) == 1 {
		return e.Errs[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests failed:", len(e.Errs))
	for _, err := range e.Errs {
		b.WriteString("\n  " + err.Error())
	}
	return b.String()
}

func (e *SyncError) Unwrap() []error { return e.Errs }
