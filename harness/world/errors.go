package world

import "errors"

// Errors from building a World and its network. These are harness setup
// mistakes, not game errors.
var (
	ErrNoRAMOf       = errors.New("world: config has no RAMOf function")
	ErrNoHostname    = errors.New("world: server has no hostname")
	ErrDuplicateHost = errors.New("world: hostname already exists")
	ErrUnknownHost   = errors.New("world: no such server")
	ErrBadRAM        = errors.New("world: RAM is not a finite non-negative number of GB")
)

// Kinds of the errors netscript functions throw. Each is returned inside a
// *jsval.Error whose text is the game's, without the "fn: " prefix the ns
// layer adds.
var (
	ErrInvalidHostname = errors.New("world: invalid hostname")
	ErrThreads         = errors.New("world: threads is not a positive integer")
	ErrRAMOverride     = errors.New("world: ramOverride is below the base cost")
	ErrScriptArgs      = errors.New("world: script args are not strings, numbers or booleans")
	ErrScpFileType     = errors.New("world: scp of a file that is not a script, text or .lit file")
)
