package main

import "testing"

func TestTable(t *testing.T) {
	tb := newTable()
	if _, err := tb.create("no-such-role", nil); err == nil {
		t.Fatal("unknown role accepted")
	}
	h1, err := tb.create("memd", nil)
	if err != nil || h1 != 1 {
		t.Fatalf("create = %d, %v", h1, err)
	}
	h2, _ := tb.create("memd", []byte(`{"homeReserve":8}`))
	if h2 != 2 {
		t.Fatalf("second handle = %d", h2)
	}
	if !tb.destroy(h1) || tb.destroy(h1) {
		t.Fatal("destroy must succeed once")
	}
	if _, ok := tb.get(h1); ok {
		t.Fatal("destroyed handle still served")
	}
	h3, _ := tb.create("memd", nil)
	if h3 != 3 {
		t.Fatalf("handles must not be reused: got %d", h3)
	}
}
