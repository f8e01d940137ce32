package portalloc

import "ramfarm/core/proc"

// Event is anything the port allocator steps on.
type Event interface{ isEvent() }

// Acquire asks for a private port for process Pid. The answer (Assigned or
// Error, with the same Rid) goes to Reply, which the client chose: a client
// has no private port yet, so it names one only it reads (see the
// bootstrap rule in the jsglue client).
type Acquire struct {
	Rid   int64
	Pid   proc.Pid
	Reply proc.Port
}

// Return gives a port back before its owner dies. Only the owner may
// return it. Answer: Done on Reply (the returned port itself if Reply is 0).
//
// For Acquire and Return alike, a reply port inside the allocator's range
// must be the sender's own lease: a message whose answer would land in
// another process's port is logged and otherwise ignored.
type Return struct {
	Rid   int64
	Pid   proc.Pid
	Port  proc.Port
	Reply proc.Port
}

// Tick reports the processes found dead since the last tick; their ports
// return to the pool.
type Tick struct {
	Now  int64
	Dead []proc.Pid
}

// Delivered reports the outcome of a Send (OK false: port full, retry).
type Delivered struct {
	Send int64
	OK   bool
}

func (Acquire) isEvent()   {}
func (Return) isEvent()    {}
func (Tick) isEvent()      {}
func (Delivered) isEvent() {}
