package jsrt

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

func TestNew_validate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"no clock", Config{Files: testFiles{}}, ErrNoClock},
		{"no files", Config{Clock: &testClock{}}, ErrNoFiles},
		{"ok", Config{Clock: &testClock{}, Files: testFiles{}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(tt.cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("New: err = %v, want %v", err, tt.want)
			}
			if r != nil {
				_ = r.Close()
			}
		})
	}
}

func TestRealm_timers(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		until float64
		want  string
	}{
		{
			name:  "fire in time order, ties in call order",
			src:   `setTimeout(() => out.push("c30"), 30); setTimeout(() => out.push("a10"), 10); setTimeout(() => out.push("b10"), 10);`,
			until: 100,
			want:  `["a10@10","b10@10","c30@30"]`,
		},
		{
			name:  "extra arguments are passed",
			src:   `setTimeout((a, b) => out.push(a + b), 5, "x", "y");`,
			until: 10,
			want:  `["xy@5"]`,
		},
		{
			name:  "clearTimeout cancels",
			src:   `const id = setTimeout(() => out.push("no"), 5); setTimeout(() => out.push("yes"), 6); clearTimeout(id);`,
			until: 10,
			want:  `["yes@6"]`,
		},
		{
			name:  "negative, NaN and 2**31 fire at once",
			src:   `setTimeout(() => out.push("neg"), -5); setTimeout(() => out.push("nan"), NaN); setTimeout(() => out.push("wrap"), 2 ** 31);`,
			until: 0,
			want:  `["neg@0","nan@0","wrap@0"]`,
		},
		{
			name:  "interval repeats until cleared",
			src:   `let n = 0; const id = setInterval(() => { out.push("i"); if (++n === 3) clearInterval(id); }, 10);`,
			until: 100,
			want:  `["i@10","i@20","i@30"]`,
		},
		{
			name: "zero timers nested deeper than five levels clamp to 4ms",
			src: `let depth = 0;
				const step = () => { out.push("d" + depth); if (++depth < 8) setTimeout(step, 0); };
				setTimeout(step, 0);`,
			until: 100,
			want:  `["d0@0","d1@0","d2@0","d3@0","d4@0","d5@0","d6@4","d7@8"]`,
		},
		{
			name: "promise chains advance across timers",
			src: `const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
				(async () => {
					for (let i = 0; i < 3; i++) { await sleep(100); out.push("step" + i); }
					await null;
					out.push("done");
				})();`,
			until: 1000,
			want:  `["step0@100","step1@200","step2@300","done@300"]`,
		},
		{
			name: "microtasks run before the next timer",
			src: `setTimeout(() => { queueMicrotask(() => out.push("micro")); Promise.resolve().then(() => out.push("then")); out.push("task"); }, 1);
				setTimeout(() => out.push("next"), 1);`,
			until: 5,
			want:  `["task@1","micro@1","then@1","next@1"]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, 1)
			env.eval(t, `globalThis.out = []; const push = out.push.bind(out); out.push = (s) => push(s + "@" + performance.now());`)
			env.eval(t, "{"+tt.src+"}")
			env.clock.run(tt.until)
			if got := env.evalJSON(t, "out"); got != tt.want {
				t.Errorf("out = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRealm_timerErrorsAreReported(t *testing.T) {
	env := newTestEnv(t, 1)
	env.eval(t, `setTimeout(() => { throw new Error("boom"); }, 1);
		setTimeout(() => out2 = "still runs", 2);
		Promise.reject(new TypeError("nobody listens"));
		const handled = Promise.reject(1); handled.catch(() => {});`)
	env.clock.run(10)
	logs := env.logText()
	mustContain(t, "logs", logs, "error: Uncaught Error: boom")
	mustContain(t, "logs", logs, "error: Uncaught (in promise) TypeError: nobody listens")
	if strings.Contains(logs, "(in promise) 1") {
		t.Errorf("handled rejection was reported: %s", logs)
	}
	if got := env.eval(t, "out2").String(); got != "still runs" {
		t.Errorf("out2 = %q", got)
	}
}

func TestRealm_console(t *testing.T) {
	env := newTestEnv(t, 1)
	env.eval(t, `console.log("a", 1, {x: [1, "s"], m: new Map([[1, 2]])}, null, undefined, 2n);
		console.warn("w"); console.error(new RangeError("bad")); const o = {}; o.self = o; console.info(o);`)
	want := []string{
		`log: a 1 {x: [1, "s"], m: Map(1) {1 => 2}} null undefined 2n`,
		`warn: w`,
		`error: RangeError: bad`,
		`log: {self: [Circular]}`,
	}
	if len(env.logs) != len(want) {
		t.Fatalf("logs = %q, want %q", env.logs, want)
	}
	for i := range want {
		if !strings.HasPrefix(env.logs[i], want[i]) {
			t.Errorf("log %d = %q, want prefix %q", i, env.logs[i], want[i])
		}
	}
}

func TestRealm_deterministicClockAndRandom(t *testing.T) {
	run := func(seed uint64) string {
		env := newTestEnv(t, seed)
		env.clock.run(1500)
		return env.evalJSON(t, `[Date.now(), performance.now(), Math.random(), Array.from(crypto.getRandomValues(new Uint8Array(12))), Array.from(crypto.getRandomValues(new BigUint64Array(1)), String)]`)
	}
	a, b, c := run(7), run(7), run(8)
	if a != b {
		t.Errorf("same seed differs:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("different seeds agree: %s", a)
	}
	if want := "[1704067201500,1500,"; !strings.HasPrefix(a, want) {
		t.Errorf("clock = %s, want prefix %s", a, want)
	}
}

func TestRealm_getRandomValuesErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`crypto.getRandomValues(new Float64Array(2))`, "TypeMismatchError"},
		{`crypto.getRandomValues(new DataView(new ArrayBuffer(2)))`, "TypeMismatchError"},
		{`crypto.getRandomValues([1, 2])`, "TypeError"},
		{`crypto.getRandomValues(new Uint8Array(65537))`, "QuotaExceededError"},
	}
	env := newTestEnv(t, 1)
	for _, tt := range tests {
		got := env.eval(t, `(() => { try { `+tt.src+`; return "no error"; } catch (e) { return e.name; } })()`).String()
		if got != tt.want {
			t.Errorf("%s: threw %s, want %s", tt.src, got, tt.want)
		}
	}
	if got := env.eval(t, `crypto.getRandomValues(new Uint8Array(65536)).length`).ToInteger(); got != 65536 {
		t.Errorf("64 KiB fill: length %d", got)
	}
}

func TestRealm_epochConfig(t *testing.T) {
	clock := &testClock{}
	r, err := New(Config{Clock: clock, Files: testFiles{}, Epoch: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	clock.run(250)
	v, err := r.VM().RunString(`new Date().toISOString()`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "2030-01-02T03:04:05.250Z"; got != want {
		t.Errorf("Date = %s, want %s", got, want)
	}
}

func TestRealm_closeCancelsTimers(t *testing.T) {
	env := newTestEnv(t, 1)
	env.eval(t, `setTimeout(() => { globalThis.ran = true; }, 5);`)
	if err := env.r.Close(); err != nil {
		t.Fatal(err)
	}
	if len(env.clock.events) != 0 {
		t.Errorf("%d clock events left after Close", len(env.clock.events))
	}
	if _, err := env.r.LoadModule("home", "a.js"); !errors.Is(err, ErrClosed) {
		t.Errorf("LoadModule after Close: %v", err)
	}
}

func TestRealm_stackOverflowIsAFault(t *testing.T) {
	env := newTestEnv(t, 1)
	_, err := env.r.VM().RunString(`setTimeout(function f() { f(); }, 1);`)
	if err != nil {
		t.Fatal(err)
	}
	env.clock.run(5)
	if env.r.Err() == nil {
		t.Fatalf("Err() = nil after stack overflow; logs: %s", env.logText())
	}
}

// TestRealm_goResolvedPromises is the pattern of the ns layer: a Go native
// returns a promise and a clock callback resolves it from Go. Awaiting
// chains must advance with no other JS running.
func TestRealm_goResolvedPromises(t *testing.T) {
	env := newTestEnv(t, 1)
	vm := env.r.VM()
	sleep := func(c goja.FunctionCall) goja.Value {
		p, resolve, _ := vm.NewPromise()
		ms := c.Argument(0).ToFloat()
		env.clock.After(ms, func() {
			if err := resolve(env.clock.Now()); err != nil {
				t.Error(err)
			}
		})
		return vm.ToValue(p)
	}
	if err := vm.Set("nsSleep", sleep); err != nil {
		t.Fatal(err)
	}
	env.eval(t, `globalThis.seen = [];
		(async () => { for (let i = 0; i < 3; i++) seen.push(await nsSleep(20)); })();
		(async () => { await nsSleep(30); seen.push("other"); })();`)
	env.clock.run(1000)
	if got, want := env.evalJSON(t, "seen"), `[20,"other",40,60]`; got != want {
		t.Errorf("seen = %s, want %s", got, want)
	}
}
