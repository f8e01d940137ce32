package harvest

import (
	"strconv"
	"strings"

	"ramfarm/core/internal/describe"
)

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
			cs[i] = c.Host + ":" + strconv.Itoa(c.Count) + "x" + c.Size.String() + ":" + strconv.Itoa(c.Cores) + "c"
		}
		return describe.New("Held").I("answered", ev.Answered).S("chunks", "["+strings.Join(cs, " ")+"]").String()
	case Budget:
		return describe.New("Budget").R("ram", ev.RAM).R("max-chunk", ev.MaxChunk).String()
	case Started:
		return describe.New("Started").I("cmd", ev.Cmd).I("pid", int64(ev.Pid)).String()
	case Exited:
		return describe.New("Exited").I("pid", int64(ev.Pid)).String()
	case Shutdown:
		return "Shutdown"
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
	case StartOp:
		return describe.New("StartOp").I("id", c.ID).I("batch", c.Batch).S("op", c.Op.String()).S("action", c.Op.Action().String()).
			S("host", c.Host).N("threads", c.Threads).R("ram", c.RAM).
			Fixed("delay", c.Delay, msPrec).Fixed("duration", c.Duration, msPrec).Fixed("land", c.Land, msPrec).String()
	case Resize:
		return describe.New("Resize").I("id", c.ID).R("size", c.ChunkSize).N("count", c.Count).String()
	case Release:
		l := describe.New("Release").I("id", c.ID)
		if c.Host == "" {
			return l.Flag("all", true).String()
		}
		return l.S("host", c.Host).R("size", c.Size).N("count", c.Count).String()
	case Heartbeat:
		return describe.New("Heartbeat").I("id", c.ID).S("mode", c.Mode.String()).N("in-flight", c.InFlight).N("depth", c.Depth).
			R("chunk", c.ChunkSize).N("per-batch", c.PerBatch).R("held", c.Held).S("fraction", strconv.FormatFloat(c.Fraction, 'g', 6, 64)).
			Fixed("money/s", c.MoneyPerSec, 0).I("landed", c.Landed).String()
	case Rebalance:
		return describe.New("Rebalance").I("id", c.ID).S("reason", c.Reason.String()).
			Fixed("money", c.Money, -1).Fixed("security", c.Security, -1).N("weaken", c.Weaken).N("grow", c.Grow).String()
	case Done:
		return describe.New("Done").I("id", c.ID).S("reason", c.Reason.String()).String()
	case nil:
		return "<nil>"
	}
	return "<unknown command>"
}
