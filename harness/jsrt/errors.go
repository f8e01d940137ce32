package jsrt

import "errors"

// Sentinels returned (wrapped, with the file or specifier named) by Realm
// methods; match them with errors.Is.
var (
	ErrNoClock       = errors.New("jsrt: config has no clock")
	ErrNoFiles       = errors.New("jsrt: config has no files")
	ErrClosed        = errors.New("jsrt: realm is closed")
	ErrInvalidPath   = errors.New("jsrt: invalid file path")
	ErrNotScript     = errors.New("jsrt: not a .js script")
	ErrURLImport     = errors.New("jsrt: failed to parse import")
	ErrNoSuchFile    = errors.New("jsrt: no such file on server")
	ErrImportCycle   = errors.New("jsrt: import cycle")
	ErrSyntax        = errors.New("jsrt: syntax error")
	ErrTopLevelAwait = errors.New("jsrt: top-level await is not supported")
	ErrEvaluate      = errors.New("jsrt: module evaluation failed")
	ErrNoMain        = errors.New("jsrt: script has no main function")
	ErrDataClone     = errors.New("jsrt: value could not be cloned")
)
