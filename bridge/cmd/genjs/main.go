// Command genjs writes jsglue/lib/protocol.js from the bridge schema.
//
//	go run ./bridge/cmd/genjs [-o jsglue/lib/protocol.js] [-check]
//
// With -check it writes nothing and fails if the file differs, which is
// how the tests keep the committed file in step with the schema.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"ramfarm/bridge"
)

func main() {
	out := flag.String("o", "jsglue/lib/protocol.js", "file to write")
	check := flag.Bool("check", false, "fail if the file is out of date instead of writing it")
	flag.Parse()
	want := bridge.GenerateJS()
	if *check {
		got, err := os.ReadFile(*out)
		if err != nil || !bytes.Equal(got, want) {
			fmt.Fprintf(os.Stderr, "genjs: %s is out of date; run go run ./bridge/cmd/genjs\n", *out)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(*out, want, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genjs:", err)
		os.Exit(1)
	}
}
