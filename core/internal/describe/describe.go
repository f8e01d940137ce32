// Package describe builds the one-line texts the core packages print for
// their events, commands and state: "Name key=value key=value ...".
//
// Each event or command has exactly one such text, and it must not change
// from run to run or platform to platform: the scenario tests compare it
// byte for byte with their testdata, and the logs and traces print it.
// Sharing one builder keeps the spelling of a key and its value the same
// in every package.
package describe

import (
	"strconv"
	"strings"

	"ramfarm/core/ram"
)

// Line builds one "Name key=value ..." text. Its methods append a field
// and return the Line, so that a description reads as one chain:
//
//	describe.New("Tick").I("now", ev.Now).String()
type Line struct{ b strings.Builder }

// New starts a Line with the given name, which may be any text.
func New(name string) *Line {
	l := &Line{}
	l.b.WriteString(name)
	return l
}

// S appends " k=v", with v as it is; the other methods format their value
// and call S.
func (l *Line) S(k, v string) *Line {
	l.b.WriteString(" " + k + "=" + v)
	return l
}

// I appends an int64 in decimal.
func (l *Line) I(k string, v int64) *Line { return l.S(k, strconv.FormatInt(v, 10)) }

// N appends an int in decimal.
func (l *Line) N(k string, v int) *Line { return l.S(k, strconv.Itoa(v)) }

// R appends a RAM amount as ram.Amount.String prints it.
func (l *Line) R(k string, v ram.Amount) *Line { return l.S(k, v.String()) }

// Q appends a string quoted by strconv.Quote, for text that may hold
// spaces or be empty, such as a reason or a host name from outside.
func (l *Line) Q(k, v string) *Line { return l.S(k, strconv.Quote(v)) }

// F appends a float64 in the shortest form that reads back to the same
// value, switching to an exponent for large or small ones ('g', -1).
func (l *Line) F(k string, v float64) *Line { return l.S(k, strconv.FormatFloat(v, 'g', -1, 64)) }

// Fixed appends a float64 without an exponent ('f'), with prec digits
// after the point, or as few as read back exactly when prec is -1.
func (l *Line) Fixed(k string, v float64, prec int) *Line {
	return l.S(k, strconv.FormatFloat(v, 'f', prec, 64))
}

// Flag appends " k" when on and nothing otherwise, for a condition that
// is usually false.
func (l *Line) Flag(k string, on bool) *Line {
	if on {
		l.b.WriteString(" " + k)
	}
	return l
}

// T appends a bool as "true" or "false", for a field that is printed
// whatever its value.
func (l *Line) T(k string, v bool) *Line { return l.S(k, strconv.FormatBool(v)) }

// String returns the text built so far.
func (l *Line) String() string { return l.b.String() }

// Name is names[i], an enum value's stable name, or prefix and the number
// when i has none.
func Name(names []string, i int, prefix string) string {
	if i >= 0 && i < len(names) && names[i] != "" {
		return names[i]
	}
	return prefix + strconv.Itoa(i)
}
