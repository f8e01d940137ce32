package selector

import (
	"strconv"
	"strings"

	"ramfarm/core/ram"
)

// String is the kind's stable name.
func (k Kind) String() string {
	switch k {
	case KindNone:
		return "none"
	case KindTill:
		return "till"
	case KindSow:
		return "sow"
	case KindHarvest:
		return "harvest"
	}
	return "kind" + strconv.Itoa(int(k))
}

// ParseKind is the inverse of Kind.String for the three task kinds.
func ParseKind(s string) (Kind, bool) {
	for k := KindTill; k <= KindHarvest; k++ {
		if k.String() == s {
			return k, true
		}
	}
	return KindNone, false
}

// String is the policy's stable name, as --policy spells it.
func (p Policy) String() string {
	switch p {
	case PolicyDefault:
		return "default"
	case PolicyGrow:
		return "grow"
	case PolicyGreedy:
		return "greedy"
	case PolicyRestart:
		return "restart"
	}
	return "policy" + strconv.Itoa(int(p))
}

// ParsePolicy is the inverse of Policy.String; "" is PolicyDefault.
func ParsePolicy(s string) (Policy, bool) {
	if s == "" {
		return PolicyDefault, true
	}
	for p := PolicyDefault; p <= PolicyRestart; p++ {
		if p.String() == s {
			return p, true
		}
	}
	return PolicyDefault, false
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
func (l *line) f(k string, v float64) *line    { return l.s(k, strconv.FormatFloat(v, 'g', -1, 64)) }
func (l *line) r(k string, v ram.Amount) *line { return l.s(k, v.String()) }
func (l *line) q(k, v string) *line            { return l.s(k, strconv.Quote(v)) }
func (l *line) flag(k string, on bool) *line {
	if on {
		l.b.WriteString(" " + k)
	}
	return l
}
func (l *line) String() string { return l.b.String() }

// DescribeEvent returns a stable one-line text for an event, for logs,
// traces and test expectations.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case Observe:
		ts := make([]string, len(ev.Targets))
		for i, t := range ev.Targets {
			ts[i] = describeTarget(t)
		}
		hs := make([]string, len(ev.Hosts))
		for i, h := range ev.Hosts {
			hs[i] = h.Host + ":" + h.Allocated.String() + "/" + h.Usable.String()
			if h.Cordoned {
				hs[i] += ":cordoned"
			}
		}
		return newLine("Observe").i("now", ev.Now).f("hacking", ev.Hacking).s("targets", "["+strings.Join(ts, " ")+"]").
			s("hosts", "["+strings.Join(hs, " ")+"]").String()
	case Tick:
		return newLine("Tick").i("now", ev.Now).String()
	case Launched:
		l := newLine("Launched").i("id", ev.ID)
		if ev.OK {
			return l.i("pid", int64(ev.Pid)).String()
		}
		return l.flag("failed", true).q("reason", ev.Reason).String()
	case Heartbeat:
		return newLine("Heartbeat").i("pid", int64(ev.Pid)).i("port", int64(ev.Port)).s("kind", ev.Kind.String()).
			q("target", ev.Target).r("held", ev.Held).r("want", ev.Want).r("cap", ev.Cap).i("prio", int64(ev.Priority)).
			f("rate", ev.Rate).flag("stopping", ev.Stopping).String()
	case Exit:
		return newLine("Exit").i("pid", int64(ev.Pid)).flag("done", ev.Done).String()
	case Vacate:
		return newLine("Vacate").q("host", ev.Host).i("reply", int64(ev.Reply)).String()
	case Reopen:
		return newLine("Reopen").q("host", ev.Host).String()
	case nil:
		return "<nil>"
	}
	return "<unknown event>"
}

func describeTarget(t Target) string {
	s := t.Host + ":$" + strconv.FormatFloat(t.MoneyAvailable, 'g', -1, 64) + "/" + strconv.FormatFloat(t.MoneyMax, 'g', -1, 64) +
		":sec" + strconv.FormatFloat(t.Security, 'g', -1, 64) + "/" + strconv.FormatFloat(t.MinSecurity, 'g', -1, 64) +
		":base" + strconv.FormatFloat(t.BaseSecurity, 'g', -1, 64) + ":growth" + strconv.FormatFloat(t.Growth, 'g', -1, 64) +
		":req" + strconv.FormatFloat(t.RequiredHacking, 'g', -1, 64)
	if !t.Rooted {
		s += ":noroot"
	}
	return s
}

// DescribeCommand returns a stable one-line text for a command.
func DescribeCommand(c Command) string {
	switch c := c.(type) {
	case Launch:
		return newLine("Launch").i("id", c.ID).s("kind", c.Kind.String()).q("target", c.Target).i("prio", int64(c.Priority)).
			r("ram", c.RAM).flag("growable", c.Growable).String()
	case Kill:
		return newLine("Kill").i("id", c.ID).i("pid", int64(c.Pid)).String()
	case SetPriority:
		return newLine("SetPriority").i("id", c.ID).i("pid", int64(c.Pid)).i("port", int64(c.Port)).i("prio", int64(c.Priority)).String()
	case Resize:
		return newLine("Resize").i("id", c.ID).i("pid", int64(c.Pid)).i("port", int64(c.Port)).r("ram", c.RAM).String()
	case Stop:
		return newLine("Stop").i("id", c.ID).i("pid", int64(c.Pid)).i("port", int64(c.Port)).String()
	case Leave:
		return newLine("Leave").i("id", c.ID).i("pid", int64(c.Pid)).i("port", int64(c.Port)).q("host", c.Host).String()
	case Cordon:
		return newLine("Cordon").i("id", c.ID).q("host", c.Host).flag("on", c.On).flag("off", !c.On).String()
	case Vacated:
		return newLine("Vacated").i("id", c.ID).q("host", c.Host).i("reply", int64(c.Reply)).String()
	case nil:
		return "<nil>"
	}
	return "<unknown command>"
}
