package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"ramfarm/jsglue"
)

func bundleCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wasm := fs.String("wasm", "build/core.wasm", "the core module (make wasm builds it)")
	out := fs.String("out", "build/game", "folder to write the in-game files into")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm bundle [--wasm build/core.wasm] [--out build/game]\n\n"+
			"Writes ramfarm/*.js, the files to copy into the game's home server.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	mod, err := os.ReadFile(*wasm)
	if err != nil {
		fmt.Fprintf(stderr, "bundle: %v (run make wasm first)\n", err)
		return 1
	}
	files := jsglue.Files(mod)
	total := 0
	for _, name := range jsglue.Names(files) {
		p := filepath.Join(*out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(stderr, "bundle:", err)
			return 1
		}
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			fmt.Fprintln(stderr, "bundle:", err)
			return 1
		}
		total += len(files[name])
	}
	fmt.Fprintf(stdout, "bundle: %d files, %d bytes, in %s\n", len(files), total, *out)
	return 0
}
