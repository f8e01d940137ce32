package harvest

import "strconv"

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
	}
	return "reason" + strconv.Itoa(int(r))
}
