package wasmpack_test

import (
	"bytes"
	"compress/gzip"
	"testing"

	"ramfarm/internal/coretest"
	"ramfarm/internal/wasmpack"
)

// The real module: the same initial memory, fewer bytes gzipped, and
// packing is idempotent (a packed module packs to itself).
func TestPack_coreModule(t *testing.T) {
	linked := coretest.Linked(t)
	packed, err := wasmpack.Pack(linked)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wasmpack.Image(t, packed), wasmpack.Image(t, linked)) {
		t.Fatal("the packed module's initial memory differs")
	}
	again, err := wasmpack.Pack(packed)
	if err != nil || !bytes.Equal(again, packed) {
		t.Errorf("packing twice changed the module (%v)", err)
	}
	gz := func(b []byte) int {
		var out bytes.Buffer
		w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
		w.Write(b)
		w.Close()
		return out.Len()
	}
	before, after := gz(linked), gz(packed)
	t.Logf("gzipped: %d bytes linked, %d packed", before, after)
	if after > before*95/100 {
		t.Errorf("packing saved %d of %d gzipped bytes, under 5%%", before-after, before)
	}
}
