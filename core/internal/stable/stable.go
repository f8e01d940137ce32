// Package stable sorts with the one sort compiled into the module.
//
// Every element type that the slices package sorts gets its own copy of
// the sort in the WebAssembly module (pdqsort with its partitions, heap
// and insertion sorts is about 20 KB per type; the stable sort about
// 8 KB). Sort orders the elements' indices instead, whose sort is
// compiled once, and then moves the elements: a few hundred bytes per
// type, for two small allocations per call.
//
// Insert keeps a sorted slice sorted at the same small cost.
//
// Every sort here is stable. Where the comparison has no ties between
// different elements (ramfarm's break ties by name, pid or id), that is
// the order any sort gives.
package stable

import (
	"cmp"
	"slices"
)

// Sort sorts s by cmp, keeping equal elements in their order.
func Sort[E any](s []E, cmp func(a, b E) int) {
	if len(s) < 2 {
		return
	}
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return cmp(s[i], s[j]) })
	sorted := make([]E, len(s))
	for k, i := range idx {
		sorted[k] = s[i]
	}
	copy(s, sorted)
}

// Keys returns m's keys in increasing order.
func Keys[K cmp.Ordered, V any](m map[K]V) []K { return KeysFunc(m, cmp.Compare[K]) }

// KeysFunc returns m's keys sorted by cmp.
func KeysFunc[K comparable, V any](m map[K]V, cmp func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	Sort(keys, cmp)
	return keys
}

// Insert returns s with v inserted at index i, as slices.Insert with one
// value does. That one takes any number of values, which may alias s, in
// about 3 KB of module per slice type; this is a few hundred bytes, once
// per element shape (every pointer type shares one).
func Insert[E any](s []E, i int, v E) []E {
	s = append(s, v)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}
