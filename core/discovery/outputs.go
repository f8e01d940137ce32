package discovery

import "ramfarm/core/ram"

// Kind is what sort of worker a server is, for the memory daemon's
// placement rules.
type Kind uint8

const (
	KindServer    Kind = iota // an ordinary network server
	KindHome                  // the player's home computer
	KindPurchased             // a purchased server
	KindHacknet               // a hacknet server
)

// Msg is a message the engine sends to a port.
type Msg interface{ isMsg() }

// Register tells the memory daemon about a worker: a server with root and
// RAM. It goes out when a server first qualifies and again whenever its
// RAM or cores change.
type Register struct {
	Host   string
	Kind   Kind
	Cores  int
	MaxRAM ram.Amount
}

// Target is a server worth hacking: rooted, with money, within the
// player's level, and not the player's own.
type Target struct {
	Host          string
	MaxMoney      float64
	Money         float64
	MinSecurity   float64
	BaseSecurity  float64
	Security      float64
	Growth        float64
	RequiredLevel float64
}

// Targets is the full list of hack targets, sorted by host. Seq counts up
// each time the list changes (a target added or removed, or one of its
// fixed facts changed); Now is the game time of the scan that changed
// it. Money and Security are the latest readings, from the last scan that
// saw each server (at most a walk ago); a reading alone is not news. Rid
// is the Subscribe it answers, 0 for news; while a subscriber's port is
// full its lists are merged and the newest carries the Rid of the answer
// it replaced.
type Targets struct {
	Rid     int64
	Seq     int64
	Now     int64
	Level   int
	Targets []Target
}

// Reject answers a Subscribe the engine cannot serve; nothing changed.
type Reject struct {
	Rid    int64
	Reason string
}

func (Register) isMsg() {}
func (Targets) isMsg()  {}
func (Reject) isMsg()   {}

// Open asks the shell to run Program's port opener on Host and report a
// Result with ID.
type Open struct {
	ID      int64
	Host    string
	Program Program
}

// Nuke asks the shell to run NUKE.exe on Host and report a Result with ID.
type Nuke struct {
	ID   int64
	Host string
}

// Send asks the shell to write Msg to Port with tryWrite and report a
// Delivered with ID.
type Send struct {
	ID   int64
	Port Port
	Msg  Msg
}

// Ready is what the engine wants done. The shell runs every Open, then
// every Nuke, then every Send, each list in order (a Nuke needs the ports
// its server's Opens open), reports the outcomes, and calls Advance.
type Ready struct {
	Opens []Open
	Nukes []Nuke
	Sends []Send
	// Logs are human-readable lines about decisions, for the daemon's log.
	Logs []string
	// Watch, when non-nil, is the new full sorted set of pids whose death
	// the daemon must report in Scan.Dead: the subscribers.
	Watch []Pid
	// Walk asks for the next scan to be full. It stays set until a full
	// scan is stepped.
	Walk bool
}
