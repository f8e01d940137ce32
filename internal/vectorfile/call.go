package vectorfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"ramfarm/harness/world/jsval"
)

// Call is one recorded netscript call, such as
// exec('w.js','exec-target',{threads:1,ramOverride:3.1009},'a').
type Call struct {
	Fn string
	// Args are JS values: string, float64, bool, nil (null),
	// jsval.Undefined, []any and map[string]any.
	Args []any
}

// ParseCall reads a call as the vector files write it: a function name and
// JavaScript literal arguments (strings in either quote, numbers, true,
// false, null, undefined, NaN, Infinity, arrays, and objects with bare or
// quoted keys). Anything else, an expression or a variable, is an error:
// the recording would mean something the interpreter cannot reproduce.
func ParseCall(s string) (Call, error) {
	p := &callParser{src: s}
	c, err := p.call()
	if err != nil {
		return Call{}, fmt.Errorf("call %q: %w", s, err)
	}
	return c, nil
}

type callParser struct {
	src string
	pos int
}

func (p *callParser) call() (Call, error) {
	p.space()
	fn := p.ident()
	if fn == "" {
		return Call{}, p.errorf("want a function name")
	}
	if err := p.expect('('); err != nil {
		return Call{}, err
	}
	args, err := p.list(')')
	if err != nil {
		return Call{}, err
	}
	p.space()
	if p.pos != len(p.src) {
		return Call{}, p.errorf("unexpected text after the call")
	}
	return Call{Fn: fn, Args: args}, nil
}

// list reads values separated by commas up to end (a trailing comma is
// allowed, as in JS).
func (p *callParser) list(end byte) ([]any, error) {
	out := []any{}
	for {
		p.space()
		if p.peek() == end {
			p.pos++
			return out, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case end:
		default:
			return nil, p.errorf("want ',' or %q", end)
		}
	}
}

// words are the literal names a recorded call may use.
var words = map[string]any{
	"true":      true,
	"false":     false,
	"null":      nil,
	"undefined": jsval.Undefined,
	"NaN":       math.NaN(),
	"Infinity":  math.Inf(1),
}

func (p *callParser) value() (any, error) {
	p.space()
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		return p.str()
	case c == '[':
		p.pos++
		return p.list(']')
	case c == '{':
		p.pos++
		return p.object()
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	}
	start := p.pos
	w := p.ident()
	if v, ok := words[w]; ok {
		return v, nil
	}
	p.pos = start
	return nil, p.errorf("want a literal value")
}

func (p *callParser) object() (map[string]any, error) {
	out := map[string]any{}
	for {
		p.space()
		if p.peek() == '}' {
			p.pos++
			return out, nil
		}
		var key string
		if c := p.peek(); c == '\'' || c == '"' {
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			key = k
		} else if key = p.ident(); key == "" {
			return nil, p.errorf("want an object key")
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out[key] = v
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, p.errorf("want ',' or '}'")
		}
	}
}

func (p *callParser) number() (float64, error) {
	start := p.pos
	sign := 1.0
	if c := p.peek(); c == '-' || c == '+' {
		if c == '-' {
			sign = -1
		}
		p.pos++
		if strings.HasPrefix(p.src[p.pos:], "Infinity") {
			p.pos += len("Infinity")
			return sign * math.Inf(1), nil
		}
	}
	for p.pos < len(p.src) && strings.IndexByte("0123456789.eE+-", p.src[p.pos]) >= 0 {
		// A sign inside a number only follows its exponent's e.
		if c := p.src[p.pos]; (c == '+' || c == '-') && (p.pos == start || !strings.ContainsAny(p.src[p.pos-1:p.pos], "eE")) {
			break
		}
		p.pos++
	}
	x, err := strconv.ParseFloat(p.src[start:p.pos], 64)
	if err != nil {
		p.pos = start
		return 0, p.errorf("bad number %q", p.src[start:])
	}
	return x, nil
}

// escapes are the string escapes a recorded call may use.
var escapes = map[byte]string{'\\': `\`, '\'': `'`, '"': `"`, 'n': "\n", 't': "\t", 'r': "\r", '0': "\x00"}

func (p *callParser) str() (string, error) {
	quote := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\\' && p.pos+1 < len(p.src):
			e, ok := escapes[p.src[p.pos+1]]
			if !ok {
				return "", p.errorf("unsupported escape \\%c", p.src[p.pos+1])
			}
			b.WriteString(e)
			p.pos += 2
		default:
			r, n := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteRune(r)
			p.pos += n
		}
	}
	return "", p.errorf("unterminated string")
}

// ident reads a JS identifier (ASCII letters, digits, _ and $), or "".
func (p *callParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (p.pos > start && c >= '0' && c <= '9') {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

func (p *callParser) expect(c byte) error {
	p.space()
	if p.peek() != c {
		return p.errorf("want %q", c)
	}
	p.pos++
	return nil
}

func (p *callParser) space() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\n\r", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

// peek returns the next byte, or 0 at the end.
func (p *callParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *callParser) errorf(format string, a ...any) error {
	return fmt.Errorf("at offset %d: %s", p.pos, fmt.Sprintf(format, a...))
}
