package memory

import (
	"strconv"
	"strings"

	"ramfarm/core/internal/describe"
)

// String is the code's stable name, as logs and test output print it.
func (c Code) String() string {
	switch c {
	case CodeNone:
		return "none"
	case CodeNoRAM:
		return "no-ram"
	case CodeUnknown:
		return "unknown"
	case CodeNotOwner:
		return "not-owner"
	case CodeBadSize:
		return "bad-size"
	case CodeOverRelease:
		return "over-release"
	case CodeOverClaim:
		return "over-claim"
	case CodeBadMessage:
		return "bad-message"
	case CodeDuplicate:
		return "duplicate"
	case CodeRoleHeld:
		return "role-held"
	}
	return "code" + strconv.Itoa(int(c))
}

// String is the kind's stable name.
func (k HostKind) String() string {
	switch k {
	case HostDefault:
		return "default"
	case HostHome:
		return "home"
	case HostPurchased:
		return "purchased"
	case HostHacknet:
		return "hacknet"
	}
	return "kind" + strconv.Itoa(int(k))
}

func pids(ps []Pid) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strconv.FormatInt(int64(p), 10)
	}
	return "[" + strings.Join(out, " ") + "]"
}

func held(cs []Chunks) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Host + ":" + strconv.Itoa(c.Count) + "x" + c.Size.String()
	}
	return "[" + strings.Join(out, " ") + "]"
}

func (o Options) describe(l *describe.Line) {
	l.Flag("contiguous", o.Contiguous).Flag("core-dependent", o.CoreDependent).Flag("long-running", o.LongRunning).Flag("seat", o.Seat).
		Flag("shrinkable", o.Shrinkable).Flag("growable", o.Growable)
}

// DescribeEvent returns a stable one-line text for an event, for logs,
// traces and test expectations.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case Request:
		l := describe.New("Request").I("rid", ev.Rid).I("pid", int64(ev.Pid)).Q("script", ev.Script).I("reply", int64(ev.Reply)).
			R("size", ev.ChunkSize).I("count", int64(ev.Count)).I("prio", int64(ev.Priority))
		ev.Options.describe(l)
		return l.String()
	case Resize:
		l := describe.New("Resize").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).I("alloc", int64(ev.Alloc))
		if ev.ChunkSize != 0 {
			l.R("size", ev.ChunkSize)
		}
		l.I("count", int64(ev.Count))
		if ev.Priority != nil {
			l.I("prio", int64(*ev.Priority))
		}
		return l.String()
	case Release:
		l := describe.New("Release").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).I("alloc", int64(ev.Alloc))
		if ev.Host == "" {
			return l.Flag("all", true).String()
		}
		return l.S("host", ev.Host).R("size", ev.ChunkSize).I("count", int64(ev.Count)).String()
	case Claim:
		return describe.New("Claim").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).I("alloc", int64(ev.Alloc)).
			S("host", ev.Host).I("worker", int64(ev.Worker)).R("ram", ev.RAM).String()
	case Give:
		return describe.New("Give").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).I("alloc", int64(ev.Alloc)).
			I("to", int64(ev.To)).String()
	case Unclaim:
		return describe.New("Unclaim").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).I("alloc", int64(ev.Alloc)).
			I("worker", int64(ev.Worker)).String()
	case Cordon:
		return describe.New("Cordon").S("host", ev.Host).Flag("on", ev.On).Flag("off", !ev.On).String()
	case Register:
		return describe.New("Register").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).S("role", ev.Role.String()).
			Flag("off", ev.Off).String()
	case Status:
		return describe.New("Status").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).String()
	case Tick:
		ws := make([]string, len(ev.Workers))
		for i, w := range ev.Workers {
			s := w.Host + ":" + w.Kind.String() + ":" + w.UsedRAM.String() + "/" + w.MaxRAM.String() + ":" + strconv.Itoa(w.Cores) + "c"
			if !w.Rooted {
				s += ":noroot"
			}
			ws[i] = s
		}
		return describe.New("Tick").I("now", ev.Now).S("dead", pids(ev.Dead)).S("workers", "["+strings.Join(ws, " ")+"]").
			S("gone", "["+strings.Join(ev.Gone, " ")+"]").String()
	case Delivered:
		return describe.New("Delivered").I("send", ev.Send).Flag("ok", ev.OK).Flag("failed", !ev.OK).String()
	case nil:
		return "<nil>"
	}
	return "<unknown event>"
}

// DescribeReply returns a stable one-line text for a reply.
func DescribeReply(r Reply) string {
	switch r := r.(type) {
	case Granted:
		return describeGranted(describe.New("Granted").I("rid", r.Rid).I("alloc", int64(r.Alloc)), r).String()
	case Refused:
		return describe.New("Refused").I("rid", r.Rid).S("code", r.Code.String()).Q("reason", r.Reason).String()
	case Error:
		return describe.New("Error").I("rid", r.Rid).S("code", r.Code.String()).Q("reason", r.Reason).String()
	case Done:
		return describe.New("Done").I("rid", r.Rid).I("alloc", int64(r.Alloc)).String()
	case Registered:
		return describe.New("Registered").I("rid", r.Rid).S("role", r.Role.String()).String()
	case StatusReport:
		ws := make([]string, len(r.Workers))
		for i, w := range r.Workers {
			ws[i] = w.Host + ":max=" + w.MaxRAM.String() + ",usable=" + w.Usable.String() + ",alloc=" + w.Allocated.String() +
				",claimed=" + w.Claimed.String() + ",foreign=" + w.Foreign.String()
		}
		as := make([]string, len(r.Allocs))
		for i, a := range r.Allocs {
			as[i] = "{" + describeAllocReport(a) + "}"
		}
		return describe.New("StatusReport").I("rid", r.Rid).S("workers", "["+strings.Join(ws, " ")+"]").
			S("allocs", "["+strings.Join(as, " ")+"]").String()
	case nil:
		return "<nil>"
	}
	return "<unknown reply>"
}

func describeGranted(l *describe.Line, g Granted) *describe.Line {
	return l.I("seq", g.Seq).R("size", g.ChunkSize).I("desired", int64(g.Desired)).S("held", held(g.Held))
}

func describeAllocReport(a AllocReport) string {
	l := describe.New("alloc=" + strconv.FormatInt(int64(a.Alloc), 10))
	return describeGranted(l.I("pid", int64(a.Pid)).Q("script", a.Script).I("prio", int64(a.Priority)), a.Granted).String()
}

// DescribeSend returns a stable one-line text for a Send.
func DescribeSend(s Send) string {
	return "send id=" + strconv.FormatInt(s.ID, 10) + " port=" + strconv.FormatInt(int64(s.Port), 10) + " " + DescribeReply(s.Msg)
}
