// Command genjs writes jsglue/lib/protocol.js and each service's
// jsglue/lib/<role>wire.js from the bridge schema (bridge.JSFiles).
//
//	go run ./bridge/cmd/genjs [-dir jsglue/lib] [-check]
//
// With -check it writes nothing and fails if a file differs, which is how
// the tests keep the committed files in step with the schema.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"ramfarm/bridge"
)

func main() {
	dir := flag.String("dir", "jsglue/lib", "folder to write the files in")
	check := flag.Bool("check", false, "fail if a file is out of date instead of writing it")
	flag.Parse()
	stale := false
	for name, want := range bridge.JSFiles() {
		out := filepath.Join(*dir, name)
		if *check {
			if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, want) {
				fmt.Fprintf(os.Stderr, "genjs: %s is out of date; run go run ./bridge/cmd/genjs\n", out)
				stale = true
			}
			continue
		}
		if err := os.WriteFile(out, want, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "genjs:", err)
			os.Exit(1)
		}
	}
	if stale {
		os.Exit(1)
	}
}
