package remote

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// home is the only server this tool writes to: the player's own, where
// ramfarm is started.
const home = "home"

type pushParams struct {
	Filename string `json:"filename"`
	Content  string `json:"content"`
	Server   string `json:"server"`
}

type fileParams struct {
	Filename string `json:"filename"`
	Server   string `json:"server"`
}

type serverParams struct {
	Server string `json:"server"`
}

// session is what one connected game has been sent. A new connection is
// a new session: the game may have been reloaded or edited meanwhile, so
// nothing it had before is trusted.
type session struct {
	g      *gameConn
	log    *logger
	out    io.Writer
	prefix string
	keep   []string // under prefix, never deleted
	dts    string

	pushed   map[string][sha256.Size]byte // game path -> what this session pushed there
	wroteDTS bool
}

// sync makes home hold snap: it pushes what this session has not yet
// pushed as it is now, deletes the files under the prefix that snap
// lacks, prints each script's RAM as the game computes it beside the
// report's, and fetches the type definitions once. A "no" from the game
// is logged and the rest goes on; a request with no answer stops it,
// since the next would likely wait as long. The error is a *SyncError.
func (s *session) sync(ctx context.Context, snap *snapshot) error {
	var errs []error
	// fail records err and reports whether the game can take more requests.
	fail := func(err error) bool {
		s.log.error("%v", err)
		errs = append(errs, err)
		var ge *GameError
		return errors.As(err, &ge)
	}
	done := func() error {
		if len(errs) == 0 {
			return nil
		}
		return &SyncError{Errs: errs}
	}

	pushed := 0
	for _, name := range snap.names {
		f := snap.files[name]
		if sum, ok := s.pushed[name]; ok && sum == f.sum {
			continue
		}
		err := s.g.call(ctx, "pushFile", name, pushParams{Filename: name, Content: f.content, Server: home}, nil)
		if err != nil {
			if !fail(err) {
				return done()
			}
			continue
		}
		s.pushed[name] = f.sum
		pushed++
	}
	s.log.info("pushed %d files to %s (%d already there)", pushed, home, len(snap.names)-pushed)

	if s.prefix != "" {
		var names []string
		if err := s.g.call(ctx, "getFileNames", "", serverParams{Server: home}, &names); err != nil {
			if !fail(err) {
				return done()
			}
		}
		for _, name := range names {
			name = strings.TrimPrefix(name, "/")
			if _, ok := snap.files[name]; ok || !strings.HasPrefix(name, s.prefix) || slices.Contains(s.keep, name) {
				continue
			}
			if err := s.g.call(ctx, "deleteFile", name, fileParams{Filename: name, Server: home}, nil); err != nil {
				if !fail(err) {
					return done()
				}
				continue
			}
			delete(s.pushed, name)
			s.log.info("deleted %s from %s: the folder no longer has it", name, home)
		}
	}

	var rows []ramRow
	for _, name := range snap.names {
		if !isScript(name) {
			continue
		}
		row := ramRow{file: name, game: math.NaN(), report: math.NaN()}
		if r, ok := snap.ram[name]; ok {
			row.report = r
		}
		if err := s.g.call(ctx, "calculateRam", name, fileParams{Filename: name, Server: home}, &row.game); err != nil {
			row.game, row.failed = math.NaN(), true
			if !fail(err) {
				return done()
			}
		}
		rows = append(rows, row)
	}
	mismatches := 0
	for _, r := range rows {
		if r.mismatch() {
			mismatches++
			s.log.warn("%s: the game computes %.2f GB, the report says %.2f GB", r.file, r.game, r.report)
		}
	}
	s.log.block(s.out, ramTable(rows, snap.ram != nil))
	if snap.ram != nil {
		s.log.info("RAM: %d of %d scripts differ from the report", mismatches, len(rows))
	}

	if s.dts != "" && !s.wroteDTS {
		var text string
		if err := s.g.call(ctx, "getDefinitionFile", "", struct{}{}, &text); err != nil {
			if !fail(err) {
				return done()
			}
		} else if err := writeFileAtomic(s.dts, []byte(text)); err != nil {
			fail(fmt.Errorf("type definitions: %w", err))
		} else {
			s.wroteDTS = true
			s.log.info("wrote the game's type definitions to %s (%d bytes)", s.dts, len(text))
		}
	}
	return done()
}

// ramRow is one script's RAM in GB; NaN where a figure is missing.
type ramRow struct {
	file         string
	game, report float64
	failed       bool // the game could not say
}

// mismatch compares at the game's precision: it stores RAM rounded to
// hundredths of a GB.
func (r ramRow) mismatch() bool {
	return !math.IsNaN(r.game) && !math.IsNaN(r.report) && math.Abs(r.game-r.report) >= 0.005
}

// ramTable lays rows out as aligned text, with the report's column only
// when there is a report, and mismatches flagged.
func ramTable(rows []ramRow, report bool) string {
	w := len("script")
	for _, r := range rows {
		w = max(w, len(r.file))
	}
	gb := func(v float64) string {
		if math.IsNaN(v) {
			return "-"
		}
		return fmt.Sprintf("%.2f", v)
	}
	var b strings.Builder
	line := func(file, game, rep, flag string) {
		l := fmt.Sprintf("%-*s  %7s", w, file, game)
		if report {
			l += fmt.Sprintf("  %9s", rep)
		}
		if flag != "" {
			l += "  " + flag
		}
		b.WriteString(l + "\n")
	}
	line("script", "game GB", "report GB", "")
	for _, r := range rows {
		game, flag := gb(r.game), ""
		if r.failed {
			game = "error"
		}
		if r.mismatch() {
			flag = "MISMATCH"
		}
		line(r.file, game, gb(r.report), flag)
	}
	return b.String()
}

// writeFileAtomic writes data to path through a temporary file beside
// it, so an editor never reads half a file.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
