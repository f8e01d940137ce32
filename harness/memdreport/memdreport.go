// Package memdreport reads the memory daemon's status report from outside
// the scripts, the way a script would: a status request on the daemon's
// port, the answer on a port of the reader's own. The simulation measures
// with it and the fault runs check their invariants with it.
package memdreport

import (
	"encoding/json"
	"fmt"

	"ramfarm/harness"
)

// MemdPort is the memory daemon's request port (bridge.MemdPort).
const MemdPort = 100

// Report is the daemon's answer to a status request: every worker as the
// allocator accounts it, the private ports leased, every allocation.
type Report struct {
	T       string     `json:"t"` // "report"; an error answer is no report
	Workers []Worker   `json:"workers"`
	Ports   int        `json:"ports"`
	Leases  [][2]int64 `json:"leases"` // [port, pid], by port
	Allocs  []Alloc    `json:"allocs"`
}

// Worker is one host, GB.
type Worker struct {
	Host      string  `json:"host"`
	Max       float64 `json:"max"`
	Usable    float64 `json:"usable"`
	Allocated float64 `json:"allocated"`
	Claimed   float64 `json:"claimed"`
	Foreign   float64 `json:"foreign"`
}

// Alloc is one allocation: held runs are [host, GB, count, cores?].
type Alloc struct {
	Alloc   int64   `json:"alloc"`
	Pid     int64   `json:"pid"`
	Script  string  `json:"script"`
	Seat    bool    `json:"seat"`   // the owner's own process runs in it
	Orphan  bool    `json:"orphan"` // the owner died; its running workers keep what they claim
	Claimed float64 `json:"claimed"`
	Chunk   float64 `json:"chunk"`
	Desired int     `json:"desired"`
	Held    [][]any `json:"held"`
}

// Reader asks for reports and reads them, on Port (a port no script uses).
type Reader struct {
	G    *harness.Game
	Port int64
}

// Ask writes a status request naming asker as its sender (the daemon
// drops the answer when the asker has died and the port is full).
func (r Reader) Ask(asker int64) {
	r.G.WritePortJSON(MemdPort, fmt.Sprintf(`{"t":"status","rid":1,"pid":%d,"reply":%d}`, asker, r.Port))
}

// Latest reads every answer waiting on the port and returns the newest,
// or nil when none arrived since the last read.
func (r Reader) Latest() *Report {
	var rep *Report
	for {
		js, err := r.G.ReadPortJSON(r.Port)
		if err != nil || js == "" {
			return rep
		}
		var x Report
		if json.Unmarshal([]byte(js), &x) == nil && x.T == "report" {
			rep = &x
		}
	}
}
