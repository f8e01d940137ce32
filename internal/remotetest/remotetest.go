// Package remotetest is a fake game for tests of a Remote API tool. It
// connects to the tool's WebSocket server as the game does and answers
// pushFile, getFileNames, deleteFile, calculateRam and getDefinitionFile
// with the game's checks, in the game's order, with its exact error
// strings and reply bytes (../shared/game/REMOTE_API.md §1.4, §2, §3).
// Only the server "home" exists.
package remotetest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Request is one request the game was sent, on its nth connection
// (counting from 1).
type Request struct {
	Conn     int
	Method   string
	Filename string
	Content  string
}

// Game is home's files and the game's answers, kept across connections
// as the real game keeps them across a tool's restarts.
type Game struct {
	mu       sync.Mutex
	order    []string // insertion order, as the game lists files
	files    map[string]string
	ram      map[string]float64
	badRAM   map[string]bool
	running  map[string]bool
	silent   bool
	dts      string
	requests []Request
	conns    int
	changed  chan struct{} // closed and replaced on every request
}

// New is a game whose home holds no files.
func New() *Game {
	return &Game{files: map[string]string{}, ram: map[string]float64{}, badRAM: map[string]bool{},
		running: map[string]bool{}, changed: make(chan struct{})}
}

// Put places a file on home, as the player or an earlier push did.
func (g *Game) Put(name, content string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.write(name, content)
}

// SetRAM is what calculateRam answers for name; scripts without one cost
// the base 1.6 GB.
func (g *Game) SetRAM(name string, gb float64) { g.set(func() { g.ram[name] = gb }) }

// SetRAMError makes calculateRam fail for name, as for a syntax error.
func (g *Game) SetRAMError(name string) { g.set(func() { g.badRAM[name] = true }) }

// SetRunning marks name as a running script, which deleteFile refuses.
func (g *Game) SetRunning(name string) { g.set(func() { g.running[name] = true }) }

// SetSilent makes the game read requests and never answer, as a game
// whose page is frozen.
func (g *Game) SetSilent() { g.set(func() { g.silent = true }) }

// SetDefinitions is the text getDefinitionFile answers.
func (g *Game) SetDefinitions(text string) { g.set(func() { g.dts = text }) }

func (g *Game) set(f func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f()
}

// Files is a copy of home's files.
func (g *Game) Files() map[string]string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]string, len(g.files))
	for k, v := range g.files {
		out[k] = v
	}
	return out
}

// Requests is every request so far, in the order the game read them.
func (g *Game) Requests() []Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.requests)
}

// WaitFor waits until cond holds, checking after every request the game
// reads. It fails the test after a minute: a guard against hangs, not a
// measure of speed.
func (g *Game) WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.After(time.Minute)
	for {
		g.mu.Lock()
		ch := g.changed
		g.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("gave up waiting for %s", what)
		}
	}
}

// Conn is one connection of the game to the tool.
type Conn struct {
	ws   *websocket.Conn
	done chan struct{}
}

// Connect connects to the tool at url (ws://host:port), as pressing
// Connect in the game's options does, and answers requests until the
// connection closes.
func (g *Game) Connect(ctx context.Context, url string) (*Conn, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(-1) // the game sets no limit on what it reads
	g.mu.Lock()
	g.conns++
	n := g.conns
	g.mu.Unlock()
	c := &Conn{ws: ws, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for {
			typ, data, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			if typ != websocket.MessageText {
				continue // the game's JSON.parse throws on a Blob: no answer
			}
			if reply := g.handle(n, data); reply != nil {
				if ws.Write(context.Background(), websocket.MessageText, reply) != nil {
					return
				}
			}
		}
	}()
	return c, nil
}

// Close drops the connection, as reloading the game's page does.
func (c *Conn) Close() {
	c.ws.CloseNow()
	<-c.done
}

// Done is closed when the connection has ended, from either side.
func (c *Conn) Done() <-chan struct{} { return c.done }

// reply is the game's answer, its fields in the order the game writes
// them; an absent id stays absent.
type reply struct {
	JSONRPC string          `json:"jsonrpc"`
	Result  any             `json:"result,omitempty"`
	Error   string          `json:"error,omitempty"`
	ID      json.RawMessage `json:"id,omitempty"`
}

// handle answers one frame, or returns nil where the game answers nothing.
func (g *Game) handle(conn int, data []byte) []byte {
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params map[string]any  `json:"params"`
	}
	if json.Unmarshal(data, &msg) != nil {
		return nil // the game only logs a frame that is not JSON
	}
	g.mu.Lock()
	defer func() {
		close(g.changed)
		g.changed = make(chan struct{})
		g.mu.Unlock()
	}()
	str := func(k string) (string, bool) {
		v, ok := msg.Params[k].(string)
		return v, ok
	}
	filename, _ := str("filename")
	content, _ := str("content")
	g.requests = append(g.requests, Request{Conn: conn, Method: msg.Method, Filename: filename, Content: content})
	if g.silent {
		return nil
	}
	result, errText, answered := g.answer(msg.Method, msg.Params, str)
	if !answered {
		return nil
	}
	b, err := json.Marshal(reply{JSONRPC: "2.0", Result: result, Error: errText, ID: msg.ID})
	if err != nil {
		panic(err)
	}
	return b
}

