package remote_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ramfarm/internal/remotetest"
	"ramfarm/remote"
)

// buffer is a bytes.Buffer the server may write while a test reads it.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// running is a server serving on a port of its own.
type running struct {
	url      string
	out, log buffer
	cancel   context.CancelFunc
	done     chan struct{}
	err      error
}

// serve starts a server for cfg on a free loopback port.
func serve(t *testing.T, cfg remote.Config) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &running{url: "ws://" + ln.Addr().String(), done: make(chan struct{})}
	cfg.Out, cfg.Log = &r.out, &r.log
	srv, err := remote.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		defer close(r.done)
		r.err = srv.Serve(ctx, ln)
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
		if t.Failed() {
			t.Logf("server's log:\n%s", r.log.String())
		}
	})
	return r
}

// wait returns what Serve returned. The limit only guards against a hang.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(time.Minute):
		t.Fatal("the server did not return")
		return nil
	}
}

func (r *running) connect(t *testing.T, g *remotetest.Game) *remotetest.Conn {
	t.Helper()
	c, err := g.Connect(context.Background(), r.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// bundle is a small folder of in-game files.
var bundle = map[string]string{
	"ramfarm/start.js":    "import { x } from \"ramfarm/lib/core.js\";\nexport async function main(ns) { ns.exec(\"w/hack.js\", \"home\"); }\n",
	"ramfarm/lib/core.js": "export const x = 1;\n",
	"ramfarm/w/hack.js":   "export async function main(ns) { await ns.hack(ns.args[0]); }\n",
	"ramfarm/notes.txt":   "pushed too: a text file the game takes\n",
}

// One push: every file the game takes arrives under its path, stale
// files under the prefix go and nobody else's do, the RAM table sets the
// game's figures beside the manifest's, and the definitions are written.
func TestServer_Serve_oneShot(t *testing.T) {
	folder := maps.Clone(bundle)
	folder["README.md"] = "not for the game"
	folder[remote.ManifestFile] = `{"version": 1, "files": {"ramfarm/start.js": {"ram": 4.8}, "ramfarm/w/hack.js": {"ram": 1.7}}}`
	game := remotetest.New()
	game.Put("ramfarm/old.js", "a script the bundle dropped")
	game.Put("ramfarm/old.txt", "a text file the bundle dropped")
	game.Put("ramfarm2/keep.js", "another folder's")
	game.Put("mine.js", "the player's")
	game.Put("notes.txt", "the player's")
	game.Put("ramfarm/config.json", `{"reserve": 16}`)
	game.SetRAM("ramfarm/start.js", 4.8)
	game.SetRAM("ramfarm/w/hack.js", 1.75)
	game.SetDefinitions("export interface NS {}\n")
	dts := filepath.Join(t.TempDir(), "types", "NetscriptDefinitions.d.ts")

	r := serve(t, remote.Config{Dir: remotetest.WriteDir(t, folder), Prefix: "ramfarm/", Keep: []string{"ramfarm/config.json"}, DTS: dts})
	conn := r.connect(t, game)
	if err := r.wait(t); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	<-conn.Done() // the server closes the connection when done

	want := maps.Clone(bundle)
	for _, name := range []string{"ramfarm2/keep.js", "mine.js", "notes.txt", "ramfarm/config.json"} {
		want[name] = game.Files()[name]
	}
	if got := game.Files(); !maps.Equal(got, want) {
		t.Errorf("home holds\n%v\nwant\n%v", got, want)
	}
	const table = "" +
		"script               game GB  report GB\n" +
		"ramfarm/lib/core.js     1.60          -\n" +
		"ramfarm/start.js        4.80       4.80\n" +
		"ramfarm/w/hack.js       1.75       1.70  MISMATCH\n"
	if r.out.String() != table {
		t.Errorf("RAM table:\n%s\nwant\n%s", r.out.String(), table)
	}
	if b, err := os.ReadFile(dts); err != nil || string(b) != "export interface NS {}\n" {
		t.Errorf("definitions: %q, %v", b, err)
	}
	for _, line := range []string{
		"WARN  README.md: not pushed: the game takes only .js, .script, .txt and .json files",
		"INFO  manifest.json: the folder's manifest; read, not pushed",
		"INFO  game 1: pushed 4 files to home (0 already there)",
		"INFO  game 1: deleted ramfarm/old.txt from home: the folder no longer has it",
		"INFO  game 1: deleted ramfarm/old.js from home: the folder no longer has it",
		"WARN  game 1: ramfarm/w/hack.js: the game computes 1.75 GB, the report says 1.70 GB",
		"INFO  game 1: RAM: 1 of 3 scripts differ from the report",
	} {
		if !strings.Contains(r.log.String(), line+"\n") {
			t.Errorf("log lacks %q", line)
		}
	}
}

// A "no" from the game fails a one-shot push, names the method, the file
// and the game's words, and does not stop the rest of the push.
func TestServer_Serve_gameError(t *testing.T) {
	for _, tt := range []struct {
		name   string
		setup  func(*remotetest.Game)
		method string
		file   string
		msg    string
	}{
		{"a stale script still running", func(g *remotetest.Game) {
			g.Put("ramfarm/old.js", "x")
			g.SetRunning("ramfarm/old.js")
		}, "deleteFile", "ramfarm/old.js", "Cannot delete a script that is currently running!"},
		{"a script the game cannot parse", func(g *remotetest.Game) {
			g.SetRAMError("ramfarm/start.js")
		}, "calculateRam", "ramfarm/start.js", "Ram cost could not be calculated"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			game := remotetest.New()
			tt.setup(game)
			r := serve(t, remote.Config{Dir: remotetest.WriteDir(t, bundle), Prefix: "ramfarm/"})
			r.connect(t, game)
			err := r.wait(t)
			var ge *remote.GameError
			if !errors.As(err, &ge) || ge.Method != tt.method || ge.File != tt.file || ge.Message != tt.msg {
				t.Fatalf("Serve: %v, want the game's %q to %s %s", err, tt.msg, tt.method, tt.file)
			}
			line := "ERROR game 1: " + tt.method + " " + tt.file + ": the game answered \"" + tt.msg + "\"\n"
			if !strings.Contains(r.log.String(), line) {
				t.Errorf("log lacks %q", line)
			}
			for name, content := range bundle {
				if game.Files()[name] != content {
					t.Errorf("%s was not pushed", name)
				}
			}
			if !strings.Contains(r.out.String(), "ramfarm/w/hack.js") {
				t.Errorf("the RAM table stopped at the error:\n%s", r.out.String())
			}
		})
	}
}

// A game that never answers: the request times out, the push stops there
// rather than waiting as long for every other file, and fails.
func TestServer_Serve_timeout(t *testing.T) {
	game := remotetest.New()
	game.SetSilent()
	r := serve(t, remote.Config{Dir: remotetest.WriteDir(t, bundle), Prefix: "ramfarm/", Timeout: 50 * time.Millisecond})
	r.connect(t, game)
	err := r.wait(t)
	if !errors.Is(err, remote.ErrTimeout) {
		t.Fatalf("Serve: %v, want ErrTimeout", err)
	}
	line := "ERROR game 1: pushFile ramfarm/lib/core.js: no answer from the game in time (50ms)\n"
	if !strings.Contains(r.log.String(), line) {
		t.Errorf("log lacks %q", line)
	}
	if n := len(game.Requests()); n != 1 {
		t.Errorf("%d requests sent, want 1: the push stops at the first timeout", n)
	}
}

// Watching: a changed file is pushed again, a removed one deleted, and a
// game that reconnects gets everything again.
func TestServer_Serve_watch(t *testing.T) {
	dir := remotetest.WriteDir(t, bundle)
	game := remotetest.New()
	r := serve(t, remote.Config{Dir: dir, Prefix: "ramfarm/", Watch: true, Poll: 5 * time.Millisecond})
	conn := r.connect(t, game)
	game.WaitFor(t, "the first push", func() bool { return maps.Equal(game.Files(), bundle) })

	remotetest.WriteFile(t, dir, "ramfarm/w/hack.js", "export async function main(ns) { await ns.hack(ns.args[1]); }\n")
	game.WaitFor(t, "the changed file", func() bool {
		return strings.Contains(game.Files()["ramfarm/w/hack.js"], "args[1]")
	})
	if err := os.Remove(filepath.Join(dir, "ramfarm", "notes.txt")); err != nil {
		t.Fatal(err)
	}
	game.WaitFor(t, "the removed file's deletion", func() bool {
		_, ok := game.Files()["ramfarm/notes.txt"]
		return !ok
	})
	for _, q := range game.Requests() {
		if q.Method == "pushFile" && q.Filename != "ramfarm/w/hack.js" && pushedBefore(game.Requests(), q) {
			t.Errorf("%s was pushed again though it did not change", q.Filename)
		}
	}

	conn.Close()
	r.connect(t, game)
	game.WaitFor(t, "every file pushed again on the new connection", func() bool {
		got := map[string]bool{}
		for _, q := range game.Requests() {
			if q.Conn == 2 && q.Method == "pushFile" {
				got[q.Filename] = true
			}
		}
		return len(got) == 3
	})
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Errorf("Serve after a stop: %v", err)
	}
}

