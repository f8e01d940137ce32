package network

import "errors"

// Errors from building a network.
var (
	ErrNotEmpty = errors.New("network: world already has servers")
	ErrData     = errors.New("network: servers.json is malformed")
)