// answer runs one method's checks in the game's order. answered is false
// where the game throws instead of answering (params missing or null).
func (g *Game) answer(method string, params map[string]any, str func(string) (string, bool)) (result any, errText string, answered bool) {
	if params == nil && needsParams(method) {
		return nil, "", false
	}
	filename, hasName := str("filename")
	server, hasServer := str("server")
	switch method {
	case "pushFile":
		content, hasContent := str("content")
		switch name, ok := resolve(filename); {
		case !hasName || !hasContent || !hasServer:
			return nil, "Misses parameters", true
		case !ok:
			return nil, "Invalid file path", true
		case server != "home":
			return nil, "Server hostname invalid", true
		case !isScript(name) && !isText(name):
			return nil, "Invalid file extension", true
		default:
			g.write(name, content)
			return "OK", "", true
		}
	case "getFileNames":
		switch {
		case !hasServer:
			return nil, "Message misses parameters", true
		case server != "home":
			return nil, "Server hostname invalid", true
		}
		names := []string{} // text files first, then scripts
		for _, n := range g.order {
			if isText(n) {
				names = append(names, n)
			}
		}
		for _, n := range g.order {
			if isScript(n) {
				names = append(names, n)
			}
		}
		return names, "", true
	case "deleteFile":
		name, refused := fileChecks(filename, hasName && hasServer, server)
		switch {
		case refused != "":
			return nil, refused, true
		case !g.has(name):
			if isScript(name) {
				return nil, "Script " + name + " not found.", true
			}
			return nil, "Text file " + name + " not found.", true
		case g.running[name]:
			return nil, "Cannot delete a script that is currently running!", true
		}
		delete(g.files, name)
		g.order = slices.DeleteFunc(g.order, func(n string) bool { return n == name })
		return "OK", "", true
	case "calculateRam":
		name, refused := fileChecks(filename, hasName && hasServer, server)
		switch {
		case refused != "":
			return nil, refused, true
		case !isScript(name):
			return nil, "Filename isn't a script filename", true
		case !g.has(name):
			return nil, "File doesn't exist", true
		case g.badRAM[name]:
			return nil, "Ram cost could not be calculated", true
		}
		if gb, ok := g.ram[name]; ok {
			return gb, "", true
		}
		return 1.6, "", true
	case "getDefinitionFile":
		return g.dts, "", true
	}
	return nil, "Unknown message received", true
}

// fileChecks are the first checks of deleteFile and calculateRam, in
// the game's order: the file's resolved path, or the game's refusal.
func fileChecks(filename string, hasParams bool, server string) (name, refused string) {
	name, ok := resolve(filename)
	switch {
	case !hasParams:
		return "", "Message misses parameters"
	case !ok:
		return "", "Invalid filename"
	case server != "home":
		return "", "Server hostname invalid"
	}
	return name, ""
}

// needsParams is true of the methods whose handlers read params.
func needsParams(method string) bool {
	switch method {
	case "pushFile", "getFile", "deleteFile", "getFileNames", "getAllFiles", "calculateRam":
		return true
	}
	return false
}

func (g *Game) has(name string) bool {
	_, ok := g.files[name]
	return ok
}

func (g *Game) write(name, content string) {
	if !slices.Contains(g.order, name) {
		g.order = append(g.order, name)
	}
	g.files[name] = content
}

// resolve is the game's path rule for the paths tests use: one leading
// "/" dropped, no empty directory, none of the forbidden characters, and
// a file name of the form name.ext.
func resolve(p string) (string, bool) {
	p = strings.TrimPrefix(p, "/")
	segs := strings.Split(p, "/")
	for _, s := range segs {
		if s == "" || strings.ContainsAny(s, "*?[]!\\~|#\"' ") {
			return "", false
		}
	}
	base := segs[len(segs)-1]
	dot := strings.LastIndexByte(base, '.')
	return p, dot >= 1 && dot < len(base)-1
}

func isScript(n string) bool { return strings.HasSuffix(n, ".js") || strings.HasSuffix(n, ".script") }
func isText(n string) bool   { return strings.HasSuffix(n, ".txt") || strings.HasSuffix(n, ".json") }

// WriteDir makes a folder holding files (game path -> content), as a
// bundle lays them out.
func WriteDir(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		WriteFile(tb, dir, name, content)
	}
	return dir
}

// WriteFile writes one file of such a folder.
func WriteFile(tb testing.TB, dir, name, content string) {
	tb.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}
