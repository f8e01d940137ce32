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
	ErrFileType        = errors.New("world: not a script or text file")
	ErrNoSuchFile      = errors.New("world: no such file")
)

// Kinds of the game errors that hacking tools and server purchases throw.
var (
	ErrNoProgram    = errors.New("world: player does not own the program")
	ErrPortsClosed  = errors.New("world: not enough ports opened to nuke")
	ErrHostnameUsed = errors.New("world: no free hostname for a new server")
)

// Kinds of Refusal: a netscript function's "no", logged by the game
// instead of thrown.
var (
	ErrBadHostname   = errors.New("world: hostname is empty or reserved")
	ErrServerLimit   = errors.New("world: purchased server limit reached")
	ErrPurchaseRAM   = errors.New("world: RAM is not a valid purchased server size")
	ErrMoney         = errors.New("world: not enough money")
	ErrNoSuchServer  = errors.New("world: server not found")
	ErrNotPurchased  = errors.New("world: not a purchased server")
	ErrRAMNotBigger  = errors.New("world: new RAM is not bigger than the current RAM")
	ErrDeleteRunning = errors.New("world: server still runs scripts")
	ErrDeleteSelf    = errors.New("world: a script cannot delete its own server")
	ErrHomeMaxed     = errors.New("world: home is at its maximum")
)

// Errors in driving the model that are harness mistakes, not game
// behaviour.
var (
	ErrNoHome         = errors.New("world: network has no home server")
	ErrUnknownProgram = errors.New("world: not a program of the game")
	ErrBadAmount      = errors.New("world: amount is NaN, infinite or out of range")
)

// Refusal is a netscript function's "no" that the game logs instead of
// throwing: the function returns its failure value ("", false, -1) and
// logs Msg, the game's text. Kind matches it with errors.Is.
type Refusal struct {
	Kind error
	Msg  string
}

func (r *Refusal) Error() string { return r.Msg }
func (r *Refusal) Unwrap() error { return r.Kind }
