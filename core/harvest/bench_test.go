package harvest

import (
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/core/hwgw"
	"ramfarm/core/task"
	"ramfarm/internal/testservers"
)

// BenchmarkEngine_Tick is one shell loop at full overlap: a batch lands
// (four exits), its chunks start the next one.
func BenchmarkEngine_Tick(b *testing.B) {
	e, err := New(Config{Model: model(b, "n00dles", 50)})
	if err != nil {
		b.Fatal(err)
	}
	depth := e.Planner().Depth()
	step := func(ev task.Event) {
		if err := e.Step(ev); err != nil {
			b.Fatal(err)
		}
	}
	step(task.Held{Seq: 1, Answered: 1, Chunks: []task.Chunk{{Host: "big", Size: e.size, Count: e.shape.desired(), Cores: 1}}})
	type worker struct {
		pid  task.Pid
		land float64
	}
	var queue []worker
	pid := task.Pid(1)
	now := int64(0)
	perform := func() {
		rd := e.Ready()
		e.Advance()
		for _, c := range rd.Commands {
			if s, ok := c.(task.Start); ok {
				step(task.Started{Cmd: s.ID, Pid: pid})
				queue = append(queue, worker{pid, s.Land})
				pid++
			}
		}
	}
	tick := func() {
		step(task.Tick{Now: now, Money: 1750000, Security: 1})
		perform()
	}
	for len(e.flight) < depth {
		tick()
		now = max(now+1, e.Ready().Wake)
	}
	b.ResetTimer()
	for b.Loop() {
		for len(queue) > 0 && queue[0].land <= float64(now) {
			step(task.Landed{Pid: queue[0].pid})
			step(task.Exited{Pid: queue[0].pid})
			queue = queue[1:]
		}
		tick()
		now = max(now+1, e.Ready().Wake)
	}
	b.ReportMetric(float64(e.landed)/float64(b.N), "landings/op")
}

// model is the planner's model of target, as servers.json has it, for a
// player at level in BitNode 1.
func model(tb testing.TB, target string, level float64) hwgw.Model {
	return hwgw.Model{Target: testservers.Server(tb, target), Player: formulas.NewPlayer(level), BitNode: formulas.BN1()}
}
