package hwgw

import "ramfarm/core/internal/describe"

// String is the op's stable name: H, W1, G, W2.
func (o Op) String() string {
	return describe.Name([]string{OpHack: "H", OpWeaken1: "W1", OpGrow: "G", OpWeaken2: "W2"}, int(o), "op")
}

// String is the action's stable name, which is also the worker's.
func (a Action) String() string {
	return describe.Name([]string{ActionHack: "hack", ActionGrow: "grow", ActionWeaken: "weaken"}, int(a), "action")
}
