package jsglue

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite test/text7-vectors.json")

// fromText7 is lib/core.js's decoder, in Go, for the tests here; the
// JavaScript one decodes test/text7-vectors.json (core.test.mjs).
func fromText7(text string, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	var acc uint32
	var bits, groups int
	put := func(g byte) {
		acc = acc<<7 | uint32(g)
		bits += 7
		groups++
		if bits >= 8 {
			bits -= 8
			if len(out) < n {
				out = append(out, byte(acc>>bits))
			}
			acc &= 1<<bits - 1
		}
	}
	for i, r := range text {
		switch {
		case r == utf8.RuneError:
			return nil, fmt.Errorf("not UTF-8 at %d", i)
		case r < 0x80 && text7Index[r] >= 0:
			return nil, fmt.Errorf("unescaped %q at %d", r, i)
		case r < 0x80:
			put(byte(r))
		case int(r-0x80)>>7 < len(text7Escaped):
			put(text7Escaped[(r-0x80)>>7])
			put(byte(r & 0x7f))
		default:
			return nil, fmt.Errorf("%U at %d", r, i)
		}
	}
	if len(out) != n || 7*groups >= 8*n+14 {
		return nil, fmt.Errorf("%d groups for %d bytes", groups, n)
	}
	return out, nil
}

// checkText7 asserts what every text must be: the bytes back, every
// character allowed in a string literal and a text file, and seven bits a
// byte (one byte more at most, for an escape's padding).
func checkText7(t *testing.T, b []byte) string {
	t.Helper()
	text := Text7(b)
	back, err := fromText7(text, len(b))
	if err != nil {
		t.Fatalf("Text7(%x) = %q: %v", b, text, err)
	}
	if !bytes.Equal(back, b) {
		t.Fatalf("Text7(%x) = %q decodes to %x", b, text, back)
	}
	for i, r := range text {
		if r == 0 || r == '\n' || r == '\r' || r == '"' || r == '\\' || r > 0x2ff {
			t.Fatalf("Text7(%x) has %U at %d", b, r, i)
		}
	}
	if groups := (8*len(b) + 6) / 7; len(text) != groups && len(text) != groups+1 {
		t.Fatalf("Text7 of %d bytes is %d bytes, want %d or %d", len(b), len(text), groups, groups+1)
	}
	return text
}

func TestText7(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte{0xff}, "\x7f@"},              // 1111111 1(000000)
		{[]byte{0x00}, "\u0080"},             // NUL, escaped with its padding group
		{[]byte{0x15, 0x04}, "\u0141\u0080"}, // '\n' with 1000001, then 00(00000): NUL again
		// 0100000 1010000 1001000 0110100 '"' 0010101 0001100 1000111
		{[]byte("ABCDEFG"), " PH4\u0215\x0cG"},
	}
	for _, tt := range tests {
		if got := checkText7(t, tt.in); got != tt.want {
			t.Errorf("Text7(%x) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every byte value at every place of a short input, every length up to
// 64 of random bytes, and runs that escape every group.
func TestText7_everyByte(t *testing.T) {
	for _, b := range text7Inputs() {
		checkText7(t, b)
	}
	rnd := rand.New(rand.NewPCG(7, 7))
	for v := range 256 {
		for at := range 9 {
			b := make([]byte, 9)
			for i := range b {
				b[i] = byte(rnd.Uint32())
			}
			b[at] = byte(v)
			checkText7(t, b)
		}
	}
}

// The file's cost: random bytes (as gzip's are) take 8/7 of their size.
func TestText7_size(t *testing.T) {
	b := make([]byte, 1<<20)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(rnd.Uint32())
	}
	text := checkText7(t, b)
	if ratio := float64(len(text)) / float64(len(b)); ratio > 8.0/7+0.0001 {
		t.Errorf("a MB of random bytes takes %.4f bytes a byte, want 8/7", ratio)
	}
}

func TestFromText7_refuses(t *testing.T) {
	for _, tt := range []struct {
		text string
		n    int
	}{
		{"\x7f@", 2},      // too short
		{"\x7f@@@", 1},    // too long
		{"\x7f\"", 1},     // an unescaped quote
		{"\x7f\u0300", 1}, // past the escapes
	} {
		if b, err := fromText7(tt.text, tt.n); err == nil {
			t.Errorf("fromText7(%q, %d) = %x, want an error", tt.text, tt.n, b)
		}
	}
}

func FuzzText7(f *testing.F) {
	for _, b := range text7Inputs() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkText7(t, b) })
}

// text7Inputs are the inputs of test/text7-vectors.json.
func text7Inputs() [][]byte {
	var in [][]byte
	for v := range 256 {
		in = append(in, []byte{byte(v)})
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	for n := range 65 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		in = append(in, b)
	}
	for n := 1; n <= 16; n++ {
		in = append(in, make([]byte, n))                           // every group NUL
		in = append(in, bytes.Repeat([]byte{0x14, 0x28, 0x50}, n)) // '\n' groups and more
	}
	return in
}

type text7Vector struct {
	Hex  string `json:"hex"`
	Text string `json:"text"`
}

// The JavaScript decoder's vectors are what Text7 writes now.
func TestText7_vectors(t *testing.T) {
	var want []text7Vector
	for _, b := range text7Inputs() {
		want = append(want, text7Vector{hex.EncodeToString(b), Text7(b)})
	}
	js, err := json.MarshalIndent(want, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	js = append(js, '\n')
	const file = "test/text7-vectors.json"
	if *update {
		if err := os.WriteFile(file, js, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) || (err == nil && !bytes.Equal(got, js)) {
		t.Fatalf("%s is not what Text7 writes: go test ./jsglue -run Text7_vectors -update", file)
	}
	if err != nil {
		t.Fatal(err)
	}
}
