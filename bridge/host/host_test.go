package host

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"ramfarm/bridge"
	"ramfarm/internal/coretest"
)

func open(tb testing.TB) (*Runtime, *Instance) {
	tb.Helper()
	ctx := context.Background()
	rt, err := New(ctx, coretest.Wasm(tb), Options{Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rt.Close(ctx) })
	in, err := rt.Open(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return rt, in
}

type commands struct {
	Clear   []int64  `json:"clear"`
	Send    []send   `json:"send"`
	Log     []string `json:"log"`
	Watch   []int64  `json:"watch"`
	Observe []string `json:"observe"`
	Errors  []string `json:"errors"`
}

// send is one [id, port, msg] of the Ready's "send".
type send struct {
	ID   int64
	Port int64
	Msg  map[string]any
}

func (s *send) UnmarshalJSON(b []byte) error {
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	if len(parts) != 3 {
		return errors.New("want [id, port, msg], got " + string(b))
	}
	return errors.Join(json.Unmarshal(parts[0], &s.ID), json.Unmarshal(parts[1], &s.Port), json.Unmarshal(parts[2], &s.Msg))
}

func ready(t *testing.T, e *Engine) commands {
	t.Helper()
	ctx := context.Background()
	b, err := e.Ready(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var c commands
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("ready is not JSON: %v\n%s", err, b)
	}
	if err := e.Advance(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEngine_memd drives the memory daemon role through the real module,
// the way memd.js does: a growable request on a small network grows when
// servers gain root, and a dead owner's RAM and port come back.
func TestEngine_memd(t *testing.T) {
	ctx := context.Background()
	_, in := open(t)
	e, err := in.Engine(ctx, bridge.RoleMemd, []byte(`{"homeReserve":32}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := ready(t, e); strings.Join(c.Observe, ",") != "home" {
		t.Fatalf("observe = %v, want [home]", c.Observe)
	}
	step := func(ev string) commands {
		t.Helper()
		if err := e.Step(ctx, []byte(ev)); err != nil {
			t.Fatal(err)
		}
		return ready(t, e)
	}
	step(`[{"k":"msg","body":{"t":"worker","host":"a"}},{"k":"msg","body":{"t":"worker","host":"b","cores":4}}]`)
	tick := func(rootB bool, dead string) string {
		return `{"k":"tick","now":0,"dead":[` + dead + `],"workers":[` +
			`["home",true,32,4],` +
			`["a",true,8,0],` +
			`["b",` + strconv.FormatBool(rootB) + `,32,0]]}`
	}
	c := step(`[{"k":"msg","body":{"t":"port","rid":1,"pid":9,"reply":1099511627785}},
		{"k":"msg","body":{"t":"alloc","rid":2,"pid":9,"reply":101,"chunk":4,"count":10,"growable":true}},` + tick(false, "") + `]`)
	var granted map[string]any
	for _, s := range c.Send {
		if s.Msg["t"] == "granted" {
			granted = s.Msg
		}
		step(`[{"k":"sent","id":` + strconv.FormatInt(s.ID, 10) + `,"ok":true}]`)
	}
	if granted == nil || len(granted["held"].([]any)) != 1 {
		t.Fatalf("no grant of 2 chunks on a: %+v", c)
	}
	c = step(`[` + tick(true, "") + `]`)
	if len(c.Send) != 1 || c.Send[0].Msg["seq"].(float64) < 2 {
		t.Fatalf("growth did not reach the client: %+v", c)
	}
	held := c.Send[0].Msg["held"].([]any)
	total := 0.0
	for _, h := range held {
		run := h.([]any)
		total += run[2].(float64)
		// b's cores travel with its chunks, for the task's grow and
		// weaken; a has one, and its runs stay [host, GB, count].
		if want := map[string]int{"a": 3, "b": 4}[run[0].(string)]; len(run) != want || (want == 4 && run[3].(float64) != 4) {
			t.Errorf("run %v; want %d elements, b's cores (4) last", run, want)
		}
	}
	if total != 10 {
		t.Fatalf("after growth held %v chunks, want 10: %v", total, held)
	}
	step(`[{"k":"sent","id":` + strconv.FormatInt(c.Send[0].ID, 10) + `,"ok":true}]`)
	c = step(`[` + tick(true, "9") + `,{"k":"msg","body":{"t":"status","rid":3,"pid":77,"reply":500}}]`)
	var report map[string]any
	for _, s := range c.Send {
		if s.Msg["t"] == "report" {
			report = s.Msg
		}
	}
	if report == nil {
		t.Fatalf("no report: %+v", c)
	}
	if len(report["allocs"].([]any)) != 0 {
		t.Fatalf("a dead owner's allocation survived a tick: %+v", report)
	}
	for _, w := range report["workers"].([]any) {
		if a := w.(map[string]any)["allocated"].(float64); a != 0 {
			t.Errorf("worker %v still has %v GB allocated", w, a)
		}
	}
	if len(c.Watch) != 0 {
		t.Errorf("watch after the owner died = %v, want empty", c.Watch)
	}
}

func TestInstance_trap(t *testing.T) {
	ctx := context.Background()
	// With memory capped at 64 MiB, asking for a 1 GiB buffer makes the Go
	// runtime abort: a real trap, the way a panic in an engine would end.
	rt, err := New(ctx, coretest.Wasm(t), Options{Seed: 1, MemoryLimitPages: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	in, err := rt.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.call(ctx, bridge.ExportBuf, 1<<30); !errors.Is(err, ErrTrapped) {
		t.Fatalf("huge buffer: err = %v, want a trap", err)
	}
	if _, err := in.Engine(ctx, bridge.RoleMemd, nil); !errors.Is(err, ErrTrapped) {
		t.Fatalf("dead instance still answers: %v", err)
	}
	if !strings.Contains(string(in.Stderr), "out of memory") {
		t.Errorf("stderr does not tell why: %q", in.Stderr)
	}
	fresh, err := rt.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Engine(ctx, bridge.RoleMemd, nil); err != nil {
		t.Fatalf("fresh instance after a trap: %v", err)
	}
}

func TestInstance_Engine_errors(t *testing.T) {
	ctx := context.Background()
	_, in := open(t)
	if _, err := in.Engine(ctx, "nope", nil); err == nil || !strings.Contains(err.Error(), "unknown role") {
		t.Errorf("unknown role: %v", err)
	}
	if _, err := in.Engine(ctx, bridge.RoleMemd, []byte(`{"homeReserve":-1}`)); err == nil {
		t.Error("negative reserve accepted")
	}
	e, _ := in.Engine(ctx, bridge.RoleMemd, nil)
	if err := e.Step(ctx, []byte(`{"not":"an array"}`)); err == nil {
		t.Error("malformed batch accepted")
	}
}
