// Command ramfarm is the developer's and player's entry point:
//
//	ramfarm bundle   write the in-game files (copy them into the game)
//	ramfarm dist     write the release players install with install.js
//	ramfarm serve    serve the release over HTTP for install.js --from
//	ramfarm push     push them into the running game through its Remote API
//	ramfarm sim      run the simulated game with the real scripts and module
//	ramfarm soak     run it many times with faults injected, checking invariants
//	ramfarm size     print the core module's sizes as it ships
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: ramfarm <command> [flags]

Commands:
  bundle   write the files to copy into the game (ramfarm/*.js, with the
           core module embedded) into a folder
  dist     write the release a player installs from the game's terminal
           (in-game files, install.js and a manifest) into a folder
  serve    serve the release over HTTP, for install.js --from http://localhost:8000
  push     serve the game's Remote API and push a folder of in-game files
           to home when the game connects; --watch keeps pushing changes
  sim      run ramfarm in the emulated game, on a virtual clock, and print
           what happens
  soak     run ramfarm in the emulated game many times while faults hit it,
           and check that nothing is lost, overcommitted or crashed
  size     print the core module's size raw and gzipped, and of the
           in-game file that carries it

Run 'ramfarm <command> --help' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "bundle":
		return bundleCmd(args[1:], stdout, stderr)
	case "dist":
		return distCmd(args[1:], stdout, stderr)
	case "serve":
		return serveCmd(args[1:], stdout, stderr)
	case "push":
		return pushCmd(args[1:], stdout, stderr)
	case "sim":
		return simCmd(args[1:], stdout, stderr)
	case "soak":
		return soakCmd(args[1:], stdout, stderr)
	case "size":
		return sizeCmd(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "ramfarm: unknown command %q\n\n%s", args[0], usage)
	return 2
}
