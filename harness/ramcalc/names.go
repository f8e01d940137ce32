package ramcalc

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"
)

var errBadString = errors.New("bad string literal")

// identName is an identifier's name as acorn reports it: tdewolff keeps
// \u escapes as written, acorn decodes them (ns.\u0068ack() charges hack).
func identName(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	var sb strings.Builder
	for i := 0; i < len(raw); {
		if raw[i] == '\\' && i+1 < len(raw) && raw[i+1] == 'u' {
			r, n, ok := readUnicodeEscape(raw[i+2:])
			if ok {
				sb.WriteRune(r)
				i += 2 + n
				continue
			}
		}
		sb.WriteByte(raw[i])
		i++
	}
	return sb.String()
}

// stringValue is a string literal's value (quotes stripped, escapes
// decoded), as import specifiers are looked up by it.
func stringValue(lit []byte) (string, bool) {
	if len(lit) < 2 || !isQuoted(lit) || lit[len(lit)-1] != lit[0] {
		return "", false
	}
	s, msg := cook(lit[1:len(lit)-1], false, true)
	return s, msg == ""
}

// cook checks (and with decode, decodes) the escapes of a string literal
// body or a template chunk the way strict-mode acorn does. It returns an
// error message, empty when the text is valid.
func cook(body []byte, template, decode bool) (string, string) {
	if bytes.IndexByte(body, '\\') < 0 {
		if decode {
			return string(body), ""
		}
		return "", ""
	}
	var sb strings.Builder
	var pendingHigh rune = -1
	flush := func() {
		if pendingHigh >= 0 {
			sb.WriteRune(utf8.RuneError)
			pendingHigh = -1
		}
	}
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			j := i + 1
			for j < len(body) && body[j] != '\\' {
				j++
			}
			if decode {
				flush()
				sb.Write(body[i:j])
			}
			i = j
			continue
		}
		if i+1 >= len(body) {
			return "", "unterminated escape sequence"
		}
		e := body[i+1]
		i += 2
		var out rune = -1
		switch e {
		case 'n':
			out = '\n'
		case 't':
			out = '\t'
		case 'r':
			out = '\r'
		case 'b':
			out = '\b'
		case 'f':
			out = '\f'
		case 'v':
			out = '\v'
		case '\n':
		case '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
		case 'x':
			if i+2 > len(body) || !isHex(body[i]) || !isHex(body[i+1]) {
				return "", "bad character escape sequence"
			}
			out = rune(hexVal(body[i])<<4 | hexVal(body[i+1]))
			i += 2
		case 'u':
			r, n, ok := readUnicodeEscape(body[i:])
			if !ok {
				return "", "bad Unicode escape sequence"
			}
			i += n
			if decode {
				switch {
				case r >= 0xD800 && r < 0xDC00:
					flush()
					pendingHigh = r
					continue
				case r >= 0xDC00 && r < 0xE000 && pendingHigh >= 0:
					sb.WriteRune(0x10000 + (pendingHigh-0xD800)<<10 + (r - 0xDC00))
					pendingHigh = -1
					continue
				}
			}
			out = r
		case '0':
			if i < len(body) && body[i] >= '0' && body[i] <= '9' {
				return "", octalMessage(template)
			}
			out = 0
		case '1', '2', '3', '4', '5', '6', '7':
			return "", octalMessage(template)
		case '8', '9':
			return "", "\\8 and \\9 are not allowed in strict mode"
		default:
			r, n := utf8.DecodeRune(body[i-1:])
			i += n - 1
			if r != 0x2028 && r != 0x2029 {
				out = r
			}
		}
		if decode {
			flush()
			if out >= 0 {
				sb.WriteRune(out)
			}
		}
	}
	if decode {
		flush()
	}
	return sb.String(), ""
}

func octalMessage(template bool) string {
	if template {
		return "octal escape in template string"
	}
	return "octal literal in strict mode"
}

// readUnicodeEscape reads the part after \u: four hex digits or {hex}
// up to 0x10FFFF. It returns the code point and the bytes read.
func readUnicodeEscape(b []byte) (rune, int, bool) {
	if len(b) > 0 && b[0] == '{' {
		var r rune
		i := 1
		for ; i < len(b) && isHex(b[i]); i++ {
			r = r<<4 | rune(hexVal(b[i]))
			if r > 0x10FFFF {
				return 0, 0, false
			}
		}
		if i == 1 || i >= len(b) || b[i] != '}' {
			return 0, 0, false
		}
		return r, i + 1, true
	}
	if len(b) < 4 {
		return 0, 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		if !isHex(b[i]) {
			return 0, 0, false
		}
		r = r<<4 | rune(hexVal(b[i]))
	}
	return r, 4, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}
