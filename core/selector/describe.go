package selector

import (
	"strconv"
	"strings"

	"ramfarm/core/internal/describe"
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
	case PolicyReplan:
		return "replan"
	}
	return "policy" + strconv.Itoa(int(p))
}

// ParsePolicy is the inverse of Policy.String; "" is PolicyDefault.
func ParsePolicy(s string) (Policy, bool) {
	if s == "" {
		return PolicyDefault, true
	}
	for p := PolicyDefault; p <= PolicyReplan; p++ {
		if p.String() == s {
			return p, true
		}
	}
	return PolicyDefault, false
}

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
		return describe.New("Observe").I("now", ev.Now).F("hacking", ev.Hacking).S("targets", "["+strings.Join(ts, " ")+"]").
			S("hosts", "["+strings.Join(hs, " ")+"]").String()
	case Tick:
		return describe.New("Tick").I("now", ev.Now).String()
	case Launched:
		l := describe.New("Launched").I("id", ev.ID)
		if ev.OK {
			return l.I("pid", int64(ev.Pid)).String()
		}
		return l.Flag("failed", true).Q("reason", ev.Reason).String()
	case Heartbeat:
		l := describe.New("Heartbeat").I("pid", int64(ev.Pid)).I("port", int64(ev.Port)).S("kind", ev.Kind.String()).
			Q("target", ev.Target).R("held", ev.Held).R("want", ev.Want).R("cap", ev.Cap).I("prio", int64(ev.Priority)).
			F("rate", ev.Rate).Flag("stopping", ev.Stopping)
		if ev.Earned != 0 {
			l.F("earned", ev.Earned)
		}
		return l.String()
	case Exit:
		l := describe.New("Exit").I("pid", int64(ev.Pid)).Flag("done", ev.Done)
		if ev.Earned != 0 {
			l.F("earned", ev.Earned)
		}
		return l.String()
	case Status:
		return describe.New("Status").I("rid", ev.Rid).I("reply", int64(ev.Reply)).String()
	case Vacate:
		return describe.New("Vacate").Q("host", ev.Host).I("reply", int64(ev.Reply)).String()
	case Reopen:
		return describe.New("Reopen").Q("host", ev.Host).String()
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
		return describe.New("Launch").I("id", c.ID).S("kind", c.Kind.String()).Q("target", c.Target).I("prio", int64(c.Priority)).
			R("ram", c.RAM).Flag("growable", c.Growable).Flag("round", c.Round).String()
	case Kill:
		return describe.New("Kill").I("id", c.ID).I("pid", int64(c.Pid)).String()
	case SetPriority:
		return describe.New("SetPriority").I("id", c.ID).I("pid", int64(c.Pid)).I("port", int64(c.Port)).
			I("prio", int64(c.Priority)).String()
	case Resize:
		return describe.New("Resize").I("id", c.ID).I("pid", int64(c.Pid)).I("port", int64(c.Port)).R("ram", c.RAM).String()
	case Stop:
		return describe.New("Stop").I("id", c.ID).I("pid", int64(c.Pid)).I("port", int64(c.Port)).String()
	case Leave:
		return describe.New("Leave").I("id", c.ID).I("pid", int64(c.Pid)).I("port", int64(c.Port)).Q("host", c.Host).String()
	case Cordon:
		return describe.New("Cordon").I("id", c.ID).Q("host", c.Host).Flag("on", c.On).Flag("off", !c.On).String()
	case Vacated:
		return describe.New("Vacated").I("id", c.ID).Q("host", c.Host).I("reply", int64(c.Reply)).String()
	case Overview:
		return describeOverview(c)
	case nil:
		return "<nil>"
	}
	return "<unknown command>"
}
