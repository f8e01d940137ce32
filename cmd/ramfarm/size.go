package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"ramfarm/jsglue"
)

// sizeCmd prints the core module's sizes as it ships, and warns when one
// is over its limit (make test fails then).
func sizeCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("size", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wasm := fs.String("wasm", "build/core.wasm", "the core module (make wasm builds it)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm size [--wasm build/core.wasm]\n\n"+
			"Prints the module's size raw and gzipped, and the size of "+jsglue.WasmFile+",\n"+
			"the file that carries it into the game.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "size: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	mod, err := os.ReadFile(*wasm)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR size: %v (run make wasm first)\n", err)
		return 1
	}
	s := jsglue.WasmSizes(mod)
	fmt.Fprintln(stdout, s)
	for _, o := range s.Over() {
		fmt.Fprintln(stdout, "WARN size:", o)
	}
	return 0
}
