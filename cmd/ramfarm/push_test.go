package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ramfarm/internal/remotetest"
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
