// Package remote puts a folder of in-game files onto the player's home
// server through the game's Remote API, and checks what the game makes
// of them.
//
// The game is the WebSocket client: the player sets a port in Options,
// Remote API, and presses Connect; the game then answers JSON-RPC
// requests and never sends one of its own (../shared/game/REMOTE_API.md).
// On each connection the server pushes every file, deletes the files
// under its prefix that the folder no longer has, asks the game for each
// script's RAM and sets it beside the RAM the bundle's report promises.
// One-shot, it then closes and reports; in watch mode it keeps the
// connection and pushes again whatever changes in the folder.
//
// The game's RAM for a script whose own text did not change may be the
// one it computed before a library it imports changed (REMOTE_API.md
// §4.6): it recomputes only when the script itself changes or has run
// since.
package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// DefaultAddr is where the game looks by default once a port is set: its
// Address setting defaults to localhost and its Port field suggests 12525.
const DefaultAddr = "127.0.0.1:12525"

// Config says what to push and how to serve. The zero values of the
// optional fields are the documented defaults.
type Config struct {
	// Dir is the folder of in-game files; each file's path below it is
	// its game path (dist/ramfarm/start.js goes to ramfarm/start.js).
	Dir string
	// Prefix is the folder in the game this tool owns, ending in "/"
	// (e.g. "ramfarm/"): a file under it that Dir lacks is deleted from
	// home. Empty deletes nothing.
	Prefix string
	// Keep lists game paths under Prefix that are the player's, never
	// deleted: a configuration file, an installer's record.
	Keep []string
	// RAMReport is a JSON file of game path to GB. Empty reads the
	// figures from Dir's manifest.json, if it has any.
	RAMReport string
	// DTS is where to write the game's NetscriptDefinitions.d.ts, once
	// per connection. Empty does not ask for it.
	DTS string
	// Watch keeps serving and pushes again what changes in Dir, to every
	// game connected. Without it, the first game to connect gets one
	// push and the server returns.
	Watch bool
	// Poll is how often Dir is read for changes in watch mode; 500 ms by
	// default. A change is pushed once Dir has stayed the same for one
	// more poll, so a folder being rewritten is not pushed half-done.
	Poll time.Duration
	// Timeout bounds each request to the game; 10 s by default.
	Timeout time.Duration
	// Out receives the RAM tables; Log the INFO, WARN and ERROR lines.
	// Nil discards.
	Out, Log io.Writer
}

// Server serves one Config; see Serve.
type Server struct {
	cfg Config
	log *logger
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Server, error) {
	if cfg.Dir == "" {
		return nil, errors.New("remote: config invalid: Dir is empty")
	}
	if cfg.Prefix != "" && (!strings.HasSuffix(cfg.Prefix, "/") || strings.HasPrefix(cfg.Prefix, "/") ||
		strings.Contains(cfg.Prefix, "//") || GamePathProblem(cfg.Prefix+"x.js") != "") {
		return nil, fmt.Errorf("remote: config invalid: Prefix %q is not a game folder such as \"ramfarm/\"", cfg.Prefix)
	}
	if cfg.Poll < 0 || cfg.Timeout < 0 {
		return nil, errors.New("remote: config invalid: Poll and Timeout must not be negative")
	}
	if cfg.Poll == 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	return &Server{cfg: cfg, log: newLogger(cfg.Log)}, nil
}

// Listen listens on addr, which must be a loopback address (127.0.0.1,
// [::1] or localhost) unless public is set: ErrNotLoopback otherwise.
func Listen(addr string, public bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); !public && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%w: %s", ErrNotLoopback, addr)
	}
	return net.Listen("tcp", addr)
}

// Serve reads Dir, then serves games on ln until ctx ends or, one-shot,
// until the first game has had its push. It closes ln. One-shot, the
// error is the push's (a *SyncError), or ErrStopped if ctx ended first;
// in watch mode it is nil unless Dir or ln fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer ln.Close()
	snap, err := loadSnapshot(s.cfg.Dir, s.cfg.RAMReport)
	if err != nil {
		return err
	}
	s.logNotes(snap)
	folder := newFolderState(snap)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu      sync.Mutex
		closing bool
		games   int
		wg      sync.WaitGroup
	)
	result := make(chan error, 1) // one-shot: the one game's push
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if closing {
			mu.Unlock()
			http.Error(w, "ramfarm push is stopping", http.StatusServiceUnavailable)
			return
		}
		wg.Add(1)
		mu.Unlock()
		defer wg.Done()
		// The game's page sends its own origin (a website, or file:// in
		// the Steam build), never this server's; and what the server
		// sends is no secret, so any origin may connect.
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			s.log.warn("a request from %s that is not a WebSocket: %v", r.RemoteAddr, err)
			return
		}
		mu.Lock()
		busy := !s.cfg.Watch && games > 0
		if !busy {
			games++
		}
		n := games
		mu.Unlock()
		if busy {
			s.log.warn("refused a game connecting from %s: one-shot, the first game gets the push", r.RemoteAddr)
			ws.Close(websocket.StatusTryAgainLater, "ramfarm push is serving another game")
			return
		}
		s.serveGame(ctx, ws, n, r.RemoteAddr, folder, result)
	})
	hs := &http.Server{Handler: handler, ErrorLog: log.New(warnWriter{s.log}, "", 0)}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	s.log.info("serving the Remote API on ws://%s; in the game: Options, Remote API, port %s, Connect", ln.Addr(), port)
	polled := make(chan struct{})
	if s.cfg.Watch {
		go func() {
			defer close(polled)
			s.poll(ctx, folder)
		}()
	} else {
		close(polled)
	}

	select {
	case err = <-result:
	case <-ctx.Done():
		if !s.cfg.Watch {
			err = ErrStopped
		}
	case err = <-served:
		err = fmt.Errorf("serving: %w", err)
	}
	mu.Lock()
	closing = true
	mu.Unlock()
	cancel()
	hs.Close()
	wg.Wait()
	<-polled
	return err
}

