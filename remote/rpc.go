package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// readLimit bounds one answer from the game. The largest this tool asks
// for is the definition file (about 300 KB); getAllFiles, which it never
// sends, can run to many MB.
const readLimit = 64 << 20

// request is a JSON-RPC 2.0 request as the game reads it. Params is
// always sent: the game drops a request whose params are missing without
// answering.
type request struct {
	JSONRPC string `json:"jsonrpc"`
	ID      int64  `json:"id"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// answer is the game's reply: result or error, where error is a bare
// string rather than JSON-RPC's object. ID is absent on the game's
// answer to a request it could not read as one.
type answer struct {
	ID     *int64          `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// gameConn sends requests to one connected game and matches its answers
// to them by id. The game answers in order, but an answer can come after
// its request timed out, and must not be taken for the next one's.
type gameConn struct {
	ws      *websocket.Conn
	timeout time.Duration
	log     *logger

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan answer

	done    chan struct{} // closed when the connection stops reading
	doneErr error         // why, set before done is closed
}

// newGameConn starts reading ws until it closes or ctx ends.
func newGameConn(ctx context.Context, ws *websocket.Conn, timeout time.Duration, log *logger) *gameConn {
	ws.SetReadLimit(readLimit)
	g := &gameConn{ws: ws, timeout: timeout, log: log, pending: map[int64]chan answer{}, done: make(chan struct{})}
	go g.read(ctx)
	return g
}

func (g *gameConn) read(ctx context.Context) {
	defer close(g.done)
	for {
		typ, data, err := g.ws.Read(ctx)
		if err != nil {
			g.doneErr = err
			return
		}
		if typ != websocket.MessageText {
			g.log.warn("the game sent a binary frame; ignored")
			continue
		}
		var a answer
		if err := json.Unmarshal(data, &a); err != nil {
			g.log.warn("the game sent something that is not a JSON-RPC answer; ignored: %.200s", data)
			continue
		}
		if a.ID == nil {
			g.log.warn("the game answered a request it could not read: %.200s", data)
			continue
		}
		g.mu.Lock()
		ch, ok := g.pending[*a.ID]
		delete(g.pending, *a.ID)
		g.mu.Unlock()
		if !ok {
			g.log.warn("an answer to request %d came after it timed out; ignored", *a.ID)
			continue
		}
		ch <- a
	}
}

// call sends method with params and decodes the result into out (nil to
// ignore it). file names the game path concerned, for error messages.
// A "no" from the game is a *GameError; no answer in time is ErrTimeout.
func (g *gameConn) call(ctx context.Context, method, file string, params, out any) error {
	g.mu.Lock()
	g.nextID++
	id := g.nextID
	ch := make(chan answer, 1)
	g.pending[id] = ch
	g.mu.Unlock()
	forget := func() {
		g.mu.Lock()
		delete(g.pending, id)
		g.mu.Unlock()
	}
	what := method
	if file != "" {
		what += " " + file
	}

	msg, err := json.Marshal(request{JSONRPC: "2.0", ID: id, Method: method, Params: params})
	if err != nil {
		forget()
		return fmt.Errorf("%s: %w", what, err)
	}
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	if err := g.ws.Write(ctx, websocket.MessageText, msg); err != nil {
		forget()
		return g.failed(ctx, what, err)
	}
	select {
	case a := <-ch:
		return decodeAnswer(a, method, file, out)
	case <-g.done:
		forget()
		return fmt.Errorf("%s: %w", what, ErrClosed)
	case <-ctx.Done():
		forget()
		return g.failed(ctx, what, ctx.Err())
	}
}

// failed names why a request got no answer: the timeout, the connection,
// or the caller giving up.
func (g *gameConn) failed(ctx context.Context, what string, err error) error {
	switch {
	case errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		return fmt.Errorf("%s: %w (%s)", what, ErrTimeout, g.timeout)
	case g.closed():
		return fmt.Errorf("%s: %w", what, ErrClosed)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (g *gameConn) closed() bool {
	select {
	case <-g.done:
		return true
	default:
		return false
	}
}

func decodeAnswer(a answer, method, file string, out any) error {
	if len(a.Error) > 0 && string(a.Error) != "null" {
		var text string
		if json.Unmarshal(a.Error, &text) != nil {
			text = string(a.Error) // not the game's plain string; show it as sent
		}
		return &GameError{Method: method, File: file, Message: text}
	}
	if len(a.Result) == 0 {
		return &GameError{Method: method, File: file, Message: "(an answer with neither result nor error)"}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(a.Result, out); err != nil {
		return &GameError{Method: method, File: file, Message: fmt.Sprintf("(a result this tool cannot read: %v)", err)}
	}
	return nil
}
