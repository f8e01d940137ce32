package world

import (
	"fmt"
	"strconv"

	"ramfarm/harness/world/jsval"
)

// PortProgram is one of the five programs that open a port (FACTS §5).
type PortProgram int

const (
	BruteSSH PortProgram = iota
	FTPCrack
	RelaySMTP
	HTTPWorm
	SQLInject
)

// portInfo is what an opener needs: its program file on home and the
// server's flag for its port.
type portInfo struct {
	file string
	open func(*Server) *bool
}

func (p PortProgram) info() (portInfo, bool) {
	switch p {
	case BruteSSH:
		return portInfo{"BruteSSH.exe", func(s *Server) *bool { return &s.SSHPortOpen }}, true
	case FTPCrack:
		return portInfo{"FTPCrack.exe", func(s *Server) *bool { return &s.FTPPortOpen }}, true
	case RelaySMTP:
		return portInfo{"relaySMTP.exe", func(s *Server) *bool { return &s.SMTPPortOpen }}, true
	case HTTPWorm:
		return portInfo{"HTTPWorm.exe", func(s *Server) *bool { return &s.HTTPPortOpen }}, true
	case SQLInject:
		return portInfo{"SQLInject.exe", func(s *Server) *bool { return &s.SQLPortOpen }}, true
	}
	return portInfo{}, false
}

// File returns the program's file name, such as "BruteSSH.exe".
func (p PortProgram) File() string {
	i, _ := p.info()
	return i.file
}

func (p PortProgram) String() string {
	if i, ok := p.info(); ok {
		return i.file
	}
	return "PortProgram(" + strconv.Itoa(int(p)) + ")"
}

// OpenPort is ns.brutessh, ftpcrack, relaysmtp, httpworm and sqlinject:
// it throws if the host is unknown or the player lacks the program, and
// otherwise opens the port once (counting it once) and returns true. No
// root and no hacking level are needed.
func (w *World) OpenPort(p PortProgram, host string) (bool, error) {
	info, ok := p.info()
	if !ok {
		return false, fmt.Errorf("world: unknown %v", p)
	}
	s, err := w.lookup(host)
	if err != nil {
		return false, err
	}
	if !w.HasProgram(info.file) {
		return false, &jsval.Error{Kind: ErrNoProgram, Msg: "You do not have the " + info.file + " program!"}
	}
	if flag := info.open(s); !*flag {
		*flag = true
		s.OpenPortCount++
	}
	return true, nil
}

// BruteSSH is ns.brutessh.
func (w *World) BruteSSH(host string) (bool, error) { return w.OpenPort(BruteSSH, host) }

// FTPCrack is ns.ftpcrack.
func (w *World) FTPCrack(host string) (bool, error) { return w.OpenPort(FTPCrack, host) }

// RelaySMTP is ns.relaysmtp.
func (w *World) RelaySMTP(host string) (bool, error) { return w.OpenPort(RelaySMTP, host) }

// HTTPWorm is ns.httpworm.
func (w *World) HTTPWorm(host string) (bool, error) { return w.OpenPort(HTTPWorm, host) }

// SQLInject is ns.sqlinject.
func (w *World) SQLInject(host string) (bool, error) { return w.OpenPort(SQLInject, host) }

// Nuke is ns.nuke: true at once if root is already held; otherwise it
// throws without NUKE.exe or with fewer ports open than required, and
// grants root. There is no hacking level requirement.
func (w *World) Nuke(host string) (bool, error) {
	s, err := w.lookup(host)
	if err != nil {
		return false, err
	}
	if s.HasRoot {
		return true, nil
	}
	if !w.HasProgram("NUKE.exe") {
		return false, &jsval.Error{Kind: ErrNoProgram, Msg: "You do not have the NUKE.exe virus!"}
	}
	if s.OpenPortCount < s.NumOpenPortsRequired {
		return false, &jsval.Error{Kind: ErrPortsClosed, Msg: "Not enough ports opened to use NUKE.exe virus."}
	}
	s.HasRoot = true
	return true, nil
}
