package jsonx

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

// SyntaxError reports malformed JSON with its byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "json: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// Parse parses one JSON value; trailing non-space bytes are an error.
func Parse(b []byte) (Value, error) {
	p := parser{b: b}
	return p.parse()
}

// Parser parses as Parse does, reusing its memory from one parse to the
// next: a value it returned (its arrays and objects; not its strings)
// is good only until its next Parse. For a service's batches, which are
// decoded into events and dropped within the step that parsed them.
type Parser struct{ p parser }

// Parse parses one JSON value into the parser's memory.
func (ps *Parser) Parse(b []byte) (Value, error) {
	p := &ps.p
	p.b, p.i, p.reuse = b, 0, true
	p.mslab, p.vslab = p.mslab[:0], p.vslab[:0]
	v, err := p.parse()
	p.b = nil
	return v, err
}

func (p *parser) parse() (Value, error) {
	p.space()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.space()
	if p.i != len(p.b) {
		return Value{}, p.errf("trailing data")
	}
	return v, nil
}

// parser reads one value. A container's elements are gathered on a
// stack shared by every level (an inner container is done before its
// outer one goes on), then copied, sized exactly, into slabs that many
// containers share: a parse allocates a few slabs, not a growing slice
// per container.
type parser struct {
	b []byte
	i int

	members []Member
	values  []Value
	mslab   []Member
	vslab   []Value
	reuse   bool // a Parser's: one slab, grown to hold a whole parse
}

// slabSize is how many elements a slab holds (a larger container gets
// its own, but in a Parser).
const slabSize = 128

// carve returns a slab's next n elements, with no room to grow into the
// next ones'.
func carve[T any](slab *[]T, n int, reuse bool) []T {
	if n > slabSize/4 && !reuse {
		return make([]T, n)
	}
	if len(*slab)+n > cap(*slab) {
		size := slabSize
		if reuse {
			size = max(2*cap(*slab), n+slabSize)
		}
		*slab = make([]T, 0, size)
	}
	s := (*slab)[len(*slab) : len(*slab)+n : len(*slab)+n]
	*slab = (*slab)[:len(*slab)+n]
	return s
}

func (p *parser) errf(msg string) error { return &SyntaxError{Offset: p.i, Msg: msg} }

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, p.errf("nesting too deep")
	}
	if p.i >= len(p.b) {
		return Value{}, p.errf("unexpected end of input")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		return Value{Kind: String, Str: s}, err
	case c == 't':
		return Value{Kind: Bool, Bool: true}, p.lit("true")
	case c == 'f':
		return Value{Kind: Bool}, p.lit("false")
	case c == 'n':
		return Value{}, p.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.num()
	default:
		return Value{}, p.errf("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

func (p *parser) lit(s string) error {
	if len(p.b)-p.i < len(s) || string(p.b[p.i:p.i+len(s)]) != s {
		return p.errf("invalid literal")
	}
	p.i += len(s)
	return nil
}

func (p *parser) object(depth int) (Value, error) {
	p.i++ // {
	v := Value{Kind: Object}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return v, nil
	}
	base := len(p.members)
	defer func() { p.members = p.members[:base] }()
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return Value{}, p.errf("expected object key")
		}
		k, err := p.str()
		if err != nil {
			return Value{}, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return Value{}, p.errf("expected ':'")
		}
		p.i++
		p.space()
		m, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		p.members = append(p.members, Member{Key: k, Val: m})
		p.space()
		if p.i >= len(p.b) {
			return Value{}, p.errf("unexpected end of object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			v.Obj = carve(&p.mslab, len(p.members)-base, p.reuse)
			copy(v.Obj, p.members[base:])
			return v, nil
		default:
			return Value{}, p.errf("expected ',' or '}'")
		}
	}
}

func (p *parser) array(depth int) (Value, error) {
	p.i++ // [
	v := Value{Kind: Array}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return v, nil
	}
	base := len(p.values)
	defer func() { p.values = p.values[:base] }()
	for {
		p.space()
		e, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		p.values = append(p.values, e)
		p.space()
		if p.i >= len(p.b) {
			return Value{}, p.errf("unexpected end of array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			v.Arr = carve(&p.vslab, len(p.values)-base, p.reuse)
			copy(v.Arr, p.values[base:])
			return v, nil
		default:
			return Value{}, p.errf("expected ',' or ']'")
		}
	}
}

func (p *parser) num() (Value, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return Value{}, p.errf("invalid number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return Value{}, p.errf("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return Value{}, p.errf("invalid number")
		}
	}
	f, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return Value{}, p.errf("invalid number")
	}
	return Value{Kind: Number, Num: f}, nil
}

func (p *parser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes.
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := string(p.b[start:p.i])
			p.i++
			if !utf8.ValidString(s) {
				return "", p.errf("invalid UTF-8 in string")
			}
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				return "", p.errf("invalid UTF-8 in string")
			}
			return string(out), nil
		case c < 0x20:
			return "", p.errf("control character in string")
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			break
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					lo, ok := p.hex4()
					if ok {
						r2 = utf16.DecodeRune(r, lo)
					}
					if r2 == utf8.RuneError {
						p.i = save
					}
				}
				r = r2
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", p.errf("invalid escape")
		}
	}
	return "", p.errf("unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
