package world

import (
	"errors"
	"testing"
)

// wantThrow checks that err is a thrown game error with the given text.
func wantThrow(t *testing.T, what string, err, kind error, msg string) {
	t.Helper()
	if err == nil || err.Error() != msg || !errors.Is(err, kind) {
		t.Errorf("%s: error %v, want %q", what, err, msg)
	}
}

func TestWorld_OpenPort(t *testing.T) {
	tests := []struct {
		p    PortProgram
		file string
		flag func(*Server) bool
	}{
		{BruteSSH, "BruteSSH.exe", func(s *Server) bool { return s.SSHPortOpen }},
		{FTPCrack, "FTPCrack.exe", func(s *Server) bool { return s.FTPPortOpen }},
		{RelaySMTP, "relaySMTP.exe", func(s *Server) bool { return s.SMTPPortOpen }},
		{HTTPWorm, "HTTPWorm.exe", func(s *Server) bool { return s.HTTPPortOpen }},
		{SQLInject, "SQLInject.exe", func(s *Server) bool { return s.SQLPortOpen }},
	}
	w := newGame(t)
	s := w.Server("t2")
	for i, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if tt.p.File() != tt.file || tt.p.String() != tt.file {
				t.Errorf("File %q String %q", tt.p.File(), tt.p.String())
			}
			ok, err := w.OpenPort(tt.p, "t2")
			wantThrow(t, "without the program", err, ErrNoProgram, "You do not have the "+tt.file+" program!")
			if ok || tt.flag(s) || s.OpenPortCount != i {
				t.Fatal("a refused opener changed the server")
			}
			if err := w.AcquireProgram(tt.file); err != nil {
				t.Fatal(err)
			}
			for range 2 { // the second call finds the port open
				if ok, err := w.OpenPort(tt.p, "t2"); !ok || err != nil {
					t.Fatalf("OpenPort = %v, %v", ok, err)
				}
				if !tt.flag(s) || s.OpenPortCount != i+1 {
					t.Fatalf("port open %v, count %d, want %d", tt.flag(s), s.OpenPortCount, i+1)
				}
			}
			_, err = w.OpenPort(tt.p, "dark")
			wantThrow(t, "unlinked host", err, ErrInvalidHostname, "Invalid hostname: 'dark'")
			_, err = w.OpenPort(tt.p, "nowhere")
			wantThrow(t, "unknown host", err, ErrInvalidHostname, "Invalid hostname: 'nowhere'")
		})
	}
	if s.HasRoot {
		t.Error("opening ports granted root")
	}
	if _, err := w.OpenPort(PortProgram(9), "t2"); err == nil || PortProgram(9).String() != "PortProgram(9)" {
		t.Errorf("unknown program: %v", err)
	}
	wrappers := []func(string) (bool, error){w.BruteSSH, w.FTPCrack, w.RelaySMTP, w.HTTPWorm, w.SQLInject}
	for i, f := range wrappers {
		if ok, err := f("t0"); !ok || err != nil {
			t.Errorf("wrapper %d: %v, %v", i, ok, err)
		}
	}
	if w.Server("t0").OpenPortCount != 5 {
		t.Errorf("t0 has %d ports open", w.Server("t0").OpenPortCount)
	}
}

func TestWorld_Nuke(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(w *World)
		host     string
		kind     error
		msg      string
		wantRoot bool
	}{
		{"no ports needed", nil, "t0", nil, "", true},
		{"ports closed", nil, "t2", ErrPortsClosed, "Not enough ports opened to use NUKE.exe virus.", false},
		{"one of two ports", func(w *World) {
			_ = w.AcquireProgram("BruteSSH.exe")
			_, _ = w.BruteSSH("t2")
		}, "t2", ErrPortsClosed, "Not enough ports opened to use NUKE.exe virus.", false},
		{"two ports", func(w *World) {
			_ = w.AcquireProgram("BruteSSH.exe")
			_ = w.AcquireProgram("SQLInject.exe")
			_, _ = w.BruteSSH("t2")
			_, _ = w.SQLInject("t2")
		}, "t2", nil, "", true},
		{"no NUKE.exe", func(w *World) { w.Home().RemoveFile("NUKE.exe") }, "t0", ErrNoProgram, "You do not have the NUKE.exe virus!", false},
		{"root already held, no NUKE.exe", func(w *World) {
			w.Home().RemoveFile("NUKE.exe")
			w.Server("t2").HasRoot = true
		}, "t2", nil, "", true},
		{"unlinked", nil, "dark", ErrInvalidHostname, "Invalid hostname: 'dark'", false},
		{"empty name", nil, "", ErrInvalidHostname, "Invalid hostname: '' (empty string)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newGame(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			ok, err := w.Nuke(tt.host)
			if tt.kind != nil {
				wantThrow(t, "nuke", err, tt.kind, tt.msg)
			} else if !ok || err != nil {
				t.Errorf("Nuke = %v, %v", ok, err)
			}
			if s := w.Server(tt.host); s != nil && s.HasRoot != tt.wantRoot {
				t.Errorf("root %v, want %v", s.HasRoot, tt.wantRoot)
			}
		})
	}
}
