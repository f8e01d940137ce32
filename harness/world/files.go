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
