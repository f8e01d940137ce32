package memory

import (
	"strconv"
	"strings"

	"ramfarm/core/ram"
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
func (l *line) r(k string, v ram.Amount) *line { return l.s(k, v.String()) }
func (l *line) q(k, v string) *line            { return l.s(k, strconv.Quote(v)) }
func (l *line) flag(k string, on bool) *line {
	if on {
		l.b.WriteString(" " + k)
	}
	return l
}
func (l *line) String() string { return l.b.String() }

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

func (o Options) describe(l *line) {
	l.flag("contiguous", o.Contiguous).flag("core-dependent", o.CoreDependent).flag("long-running", o.LongRunning).
		flag("shrinkable", o.Shrinkable).flag("growable", o.Growable)
}

// DescribeEvent returns a stable one-line text for an event, for logs,
// traces and test expectations.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case Request:
		l := newLine("Request").i("rid", ev.Rid).i("pid", int64(ev.Pid)).q("script", ev.Script).i("reply", int64(ev.Reply)).
			r("size", ev.ChunkSize).i("count", int64(ev.Count)).i("prio", int64(ev.Priority))
		ev.Options.describe(l)
		return l.String()
	case Resize:
		l := newLine("Resize").i("rid", ev.Rid).i("pid", int64(ev.Pid)).i("reply", int64(ev.Reply)).i("alloc", int64(ev.Alloc))
		if ev.ChunkSize != 0 {
			l.r("size", ev.ChunkSize)
		}
		l.i("count", int64(ev.Count))
		if ev.Priority != nil {
			l.i("prio", int64(*ev.Priority))
		}
		return l.String()
	case Release:
		l := newLine("Release").i("rid", ev.Rid).i("pid", int64(ev.Pid)).i("reply", int64(ev.Reply)).i("alloc", int64(ev.Alloc))
		if ev.Host == "" {
			return l.flag("all", true).String()
		}
		return l.s("host", ev.Host).r("size", ev.ChunkSize).i("count", int64(ev.Count)).String()
	case Claim:
		return newLine("Claim").i("rid", ev.Rid).i("pid", int64(ev.Pid)).i("reply", int64(ev.Reply)).i("alloc", int64(ev.Alloc)).
			s("host", ev.Host).i("worker", int64(ev.Worker)).r("ram", ev.RAM).String()
	case Unclaim:
		return newLine("Unclaim").i("rid", ev.Rid).i("pid", int64(ev.Pid)).i("reply", int64(ev.Reply)).i("alloc", int64(ev.Alloc)).
			i("worker", int64(ev.Worker)).String()
	case Cordon:
		return newLine("Cordon").s("host", ev.Host).flag("on", ev.On).flag("off", !ev.On).String()
	case Status:
		return newLine("Status").i("rid", ev.Rid).i("pid", int64(ev.Pid)).i("reply", int64(ev.Reply)).String()
	case Tick:
		ws := make([]string, len(ev.Workers))
		for i, w := range ev.Workers {
			s := w.Host + ":" + w.Kind.String() + ":" + w.UsedRAM.String() + "/" + w.MaxRAM.String() + ":" + strconv.Itoa(w.Cores) + "c"
			if !w.Rooted {
				s += ":noroot"
			}
			ws[i] = s
		}
		return newLine("Tick").i("now", ev.Now).s("dead", pids(ev.Dead)).s("workers", "["+strings.Join(ws, " ")+"]").
			s("gone", "["+strings.Join(ev.Gone, " ")+"]").String()
	case Delivered:
		return newLine("Delivered").i("send", ev.Send).flag("ok", ev.OK).flag("failed", !ev.OK).String()
	case nil:
		return "<nil>"
	}
	return "<unknown event>"
}

// DescribeReply returns a stable one-line text for a reply.
func DescribeReply(r Reply) string {
	switch r := r.(type) {
	case Granted:
		return describeGranted(newLine("Granted").i("rid", r.Rid).i("alloc", int64(r.Alloc)), r).String()
	case Refused:
		return newLine("Refused").i("rid", r.Rid).s("code", r.Code.String()).q("reason", r.Reason).String()
	case Error:
		return newLine("Error").i("rid", r.Rid).s("code", r.Code.String()).q("reason", r.Reason).String()
	case Done:
		return newLine("Done").i("rid", r.Rid).i("alloc", int64(r.Alloc)).String()
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
		return newLine("StatusReport").i("rid", r.Rid).s("workers", "["+strings.Join(ws, " ")+"]").
			s("allocs", "["+strings.Join(as, " ")+"]").String()
	case nil:
		return "<nil>"
	}
	return "<unknown reply>"
}

func describeGranted(l *line, g Granted) *line {
	return l.i("seq", g.Seq).r("size", g.ChunkSize).i("desired", int64(g.Desired)).s("held", held(g.Held))
}

func describeAllocReport(a AllocReport) string {
	l := &line{}
	l.b.WriteString("alloc=" + strconv.FormatInt(int64(a.Alloc), 10))
	return describeGranted(l.i("pid", int64(a.Pid)).q("script", a.Script).i("prio", int64(a.Priority)), a.Granted).String()
}

// DescribeSend returns a stable one-line text for a Send.
func DescribeSend(s Send) string {
	return "send id=" + strconv.FormatInt(s.ID, 10) + " port=" + strconv.FormatInt(int64(s.Port), 10) + " " + DescribeReply(s.Msg)
}
