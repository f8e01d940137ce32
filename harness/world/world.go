// Package world is the harness's model of the game's servers, files and
// processes (Bitburner 2.6.1: NetscriptFunctions.ts, NetscriptWorker.ts,
// killWorkerScript.ts). It is pure Go and single-threaded: the JS layer
// binds scripts' ns calls to it and learns of starts and exits through
// hooks. Numbers follow the game's float64 arithmetic exactly, including
// its rounding of used RAM, because scripts see them.
package world

import (
	"fmt"
	"math"
	"ramfarm/core/formulas"
	"sort"

	"ramfarm/harness/world/jsval"
)

// BaseRAM is the RAM every script costs at least (RamCostConstants.Base),
// and the smallest ramOverride exec accepts.
const BaseRAM = 1.6

// Config wires a World to the layers around it.
type Config struct {
	// RAMOf returns the static RAM per thread of filename as stored on
	// host, in GB with two decimals as the game computes it; false (or 0)
	// means it cannot be computed and exec returns 0. Required.
	RAMOf func(host, filename string) (float64, bool)
	// Now returns the game time in ms, recorded as a process's start time;
	// nil records 0.
	Now func() float64
	// OnStart is called once a process is registered and its RAM taken; the
	// JS layer starts the script there. It may call Exit (a script that
	// fails to compile); exec still returns the pid, as in the game.
	OnStart func(p *Process)
	// OnExit is called after a process's atExit callbacks ran and its RAM
	// was freed; the JS layer cancels the process's timers there.
	OnExit func(p *Process, reason ExitReason)
	// OnAtExitError reports an atExit callback that failed or panicked; the
	// game shows a dialog and runs the remaining callbacks. nil drops it.
	OnAtExitError func(p *Process, id string, err error)
	// OnNoRAM, if set, is told of every start refused for lack of RAM:
	// script, host, and the GB it needed and found free.
	OnNoRAM func(script, host string, need, free float64)
	// FormatMoney prints an amount in the texts the game logs, as its
	// formatMoney does ("$440.000k"); nil prints "$" and the JS number.
	FormatMoney func(float64) string
}

// World is one game's servers and processes.
type World struct {
	cfg         Config
	servers     map[string]*Server
	order       []*Server
	procs       map[int64]*Process
	nextPid     int64
	player      *Player
	purchased   []string         // Player.purchasedServers: hostnames in purchase order
	node        formulas.Node    // the BitNode the game runs
	bn          formulas.BitNode // its multipliers
	sourceFiles map[int]int      // Source-File → level owned
	noRAM       int              // execs refused for lack of RAM
	started     int              // processes started
}

// New validates cfg and returns a world with no servers, a fresh player
// and the pid counter at 1, as after the game loads.
func New(cfg Config) (*World, error) {
	if cfg.RAMOf == nil {
		return nil, ErrNoRAMOf
	}
	return &World{
		cfg:     cfg,
		servers: make(map[string]*Server),
		procs:   make(map[int64]*Process),
		nextPid: 1,
		player:  newPlayer(),
		node:    formulas.Node{N: 1, Level: 1},
		bn:      formulas.BN1(),
	}, nil
}

// Server is one machine of the network. Its exported fields are plain
// data for the game model to read and set, except that World keeps
// RAMUsed, and MaxRAM changes go through SetMaxRAM. NewServer fills the
// game state as the game's Server constructor does.
type Server struct {
	Hostname  string
	MaxRAM    float64 // GB
	RAMUsed   float64 // GB, kept with the game's round2 rule
	Cores     int
	HasRoot   bool
	Purchased bool // the game's purchasedByPlayer: home and bought servers
	IsHome    bool
	// Links are the neighbours' hostnames in scan order; World keeps them
	// symmetric.
	Links []string

	// Game state, as the game's Server object holds it. Numbers are plain
	// JS numbers: the game rounds none of them.
	OrganizationName     string
	MoneyAvailable       float64 // $
	MoneyMax             float64 // $
	HackDifficulty       float64 // current security
	MinDifficulty        float64
	BaseDifficulty       float64 // security at creation; hacking exp uses it
	ServerGrowth         float64
	RequiredHackingSkill float64
	NumOpenPortsRequired int
	OpenPortCount        int
	SSHPortOpen          bool
	FTPPortOpen          bool
	SMTPPortOpen         bool
	HTTPPortOpen         bool
	SQLPortOpen          bool

	files  map[string]string
	groups []*procGroup // running processes, in the game's ps order
}

// procGroup is the processes of one (filename, exact args) on a server: the
// game keys running scripts that way, which is what gives ps its order.
type procGroup struct {
	key   string
	procs []*Process // start order
}

