// Package wasmpack rewrites the core module after Go links it, so that it
// compresses better, without changing what it does.
//
// Go's linker writes the module's initial memory as tens of thousands of
// small data segments: it starts a new one at every run of zero padding
// between two objects. Each segment has a header (kind, offset
// expression, length) of about seven bytes, and deflate squeezes those
// poorly since no offset ever repeats: for the core module the headers
// are a fifth of the gzipped data. Merging neighbouring segments writes
// the padding's zeros instead, which cost a byte each raw but next to
// nothing gzipped. Linear memory starts zeroed and segments are applied
// before any code runs, so writing a zero over a zero changes nothing.
//
// It also drops the custom sections (Go writes a build id and a producers
// note), which only tools read.
package wasmpack

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// MaxGap is the longest run of zeros merged into a segment. The linker's
// padding between objects is a few bytes; a longer gap would cost more
// raw bytes than the header it saves is worth.
const MaxGap = 4096

const (
	sectionCustom    = 0
	sectionData      = 11
	sectionDataCount = 12
	opI32Const       = 0x41
	opEnd            = 0x0b
)

var magic = []byte("\x00asm\x01\x00\x00\x00")

// segment is an active data segment of memory 0 at a constant offset.
type segment struct {
	offset uint32
	data   []byte
}

// Pack returns mod with neighbouring data segments merged (at most
// MaxGap zeros apart), without custom sections, and every other section
// as it was. It refuses a
// module it cannot rewrite without changing its meaning: passive
// segments, offsets that are not constants, or segments that overlap
// (then the order they are applied in would matter).
func Pack(mod []byte) ([]byte, error) {
	if !bytes.HasPrefix(mod, magic) {
		return nil, errors.New("wasmpack: not a WebAssembly 1.0 module")
	}
	out := append([]byte(nil), magic...)
	r := reader{b: mod, off: len(magic)}
	for !r.done() {
		id := r.byte()
		size := r.u32()
		body := r.bytes(int(size))
		if r.err != nil {
			return nil, r.err
		}
		if id == sectionCustom {
			continue
		}
		if id == sectionData {
			segs, err := parseData(body)
			if err != nil {
				return nil, err
			}
			body = dataSection(merge(segs))
		}
		if id == sectionDataCount {
			// Only bulk-memory modules have one; Go writes none, and
			// merging would make it wrong.
			return nil, errors.New("wasmpack: a data count section is not supported")
		}
		out = append(out, id)
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	return out, nil
}

func parseData(body []byte) ([]segment, error) {
	r := reader{b: body}
	n := r.u32()
	segs := make([]segment, 0, min(int(n), len(body)))
	for i := uint32(0); i < n && r.err == nil; i++ {
		if kind := r.byte(); kind != 0 && r.err == nil {
			return nil, fmt.Errorf("wasmpack: data segment %d is of kind %d, not active in memory 0", i, kind)
		}
		if op := r.byte(); op != opI32Const && r.err == nil {
			return nil, fmt.Errorf("wasmpack: data segment %d's offset is not an i32.const", i)
		}
		off := r.s32()
		if op := r.byte(); op != opEnd && r.err == nil {
			return nil, fmt.Errorf("wasmpack: data segment %d's offset is not a constant expression", i)
		}
		size := r.u32()
		segs = append(segs, segment{uint32(off), r.bytes(int(size))})
	}
	if r.err != nil {
		return nil, r.err
	}
	if !r.done() {
		return nil, errors.New("wasmpack: bytes after the last data segment")
	}
	slices.SortStableFunc(segs, func(a, b segment) int { return cmp.Compare(a.offset, b.offset) })
	for i := 1; i < len(segs); i++ {
		if end := uint64(segs[i-1].offset) + uint64(len(segs[i-1].data)); uint64(segs[i].offset) < end {
			return nil, fmt.Errorf("wasmpack: data segments at %#x and %#x overlap", segs[i-1].offset, segs[i].offset)
		}
	}
	return segs, nil
}

// merge joins sorted, disjoint segments at most MaxGap apart.
func merge(segs []segment) []segment {
	var out []segment
	for _, s := range segs {
		if n := len(out); n > 0 {
			last := &out[n-1]
			end := uint64(last.offset) + uint64(len(last.data))
			if gap := uint64(s.offset) - end; gap <= MaxGap {
				last.data = append(append(last.data, make([]byte, gap)...), s.data...)
				continue
			}
		}
		out = append(out, segment{s.offset, append([]byte(nil), s.data...)})
	}
	return out
}

func dataSection(segs []segment) []byte {
	b := appendU32(nil, uint32(len(segs)))
	for _, s := range segs {
		b = append(b, 0, opI32Const)
		b = appendS32(b, int32(s.offset))
		b = append(b, opEnd)
		b = appendU32(b, uint32(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

// reader reads a module's LEB128 numbers and byte strings; the first
// error sticks, and every later read returns zeros.
type reader struct {
	b   []byte
	off int
	err error
}

var errShort = errors.New("wasmpack: the module ends early")

func (r *reader) done() bool { return r.err != nil || r.off >= len(r.b) }

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.err = errShort
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = errShort
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

// leb reads a LEB128 number of at most 5 bytes: its bits, and its last
// byte and where that byte's bits start.
func (r *reader) leb() (v uint64, last byte, shift int) {
	for shift = 0; shift < 35; shift += 7 {
		last = r.byte()
		v |= uint64(last&0x7f) << shift
		if last < 0x80 {
			return v, last, shift
		}
	}
	r.fail("a number longer than 5 bytes")
	return 0, 0, 0
}

// u32 reads an unsigned LEB128 number of at most 32 bits.
func (r *reader) u32() uint32 {
	v, _, _ := r.leb()
	if v > 1<<32-1 {
		r.fail("a u32 over 32 bits")
	}
	return uint32(v)
}

// s32 reads a signed LEB128 number of at most 32 bits.
func (r *reader) s32() int32 {
	v, last, shift := r.leb()
	if last&0x40 != 0 {
		v |= ^uint64(0) << (shift + 7) // sign-extend
	}
	return int32(uint32(v))
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("wasmpack: %s at byte %d", what, r.off)
	}
}

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS32(b []byte, v int32) []byte {
	x := int64(v)
	for {
		c := byte(x & 0x7f)
		x >>= 7
		if (x == 0 && c&0x40 == 0) || (x == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
