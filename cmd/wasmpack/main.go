// Command wasmpack rewrites the core module Go linked so that it
// compresses better (see internal/wasmpack): make wasm runs it between
// the link and build/core.wasm.
//
//	wasmpack -o build/core.wasm build/core.link.wasm
package main

import (
	"flag"
	"fmt"
	"os"

	"ramfarm/internal/wasmpack"
)

func main() {
	out := flag.String("o", "", "the packed module to write")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmpack -o OUT.wasm IN.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	in, err := os.ReadFile(flag.Arg(0))
	if err == nil {
		var packed []byte
		if packed, err = wasmpack.Pack(in); err == nil {
			err = os.WriteFile(*out, packed, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmpack:", err)
		os.Exit(1)
	}
}
