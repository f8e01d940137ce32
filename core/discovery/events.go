package discovery

import (
	"ramfarm/core/proc"
	"ramfarm/core/ram"
)

// Pid and Port are the shared process and port identities.
type (
	Pid  = proc.Pid
	Port = proc.Port
)

// Program is one of the programs that give root: NUKE.exe and the five
// port openers.
type Program uint8

const (
	NukeExe Program = iota
	BruteSSHExe
	FTPCrackExe
	RelaySMTPExe
	HTTPWormExe
	SQLInjectExe
	numPrograms
)

// openers are the port openers in the order the engine uses them: the
// cheapest to buy first, so the set a server needs is the same whichever
// were bought.
var openers = [...]Program{BruteSSHExe, FTPCrackExe, RelaySMTPExe, HTTPWormExe, SQLInjectExe}

// ProgramSet is a set of owned programs.
type ProgramSet uint8

// Programs builds a set.
func Programs(ps ...Program) ProgramSet {
	var s ProgramSet
	for _, p := range ps {
		s |= 1 << p
	}
	return s
}

// Has reports whether p is in the set.
func (s ProgramSet) Has(p Program) bool { return p < numPrograms && s&(1<<p) != 0 }

// Openers counts the port openers in the set: a server needing that many
// open ports, or fewer, can be nuked.
func (s ProgramSet) Openers() int {
	n := 0
	for _, p := range openers {
		if s.Has(p) {
			n++
		}
	}
	return n
}

func (s ProgramSet) valid() bool { return s < 1<<numPrograms }

// Event is anything the engine steps on. Every input, including the passage
// of time and the results of commands it issued, arrives as an Event
// through Engine.Step.
type Event interface{ isEvent() }

// Server is one server as a scan saw it (the game's getServer).
type Server struct {
	Host          string
	Home          bool // the player's home computer
	Purchased     bool // bought by the player (purchased and hacknet servers, home)
	Rooted        bool
	PortsRequired int // open ports nuke needs, 0..5
	MaxRAM        ram.Amount
	Cores         int // at least 1

	// What a target planner needs; 0 where the game has none (home,
	// purchased and hacknet servers).
	MaxMoney      float64
	Money         float64
	MinSecurity   float64
	BaseSecurity  float64
	Security      float64
	Growth        float64
	RequiredLevel float64 // hacking level needed to hack it
}

// Scan is one discovery tick: what the daemon saw, applied in this order.
// Dead subscribers are dropped first. Then the servers are taken in: a
// full scan lists every server reachable from home (a known server
// missing from it no longer exists); a shallow one lists home and its
// neighbours (a known purchased server missing from it was deleted).
// Level and Programs are the player's hacking level and owned programs
// at the time.
type Scan struct {
	Now      int64 // game time in ms
	Level    int
	Programs ProgramSet
	Dead     []Pid // watched processes found not running
	Full     bool
	Servers  []Server
}

// Subscribe asks for the hack targets: a Targets snapshot answers it (with
// its Rid) and another follows whenever the list changes, to Reply, until
// Pid dies. Subscribing again is harmless: it is answered with the
// current list.
type Subscribe struct {
	Rid   int64
	Pid   Pid
	Reply Port
}

// Delivered reports the outcome of a Send: OK false means the port was
// full and nothing was written. The engine keeps the message, merged with
// anything newer for the same recipient and host, and tries again at the
// next Scan.
type Delivered struct {
	Send int64 // Send.ID
	OK   bool
}

// Result reports the outcome of an Open or a Nuke. A failed Nuke is tried
// again at the next Scan that still finds the server without root.
type Result struct {
	ID     int64 // Open.ID or Nuke.ID
	OK     bool
	Reason string // why it failed, as the game said
}

func (Scan) isEvent()      {}
func (Subscribe) isEvent() {}
func (Delivered) isEvent() {}
func (Result) isEvent()    {}

var programFiles = [numPrograms]string{"NUKE.exe", "BruteSSH.exe", "FTPCrack.exe", "relaySMTP.exe", "HTTPWorm.exe", "SQLInject.exe"}

// File is the program's file name on home, as the game spells it.
func (p Program) File() string {
	if p < numPrograms {
		return programFiles[p]
	}
	return "program" + itoa(int64(p))
}

// ProgramByFile finds a program by its file name.
func ProgramByFile(name string) (Program, bool) {
	for p, f := range programFiles {
		if f == name {
			return Program(p), true
		}
	}
	return 0, false
}
