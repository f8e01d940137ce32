package host

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"ramfarm/bridge"
	"ramfarm/internal/coretest"
)

// The allocator's step cost at the size the issue names: 100 workers and
// 500 allocations, half of them still growing. The same JSON batches go
// through the module (wazero) and through the bridge natively, so the
// ratio is the boundary's cost.
const (
	benchWorkers = 100
	benchAllocs  = 500
)

func benchSetup() (setup []string, tick string) {
	var reg, workers []string
	for i := 0; i < benchWorkers; i++ {
		h := "w" + strconv.Itoa(i)
		reg = append(reg, `{"k":"msg","body":{"t":"worker","host":"`+h+`"}}`)
		// 64 GB hosts, 6.4 TB in all: not enough for every allocation's
		// desire, so growth has work on every tick.
		workers = append(workers, `["`+h+`",true,64,0]`)
	}
	tick = `{"k":"tick","now":0,"dead":[],"workers":[` + strings.Join(workers, ",") + `]}`
	var reqs []string
	for i := 0; i < benchAllocs; i++ {
		chunk := []string{"2", "4", "8", "16"}[i%4]
		reqs = append(reqs, `{"k":"msg","body":{"t":"alloc","rid":`+strconv.Itoa(i+1)+`,"pid":`+strconv.Itoa(1000+i)+
			`,"reply":`+strconv.Itoa(200+i)+`,"chunk":`+chunk+`,"count":`+strconv.Itoa(2+i%8)+`,"prio":`+strconv.Itoa(i%5)+`,"growable":true}}`)
	}
	return []string{"[" + strings.Join(reg, ",") + "]", "[" + strings.Join(reqs, ",") + "," + tick + "]"}, "[" + tick + "]"
}

type service interface {
	step([]byte) error
	ready() ([]byte, error)
	advance() error
}

type native struct{ s bridge.Service }

func (n native) step(b []byte) error    { return n.s.Step(b) }
func (n native) ready() ([]byte, error) { return n.s.Ready(), nil }
func (n native) advance() error         { n.s.Advance(); return nil }

type viaWasm struct{ e *Engine }

func (w viaWasm) step(b []byte) error    { return w.e.Step(context.Background(), b) }
func (w viaWasm) ready() ([]byte, error) { return w.e.Ready(context.Background()) }
func (w viaWasm) advance() error         { return w.e.Advance(context.Background()) }

func runTickBench(b *testing.B, s service) {
	setup, tick := benchSetup()
	for _, batch := range setup {
		if err := s.step([]byte(batch)); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ready(); err != nil {
			b.Fatal(err)
		}
		s.advance()
	}
	tb := []byte(tick)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.step(tb); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ready(); err != nil {
			b.Fatal(err)
		}
		if err := s.advance(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemdTick_native(b *testing.B) {
	m, err := bridge.NewMemd(nil)
	if err != nil {
		b.Fatal(err)
	}
	runTickBench(b, native{m})
}

func BenchmarkMemdTick_wasm(b *testing.B) {
	ctx := context.Background()
	wasm := coretest.Wasm(b)
	rt, err := New(ctx, wasm, Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close(ctx)
	in, err := rt.Open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	e, err := in.Engine(ctx, bridge.RoleMemd, nil)
	if err != nil {
		b.Fatal(err)
	}
	runTickBench(b, viaWasm{e})
	b.ReportMetric(float64(len(wasm)), "module-bytes")
}

// memdTrace is a recording of jsglue/bench/memd-step.mjs (its --record):
// the config and every batch the real memd.js stepped, the setup's then
// the measured steps', so the Go benchmarks below step exactly what V8
// stepped. make bench records it; without RAMFARM_MEMD_TRACE they skip.
type memdTrace struct {
	config       []byte
	setup, steps [][]byte
}

func loadMemdTrace(b *testing.B) memdTrace {
	path := os.Getenv("RAMFARM_MEMD_TRACE")
	if path == "" {
		b.Skip("RAMFARM_MEMD_TRACE is not set (make bench records it)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var t memdTrace
	for _, line := range bytes.Split(data, []byte("\n")) {
		kind, rest, _ := bytes.Cut(line, []byte(" "))
		switch string(kind) {
		case "config":
			t.config = rest
		case "setup":
			t.setup = append(t.setup, rest)
		case "step":
			t.steps = append(t.steps, rest)
		case "":
		default:
			b.Fatalf("%s: unknown line kind %q", path, kind)
		}
	}
	if t.config == nil || len(t.steps) == 0 {
		b.Fatalf("%s: no config or no steps", path)
	}
	return t
}

// runStep is one pass of memd's loop as the module sees it.
func runStep(b *testing.B, s service, batch []byte) {
	if err := s.step(batch); err != nil {
		b.Fatal(err)
	}
	rd, err := s.ready()
	if err != nil {
		b.Fatal(err)
	}
	if bytes.Contains(rd, []byte(`"errors":[`)) {
		b.Fatalf("the replay went astray: %s", rd)
	}
	if err := s.advance(); err != nil {
		b.Fatal(err)
	}
}

// runMemdStepBench replays the trace's steps, b.N of them: a fresh
// service (open) is set up again, off the clock, whenever they run out.
func runMemdStepBench(b *testing.B, open func(config []byte) service) {
	t := loadMemdTrace(b)
	var s service
	next := len(t.steps)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if next == len(t.steps) {
			b.StopTimer()
			s = open(t.config)
			for _, batch := range t.setup {
				runStep(b, s, batch)
			}
			next = 0
			b.StartTimer()
		}
		runStep(b, s, t.steps[next])
		next++
	}
}

func BenchmarkMemdStep_native(b *testing.B) {
	runMemdStepBench(b, func(config []byte) service {
		m, err := bridge.NewMemd(config)
		if err != nil {
			b.Fatal(err)
		}
		return native{m}
	})
}

func BenchmarkMemdStep_wasm(b *testing.B) {
	ctx := context.Background()
	rt, err := New(ctx, coretest.Wasm(b), Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close(ctx)
	runMemdStepBench(b, func(config []byte) service {
		in, err := rt.Open(ctx)
		if err != nil {
			b.Fatal(err)
		}
		e, err := in.Engine(ctx, bridge.RoleMemd, config)
		if err != nil {
			b.Fatal(err)
		}
		return viaWasm{e}
	})
}