// pushedBefore reports whether q's file was pushed earlier on the same
// connection.
func pushedBefore(all []remotetest.Request, q remotetest.Request) bool {
	for _, p := range all {
		if p == q {
			return false
		}
		if p.Conn == q.Conn && p.Method == "pushFile" && p.Filename == q.Filename {
			return true
		}
	}
	return false
}

// One-shot, the push goes to the first game to connect: a plain HTTP
// request does not count as one, and a second game is turned away.
func TestServer_Serve_oneGame(t *testing.T) {
	r := serve(t, remote.Config{Dir: remotetest.WriteDir(t, bundle)})
	resp, err := http.Get("http" + strings.TrimPrefix(r.url, "ws"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusSwitchingProtocols {
		t.Errorf("a plain GET got %s", resp.Status)
	}
	first := remotetest.New()
	first.SetSilent() // holds the push open until the server stops
	r.connect(t, first)
	first.WaitFor(t, "the first push", func() bool { return len(first.Requests()) > 0 })
	second := remotetest.New()
	c := r.connect(t, second)
	select {
	case <-c.Done():
	case <-time.After(time.Minute):
		t.Fatal("the second game was not turned away")
	}
	if n := len(second.Requests()); n != 0 {
		t.Errorf("the second game got %d requests", n)
	}
	r.cancel()
	r.wait(t)
	if !strings.Contains(r.log.String(), "WARN  refused a game connecting from ") {
		t.Errorf("log does not say the second game was refused")
	}
}

// One-shot, a stop before any game connects is an error: nothing was
// pushed.
func TestServer_Serve_stoppedEarly(t *testing.T) {
	r := serve(t, remote.Config{Dir: remotetest.WriteDir(t, bundle)})
	r.cancel()
	if err := r.wait(t); !errors.Is(err, remote.ErrStopped) {
		t.Errorf("Serve: %v, want ErrStopped", err)
	}
}

func TestListen(t *testing.T) {
	for _, tt := range []struct {
		addr   string
		public bool
		err    error // nil: listens; ErrNotLoopback: refused unheard
	}{
		{"127.0.0.1:0", false, nil},
		{"localhost:0", false, nil},
		{"0.0.0.0:0", false, remote.ErrNotLoopback},
		{":0", false, remote.ErrNotLoopback},
		{"192.0.2.1:0", false, remote.ErrNotLoopback},
		{"example.org:0", false, remote.ErrNotLoopback},
	} {
		ln, err := remote.Listen(tt.addr, tt.public)
		if !errors.Is(err, tt.err) {
			t.Errorf("Listen(%q): %v, want %v", tt.addr, err, tt.err)
		}
		if ln != nil {
			ln.Close()
		}
	}
	// --public lifts the check: this address is no interface of this
	// machine, so listening fails, but not for being public.
	if _, err := remote.Listen("192.0.2.1:0", true); err == nil || errors.Is(err, remote.ErrNotLoopback) {
		t.Errorf("Listen public: %v, want a listen error", err)
	}
}

func TestNew_invalid(t *testing.T) {
	for _, cfg := range []remote.Config{
		{},
		{Dir: "d", Prefix: "ramfarm"},
		{Dir: "d", Prefix: "/ramfarm/"},
		{Dir: "d", Prefix: "ram farm/"},
		{Dir: "d", Timeout: -1},
	} {
		if _, err := remote.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted it", cfg)
		}
	}
}
