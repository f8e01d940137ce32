// Package gamedata is the project's copy of the game's own figures:
// server data, constants, the RAM cost table and the test vectors that were
// produced by calling Bitburner 2.6.1's own functions (see the shared
// game reference). A player's clone has no copy of that reference, so the
// files live here and are embedded; a test checks they still equal the
// reference when it is present.
package gamedata

import (
	"embed"
	"io/fs"
)

//go:embed servers.json constants.json ram_cost_table.json vectors/*.json
var files embed.FS

// FS returns the embedded files: servers.json, constants.json,
// ram_cost_table.json and vectors/*.json.
func FS() fs.FS { return files }

// Read returns one embedded file by its path inside FS.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }
