package harvest

import "ramfarm/core/internal/describe"

// String is the mode's stable name.
func (m Mode) String() string {
	return describe.Name([]string{ModeFilling: "filling", ModeRebalancing: "rebalancing", ModeDraining: "draining",
		ModeDone: "done"}, int(m), "mode")
}

// String is the reason's stable name.
func (r Reason) String() string {
	return describe.Name([]string{ReasonNone: "none", ReasonDrift: "drift", ReasonLost: "lost"}, int(r), "reason")
}
