// Package scenarios embeds the shipped scenario files, so the simulation
// finds them by name from anywhere.
package scenarios

import (
	"embed"
	"sort"
	"strings"
)

//go:embed *.json
var files embed.FS

// Default is the scenario `ramfarm sim` runs when none is named.
const Default = "bn1-fresh"

// Get returns a shipped scenario's file by name ("bn1-start").
func Get(name string) ([]byte, bool) {
	b, err := files.ReadFile(name + ".json")
	return b, err == nil
}

// Names lists the shipped scenarios.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}