// serveGame gives one connected game its push and, in watch mode, every
// later change until it goes away. One-shot, the push's result goes to
// result.
func (s *Server) serveGame(ctx context.Context, ws *websocket.Conn, n int, from string, folder *folderState, result chan<- error) {
	log := s.log.forGame(n)
	log.info("connected from %s", from)
	// The reader stops when ws closes, which this function sees to on
	// every way out, so the game hears why it was dropped.
	g := newGameConn(context.WithoutCancel(ctx), ws, s.cfg.Timeout, log)
	defer func() {
		ws.CloseNow()
		<-g.done
	}()
	sess := &session{g: g, log: log, out: s.cfg.Out, prefix: s.cfg.Prefix, keep: s.cfg.Keep, dts: s.cfg.DTS, pushed: map[string][32]byte{}}
	snap, changed := folder.get()
	if !s.cfg.Watch {
		err := sess.sync(ctx, snap)
		ws.Close(websocket.StatusNormalClosure, "push done")
		log.info("push done; connection closed")
		result <- err
		return
	}
	for {
		if err := sess.sync(ctx, snap); err != nil {
			log.warn("what failed is tried again when the folder changes or the game connects again")
		}
		select {
		case <-changed:
			snap, changed = folder.get()
		case <-g.done:
			why := "connection dropped"
			if code := websocket.CloseStatus(g.doneErr); code != -1 {
				why = "closed, " + code.String()
			}
			log.info("disconnected (%s); it gets every file again when it connects again (Options, Remote API, Connect)", why)
			return
		case <-ctx.Done():
			ws.Close(websocket.StatusGoingAway, "ramfarm push stopped")
			return
		}
	}
}

// folderState is the folder as last read, shared by every connected game;
// changed is closed when a newer state replaces it.
type folderState struct {
	mu      sync.Mutex
	snap    *snapshot
	changed chan struct{}
}

func newFolderState(snap *snapshot) *folderState {
	return &folderState{snap: snap, changed: make(chan struct{})}
}

func (f *folderState) get() (*snapshot, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap, f.changed
}

func (f *folderState) set(snap *snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = snap
	close(f.changed)
	f.changed = make(chan struct{})
}

// poll reads the folder every Poll and publishes a change once it has
// read the same changed state twice in a row. A folder that cannot be
// read (being rebuilt, or empty) keeps the last good state.
func (s *Server) poll(ctx context.Context, folder *folderState) {
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	var pending *snapshot
	lastErr := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		snap, err := loadSnapshot(s.cfg.Dir, s.cfg.RAMReport)
		if err != nil {
			if err.Error() != lastErr {
				s.log.warn("%v; the game keeps what it was last pushed", err)
				lastErr = err.Error()
			}
			pending = nil
			continue
		}
		if lastErr != "" {
			s.log.info("the folder %s reads well again", s.cfg.Dir)
			lastErr = ""
		}
		cur, _ := folder.get()
		switch {
		case snap.same(cur):
			pending = nil
		case pending == nil || !snap.same(pending):
			pending = snap
		default:
			s.log.info("the folder %s changed", s.cfg.Dir)
			s.logNotes(snap)
			folder.set(snap)
			pending = nil
		}
	}
}

func (s *Server) logNotes(snap *snapshot) {
	if snap.manifest {
		s.log.info("%s: the folder's manifest; read, not pushed", ManifestFile)
	}
	for _, n := range snap.notes {
		s.log.warn("%s", n)
	}
}

// warnWriter turns the HTTP server's own complaints into WARN lines.
type warnWriter struct{ log *logger }

func (w warnWriter) Write(p []byte) (int, error) {
	w.log.warn("%s", strings.TrimSpace(string(p)))
	return len(p), nil
}
