package ports

import "errors"

// Errors returned by New.
var (
	ErrNoClone  = errors.New("ports: config has no Clone function")
	ErrCapacity = errors.New("ports: capacity is negative")
)

// ErrPortNumber is the Kind of every error PortNumber returns.
var ErrPortNumber = errors.New("ports: invalid port number")
