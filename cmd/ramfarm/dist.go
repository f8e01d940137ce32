package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"ramfarm/release"
)

func distCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wasm := fs.String("wasm", "build/core.wasm", "the core module (make wasm builds it)")
	out := fs.String("out", "dist", "the release folder")
	check := fs.Bool("check", false, "change nothing; fail if the folder differs from a fresh release")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm dist [--wasm build/core.wasm] [--out dist] [--check]\n\n"+
			"Writes the release a player installs from the game's terminal: every in-game\n"+
			"file, install.js, and "+release.ManifestFile+" (each file's SHA-256, size and RAM).\n"+
			"The folder ends up holding exactly those files.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dist: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	mod, err := os.ReadFile(*wasm)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR dist: %v (run make wasm first)\n", err)
		return 1
	}
	files, err := release.Build(mod)
	if err != nil {
		fmt.Fprintln(stderr, "ERROR dist:", err)
		return 1
	}
	m, err := release.ReadManifest(files[release.ManifestFile])
	if err != nil {
		fmt.Fprintln(stderr, "ERROR dist:", err)
		return 1
	}
	if *check {
		diff, err := release.Diff(*out, files)
		if err != nil {
			fmt.Fprintln(stderr, "ERROR dist:", err)
			return 1
		}
		if len(diff) > 0 {
			for _, d := range diff {
				fmt.Fprintf(stderr, "dist: %s/%s: %s\n", *out, d.Path, d.Problem)
			}
			fmt.Fprintf(stderr, "ERROR dist: %s is not the release these sources build (%s); run make dist and commit it\n", *out, m.Version)
			return 1
		}
		fmt.Fprintf(stdout, "dist: %s is release %s, as these sources build it\n", *out, m.Version)
		return 0
	}
	if err := release.Write(*out, files); err != nil {
		fmt.Fprintln(stderr, "ERROR dist:", err)
		return 1
	}
	fmt.Fprintf(stdout, "dist: release %s, %d files, in %s\n", m.Version, len(files), *out)
	return 0
}
