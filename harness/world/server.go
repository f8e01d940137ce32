package world

import (
	"fmt"
	"math"

	"ramfarm/harness/world/jsval"
)

// HomeHost is the player's own computer, which the game finds by name.
const HomeHost = "home"

// ServerParams are what the game passes to its Server constructor
// (IServerParams). As initForeignServers passes the data file's money,
// security, level and growth only when they are truthy, a zero here means
// "absent" and gets the constructor's default.
type ServerParams struct {
	Hostname         string
	OrganizationName string
	MaxRAM           float64 // GB
	// MoneyAvailable is the starting money; the maximum is 25 times it.
	MoneyAvailable float64
	// HackDifficulty is the starting security (absent: 1); the base is the
	// same and the minimum a third of it, rounded.
	HackDifficulty       float64
	RequiredHackingSkill float64 // absent: 1
	ServerGrowth         float64 // absent: 1
	// NumOpenPortsRequired is kept as given, 0 included: the game's
	// default of 5 applies to home and bought servers, which pass 5 here.
	NumOpenPortsRequired int
	AdminRights          bool
	PurchasedByPlayer    bool
}

// NewServer returns a server built as the game's Server constructor does
// in BitNode 1 (every BitNode multiplier 1): 1 core, no open ports, no
// files, no links.
func NewServer(p ServerParams) *Server {
	real := 1.0
	if p.HackDifficulty != 0 {
		real = p.HackDifficulty
	}
	growth := 1.0
	if p.ServerGrowth != 0 {
		growth = p.ServerGrowth
	}
	req := 1.0
	if p.RequiredHackingSkill != 0 {
		req = p.RequiredHackingSkill
	}
	security := math.Min(real, 100)
	return &Server{
		Hostname:             p.Hostname,
		MaxRAM:               p.MaxRAM,
		Cores:                1,
		HasRoot:              p.AdminRights,
		Purchased:            p.PurchasedByPlayer,
		OrganizationName:     p.OrganizationName,
		MoneyAvailable:       p.MoneyAvailable,
		MoneyMax:             25 * p.MoneyAvailable,
		HackDifficulty:       security,
		BaseDifficulty:       security,
		MinDifficulty:        math.Min(math.Max(1, jsval.Round(real/3)), 100),
		ServerGrowth:         growth,
		RequiredHackingSkill: req,
		NumOpenPortsRequired: p.NumOpenPortsRequired,
	}
}

// Home returns the player's home computer, or nil before the network is
// built.
func (w *World) Home() *Server { return w.servers[HomeHost] }

// ProgramNames returns the game's program files (CompletedProgramName),
// the only names AcquireProgram accepts.
func ProgramNames() []string {
	return []string{
		"NUKE.exe", "BruteSSH.exe", "FTPCrack.exe", "relaySMTP.exe", "HTTPWorm.exe", "SQLInject.exe",
		"DeepscanV1.exe", "DeepscanV2.exe", "ServerProfiler.exe", "AutoLink.exe", "Formulas.exe",
		"b1t_flum3.exe", "fl1ght.exe",
	}
}

// HasProgram reports whether the player owns a program: as in the game,
// owning one means having the file on home.
func (w *World) HasProgram(name string) bool {
	h := w.Home()
	return h != nil && h.HasFile(name)
}

// AcquireProgram gives the player a program, as creating or buying it
// does: the file appears on home. Owning it already changes nothing.
func (w *World) AcquireProgram(name string) error {
	known := false
	for _, p := range ProgramNames() {
		known = known || p == name
	}
	if !known {
		return fmt.Errorf("%w: %q", ErrUnknownProgram, name)
	}
	h := w.Home()
	if h == nil {
		return ErrNoHome
	}
	if !h.HasFile(name) {
		h.WriteFile(name, "")
	}
	return nil
}
