package harvest

import (
	"errors"

	"ramfarm/core/internal/detail"
)

// ErrBadConfig is returned by New for a config no harvest can run with;
// Step's errors are the task contract's (task.ErrBadEvent, ...). Match
// them with errors.Is.
var ErrBadConfig = errors.New("harvest: config is invalid")

func wrap(err error, s string) error { return detail.Wrap(err, s) }

// badConfig reports another package's config error (the planner's model)
// as this one's, saying what was wrong once.
func badConfig(err error) error { return wrap(ErrBadConfig, detail.Of(err)) }
