package jsrt

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// digests are SubtleCrypto.digest's algorithms, by their upper-case names.
var digests = map[string]func() hash.Hash{
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

func (r *Realm) encodingNatives(set func(string, func(goja.FunctionCall) goja.Value)) {
	set("utf8Encode", func(c goja.FunctionCall) goja.Value {
		return r.vm.ToValue(r.vm.NewArrayBuffer([]byte(c.Argument(0).String())))
	})
	set("encodeInto", func(c goja.FunctionCall) goja.Value {
		read, written := encodeInto(c.Argument(0).String(), r.viewBytes(c.Argument(1)))
		return r.vm.NewArray(read, written)
	})
	set("newDecoder", func(c goja.FunctionCall) goja.Value {
		return r.vm.ToValue(&utf8Decoder{fatal: c.Argument(0).ToBoolean(), ignoreBOM: c.Argument(1).ToBoolean()})
	})
	set("decode", func(c goja.FunctionCall) goja.Value {
		d := c.Argument(0).Export().(*utf8Decoder)
		s, ok := d.decode(r.viewBytes(c.Argument(1)), c.Argument(2).ToBoolean())
		if !ok {
			return goja.Null()
		}
		return r.vm.ToValue(s)
	})
	set("atob", func(c goja.FunctionCall) goja.Value {
		s, ok := atob(c.Argument(0).String())
		if !ok {
			return goja.Null()
		}
		return r.vm.ToValue(s)
	})
	set("base64Bytes", func(c goja.FunctionCall) goja.Value {
		b, ok := base64Decode(c.Argument(0).String())
		if !ok {
			return goja.Null()
		}
		return r.vm.ToValue(r.vm.NewArrayBuffer(b))
	})
	set("btoa", func(c goja.FunctionCall) goja.Value {
		s, ok := btoa(c.Argument(0).String())
		if !ok {
			return goja.Null()
		}
		return r.vm.ToValue(s)
	})
	set("digest", func(c goja.FunctionCall) goja.Value {
		h := digests[c.Argument(0).String()]
		if h == nil {
			return goja.Null()
		}
		d := h()
		d.Write(r.viewBytes(c.Argument(1)))
		return r.vm.ToValue(r.vm.NewArrayBuffer(d.Sum(nil)))
	})
	set("fillRandom", func(c goja.FunctionCall) goja.Value {
		b := r.viewBytes(c.Argument(0))
		var word [8]byte
		for i := 0; i < len(b); i += 8 {
			binary.LittleEndian.PutUint64(word[:], r.random.Uint64())
			copy(b[i:], word[:])
		}
		return goja.Undefined()
	})
	set("isArrayBuffer", func(c goja.FunctionCall) goja.Value {
		obj, ok := c.Argument(0).(*goja.Object)
		if !ok {
			return r.vm.ToValue(false)
		}
		_, ok = obj.Export().(goja.ArrayBuffer)
		return r.vm.ToValue(ok)
	})
	set("detached", func(c goja.FunctionCall) goja.Value {
		ab, ok := c.Argument(0).Export().(goja.ArrayBuffer)
		return r.vm.ToValue(ok && ab.Detached())
	})
	set("detach", func(c goja.FunctionCall) goja.Value {
		if ab, ok := c.Argument(0).Export().(goja.ArrayBuffer); ok {
			ab.Detach()
		}
		return goja.Undefined()
	})
}

// viewBytes returns the bytes an ArrayBuffer, typed array or DataView
// covers, without copying, or nil for anything else or a detached buffer.
// Callers check the type in JS first: for other objects goja would copy.
func (r *Realm) viewBytes(v goja.Value) []byte {
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	if ab, ok := obj.Export().(goja.ArrayBuffer); ok {
		return ab.Bytes()
	}
	// A view: slice its buffer by byteOffset and byteLength. (ExportTo
	// would go through the array-like path and stringify every element.)
	ab, ok := obj.Get("buffer").Export().(goja.ArrayBuffer)
	if !ok || ab.Detached() {
		return nil
	}
	off, n := obj.Get("byteOffset").ToInteger(), obj.Get("byteLength").ToInteger()
	all := ab.Bytes()
	if off < 0 || n < 0 || off+n > int64(len(all)) {
		return nil
	}
	return all[off : off+n : off+n]
}

// encodeInto is TextEncoder.encodeInto: whole characters only; read counts
// UTF-16 code units.
func encodeInto(s string, dst []byte) (read, written int) {
	for _, c := range s {
		n := utf8.RuneLen(c)
		if written+n > len(dst) {
			break
		}
		utf8.EncodeRune(dst[written:], c)
		written += n
		read++
		if c > 0xFFFF {
			read++
		}
	}
	return read, written
}

// utf8Decoder is the WHATWG UTF-8 decoder with TextDecoder's BOM and
// streaming state. Go's own decoding differs from it in how many U+FFFD a
// broken sequence yields.
type utf8Decoder struct {
	fatal, ignoreBOM bool

	doNotFlush   bool
	bomSeen      bool
	codePoint    rune
	needed, seen int
	lower, upper byte
}

func (d *utf8Decoder) reset() {
	d.codePoint, d.needed, d.seen = 0, 0, 0
	d.lower, d.upper = 0x80, 0xBF
}

// decode returns false on malformed input when the decoder is fatal.
func (d *utf8Decoder) decode(in []byte, stream bool) (string, bool) {
	if !d.doNotFlush {
		d.reset()
		d.bomSeen = false
	}
	d.doNotFlush = stream
	var sb strings.Builder
	emit := func(c rune) {
		if !d.bomSeen && !d.ignoreBOM {
			d.bomSeen = true
			if c == 0xFEFF {
				return
			}
		}
		d.bomSeen = true
		sb.WriteRune(c)
	}
	for i := 0; i < len(in); {
		b := in[i]
		if d.needed == 0 {
			i++
			switch {
			case b <= 0x7F:
				emit(rune(b))
			case b >= 0xC2 && b <= 0xDF:
				d.needed, d.codePoint = 1, rune(b&0x1F)
			case b >= 0xE0 && b <= 0xEF:
				if b == 0xE0 {
					d.lower = 0xA0
				} else if b == 0xED {
					d.upper = 0x9F
				}
				d.needed, d.codePoint = 2, rune(b&0x0F)
			case b >= 0xF0 && b <= 0xF4:
				if b == 0xF0 {
					d.lower = 0x90
				} else if b == 0xF4 {
					d.upper = 0x8F
				}
				d.needed, d.codePoint = 3, rune(b&0x07)
			default:
				if d.fatal {
					return "", false
				}
				emit(utf8.RuneError)
			}
			continue
		}
		if b < d.lower || b > d.upper {
			// The byte is not consumed: it may start the next character.
			d.reset()
			if d.fatal {
				return "", false
			}
			emit(utf8.RuneError)
			continue
		}
		i++
		d.lower, d.upper = 0x80, 0xBF
		d.codePoint = d.codePoint<<6 | rune(b&0x3F)
		d.seen++
		if d.seen == d.needed {
			emit(d.codePoint)
			d.reset()
		}
	}
	if !stream && d.needed != 0 {
		d.reset()
		if d.fatal {
			return "", false
		}
		emit(utf8.RuneError)
	}
	return sb.String(), true
}

// atob is the HTML forgiving-base64 decode; the result is a byte string.
func atob(s string) (string, bool) {
	b, ok := base64Decode(s)
	if !ok {
		return "", false
	}
	return latin1(b), true
}

// base64Decode is the forgiving-base64 decode, giving the raw bytes.
func base64Decode(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		switch c {
		case '\t', '\n', '\f', '\r', ' ':
			continue
		}
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return nil, false
		}
		b = append(b, byte(c))
	}
	if len(b)%4 == 0 {
		for i := 0; i < 2 && len(b) > 0 && b[len(b)-1] == '='; i++ {
			b = b[:len(b)-1]
		}
	}
	if len(b)%4 == 1 {
		return nil, false
	}
	// RawStdEncoding rejects any '=' left, and, not being strict, ignores
	// non-zero trailing bits as the forgiving decode does.
	out, err := base64.RawStdEncoding.DecodeString(string(b))
	if err != nil {
		return nil, false
	}
	return out, true
}

// btoa encodes a byte string; a character above U+00FF fails.
func btoa(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		if c > 0xFF {
			return "", false
		}
		b = append(b, byte(c))
	}
	return base64.StdEncoding.EncodeToString(b), true
}

// latin1 turns bytes into the JS string with one code unit per byte.
func latin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}
