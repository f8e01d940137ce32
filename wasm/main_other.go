//go:build !wasip1

package main

import (
	"fmt"
	"os"
)

// The module only makes sense compiled to WebAssembly; natively the
// package builds (so vet and tests cover handles.go) and says so.
func main() {
	fmt.Fprintln(os.Stderr, "build with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared (make wasm)")
	os.Exit(2)
}
