package hwgw

import "strconv"

// String is the op's stable name: H, W1, G, W2.
func (o Op) String() string {
	switch o {
	case OpHack:
		return "H"
	case OpWeaken1:
		return "W1"
	case OpGrow:
		return "G"
	case OpWeaken2:
		return "W2"
	}
	return "op" + strconv.Itoa(int(o))
}

// String is the action's stable name, which is also the worker's.
func (a Action) String() string {
	switch a {
	case ActionHack:
		return "hack"
	case ActionGrow:
		return "grow"
	case ActionWeaken:
		return "weaken"
	}
	return "action" + strconv.Itoa(int(a))
}
