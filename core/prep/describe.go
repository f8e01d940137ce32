package prep

import "strconv"

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
