package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ramfarm/gamedata"
	"ramfarm/harness/ramcalc"
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
	files[jsglue.InstallFile] = jsglue.InstallJS
	if err := ramByRelease(stdout, files); err != nil {
		fmt.Fprintln(stderr, "bundle:", err)
		return 1
	}
	return 0
}

// ramByRelease prints what each script costs in the game's RAM on every
// release ramfarm supports, computed the way each release computes it.
func ramByRelease(w io.Writer, files map[string]string) error {
	var scripts []string
	for _, name := range jsglue.Names(files) {
		if strings.HasSuffix(name, ".js") && !strings.Contains(name, "/lib/") {
			scripts = append(scripts, name)
		}
	}
	fmt.Fprintf(w, "\n%-22s", "GB by game release")
	calcs := make([]*ramcalc.Calculator, len(gamedata.Releases))
	for i, rel := range gamedata.Releases {
		c, err := ramcalc.NewFor(rel)
		if err != nil {
			return err
		}
		calcs[i] = c
		fmt.Fprintf(w, " %7s", rel)
	}
	fmt.Fprintln(w)
	for _, name := range scripts {
		fmt.Fprintf(w, "%-22s", name)
		for _, c := range calcs {
			res, err := c.ScriptRAM(name, files)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Fprintf(w, " %7.2f", res.RAM)
		}
		fmt.Fprintln(w)
	}
	return nil
}