// WriteFile creates or overwrites a file: scripts and text files hold
// their content, programs such as NUKE.exe and .lit files are just names.
func (s *Server) WriteFile(name, content string) {
	if s.files == nil {
		s.files = make(map[string]string)
	}
	s.files[name] = content
}

// File returns a file's content and whether it exists.
func (s *Server) File(name string) (string, bool) {
	c, ok := s.files[name]
	return c, ok
}

// HasFile reports whether the server holds a file of that exact name.
func (s *Server) HasFile(name string) bool {
	_, ok := s.files[name]
	return ok
}

// RemoveFile deletes a file and reports whether it existed.
func (s *Server) RemoveFile(name string) bool {
	_, ok := s.files[name]
	delete(s.files, name)
	return ok
}

// FileNames returns the server's file names sorted, as ls lists them.
func (s *Server) FileNames() []string {
	names := make([]string, 0, len(s.files))
	for n := range s.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// AddServer adds s to the network. Its hostname must be new, MaxRAM finite
// and non-negative, RAMUsed 0 (World accounts it) and every link an
// existing server; each link is mirrored on the other side.
func (w *World) AddServer(s *Server) error {
	switch {
	case s.Hostname == "":
		return ErrNoHostname
	case w.servers[s.Hostname] != nil:
		return fmt.Errorf("%w: %q", ErrDuplicateHost, s.Hostname)
	case !validRAM(s.MaxRAM) || s.RAMUsed != 0:
		return fmt.Errorf("%w: %q has MaxRAM %v, RAMUsed %v", ErrBadRAM, s.Hostname, s.MaxRAM, s.RAMUsed)
	}
	for _, l := range s.Links {
		if w.servers[l] == nil {
			return fmt.Errorf("%w: %q links to %q", ErrUnknownHost, s.Hostname, l)
		}
	}
	links := s.Links
	s.Links = nil
	s.groups = nil
	w.servers[s.Hostname] = s
	w.order = append(w.order, s)
	for _, l := range links {
		link(s, w.servers[l])
	}
	return nil
}

// Link connects two servers both ways; linking twice changes nothing.
func (w *World) Link(a, b string) error {
	sa, sb := w.servers[a], w.servers[b]
	if sa == nil || sb == nil {
		return fmt.Errorf("%w: link %q - %q", ErrUnknownHost, a, b)
	}
	link(sa, sb)
	return nil
}

func link(a, b *Server) {
	add := func(s *Server, name string) {
		for _, l := range s.Links {
			if l == name {
				return
			}
		}
		s.Links = append(s.Links, name)
	}
	add(a, b.Hostname)
	add(b, a.Hostname)
}

// Server returns the server named host, or nil.
func (w *World) Server(host string) *Server { return w.servers[host] }

// Servers returns every server in the order they were added.
func (w *World) Servers() []*Server { return append([]*Server(nil), w.order...) }

// SetMaxRAM changes a server's RAM, as a home or purchased-server upgrade
// does. Running processes keep their RAM.
func (w *World) SetMaxRAM(host string, gb float64) error {
	s := w.servers[host]
	if s == nil {
		return fmt.Errorf("%w: %q", ErrUnknownHost, host)
	}
	if !validRAM(gb) {
		return fmt.Errorf("%w: %v", ErrBadRAM, gb)
	}
	s.MaxRAM = gb
	return nil
}

// GetServerMaxRam is ns.getServerMaxRam.
func (w *World) GetServerMaxRam(host string) (float64, error) {
	s, err := w.lookup(host)
	if err != nil {
		return 0, err
	}
	return s.MaxRAM, nil
}

// GetServerUsedRam is ns.getServerUsedRam.
func (w *World) GetServerUsedRam(host string) (float64, error) {
	s, err := w.lookup(host)
	if err != nil {
		return 0, err
	}
	return s.RAMUsed, nil
}

// DarkwebHost is the darkweb server's hostname: linked to home once the
// player buys the TOR router, and no longer listed by scan() from 3.0.
const DarkwebHost = "darkweb"

// lookup is the game's helpers.getServer: an unknown host throws, and so
// does a server with no links other than home (darkweb before TOR is
// bought, w0r1d_d43m0n): scripts cannot see those.
func (w *World) lookup(host string) (*Server, error) {
	if s := w.servers[host]; s != nil && (len(s.Links) > 0 || s.Hostname == HomeHost) {
		return s, nil
	}
	shown := "'" + host + "'"
	if host == "" {
		shown = "'' (empty string)"
	}
	return nil, &jsval.Error{Kind: ErrInvalidHostname, Msg: "Invalid hostname: " + shown}
}

func validRAM(gb float64) bool { return gb >= 0 && !math.IsInf(gb, 1) }

// round2 is the game's roundToTwo, Math.round(x*100)/100, with JS rounding
// of halves (toward +Inf).
func round2(x float64) float64 { return jsval.Round(x*100) / 100 }
