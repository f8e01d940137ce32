package gamedata

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	"ramfarm/core/formulas/v8math"
)

// bitNodesJSON is ramfarm's own copy of the game's BitNode multiplier
// table (bitnodes.json says where each figure comes from). It is embedded
// apart from FS: the shared game reference has no such file, so the copy
// check that walks FS must not see it.
//
//go:embed bitnodes.json
var bitNodesJSON []byte

// BitNodesJSON returns bitnodes.json as embedded.
func BitNodesJSON() []byte { return bitNodesJSON }

// BitNodeEntry is one BitNode of the table: the fields it sets, and for
// BitNode 12 the fields that scale with its level.
type BitNodeEntry struct {
	N      int                `json:"n"`
	Name   string             `json:"name"`
	Set    map[string]float64 `json:"set"`
	Scaled map[string]string  `json:"scaled"`
}

// BitNodeTable is bitnodes.json decoded.
type BitNodeTable struct {
	Defaults map[string]float64 `json:"defaults"`
	Nodes    []BitNodeEntry     `json:"nodes"`
}

// ErrBitNode is returned for a BitNode or level the table has no row for.
var ErrBitNode = errors.New("bitnode unknown")

// BitNodes decodes the embedded table and checks that it is whole: every
// BitNode 1 to 14 in order, every field it names known, every scale
// known.
func BitNodes() (*BitNodeTable, error) {
	var t BitNodeTable
	if err := json.Unmarshal(bitNodesJSON, &t); err != nil {
		return nil, fmt.Errorf("bitnodes.json: %w", err)
	}
	if len(t.Nodes) != 14 {
		return nil, fmt.Errorf("bitnodes.json: %d BitNodes, want 1 to 14", len(t.Nodes))
	}
	for i, e := range t.Nodes {
		if e.N != i+1 {
			return nil, fmt.Errorf("bitnodes.json: entry %d is BitNode %d, want %d", i, e.N, i+1)
		}
		for k := range e.Set {
			if _, ok := t.Defaults[k]; !ok {
				return nil, fmt.Errorf("bitnodes.json: BitNode %d sets unknown field %s", e.N, k)
			}
		}
		for k, s := range e.Scaled {
			if _, ok := t.Defaults[k]; !ok {
				return nil, fmt.Errorf("bitnodes.json: BitNode %d scales unknown field %s", e.N, k)
			}
			if _, ok := scale(s, 1, t.Defaults[k]); !ok {
				return nil, fmt.Errorf("bitnodes.json: BitNode %d scales %s by unknown scale %q", e.N, k, s)
			}
		}
	}
	return &t, nil
}

// Multipliers returns every multiplier of BitNode n at level lvl (the
// player's Source-File n level + 1), as the game's getBitNodeMultipliers
// computes it: the defaults, overridden by the node's set fields and, for
// BitNode 12, its level-scaled ones.
func (t *BitNodeTable) Multipliers(n, lvl int) (map[string]float64, error) {
	if n < 1 || n > len(t.Nodes) {
		return nil, fmt.Errorf("%w: BitNode %d (the table has 1 to %d)", ErrBitNode, n, len(t.Nodes))
	}
	if lvl < 1 {
		return nil, fmt.Errorf("%w: BitNode %d level %d (levels start at 1)", ErrBitNode, n, lvl)
	}
	e := t.Nodes[n-1]
	m := make(map[string]float64, len(t.Defaults))
	for k, v := range t.Defaults {
		m[k] = v
	}
	for k, v := range e.Set {
		m[k] = v
	}
	for k, s := range e.Scaled {
		m[k], _ = scale(s, lvl, t.Defaults[k])
	}
	return m, nil
}

// Fields returns the table's field names, sorted.
func (t *BitNodeTable) Fields() []string {
	names := make([]string, 0, len(t.Defaults))
	for k := range t.Defaults {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// scale is one of bitnodes.json's "scales" at level lvl; def is the
// field's default (the Daedalus scale adds to it). The game computes
// 1.02^lvl with Math.pow, hence V8's pow.
func scale(name string, lvl int, def float64) (float64, bool) {
	up := v8math.Pow(1.02, float64(lvl))
	down := 1 / up
	switch name {
	case "up":
		return up, true
	case "down":
		return down, true
	case "down2":
		return down * down, true
	case "daedalus":
		return math.Floor(math.Min(def+up, 40)), true
	}
	return 0, false
}
