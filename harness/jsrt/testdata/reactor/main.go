// Command reactor is a tiny Go wasip1 reactor for the jsrt tests: it
// exercises what the real module needs from the WebAssembly global (Go
// runtime start-up through WASI imports, heap growth, shared memory, a
// panic that ends in a trap, and proc_exit).
package main

import (
	"os"
	"unsafe"
)

var (
	buf  [64]byte
	heap [][]byte
)

//go:wasmexport buffer
func buffer() int32 { return int32(uintptr(unsafe.Pointer(&buf[0]))) }

// upper upper-cases the first n bytes of buf in place.
//
//go:wasmexport upper
func upper(n int32) {
	for i := range buf[:n] {
		if c := buf[i]; c >= 'a' && c <= 'z' {
			buf[i] = c - 'a' + 'A'
		}
	}
}

// hold allocates and keeps n MiB, so linear memory has to grow.
//
//go:wasmexport hold
func hold(n int32) int32 {
	for range n {
		heap = append(heap, make([]byte, 1<<20))
	}
	return int32(len(heap))
}

//go:wasmexport crash
func crash() { panic("reactor crash") }

// exit ends the program through WASI proc_exit.
//
//go:wasmexport exit
func exit(code int32) { os.Exit(int(code)) }

func main() {}
