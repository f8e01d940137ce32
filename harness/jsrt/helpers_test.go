package jsrt

import (
	"sort"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

// testClock is a minimal discrete-event loop with vclock's contract:
// callbacks fire in time order, then in scheduling order.
type testClock struct {
	now       float64
	seq       int64
	events    []*testEvent
	afterEach func()
}

type testEvent struct {
	at float64
	id int64
	fn func()
}

func (c *testClock) Now() float64 { return c.now }

func (c *testClock) After(delayMs float64, fn func()) int64 {
	if delayMs < 0 {
		delayMs = 0
	}
	c.seq++
	e := &testEvent{at: c.now + delayMs, id: c.seq, fn: fn}
	i := sort.Search(len(c.events), func(i int) bool {
		x := c.events[i]
		return x.at > e.at || x.at == e.at && x.id > e.id
	})
	c.events = append(c.events, nil)
	copy(c.events[i+1:], c.events[i:])
	c.events[i] = e
	return e.id
}

func (c *testClock) Cancel(id int64) bool {
	for i, e := range c.events {
		if e.id == id {
			c.events = append(c.events[:i], c.events[i+1:]...)
			return true
		}
	}
	return false
}

// run fires events up to and including time until.
func (c *testClock) run(until float64) {
	for len(c.events) > 0 && c.events[0].at <= until {
		e := c.events[0]
		c.events = c.events[1:]
		c.now = e.at
		e.fn()
		if c.afterEach != nil {
			c.afterEach()
		}
	}
	if until > c.now {
		c.now = until
	}
}

// testFiles is a map of host -> path -> text.
type testFiles map[string]map[string]string

func (f testFiles) Read(host, path string) (string, bool) {
	t, ok := f[host][path]
	return t, ok
}

func (f testFiles) put(host, path, text string) {
	if f[host] == nil {
		f[host] = map[string]string{}
	}
	f[host][path] = text
}

type testEnv struct {
	r     *Realm
	clock *testClock
	files testFiles
	logs  []string
}

func newTestEnv(t *testing.T, seed uint64) *testEnv {
	t.Helper()
	env := &testEnv{clock: &testClock{}, files: testFiles{}}
	r, err := New(Config{
		Clock: env.clock,
		Files: env.files,
		Seed:  seed,
		Console: func(level Level, text string) {
			env.logs = append(env.logs, level.String()+": "+text)
		},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env.r = r
	env.clock.afterEach = r.Settle
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return env
}

// eval runs a classic script at the top of the stack, like a clock task.
func (env *testEnv) eval(t *testing.T, src string) goja.Value {
	t.Helper()
	v, err := env.r.VM().RunString(src)
	if err != nil {
		t.Fatalf("eval %q: %v", src, err)
	}
	env.r.Settle()
	return v
}

// evalString runs src and renders the result with JSON.stringify.
func (env *testEnv) evalJSON(t *testing.T, src string) string {
	t.Helper()
	return env.eval(t, "JSON.stringify("+src+")").String()
}

func (env *testEnv) logText() string { return strings.Join(env.logs, "\n") }

func mustContain(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}
