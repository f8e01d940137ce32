//go:build wasip1

package main

import (
	"strconv"
	"unsafe"
)

// The module's whole state: the handle table, the input buffer the host
// writes into and the last output the host reads. Memory is shared with
// the host, so these must stay reachable (Go's collector does not move
// objects, so their addresses stay valid).
var (
	handles = newTable()
	inbuf   []byte
	outbuf  []byte
)

func main() {}

func ptr(b []byte) int32 {
	if cap(b) == 0 {
		return 0
	}
	return int32(uintptr(unsafe.Pointer(unsafe.SliceData(b[:1]))))
}

func setOut(b []byte) int32 {
	outbuf = append(outbuf[:0], b...)
	return int32(len(outbuf))
}

func setErr(msg string) int32 {
	setOut([]byte(msg))
	return -1
}

// rf_buf returns the address of an input buffer of at least n bytes. The
// host writes a call's input there before the call.
//
//go:wasmexport rf_buf
func rfBuf(n int32) int32 {
	if n < 1 {
		n = 1
	}
	if cap(inbuf) < int(n) {
		inbuf = make([]byte, n)
	}
	inbuf = inbuf[:n]
	return ptr(inbuf)
}

// rf_out returns the address of the last output (a result or an error
// text); its length was the return value of the call that produced it.
//
//go:wasmexport rf_out
func rfOut() int32 { return ptr(outbuf[:cap(outbuf)]) }

// rf_create builds a service: the input buffer holds the role name
// (roleLen bytes) followed by its JSON config (cfgLen bytes). It returns
// the handle (> 0), or -(length of the error text in rf_out).
//
//go:wasmexport rf_create
func rfCreate(roleLen, cfgLen int32) int32 {
	role, cfg, ok := splitCreate(inbuf, roleLen, cfgLen)
	if !ok {
		return -setOutLen("rf_create: lengths exceed the input buffer")
	}
	h, err := handles.create(role, cfg)
	if err != nil {
		return -setOutLen(err.Error())
	}
	return h
}

func setOutLen(msg string) int32 {
	setOut([]byte(msg))
	return int32(len(outbuf))
}

// rf_step applies the JSON event batch of n bytes in the input buffer to
// service h. It returns 0, or -(length of the error text in rf_out).
//
//go:wasmexport rf_step
func rfStep(h, n int32) int32 {
	s, ok := handles.get(h)
	if !ok {
		return -setOutLen("rf_step: unknown handle " + strconv.Itoa(int(h)))
	}
	if n < 0 || int(n) > len(inbuf) {
		return -setOutLen("rf_step: length exceeds the input buffer")
	}
	if err := s.Step(inbuf[:n]); err != nil {
		return -setOutLen(err.Error())
	}
	return 0
}

// rf_ready puts service h's pending commands (JSON) in rf_out and returns
// their length, or -(length of an error text).
//
//go:wasmexport rf_ready
func rfReady(h int32) int32 {
	s, ok := handles.get(h)
	if !ok {
		return -setOutLen("rf_ready: unknown handle " + strconv.Itoa(int(h)))
	}
	return setOut(s.Ready())
}

// rf_advance acknowledges that service h's last commands were carried out.
// It returns 0, or -1 for an unknown handle.
//
//go:wasmexport rf_advance
func rfAdvance(h int32) int32 {
	s, ok := handles.get(h)
	if !ok {
		return -1
	}
	s.Advance()
	return 0
}

// rf_destroy frees service h. It returns 0, or -1 for an unknown handle.
//
//go:wasmexport rf_destroy
func rfDestroy(h int32) int32 {
	if !handles.destroy(h) {
		return -1
	}
	return 0
}
