package harvest

import (
	"strconv"
	"strings"

	"ramfarm/core/ram"
)

// String is the op's stable name: H, W1, G, W2.
func (o Op) String() string {
	switch o {
	case OpHack:
		return "H"
	case OpWeaken1:
		return "W1"
	case OpGrow:
		return "G"
	case OpWeaken2:
		return "W2"
	}
	return "op" + strconv.Itoa(int(o))
}

// String is the action's stable name, which is also the worker's.
func (a Action) String() string {
	switch a {
	case ActionHack:
		return "hack"
	case ActionGrow:
		return "grow"
	case ActionWeaken:
		return "weaken"
	}
	return "action" + strconv.Itoa(int(a))
}

// String is the mode's stable name.
func (m Mode) String() string {
	switch m {
	case ModeFilling:
		return "filling"
	case ModeReshaping:
		return "reshaping"
	case ModeRebalancing:
		return "rebalancing"
	case ModeDraining:
		return "draining"
	case ModeDone:
		return "done"
	}
	return "mode" + strconv.Itoa(int(m))
}

// String is the reason's stable name.
func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return "none"
	case ReasonDrift:
		return "drift"
	case ReasonExecFailed:
		return "exec-failed"
	case ReasonShutdown:
		return "shutdown"
	}
	return "reason" + strconv.Itoa(int(r))
}

// line builds one "Name key=value ..." description.
type line struct{ b strings.Builder }

func newLine(name string) *line {
	l := &line{}
	l.b.WriteString(name)
	return l
}

func (l *line) s(k, v string) *line {
	l.b.WriteString(" " + k + "=" + v)
	return l
}
func (l *line) i(k string, v int64) *line      { return l.s(k, strconv.FormatInt(v, 10)) }
func (l *line) n(k string, v int) *line        { return l.s(k, strconv.Itoa(v)) }
func (l *line) f(k string, v float64) *line    { return l.s(k, strconv.FormatFloat(v, 'f', -1, 64)) }
func (l *line) r(k string, v ram.Amount) *line { return l.s(k, v.String()) }
func (l *line) String() string                 { return l.b.String() }

// ms prints a duration in ms to the microsecond, enough to read and
// stable across platforms.
func (l *line) ms(k string, v float64) *line {
	return l.s(k, strconv.FormatFloat(v, 'f', 3, 64))
}

// DescribeEvent is an event's stable one-line text.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case nil:
		return "<nil>"
	case Tick:
		l := newLine("Tick").i("now", ev.Now).f("money", ev.Money).f("security", ev.Security)
		if ev.Hacking != 0 {
			l.f("hacking", ev.Hacking)
		}
		return l.String()
	case Held:
		cs := make([]string, len(ev.Chunks))
		for i, c := range ev.Chunks {
			cs[i] = c.Host + ":" + strconv.Itoa(c.Count) + "x" + c.Size.String() + ":" + strconv.Itoa(c.Cores) + "c"
		}
		return newLine("Held").i("answered", ev.Answered).s("chunks", "["+strings.Join(cs, " ")+"]").String()
	case Budget:
		return newLine("Budget").r("ram", ev.RAM).r("max-chunk", ev.MaxChunk).String()
	case Started:
		return newLine("Started").i("cmd", ev.Cmd).i("pid", int64(ev.Pid)).String()
	case Exited:
		return newLine("Exited").i("pid", int64(ev.Pid)).String()
	case Shutdown:
		return "Shutdown"
	case Leave:
		return newLine("Leave").s("host", ev.Host).String()
	}
	if ev, err := deref(ev); err == nil {
		return DescribeEvent(ev)
	}
	return "<unknown event>"
}

// DescribeCommand is a command's stable one-line text.
func DescribeCommand(c Command) string {
	switch c := c.(type) {
	case StartOp:
		return newLine("StartOp").i("id", c.ID).i("batch", c.Batch).s("op", c.Op.String()).s("action", c.Op.Action().String()).
			s("host", c.Host).n("threads", c.Threads).r("ram", c.RAM).ms("delay", c.Delay).ms("duration", c.Duration).
			ms("land", c.Land).String()
	case Resize:
		return newLine("Resize").i("id", c.ID).r("size", c.ChunkSize).n("count", c.Count).String()
	case Release:
		l := newLine("Release").i("id", c.ID)
		if c.Host == "" {
			l.b.WriteString(" all")
			return l.String()
		}
		return l.s("host", c.Host).r("size", c.Size).n("count", c.Count).String()
	case Heartbeat:
		return newLine("Heartbeat").i("id", c.ID).s("mode", c.Mode.String()).n("in-flight", c.InFlight).n("depth", c.Depth).
			r("chunk", c.ChunkSize).n("per-batch", c.PerBatch).r("held", c.Held).s("fraction", strconv.FormatFloat(c.Fraction, 'g', 6, 64)).
			s("money/s", strconv.FormatFloat(c.MoneyPerSec, 'f', 0, 64)).i("landed", c.Landed).String()
	case Rebalance:
		return newLine("Rebalance").i("id", c.ID).s("reason", c.Reason.String()).f("money", c.Money).f("security", c.Security).
			n("weaken", c.Weaken).n("grow", c.Grow).String()
	case Done:
		return newLine("Done").i("id", c.ID).s("reason", c.Reason.String()).String()
	case nil:
		return "<nil>"
	}
	return "<unknown command>"
}
