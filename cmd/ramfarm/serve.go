package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"ramfarm/release"
	"ramfarm/remote"
)

func serveCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "dist", "the release folder (make dist writes it)")
	addr := fs.String("addr", "127.0.0.1:8000", "address to listen on")
	public := fs.Bool("public", false, "allow an address that is not loopback, which other machines can reach")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm serve [--dir dist] [--addr 127.0.0.1:8000]\n\n"+
			"Serves a release folder over HTTP for the game's install.js, with the header\n"+
			"that lets the game's page read it. In the game: run install.js --from http://localhost:8000\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if _, err := os.Stat(*dir + "/" + release.ManifestFile); err != nil {
		fmt.Fprintf(stderr, "ERROR serve: %s has no %s: not a release folder (make dist writes one)\n", *dir, release.ManifestFile)
		return 1
	}
	ln, err := remote.Listen(*addr, *public)
	if errors.Is(err, remote.ErrNotLoopback) {
		fmt.Fprintf(stderr, "ERROR serve: %v (--public to listen there anyway)\n", err)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "ERROR serve:", err)
		return 1
	}
	srv := &http.Server{Handler: release.Handler(*dir), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	fmt.Fprintf(stdout, "INFO  serve: %s on http://%s; in the game: run install.js --from http://%s\n", *dir, ln.Addr(), ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "ERROR serve:", err)
		return 1
	}
	return 0
}
