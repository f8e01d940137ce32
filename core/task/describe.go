package task

import (
	"strconv"
	"strings"

	"ramfarm/core/internal/describe"
)

// msPrec is the precision of a duration in ms: to the microsecond, enough
// to read and stable across platforms.
const msPrec = 3

// DescribeEvent is an event's stable one-line text.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case nil:
		return "<nil>"
	case Tick:
		l := describe.New("Tick").I("now", ev.Now).Fixed("money", ev.Money, -1).Fixed("security", ev.Security, -1)
		if ev.Hacking != 0 {
			l.Fixed("hacking", ev.Hacking, -1)
		}
		return l.String()
	case Held:
		cs := make([]string, len(ev.Chunks))
		for i, c := range ev.Chunks {
			cs[i] = c.Host + ":" + strconv.Itoa(c.Count) + "x" + c.Size.String()
			if c.Cores > 0 {
				cs[i] += ":" + strconv.Itoa(c.Cores) + "c"
			}
		}
		return describe.New("Held").I("seq", ev.Seq).I("answered", ev.Answered).N("desired", ev.Desired).
			S("chunks", "["+strings.Join(cs, " ")+"]").String()
	case Refused:
		return describe.New("Refused").Q("reason", ev.Reason).String()
	case Started:
		return describe.New("Started").I("cmd", ev.Cmd).I("pid", int64(ev.Pid)).String()
	case Exited:
		return describe.New("Exited").I("pid", int64(ev.Pid)).String()
	case Landed:
		l := describe.New("Landed").I("pid", int64(ev.Pid))
		if ev.Result != 0 {
			l.Fixed("result", ev.Result, -1)
		}
		return l.String()
	case SetPriority:
		return describe.New("SetPriority").N("prio", ev.Priority).String()
	case SetCap:
		return describe.New("SetCap").R("ram", ev.RAM).String()
	case Stop:
		return "Stop"
	case Leave:
		return describe.New("Leave").S("host", ev.Host).String()
	}
	if ev, err := deref(ev); err == nil {
		return DescribeEvent(ev)
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
		return describe.New("Resize").I("id", c.ID).R("size", c.Size).N("count", c.Count).N("prio", c.Priority).String()
	case Release:
		l := describe.New("Release").I("id", c.ID)
		if c.Host == "" {
			return l.Flag("all", true).String()
		}
		return l.S("host", c.Host).R("size", c.Size).N("count", c.Count).String()
	case Start:
		l := describe.New("Start").I("id", c.ID).S("action", c.Action.String()).S("host", c.Host).N("threads", c.Threads).R("ram", c.RAM)
		if c.Batch != 0 {
			l.I("batch", c.Batch).S("op", c.Op.String()).Fixed("delay", c.Delay, msPrec).Fixed("duration", c.Duration, msPrec).
				Fixed("land", c.Land, msPrec)
		}
		return l.String()
	case Unclaim:
		return describe.New("Unclaim").I("id", c.ID).I("pid", int64(c.Pid)).String()
	case Kill:
		return describe.New("Kill").I("id", c.ID).I("pid", int64(c.Pid)).String()
	case Heartbeat:
		l := describe.New("Heartbeat").I("id", c.ID).S("mode", c.Mode).R("held", c.Held).R("want", c.Want).Flag("capped", c.Capped).R("cap", c.Cap).
			N("prio", c.Priority).Fixed("rate", c.Rate, 0).R("chunk", c.Chunk).T("stopping", c.Stopping)
		if c.Earned != 0 {
			l.Fixed("earned", c.Earned, 0)
		}
		return l.String()
	case Finished:
		l := describe.New("Finished").I("id", c.ID).S("reason", c.Reason.String())
		if c.Earned != 0 {
			l.Fixed("earned", c.Earned, 0)
		}
		return l.String()
	case nil:
		return "<nil>"
	}
	return "<unknown command>"
}
