package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ramfarm/internal/remotetest"
	"ramfarm/release"
)

// logWriter keeps what push logs and hands over the address it serves
// on once it says it.
type logWriter struct {
	mu   sync.Mutex
	b    bytes.Buffer
	addr chan string
}

var servingOn = regexp.MustCompile(`serving the Remote API on (ws://[^;\s]+)`)

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if m := servingOn.FindSubmatch(p); m != nil {
		w.addr <- string(m[1])
	}
	return w.b.Write(p)
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// push runs 'ramfarm push' on a free port for game, and returns its exit
// code, standard output and log.
func push(t *testing.T, game *remotetest.Game, args ...string) (int, string, string) {
	t.Helper()
	stderr := &logWriter{addr: make(chan string, 1)}
	var stdout bytes.Buffer
	code := make(chan int, 1)
	go func() { code <- run(append([]string{"push", "--addr", "127.0.0.1:0"}, args...), &stdout, stderr) }()
	select {
	case url := <-stderr.addr:
		c, err := game.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	case n := <-code:
		t.Fatalf("push exited with %d before serving:\n%s", n, stderr.String())
	}
	select {
	case n := <-code:
		return n, stdout.String(), stderr.String()
	case <-time.After(time.Minute):
		t.Fatalf("push did not exit:\n%s", stderr.String())
		return 0, "", ""
	}
}

func TestPush(t *testing.T) {
	files := map[string]string{"ramfarm/start.js": "export async function main(ns) {}\n", "ramfarm/lib/x.js": "export const x = 1;\n"}
	dir := remotetest.WriteDir(t, files)
	report := filepath.Join(remotetest.WriteDir(t, map[string]string{"ram.json": `{"ramfarm/start.js": 1.6}`}), "ram.json")

	t.Run("the game takes everything", func(t *testing.T) {
		game := remotetest.New()
		game.Put("ramfarm/old.js", "stale")
		code, out, log := push(t, game, "--dir", dir, "--ram-report", report)
		if code != 0 {
			t.Fatalf("exit %d, want 0:\n%s", code, log)
		}
		got := game.Files()
		if len(got) != 2 || got["ramfarm/start.js"] != files["ramfarm/start.js"] || got["ramfarm/lib/x.js"] != files["ramfarm/lib/x.js"] {
			t.Errorf("home holds %v", got)
		}
		if !strings.Contains(out, "ramfarm/start.js     1.60       1.60\n") {
			t.Errorf("stdout lacks the RAM row:\n%s", out)
		}
		if !strings.Contains(log, "INFO  push: done\n") {
			t.Errorf("log:\n%s", log)
		}
	})
	t.Run("the game refuses something", func(t *testing.T) {
		game := remotetest.New()
		game.SetRAMError("ramfarm/start.js")
		code, _, log := push(t, game, "--dir", dir)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		const line = `ERROR push: calculateRam ramfarm/start.js: the game answered "Ram cost could not be calculated"`
		if !strings.Contains(log, line+"\n") {
			t.Errorf("log lacks %q:\n%s", line, log)
		}
	})
}

// TestPush_release pushes the real release folder (what make dist
// writes): every file but the manifest reaches home as it is, and each
// script's RAM as the game computes it is set beside the manifest's.
func TestPush_release(t *testing.T) {
	files, err := release.Build([]byte("\x00asm\x01\x00\x00\x00"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "dist")
	if err := release.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	m, err := release.ReadManifest(files[release.ManifestFile])
	if err != nil {
		t.Fatal(err)
	}
	game := remotetest.New()
	for name, e := range m.Files {
		if e.RAM != nil {
			game.SetRAM(name, *e.RAM)
		}
	}
	game.SetRAM("ramfarm/stop.js", 2.5) // a game whose figure differs
	code, out, log := push(t, game, "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d, want 0:\n%s", code, log)
	}
	got := game.Files()
	if len(got) != len(files)-1 {
		t.Errorf("home holds %d files, want the release's %d without its manifest", len(got), len(files)-1)
	}
	for name, text := range files {
		if name != release.ManifestFile && got[name] != text {
			t.Errorf("home's %s is not the release's", name)
		}
	}
	if _, ok := got[release.ManifestFile]; ok {
		t.Error("the manifest was pushed")
	}
	for _, row := range []string{"ramfarm/start.js", "install.js"} {
		want := fmt.Sprintf("%.2f       %.2f\n", *m.Files[row].RAM, *m.Files[row].RAM)
		if !regexp.MustCompile(regexp.QuoteMeta(row) + ` +` + regexp.QuoteMeta(want)).MatchString(out) {
			t.Errorf("no matching RAM row %q for %s:\n%s", want, row, out)
		}
	}
	if !regexp.MustCompile(`ramfarm/stop.js +2.50 +4.50  MISMATCH`).MatchString(out) {
		t.Errorf("the differing figure is not flagged:\n%s", out)
	}
}

func TestPush_usage(t *testing.T) {
	for _, args := range [][]string{
		{"push", "--addr", "0.0.0.0:12525"},
		{"push", "--addr", ":12525"},
		{"push", "extra"},
		{"push", "--timeout", "-1s"},
		{"push", "--no-such-flag"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2:\n%s", args, code, errOut.String())
		}
	}
}
