package deflate

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"testing"
)

// gunzip is the reader the harness and Go use; Chromium's zlib reads the
// same format (jsglue/browser checks the real file there).
func gunzip(t *testing.T, gz []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func roundTrip(t *testing.T, b []byte) []byte {
	t.Helper()
	gz := Gzip(b)
	if got := gunzip(t, gz); !bytes.Equal(got, b) {
		t.Fatalf("%d bytes in, %d out, not the same", len(b), len(got))
	}
	return gz
}

func TestGzip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	skewed := make([]byte, 300_000) // one byte far more common: deep codes
	for i := range skewed {
		if rnd.IntN(100_000) == 0 {
			skewed[i] = byte(rnd.IntN(256))
		}
	}
	tests := map[string][]byte{
		"empty":     nil,
		"one byte":  {7},
		"two bytes": {7, 7},
		"zeros":     make([]byte, 100_000),
		"random":    random(70_000),
		"text":      bytes.Repeat([]byte("the module's bytes, and again the module's bytes; "), 3000),
		"skewed":    skewed,
		"far":       append(append(random(40_000), make([]byte, 1000)...), random(40_000)...),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) { roundTrip(t, b) })
	}
}

// Smaller than compress/gzip's best level on data shaped like a module:
// repeats at many distances, a few long zero runs, some noise.
func TestGzip_smallerThanGo(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	words := make([][]byte, 200)
	for i := range words {
		words[i] = make([]byte, 3+rnd.IntN(12))
		for j := range words[i] {
			words[i][j] = byte(rnd.IntN(40))
		}
	}
	var b []byte
	for len(b) < 400_000 {
		switch r := rnd.IntN(100); {
		case r < 2:
			b = append(b, make([]byte, rnd.IntN(2000))...)
		case r < 10:
			b = append(b, byte(rnd.Uint32()))
		default:
			b = append(b, words[int(rnd.ExpFloat64()*20)%len(words)]...)
		}
	}
	ours := len(roundTrip(t, b))
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	w.Write(b)
	w.Close()
	t.Logf("%d bytes: %d gzipped here, %d by compress/gzip", len(b), ours, out.Len())
	if ours > out.Len()*97/100 {
		t.Errorf("%d bytes, not 3%% under compress/gzip's %d", ours, out.Len())
	}
	if again := Gzip(b); !bytes.Equal(again, Gzip(bytes.Clone(b))) {
		t.Error("two runs gave different bytes")
	}
}

func FuzzGzip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("abcabcabcabcabc"))
	f.Add(make([]byte, 300))
	f.Fuzz(func(t *testing.T, b []byte) { roundTrip(t, b) })
}
