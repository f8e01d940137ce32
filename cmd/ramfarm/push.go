package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"time"

	"ramfarm/jsglue"
	"ramfarm/remote"
)

func pushCmd(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("push", flag.ContinueOnError)
	flags.SetOutput(stderr)
	cfg := remote.Config{Prefix: jsglue.Dir + "/", Keep: []string{jsglue.ConfigFile, jsglue.InstalledFile}, Out: stdout, Log: stderr}
	flags.StringVar(&cfg.Dir, "dir", "dist", "folder of in-game files; a file's path below it is its path in the game")
	flags.BoolVar(&cfg.Watch, "watch", false, "keep serving, and push what changes in the folder to every game connected")
	addr := flags.String("addr", remote.DefaultAddr, "address to listen on; the game's Remote API port must match")
	public := flags.Bool("public", false, "allow an address that is not loopback, which other machines can reach")
	flags.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "how long to wait for the game's answer to each request")
	flags.DurationVar(&cfg.Poll, "poll", 500*time.Millisecond, "with --watch, how often to read the folder for changes")
	flags.StringVar(&cfg.RAMReport, "ram-report", "", "JSON file of game path to GB to compare the game's RAM with\n(default: the \"ram\" fields of the folder's "+remote.ManifestFile+", if any)")
	flags.StringVar(&cfg.DTS, "dts", "", "write the game's NetscriptDefinitions.d.ts here, for editors (default: not fetched)")
	flags.Usage = func() {
		fmt.Fprint(stderr, "usage: ramfarm push [--dir dist] [--watch] [--addr "+remote.DefaultAddr+"] [--dts FILE] [--ram-report FILE]\n\n"+
			"Serves the game's Remote API and, when the game connects (Options, Remote API:\n"+
			"port 12525, Connect), pushes the folder's .js, .script, .txt and .json files to\n"+
			"home, deletes files under "+cfg.Prefix+" that the folder no longer has, and prints\n"+
			"each script's RAM as the game computes it beside the bundle's own figures.\n"+
			"Without --watch it exits after one push: 0 if the game took everything,\n"+
			"1 on any error from the game. make dist writes the release folder.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "push: unexpected argument %q\n", flags.Arg(0))
		return 2
	}
	srv, err := remote.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "ERROR push:", err)
		return 2
	}
	ln, err := remote.Listen(*addr, *public)
	if errors.Is(err, remote.ErrNotLoopback) {
		fmt.Fprintf(stderr, "ERROR push: %v (any web page in the player's browser could reach it; --public to listen there anyway)\n", err)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "ERROR push:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := srv.Serve(ctx, ln); err != nil {
		hint := ""
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, remote.ErrNoFiles) {
			hint = " (make dist writes the release into dist/)"
		}
		fmt.Fprintf(stderr, "ERROR push: %v%s\n", err, hint)
		return 1
	}
	if !cfg.Watch {
		fmt.Fprintln(stderr, "INFO  push: done")
	}
	return 0
}
