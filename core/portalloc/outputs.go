package portalloc

import "ramfarm/core/proc"

// Reply is a message the engine sends to a client's port.
type Reply interface{ isReply() }

// Assigned answers Acquire: Port is now the client's alone.
type Assigned struct {
	Rid  int64
	Port proc.Port
}

// Done answers Return.
type Done struct {
	Rid  int64
	Port proc.Port
}

// Code is why a request was rejected.
type Code uint8

const (
	CodeNone       Code = iota
	CodeExhausted       // no free port in the configured range
	CodeNotOwner        // the port is not the sender's
	CodeBadMessage      // malformed request (bad pid or port number)
)

// Error answers a request that was rejected; nothing changed.
type Error struct {
	Rid    int64
	Code   Code
	Reason string
}

func (Assigned) isReply() {}
func (Done) isReply()     {}
func (Error) isReply()    {}

// Send asks the shell to tryWrite Msg to Port and report Delivered{ID}.
type Send struct {
	ID   int64
	Port proc.Port
	Msg  Reply
}

// Ready is what the engine wants done, in this order: clear every port in
// Clear (a port changing hands must not carry stale messages to its next
// owner), then perform Sends in order.
type Ready struct {
	Clear []proc.Port
	Sends []Send
	Logs  []string
	// Watch, when non-nil, is the new full sorted set of pids whose death
	// the daemon must report: owners of ports, and recipients of replies
	// that failed and are being retried.
	Watch []proc.Pid
}
