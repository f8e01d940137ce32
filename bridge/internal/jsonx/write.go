package jsonx

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Writer appends JSON to a byte slice. Commas are placed automatically:
// callers write keys and values in order and close what they open.
type Writer struct {
	buf      []byte
	need     []bool // per open container: a comma is due before the next item
	afterKey bool   // the next item is the value of the key just written
}

// Reset empties the writer, keeping its buffer.
func (w *Writer) Reset() { w.buf = w.buf[:0]; w.need = w.need[:0]; w.afterKey = false }

// Bytes returns the JSON written so far. The slice is reused after Reset.
func (w *Writer) Bytes() []byte { return w.buf }

func (w *Writer) item() {
	if w.afterKey {
		w.afterKey = false
		return
	}
	if n := len(w.need); n > 0 {
		if w.need[n-1] {
			w.buf = append(w.buf, ',')
		}
		w.need[n-1] = true
	}
}

// BeginObject opens an object.
func (w *Writer) BeginObject() { w.item(); w.buf = append(w.buf, '{'); w.need = append(w.need, false) }

// EndObject closes an object.
func (w *Writer) EndObject() { w.buf = append(w.buf, '}'); w.need = w.need[:len(w.need)-1] }

// BeginArray opens an array.
func (w *Writer) BeginArray() { w.item(); w.buf = append(w.buf, '['); w.need = append(w.need, false) }

// EndArray closes an array.
func (w *Writer) EndArray() { w.buf = append(w.buf, ']'); w.need = w.need[:len(w.need)-1] }

// Key writes an object key; the next call writes its value.
func (w *Writer) Key(k string) {
	w.item()
	w.buf = appendString(w.buf, k)
	w.buf = append(w.buf, ':')
	w.afterKey = true
}

// String writes a string value.
func (w *Writer) String(s string) { w.item(); w.buf = appendString(w.buf, s) }

// StringBytes writes the text b as a string, as String(string(b)) would
// without the copy.
func (w *Writer) StringBytes(b []byte) { w.item(); w.buf = appendString(w.buf, b) }

// Num writes a number the way JSON.stringify does; NaN and infinities
// become null.
func (w *Writer) Num(f float64) { w.item(); w.buf = AppendNum(w.buf, f) }

// Int writes an integer.
func (w *Writer) Int(n int64) { w.item(); w.buf = strconv.AppendInt(w.buf, n, 10) }

// Bool writes true or false.
func (w *Writer) Bool(b bool) { w.item(); w.buf = strconv.AppendBool(w.buf, b) }

// Null writes null.
func (w *Writer) Null() { w.item(); w.buf = append(w.buf, "null"...) }

// Raw writes already-encoded JSON as one value.
func (w *Writer) Raw(b []byte) { w.item(); w.buf = append(w.buf, b...) }

// StringList writes key and ss as an array of strings, and nothing when
// ss is empty: the services leave out a log or error list with nothing
// in it.
func (w *Writer) StringList(key string, ss []string) {
	if len(ss) == 0 {
		return
	}
	w.Key(key)
	w.BeginArray()
	for _, s := range ss {
		w.String(s)
	}
	w.EndArray()
}

// IntList writes key and xs as an array of integers, empty or not (a pid
// list replaces the last one, so an empty one says something).
func IntList[T ~int64](w *Writer, key string, xs []T) {
	w.Key(key)
	w.BeginArray()
	for _, x := range xs {
		w.Int(int64(x))
	}
	w.EndArray()
}

// FormatNum formats a number the way JSON.stringify does.
func FormatNum(f float64) string { return string(AppendNum(nil, f)) }

// AppendNum appends f formatted the way JSON.stringify does: integers
// below 1e21 without exponent, others in shortest round-trip form, and
// null for NaN and infinities.
func AppendNum(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return append(b, "null"...)
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	default:
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	}
}

func appendString[S ~string | ~[]byte](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
