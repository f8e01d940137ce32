package remote

import (
	"fmt"
	"io"
	"sync"
)

// logger writes whole lines, with a level and the game they concern, to
// one writer shared by every connection, so lines never interleave.
type logger struct {
	mu  *sync.Mutex
	w   io.Writer
	tag string // "" or e.g. "game 2: "
}

func newLogger(w io.Writer) *logger { return &logger{mu: &sync.Mutex{}, w: w} }

// forGame is a logger whose lines name game n.
func (l *logger) forGame(n int) *logger {
	return &logger{mu: l.mu, w: l.w, tag: fmt.Sprintf("game %d: ", n)}
}

func (l *logger) info(format string, args ...any)  { l.line("INFO", format, args) }
func (l *logger) warn(format string, args ...any)  { l.line("WARN", format, args) }
func (l *logger) error(format string, args ...any) { l.line("ERROR", format, args) }

func (l *logger) line(level, format string, args []any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%-5s %s%s\n", level, l.tag, fmt.Sprintf(format, args...))
}

// block writes text as it is, between other lines.
func (l *logger) block(w io.Writer, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(w, text)
}
