package wasmpack

import (
	"bytes"
	"strings"
	"testing"
)

// module builds a module of the given sections, each an id and a body.
func module(sections ...[]byte) []byte {
	out := append([]byte(nil), magic...)
	for _, s := range sections {
		out = append(out, s[0])
		out = appendU32(out, uint32(len(s)-1))
		out = append(out, s[1:]...)
	}
	return out
}

var memorySection = []byte{5, 1, 0, 2} // one memory, at least 2 pages

func data(segs ...segment) []byte { return append([]byte{sectionData}, dataSection(segs)...) }

// Image is image, for the tests outside the package.
var Image = image

// image is the initial memory a module's data segments write.
func image(t *testing.T, mod []byte) []byte {
	t.Helper()
	var mem []byte
	r := reader{b: mod, off: len(magic)}
	for !r.done() {
		id, body := r.byte(), r.bytes(int(r.u32()))
		if id != sectionData {
			continue
		}
		d := reader{b: body}
		for n := d.u32(); n > 0; n-- {
			d.byte()
			d.byte()
			off := uint32(d.s32())
			d.byte()
			b := d.bytes(int(d.u32()))
			if end := int(off) + len(b); end > len(mem) {
				mem = append(mem, make([]byte, end-len(mem))...)
			}
			copy(mem[off:], b)
		}
		if d.err != nil {
			t.Fatal(d.err)
		}
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	return bytes.TrimRight(mem, "\x00")
}

func TestPack(t *testing.T) {
	far := uint32(100 + 3 + MaxGap + 1)
	tests := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"no data section", module(memorySection), module(memorySection)},
		{"one segment", module(memorySection, data(segment{8, []byte("ab")})),
			module(memorySection, data(segment{8, []byte("ab")}))},
		{"touching and padded neighbours merge",
			module(memorySection, data(segment{100, []byte("abc")}, segment{103, []byte("d")}, segment{110, []byte("e")})),
			module(memorySection, data(segment{100, []byte("abcd\x00\x00\x00\x00\x00\x00e")}))},
		{"out of order", module(memorySection, data(segment{110, []byte("e")}, segment{100, []byte("abc")})),
			module(memorySection, data(segment{100, []byte("abc\x00\x00\x00\x00\x00\x00\x00e")}))},
		{"a gap over MaxGap stays",
			module(memorySection, data(segment{100, []byte("abc")}, segment{far, []byte("z")})),
			module(memorySection, data(segment{100, []byte("abc")}, segment{far, []byte("z")}))},
		{"a gap of MaxGap merges",
			module(memorySection, data(segment{100, []byte("abc")}, segment{far - 1, []byte("z")})),
			module(memorySection, data(segment{100, append(append([]byte("abc"), make([]byte, MaxGap)...), 'z')}))},
		{"custom sections are dropped",
			module([]byte{0, 3, 'x', 'y', 'z'}, memorySection, data(segment{1, []byte("a")}, segment{3, []byte("b")}), []byte{0, 1, 'q', 1}),
			module(memorySection, data(segment{1, []byte("a\x00b")}))},
		{"other sections are kept", module([]byte{1, 4, 1, 0x60, 0, 0}, memorySection), module([]byte{1, 4, 1, 0x60, 0, 0}, memorySection)},
		{"an offset past 2 GiB", module(memorySection, data(segment{0x8000_0000, []byte("a")}, segment{0x8000_0002, []byte("b")})),
			module(memorySection, data(segment{0x8000_0000, []byte("a\x00b")}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pack(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Pack =\n%x, want\n%x", got, tt.want)
			}
		})
	}
}

func TestPack_refuses(t *testing.T) {
	good := module(memorySection, data(segment{100, []byte("abc")}))
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"not wasm", []byte("\x7fELF\x02\x01\x01\x00"), "not a WebAssembly 1.0 module"},
		{"cut short", good[:len(good)-1], "ends early"},
		{"overlap", module(data(segment{100, []byte("abc")}, segment{102, []byte("x")})), "at 0x64 and 0x66 overlap"},
		{"passive", module([]byte{sectionData, 1, 1, 1, 'a'}), "segment 0 is of kind 1"},
		{"global offset", module([]byte{sectionData, 1, 0, 0x23, 0, opEnd, 1, 'a'}), "offset is not an i32.const"},
		{"offset not constant", module([]byte{sectionData, 1, 0, opI32Const, 0, 0x6a, opEnd, 1, 'a'}), "not a constant expression"},
		{"trailing bytes", module([]byte{sectionData, 1, 0, opI32Const, 0, opEnd, 1, 'a', 9}), "bytes after the last data segment"},
		{"data count", module([]byte{sectionDataCount, 1}, data(segment{1, []byte("a")})), "data count section"},
		{"long LEB", module([]byte{sectionData, 0x80, 0x80, 0x80, 0x80, 0x80, 0}), "longer than 5 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pack(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Pack = %d bytes, %v; want an error with %q", len(got), err, tt.want)
			}
		})
	}
}

func TestReader_s32(t *testing.T) {
	for _, v := range []int32{0, 1, -1, 63, 64, -64, -65, 1 << 20, -1 << 20, 1<<31 - 1, -1 << 31} {
		r := reader{b: appendS32(nil, v)}
		if got := r.s32(); got != v || r.err != nil || !r.done() {
			t.Errorf("s32(appendS32(%d)) = %d, %v", v, got, r.err)
		}
	}
}
