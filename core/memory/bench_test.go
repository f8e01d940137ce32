package memory

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"ramfarm/core/ram"
)

// benchWorld: 100 workers (home, 25 purchased, 74 network servers) and
// 500 growable allocations of mixed chunk sizes wanting about twice the
// RAM there is, so every tick runs growth over the unmet half.
func benchWorld(b *testing.B) (*Engine, []WorkerState) {
	rng := rand.New(rand.NewPCG(1, 2))
	e, err := New(Config{HomeReserve: 32 * ram.GB})
	if err != nil {
		b.Fatal(err)
	}
	ws := []WorkerState{{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 1024 * ram.GB, Cores: 8}}
	for i := range 25 {
		ws = append(ws, WorkerState{Host: "pserv-" + strconv.Itoa(i), Kind: HostPurchased, Rooted: true, MaxRAM: 256 * ram.GB, Cores: 1})
	}
	for i := range 74 {
		ws = append(ws, WorkerState{Host: "srv-" + strconv.Itoa(i), Rooted: true, MaxRAM: ram.GB << (4 + rng.IntN(4)), Cores: 1 + rng.IntN(4)})
	}
	if err := e.Step(Tick{Workers: ws}); err != nil {
		b.Fatal(err)
	}
	sizes := []ram.Amount{160, 175, 2 * ram.GB, 4 * ram.GB, 8 * ram.GB, 16 * ram.GB}
	for i := range 500 {
		opt := rng.IntN(8)
		ev := Request{Rid: int64(i + 1), Pid: Pid(1000 + i), Reply: Port(1000 + i), Script: "task", ChunkSize: sizes[rng.IntN(len(sizes))],
			Count: 2 + rng.IntN(14), Priority: rng.IntN(4),
			Options: Options{Growable: true, Contiguous: opt&1 != 0, CoreDependent: opt&2 != 0, LongRunning: opt&4 != 0}}
		if err := e.Step(ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Step(Tick{}); err != nil {
		b.Fatal(err)
	}
	benchAck(b, e)
	return e, ws
}

func benchAck(b *testing.B, e *Engine) {
	rd := e.Ready()
	e.Advance()
	for _, s := range rd.Sends {
		if err := e.Step(Delivered{Send: s.ID, OK: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEngine_Tick(b *testing.B) {
	b.Run("steady", func(b *testing.B) {
		e, ws := benchWorld(b)
		unmet := 0
		for _, a := range e.order {
			if a.countSize(a.size) < a.desired {
				unmet++
			}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := e.Step(Tick{Now: int64(i), Workers: ws}); err != nil {
				b.Fatal(err)
			}
			_ = e.Ready()
			e.Advance()
		}
		b.ReportMetric(float64(unmet), "unmet-allocs")
	})
	// Foreign use comes and goes on ten hosts: every tick revokes chunks
	// there and grows others into what comes back.
	b.Run("churn", func(b *testing.B) {
		e, ws := benchWorld(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for j := 1; j <= 10; j++ {
				w := &ws[j*9]
				w.UsedRAM = 0
				if (i+j)%2 == 0 {
					w.UsedRAM = w.MaxRAM / 3
				}
			}
			if err := e.Step(Tick{Now: int64(i), Workers: ws}); err != nil {
				b.Fatal(err)
			}
			rd := e.Ready()
			e.Advance()
			b.StopTimer()
			for _, s := range rd.Sends {
				if err := e.Step(Delivered{Send: s.ID, OK: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
		}
	})
}

// BenchmarkEngine_Step: per iteration one Request from a running task,
// one Claim and one Unclaim, Ready and Advance, and the two Done
// acknowledged; every 100th iteration a tick (included) refuses the 100
// queued requests.
func BenchmarkEngine_Step(b *testing.B) {
	e, ws := benchWorld(b)
	var a *alloc
	for _, x := range e.order {
		if len(x.held) > 0 {
			a = x
			break
		}
	}
	host := a.held[0].Host
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		worker := Pid(100000 + i)
		for _, ev := range []Event{
			Request{Rid: int64(i), Pid: Pid(1000 + i%500), Reply: Port(1000 + i%500), ChunkSize: 64 * ram.GB, Count: 1000},
			Claim{Rid: int64(i), Pid: a.owner, Reply: a.reply, Alloc: a.id, Host: host, Worker: worker, RAM: 5},
			Unclaim{Rid: int64(i), Pid: a.owner, Reply: a.reply, Alloc: a.id, Worker: worker},
		} {
			if err := e.Step(ev); err != nil {
				b.Fatal(err)
			}
		}
		rd := e.Ready()
		e.Advance()
		for _, s := range rd.Sends {
			if _, ok := s.Msg.(Done); !ok {
				b.Fatalf("%s", DescribeSend(s))
			}
			if err := e.Step(Delivered{Send: s.ID, OK: true}); err != nil {
				b.Fatal(err)
			}
		}
		if i%100 == 99 {
			if err := e.Step(Tick{Now: int64(i), Workers: ws}); err != nil {
				b.Fatal(err)
			}
			benchAck(b, e)
		}
	}
}
