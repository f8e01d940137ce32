package prep

import (
	"strconv"
	"strings"

	"ramfarm/core/ram"
)

// String is the kind's stable name, as the selector protocol spells it.
func (k Kind) String() string {
	switch k {
	case KindTill:
		return "till"
	case KindSow:
		return "sow"
	}
	return "kind" + strconv.Itoa(int(k))
}

// String is the op's stable name, which is also its worker's.
func (o Op) String() string {
	switch o {
	case OpWeaken:
		return "weaken"
	case OpGrow:
		return "grow"
	}
	return "op" + strconv.Itoa(int(o))
}

// String is the mode's stable name.
func (m Mode) String() string {
	switch m {
	case ModeIdle:
		return "idle"
	case ModeAsking:
		return "asking"
	case ModeWorking:
		return "working"
	case ModeStopping:
		return "stopping"
	case ModeDone:
		return "done"
	}
	return "mode" + strconv.Itoa(int(m))
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
func (l *line) t(k string, v bool) *line       { return l.s(k, strconv.FormatBool(v)) }
func (l *line) String() string                 { return l.b.String() }

// DescribeEvent is an event's stable one-line text.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case nil:
		return "<nil>"
	case Observe:
		return newLine("Observe").i("now", ev.Now).f("money", ev.Money).f("security", ev.Security).String()
	case Held:
		cs := make([]string, len(ev.Chunks))
		for i, c := range ev.Chunks {
			cs[i] = c.Host + ":" + strconv.Itoa(c.Count) + "x" + c.Size.String()
		}
		return newLine("Held").i("seq", ev.Seq).n("desired", ev.Desired).s("chunks", "["+strings.Join(cs, " ")+"]").String()
	case Refused:
		return newLine("Refused").s("reason", strconv.Quote(ev.Reason)).String()
	case Started:
		return newLine("Started").i("cmd", ev.Cmd).i("pid", int64(ev.Pid)).String()
	case Exited:
		return newLine("Exited").i("pid", int64(ev.Pid)).String()
	case SetPriority:
		return newLine("SetPriority").n("prio", ev.Priority).String()
	case SetCap:
		return newLine("SetCap").r("ram", ev.RAM).String()
	case Stop:
		return "Stop"
	case Leave:
		return newLine("Leave").s("host", ev.Host).String()
	}
	return "<unknown event>"
}

// DescribeCommand is a command's stable one-line text.
func DescribeCommand(c Command) string {
	switch c := c.(type) {
	case Alloc:
		return newLine("Alloc").i("id", c.ID).r("size", c.Size).n("count", c.Count).n("prio", c.Priority).
			t("growable", c.Growable).t("shrinkable", c.Shrinkable).String()
	case Resize:
		return newLine("Resize").i("id", c.ID).n("count", c.Count).n("prio", c.Priority).String()
	case Release:
		l := newLine("Release").i("id", c.ID)
		if c.Host == "" {
			l.b.WriteString(" all")
			return l.String()
		}
		return l.s("host", c.Host).r("size", c.Size).n("count", c.Count).String()
	case Unclaim:
		return newLine("Unclaim").i("id", c.ID).i("pid", int64(c.Pid)).String()
	case Start:
		return newLine("Start").i("id", c.ID).s("op", c.Op.String()).s("host", c.Host).n("threads", c.Threads).r("ram", c.RAM).String()
	case Kill:
		return newLine("Kill").i("id", c.ID).i("pid", int64(c.Pid)).String()
	case Heartbeat:
		return newLine("Heartbeat").i("id", c.ID).r("held", c.Held).r("want", c.Want).r("cap", c.Cap).n("prio", c.Priority).
			t("stopping", c.Stopping).String()
	case Finished:
		return newLine("Finished").i("id", c.ID).t("done", c.Done).String()
	case nil:
		return "<nil>"
	}
	return "<unknown command>"
}
