package harvest

import (
	"cmp"
	"slices"
	"strconv"

	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// applyHeld reconciles the engine's chunks with an allocation snapshot.
// Chunks whose Release the snapshot reflects are gone; for each host and
// size, more chunks than the engine knows are new (idle), fewer mean the
// allocator took some back: idle ones are dropped first, then ones being
// released, and last ones with a batch, whose workers keep running (the
// batch is never interrupted; there is just nothing to give back when it
// lands).
func (e *Engine) applyHeld(h task.Held) {
	have := map[chunkKey][]*chunk{}
	for _, c := range e.chunks {
		if c.release != 0 && c.release <= e.Answered() {
			continue
		}
		k := chunkKey{c.host, c.size}
		have[k] = append(have[k], c)
	}
	want := map[chunkKey]task.Chunk{}
	for _, c := range h.Chunks {
		want[chunkKey{c.Host, c.Size}] = c
	}
	keys := make([]chunkKey, 0, len(have)+len(want))
	for k := range have {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := have[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b chunkKey) int {
		if c := cmp.Compare(a.host, b.host); c != 0 {
			return c
		}
		return cmp.Compare(a.size, b.size)
	})
	var out []*chunk
	for _, k := range keys {
		cs, w := have[k], want[k]
		switch {
		case w.Count > len(cs):
			n := w.Count - len(cs)
			for range n {
				cs = append(cs, &chunk{host: k.host, size: k.size})
			}
			e.Logf("granted " + strconv.Itoa(n) + "x" + k.size.String() + " on " + k.host)
		case w.Count < len(cs):
			n := len(cs) - w.Count
			slices.SortStableFunc(cs, func(a, b *chunk) int { return cmp.Compare(dropRank(a), dropRank(b)) })
			for _, c := range cs[:n] {
				if c.batch != nil {
					e.Logf("taken back " + k.size.String() + " on " + k.host + " under batch=" + itoa(c.batch.id))
				}
			}
			cs = cs[n:]
			e.Logf("lost " + strconv.Itoa(n) + "x" + k.size.String() + " on " + k.host)
		}
		if w.Count > 0 {
			for _, c := range cs {
				c.cores = max(1, w.Cores)
			}
		}
		out = append(out, cs...)
	}
	e.chunks = out
	// A host left and emptied is usable again: the allocator grants
	// there only once it is reopened.
	e.ForgetLeft(func(host string) bool {
		return slices.ContainsFunc(e.chunks, func(c *chunk) bool { return c.host == host })
	})
}

// dropRank orders the chunks the allocator took back: idle first, then
// those being released, then those with a batch.
func dropRank(c *chunk) int {
	switch {
	case c.idle():
		return 0
	case c.batch == nil:
		return 1
	}
	return 2
}

// chunkKey groups chunks as the allocator counts them.
type chunkKey struct {
	host string
	size ram.Amount
}

func cmpChunk(a, b *chunk) int {
	if c := cmp.Compare(a.host, b.host); c != 0 {
		return c
	}
	return cmp.Compare(a.size, b.size)
}
