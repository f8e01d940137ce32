package prep

import "ramfarm/core/internal/describe"

// String is the kind's stable name, as the selector protocol spells it.
func (k Kind) String() string {
	return describe.Name([]string{KindTill: "till", KindSow: "sow"}, int(k), "kind")
}

// String is the mode's stable name.
func (m Mode) String() string {
	return describe.Name([]string{ModeIdle: "idle", ModeAsking: "asking", ModeWorking: "working", ModeStopping: "stopping",
		ModeDone: "done"}, int(m), "mode")
}
