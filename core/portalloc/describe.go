package portalloc

import (
	"strconv"
	"strings"
)

// String is the code's stable name.
func (c Code) String() string {
	switch c {
	case CodeNone:
		return "none"
	case CodeExhausted:
		return "exhausted"
	case CodeNotOwner:
		return "not-owner"
	case CodeBadMessage:
		return "bad-message"
	}
	return "code" + strconv.Itoa(int(c))
}

func kv(k string, v int64) string { return " " + k + "=" + strconv.FormatInt(v, 10) }

// DescribeEvent returns a stable one-line text for an event.
func DescribeEvent(ev Event) string {
	switch ev := ev.(type) {
	case Acquire:
		return "Acquire" + kv("rid", ev.Rid) + kv("pid", int64(ev.Pid)) + kv("reply", int64(ev.Reply))
	case Return:
		return "Return" + kv("rid", ev.Rid) + kv("pid", int64(ev.Pid)) + kv("port", int64(ev.Port)) + kv("reply", int64(ev.Reply))
	case Tick:
		dead := make([]string, len(ev.Dead))
		for i, p := range ev.Dead {
			dead[i] = strconv.FormatInt(int64(p), 10)
		}
		return "Tick" + kv("now", ev.Now) + " dead=[" + strings.Join(dead, " ") + "]"
	case Delivered:
		if ev.OK {
			return "Delivered" + kv("send", ev.Send) + " ok"
		}
		return "Delivered" + kv("send", ev.Send) + " failed"
	case nil:
		return "<nil>"
	}
	return "<unknown event>"
}

// DescribeReply returns a stable one-line text for a reply.
func DescribeReply(r Reply) string {
	switch r := r.(type) {
	case Assigned:
		return "Assigned" + kv("rid", r.Rid) + kv("port", int64(r.Port))
	case Done:
		return "Done" + kv("rid", r.Rid) + kv("port", int64(r.Port))
	case Error:
		return "Error" + kv("rid", r.Rid) + " code=" + r.Code.String() + " reason=" + strconv.Quote(r.Reason)
	case nil:
		return "<nil>"
	}
	return "<unknown reply>"
}

// DescribeSend returns a stable one-line text for a Send.
func DescribeSend(s Send) string {
	return "send" + kv("id", s.ID) + kv("port", int64(s.Port)) + " " + DescribeReply(s.Msg)
}
