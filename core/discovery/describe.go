package discovery

import (
	"strconv"
	"strings"

	"ramfarm/core/ram"
)

// String is the kind's stable name, as the memory daemon's worker message
// spells it.
func (k Kind) String() string {
	switch k {
	case KindServer:
		return "server"
	case KindHome:
		return "home"
	case KindPurchased:
		return "purchased"
	case KindHacknet:
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
func (l *line) f(k string, v float64) *line    { return l.s(k, formatNum(v)) }
func (l *line) q(k, v string) *line            { return l.s(k, strconv.Quote(v)) }
func (l *line) flag(k string, on bool) *line {
	if on {
		l.b.WriteString(" " + k)
	}
	return l
}
func (l *line) String() string { return l.b.String() }

func formatNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func describePrograms(s ProgramSet) string {
	var out []string
	for p := range numPrograms {
		if s.Has(p) {
			out = append(out, p.File())
		}
	}
	return "[" + strings.Join(out, " ") + "]"
}

func pids(ps []Pid) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strconv.FormatInt(int64(p), 10)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// DescribeServer returns a stable one-line text for a scanned server.
func DescribeServer(s Server) string {
	l := newLine(s.Host).flag("home", s.Home).flag("purchased", s.Purchased).flag("root", s.Rooted).
		i("ports", int64(s.PortsRequired)).r("ram", s.MaxRAM).i("cores", int64(s.Cores))
	if s.MaxMoney > 0 {
		l.f("money", s.Money).f("max-money", s.MaxMoney).f("sec", s.Security).f("min-sec", s.MinSecurity).
			f("base-sec", s.BaseSecurity).f("growth", s.Growth)
	}
	return l.f("level", s.RequiredLevel).String()
}

// DescribeEvent returns a stable one-line text for an event, for logs,
// traces and test expectations.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case Scan:
		ss := make([]string, len(ev.Servers))
		for i, s := range ev.Servers {
			ss[i] = "{" + DescribeServer(s) + "}"
		}
		return newLine("Scan").i("now", ev.Now).i("level", int64(ev.Level)).s("programs", describePrograms(ev.Programs)).
			s("dead", pids(ev.Dead)).flag("full", ev.Full).s("servers", "["+strings.Join(ss, " ")+"]").String()
	case Subscribe:
		return newLine("Subscribe").i("rid", ev.Rid).i("pid", int64(ev.Pid)).i("reply", int64(ev.Reply)).String()
	case Delivered:
		return newLine("Delivered").i("send", ev.Send).flag("ok", ev.OK).flag("failed", !ev.OK).String()
	case Result:
		l := newLine("Result").i("id", ev.ID).flag("ok", ev.OK)
		if !ev.OK {
			l.q("failed", ev.Reason)
		}
		return l.String()
	case nil:
		return "<nil>"
	}
	return "<unknown event>"
}

func describeRegister(r Register) string {
	return newLine(r.Host).s("kind", r.Kind.String()).r("ram", r.MaxRAM).i("cores", int64(r.Cores)).String()
}

// DescribeMsg returns a stable one-line text for a message.
func DescribeMsg(m Msg) string {
	switch m := m.(type) {
	case Register:
		return "Register " + describeRegister(m)
	case Targets:
		ts := make([]string, len(m.Targets))
		for i, t := range m.Targets {
			ts[i] = t.Host
		}
		return newLine("Targets").i("rid", m.Rid).i("seq", m.Seq).i("now", m.Now).i("level", int64(m.Level)).
			s("targets", "["+strings.Join(ts, " ")+"]").String()
	case Reject:
		return newLine("Reject").i("rid", m.Rid).q("reason", m.Reason).String()
	case nil:
		return "<nil>"
	}
	return "<unknown message>"
}

// DescribeSend returns a stable one-line text for a Send.
func DescribeSend(s Send) string {
	return "send id=" + strconv.FormatInt(s.ID, 10) + " port=" + strconv.FormatInt(int64(s.Port), 10) + " " + DescribeMsg(s.Msg)
}

// DescribeOpen returns a stable one-line text for an Open.
func DescribeOpen(o Open) string {
	return newLine("open").i("id", o.ID).s("host", o.Host).s("program", o.Program.File()).String()
}

// DescribeNuke returns a stable one-line text for a Nuke.
func DescribeNuke(n Nuke) string {
	return newLine("nuke").i("id", n.ID).s("host", n.Host).String()
}
