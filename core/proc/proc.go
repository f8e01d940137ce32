// Package proc holds the identities every engine shares: game process ids
// and netscript port numbers.
package proc

// Pid is a game process id. The game never reuses one within a run, so a
// pid names one process for good.
type Pid int64

// Port is a netscript port number, 1 .. MaxPort.
type Port int64

// MaxPort is the largest port number the game accepts (2^53-1).
const MaxPort Port = 1<<53 - 1

// Valid reports whether p is a port number the game accepts.
func (p Port) Valid() bool { return p >= 1 && p <= MaxPort }
