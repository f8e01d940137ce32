package hwgw

import "errors"

// ErrBadModel is returned by NewPlanner for a model no batch can be
// planned from; the detail says what is wrong. Match it with errors.Is.
var ErrBadModel = errors.New("hwgw: model is invalid")
