package prep

import (
	"strconv"
	"strings"

	"ramfarm/core/internal/describe"
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

// DescribeEvent is an event's stable one-line text.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case nil:
		return "<nil>"
	case Observe:
		return describe.New("Observe").I("now", ev.Now).Fixed("money", ev.Money, -1).Fixed("security", ev.Security, -1).String()
	case Held:
		cs := make([]string, len(ev.Chunks))
		for i, c := range ev.Chunks {
			cs[i] = c.Host + ":" + strconv.Itoa(c.Count) + "x" + c.Size.String()
		}
		return describe.New("Held").I("seq", ev.Seq).N("desired", ev.Desired).S("chunks", "["+strings.Join(cs, " ")+"]").String()
	case Refused:
		return describe.New("Refused").Q("reason", ev.Reason).String()
	case Started:
		return describe.New("Started").I("cmd", ev.Cmd).I("pid", int64(ev.Pid)).String()
	case Exited:
		return describe.New("Exited").I("pid", int64(ev.Pid)).String()
	case SetPriority:
		return describe.New("SetPriority").N("prio", ev.Priority).String()
	case SetCap:
		return describe.New("SetCap").R("ram", ev.RAM).String()
	case Stop:
		return "Stop"
	case Leave:
		return describe.New("Leave").S("host", ev.Host).String()
	}
	return "<unknown event>"
}

// DescribeCommand is a command's stable one-line text.
func DescribeCommand(c Command) string {
	switch c := c.(type) {
	case Alloc:
		return describe.New("Alloc").I("id", c.ID).R("size", c.Size).N("count", c.Count).N("prio", c.Priority).
			T("growable", c.Growable).T("shrinkable", c.Shrinkable).String()
	case Resize:
		return describe.New("Resize").I("id", c.ID).N("count", c.Count).N("prio", c.Priority).String()
	case Release:
		l := describe.New("Release").I("id", c.ID)
		if c.Host == "" {
			return l.Flag("all", true).String()
		}
		return l.S("host", c.Host).R("size", c.Size).N("count", c.Count).String()
	case Unclaim:
		return describe.New("Unclaim").I("id", c.ID).I("pid", int64(c.Pid)).String()
	case Start:
		return describe.New("Start").I("id", c.ID).S("op", c.Op.String()).S("host", c.Host).N("threads", c.Threads).
			R("ram", c.RAM).String()
	case Kill:
		return describe.New("Kill").I("id", c.ID).I("pid", int64(c.Pid)).String()
	case Heartbeat:
		return describe.New("Heartbeat").I("id", c.ID).R("held", c.Held).R("want", c.Want).R("cap", c.Cap).N("prio", c.Priority).
			T("stopping", c.Stopping).String()
	case Finished:
		return describe.New("Finished").I("id", c.ID).T("done", c.Done).String()
	case nil:
		return "<nil>"
	}
	return "<unknown command>"
}
