package ramcalc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// costTable is the game's RamCosts tree, flattened for the two lookups the
// game makes: by full path (getRamCost, the dynamic check) and by bare
// name (the static calculator's findFunc search).
type costTable struct {
	byPath map[string]float64
	byName map[string]nameCost
}

// nameCost is what a bare name is charged, and the entry name the game
// reports for it: the immediate namespace and the name ("stock.getPrice",
// "analysis.getChains"), or the name alone at the top level.
type nameCost struct {
	detail string
	cost   float64
}

// costNode is one object of the RamCosts tree, keys kept in table order.
type costNode struct {
	leaves map[string]float64
	subs   []*costNode
	subIdx map[string]*costNode
	key    string
}

func newCostNode(key string) *costNode {
	return &costNode{leaves: map[string]float64{}, subIdx: map[string]*costNode{}, key: key}
}

// pathCost is one entry of the cost table.
type pathCost struct {
	path string
	gb   float64
}

// readCostTable reads ram_cost_table.json: one object of dotted paths to
// GB, in the order of the game's RamCosts object. Order matters because a
// bare name is searched depth first through the namespaces.
func readCostTable(data []byte) ([]pathCost, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("ramcalc: cost table is not a JSON object")
	}
	var out []pathCost
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("ramcalc: cost table: %w", err)
		}
		path, _ := tok.(string)
		var num json.Number
		if err := dec.Decode(&num); err != nil {
			return nil, fmt.Errorf("ramcalc: cost table %q: %w", path, err)
		}
		gb, err := num.Float64()
		if err != nil || gb < 0 {
			return nil, fmt.Errorf("ramcalc: cost table %q: bad cost %s", path, num)
		}
		out = append(out, pathCost{path, gb})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("ramcalc: cost table: %w", err)
	}
	return out, nil
}

// forRelease applies a release's changes to the 2.6.1 table: removed
// functions go, re-priced ones take their new cost in place, and added
// ones follow the rest, by path. (The game's own table puts a new
// namespace where its source file does; a bare name found in two places
// would be charged by the first, and none of the added names is.)
func forRelease(base []pathCost, costs map[string]float64, removed []string) []pathCost {
	out := make([]pathCost, 0, len(base)+len(costs))
	done := map[string]bool{}
	for _, e := range base {
		if slices.Contains(removed, e.path) {
			continue
		}
		if gb, ok := costs[e.path]; ok {
			e.gb = gb
			done[e.path] = true
		}
		out = append(out, e)
	}
	for _, path := range slices.Sorted(maps.Keys(costs)) {
		if !done[path] {
			out = append(out, pathCost{path, costs[path]})
		}
	}
	return out
}

// buildCostTable indexes entries for the two lookups.
func buildCostTable(entries []pathCost) (*costTable, error) {
	root := newCostNode("")
	t := &costTable{byPath: map[string]float64{}, byName: map[string]nameCost{}}
	for _, e := range entries {
		if err := root.insert(strings.Split(e.path, "."), e.gb); err != nil {
			return nil, fmt.Errorf("ramcalc: cost table %q: %w", e.path, err)
		}
		t.byPath[e.path] = e.gb
	}
	for name := range t.byPath {
		leaf := name[strings.LastIndexByte(name, '.')+1:]
		if _, done := t.byName[leaf]; !done {
			if nc, ok := root.find("", leaf); ok {
				t.byName[leaf] = nc
			}
		}
	}
	return t, nil
}

func (n *costNode) insert(segs []string, gb float64) error {
	if segs[0] == "" {
		return fmt.Errorf("empty path segment")
	}
	if len(segs) == 1 {
		if _, dup := n.leaves[segs[0]]; dup || n.subIdx[segs[0]] != nil {
			return fmt.Errorf("duplicate or conflicting key")
		}
		n.leaves[segs[0]] = gb
		return nil
	}
	sub := n.subIdx[segs[0]]
	if sub == nil {
		if _, isLeaf := n.leaves[segs[0]]; isLeaf {
			return fmt.Errorf("key is both a function and a namespace")
		}
		sub = newCostNode(segs[0])
		n.subs = append(n.subs, sub)
		n.subIdx[segs[0]] = sub
	}
	return sub.insert(segs[1:], gb)
}

// find is the game's findFunc: a leaf of this object wins, otherwise the
// namespaces are searched depth first in order. The reported name carries
// only the immediate namespace, as the game's does.
func (n *costNode) find(prefix, name string) (nameCost, bool) {
	if gb, ok := n.leaves[name]; ok {
		return nameCost{detail: prefix + name, cost: gb}, true
	}
	for _, sub := range n.subs {
		if nc, ok := sub.find(sub.key+".", name); ok {
			return nc, true
		}
	}
	return nameCost{}, false
}
