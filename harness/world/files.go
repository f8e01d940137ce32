package world

import (
	"strings"

	"ramfarm/harness/world/jsval"
)

// Scp is ns.scp(files, dest, src). Only scripts (.js, .script), text
// files (.txt, .json) and .lit files may be copied; any other name throws
// before anything is copied. It returns false if any source file is
// missing (the others are still copied), overwrites scripts and text
// files at dest, leaves a .lit already there alone, and needs no root.
func (w *World) Scp(files []string, dest, src string) (bool, error) {
	d, err := w.lookup(dest)
	if err != nil {
		return false, err
	}
	s, err := w.lookup(src)
	if err != nil {
		return false, err
	}
	for _, f := range files {
		if !isContentFile(f) && !strings.HasSuffix(f, ".lit") {
			return false, &jsval.Error{Kind: ErrScpFileType, Msg: "Only works for scripts, .lit and .txt files."}
		}
	}
	ok := true
	for _, f := range files {
		content, found := s.File(f)
		switch {
		case !found:
			ok = false
		case isContentFile(f) || !d.HasFile(f):
			d.WriteFile(f, content)
		}
	}
	return ok, nil
}

// isContentFile reports whether name is a script or a text file, the files
// that have content.
func isContentFile(name string) bool {
	for _, ext := range []string{".js", ".script", ".txt", ".json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// FileExists is ns.fileExists(file, host): an exact name match.
func (w *World) FileExists(file, host string) (bool, error) {
	s, err := w.lookup(host)
	if err != nil {
		return false, err
	}
	return s.HasFile(file), nil
}

// running reports whether a script of that name runs on s, with any args.
func (s *Server) running(name string) bool {
	for _, g := range s.groups {
		if len(g.procs) > 0 && g.procs[0].Filename == name {
			return true
		}
	}
	return false
}

// Remove is ns.rm(name, host): false when the file is missing or is a
// script that runs there (the game will not delete a running script).
func (w *World) Remove(name, host string) (bool, error) {
	s, err := w.lookup(host)
	if err != nil {
		return false, err
	}
	if s.running(name) {
		return false, nil
	}
	return s.RemoveFile(name), nil
}

// Write is ns.write(name, data, mode) on the script's own server: scripts
// and text files only; mode "w" replaces the content, anything else
// appends. A missing file is created either way.
func (w *World) Write(host, name, data, mode string) error {
	s, err := w.lookup(host)
	if err != nil {
		return err
	}
	if !isContentFile(name) {
		return &jsval.Error{Kind: ErrFileType, Msg: "Invalid filename: " + name}
	}
	if mode != "w" {
		old, _ := s.File(name)
		data = old + data
	}
	s.WriteFile(name, data)
	return nil
}

// Move is ns.mv(host, source, destination) for scripts and text files.
// It reports false with a reason for the script's log when nothing moved
// (the same path, or a source script that is running).
func (w *World) Move(host, src, dst string) (bool, string, error) {
	s, err := w.lookup(host)
	if err != nil {
		return false, "", err
	}
	if !isContentFile(src) || !isContentFile(dst) {
		return false, "", &jsval.Error{Kind: ErrFileType, Msg: "'mv' can only be used on scripts and text files (.txt)"}
	}
	if src == dst {
		return false, "WARNING: Did nothing, source and destination paths were the same.", nil
	}
	content, ok := s.File(src)
	if !ok {
		return false, "", &jsval.Error{Kind: ErrNoSuchFile, Msg: "Source text file " + src + " does not exist on " + host}
	}
	if s.running(src) {
		return false, "ERROR: Failed. Was unable to remove file " + src + " from its original location.", nil
	}
	s.RemoveFile(src)
	s.WriteFile(dst, content)
	return true, "Moved " + src + " to " + dst + " on " + host, nil
}
