package discovery

import (
	"strconv"
	"strings"

	"ramfarm/core/internal/describe"
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

// formatNum prints a game number the same way in DescribeServer and in
// the scan's error texts.
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
	l := describe.New(s.Host).Flag("home", s.Home).Flag("purchased", s.Purchased).Flag("root", s.Rooted).
		I("ports", int64(s.PortsRequired)).R("ram", s.MaxRAM).I("cores", int64(s.Cores))
	if s.MaxMoney > 0 {
		l.S("money", formatNum(s.Money)).S("max-money", formatNum(s.MaxMoney)).
			S("sec", formatNum(s.Security)).S("min-sec", formatNum(s.MinSecurity)).
			S("base-sec", formatNum(s.BaseSecurity)).S("growth", formatNum(s.Growth))
	}
	return l.S("level", formatNum(s.RequiredLevel)).String()
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
		return describe.New("Scan").I("now", ev.Now).I("level", int64(ev.Level)).S("programs", describePrograms(ev.Programs)).
			S("dead", pids(ev.Dead)).Flag("full", ev.Full).S("servers", "["+strings.Join(ss, " ")+"]").String()
	case Subscribe:
		return describe.New("Subscribe").I("rid", ev.Rid).I("pid", int64(ev.Pid)).I("reply", int64(ev.Reply)).String()
	case Delivered:
		return describe.New("Delivered").I("send", ev.Send).Flag("ok", ev.OK).Flag("failed", !ev.OK).String()
	case Result:
		l := describe.New("Result").I("id", ev.ID).Flag("ok", ev.OK)
		if !ev.OK {
			l.Q("failed", ev.Reason)
		}
		return l.String()
	case nil:
		return "<nil>"
	}
	return "<unknown event>"
}

func describeRegister(r Register) string {
	return describe.New(r.Host).S("kind", r.Kind.String()).R("ram", r.MaxRAM).I("cores", int64(r.Cores)).String()
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
		return describe.New("Targets").I("rid", m.Rid).I("seq", m.Seq).I("now", m.Now).I("level", int64(m.Level)).
			S("targets", "["+strings.Join(ts, " ")+"]").String()
	case Reject:
		return describe.New("Reject").I("rid", m.Rid).Q("reason", m.Reason).String()
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
	return describe.New("open").I("id", o.ID).S("host", o.Host).S("program", o.Program.File()).String()
}

// DescribeNuke returns a stable one-line text for a Nuke.
func DescribeNuke(n Nuke) string {
	return describe.New("nuke").I("id", n.ID).S("host", n.Host).String()
}
