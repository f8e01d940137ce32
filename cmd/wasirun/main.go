// Command wasirun runs a GOOS=wasip1 program (a test binary, usually) with
// wazero, so `go test -exec wasirun` runs core/ and bridge/ tests compiled
// to WebAssembly on a machine with nothing but Go installed.
//
//	wasirun prog.wasm [args...]
//
// The host filesystem is mounted at / and the working directory is passed
// as PWD, which Go's wasip1 runtime uses to resolve relative paths, so
// tests find their testdata.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: wasirun prog.wasm [args...]")
		os.Exit(2)
	}
	os.Exit(run(os.Args[1], os.Args[1:]))
}

func run(path string, args []string) int {
	ctx := context.Background()
	bin, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasirun:", err)
		return 2
	}
	cache := wazero.NewCompilationCache()
	if dir, err := os.UserCacheDir(); err == nil {
		if c, err := wazero.NewCompilationCacheWithDir(dir + "/ramfarm-wasirun"); err == nil {
			cache = c
		}
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	wd, _ := os.Getwd()
	cfg := wazero.NewModuleConfig().
		WithArgs(args...).
		WithStdout(os.Stdout).WithStderr(os.Stderr).WithStdin(os.Stdin).
		WithFSConfig(wazero.NewFSConfig().WithDirMount("/", "/")).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithEnv("PWD", wd)
	for _, kv := range os.Environ() {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				if kv[:i] != "PWD" {
					cfg = cfg.WithEnv(kv[:i], kv[i+1:])
				}
				break
			}
		}
	}
	_, err = rt.InstantiateWithConfig(ctx, bin, cfg)
	var exit *sys.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return int(exit.ExitCode())
	default:
		fmt.Fprintln(os.Stderr, "wasirun:", err)
		return 1
	}
}
