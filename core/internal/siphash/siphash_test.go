package siphash

import "testing"

// The reference vectors of the SipHash paper (appendix A, and the
// authors' vectors.h): key 00 01 .. 0f, messages 00 01 .. n-1.
func TestSum64(t *testing.T) {
	k := Key{0x0706050403020100, 0x0f0e0d0c0b0a0908}
	msg := make([]byte, 64)
	for i := range msg {
		msg[i] = byte(i)
	}
	for _, tt := range []struct {
		n    int
		want uint64
	}{
		{0, 0x726fdb47dd0e0e31},
		{1, 0x74f839c593dc67fd},
		{7, 0xab0200f58b01d137},
		{8, 0x93f5f5799a932462},
		{15, 0xa129ca6149be45e5},
		{63, 0x958a324ceb064572},
	} {
		if got := Sum64(k, msg[:tt.n]); got != tt.want {
			t.Errorf("Sum64(%d bytes) = %#x, want %#x", tt.n, got, tt.want)
		}
	}
}
