package hwgw

import (
	"math"

	"ramfarm/core/formulas"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// Placement rule. A batch runs in one chunk when one host can hold it.
// When it cannot (the batch is larger than the largest chunk the engine
// may ask for), it runs in several chunks of that size, possibly on
// several hosts:
//
//   - the grow always runs whole, as one process in the first chunk:
//     grows that land together compound on the security the earlier ones
//     raised, so a divided grow would fall short;
//   - the hack and both weakens are divided over the chunks as they come,
//     in landing order, each chunk taking as many whole threads as fit.
//     Hacks landing together take no more than one hack would and add the
//     same security; weakens add up, and a divided batch is planned with a
//     margin for their rounding (Planner.Batch with split);
//   - every part of an operation gets the same landing time, and the
//     batch is planned for the fewest cores among its chunks.

// Piece is the threads of one operation placed in one bin (a chunk).
type Piece struct {
	Op      Op
	Bin     int
	Threads int
}

// packer fills bins: caps gives each bin's capacity, or false past the
// last bin.
type packer struct {
	per  [NumOps]ram.Amount
	caps func(i int) (ram.Amount, bool)
}

// pack places threads into bins: the grow whole into the first bin, then
// the hack and the weakens in landing order, divided as needed. It
// returns the pieces (ordered by op, then bin), how many bins were used,
// and false if they do not fit.
func (k packer) pack(threads [NumOps]int) ([]Piece, int, bool) {
	var out []Piece
	bin := 0
	free, ok := k.caps(0)
	if !ok {
		return nil, 0, false
	}
	used := 0
	if g := threads[OpGrow]; g > 0 {
		need := k.per[OpGrow].Times(g)
		if need > free {
			return nil, 0, false
		}
		free -= need
		used = 1
	}
	var rest []Piece
	for _, op := range [...]Op{OpHack, OpWeaken1, OpWeaken2} {
		t := threads[op]
		per := k.per[op]
		for t > 0 {
			n := min(t, int(free/per))
			if n == 0 {
				bin++
				if free, ok = k.caps(bin); !ok {
					return nil, 0, false
				}
				continue
			}
			rest = append(rest, Piece{Op: op, Bin: bin, Threads: n})
			used = bin + 1
			free -= per.Times(n)
			t -= n
		}
	}
	// Landing order: the hack's pieces, the first weaken's, the grow,
	// the second weaken's.
	for _, pc := range rest {
		if pc.Op == OpHack || pc.Op == OpWeaken1 {
			out = append(out, pc)
		}
	}
	if g := threads[OpGrow]; g > 0 {
		out = append(out, Piece{Op: OpGrow, Bin: 0, Threads: g})
	}
	for _, pc := range rest {
		if pc.Op == OpWeaken2 {
			out = append(out, pc)
		}
	}
	return out, used, true
}

// Pack places threads into the bins whose capacities caps gives, by the
// placement rule: the pieces ordered by landing, and false if they do not
// fit.
func (p *Planner) Pack(threads [NumOps]int, caps []ram.Amount) ([]Piece, bool) {
	k := packer{per: p.PerThread(), caps: func(i int) (ram.Amount, bool) {
		if i < len(caps) {
			return caps[i], true
		}
		return 0, false
	}}
	pieces, _, ok := k.pack(threads)
	return pieces, ok
}

// BinsNeeded is how many chunks of size a divided batch takes, and false
// if its grow does not fit one.
func (p *Planner) BinsNeeded(threads [NumOps]int, size ram.Amount) (int, bool) {
	k := packer{per: p.PerThread(), caps: func(int) (ram.Amount, bool) { return size, true }}
	if p.m.GrowRAM.Times(threads[OpGrow]) > size || size < max(p.m.HackRAM, p.m.WeakenRAM) {
		return 0, false
	}
	_, n, ok := k.pack(threads)
	return n, ok
}

// PerThread is each op's worker RAM per thread.
func (p *Planner) PerThread() [NumOps]ram.Amount {
	return [NumOps]ram.Amount{p.m.HackRAM, p.m.WeakenRAM, p.m.GrowRAM, p.m.WeakenRAM}
}

// Bin is the room one host offers a batch, and that host's cores.
type Bin struct {
	Room  ram.Amount
	Cores int // 0 counts as 1
}

// Place divides a batch planned by On over hosts with their cores, by the
// placement rule above, and returns the batch as placed (each op's
// threads the sum of its pieces) and its pieces in landing order, Bin
// indexing bins; false if it does not fit.
//
// The grow runs whole in bins[0], a host with plan.Cores cores (its count
// is already theirs). The hack and the weakens then take the other bins
// and, last, what bins[0] has left, so that a host that can take a grow
// keeps room for the next batch's. Cores do nothing for a hack and make
// every weaken thread remove more (FACTS.md §2.8), so the hack visits the
// bins with the fewest cores first and the weakens those with the most,
// ties in the order given: a weaken thread on a host of c cores does the
// work of 1 + (c−1)/16 of the plan's 1-core threads, and each host takes
// the fewest that cover what is left. The plan's split margin covers the
// rounding of the parts' amounts. With every bin at one core this is Pack
// over the same hosts.
func (p *Planner) Place(plan Batch, bins []Bin) (Batch, []Piece, bool) {
	if len(bins) == 0 {
		return plan, nil, false
	}
	per := p.PerThread()
	room := make([]ram.Amount, len(bins))
	for i, b := range bins {
		room[i] = b.Room
	}
	if g := plan.Threads[OpGrow]; g > 0 {
		need := per[OpGrow].Times(g)
		if need > room[0] {
			return plan, nil, false
		}
		room[0] -= need
	}
	cores := func(i int) int { return max(1, bins[i].Cores) }
	order := func(less func(a, b int) bool) []int {
		o := make([]int, 0, len(bins))
		for i := 1; i < len(bins); i++ {
			o = append(o, i)
		}
		stable.Sort(o, func(a, b int) int {
			switch {
			case less(a, b):
				return -1
			case less(b, a):
				return 1
			}
			return 0
		})
		return append(o, 0)
	}
	hackOrder := order(func(a, b int) bool { return cores(a) < cores(b) })
	weakenOrder := order(func(a, b int) bool { return cores(a) > cores(b) })
	placed := plan
	var pieces [NumOps][]Piece
	for _, op := range [...]Op{OpHack, OpWeaken1, OpWeaken2} {
		visit, worth := weakenOrder, func(i int) float64 { return formulas.CoreBonus(float64(cores(i))) }
		if op == OpHack {
			visit, worth = hackOrder, func(int) float64 { return 1 }
		}
		// left is in the plan's threads: exact, as every worth is a
		// multiple of 1/16.
		left, threads := float64(plan.Threads[op]), 0
		for _, i := range visit {
			if left <= 0 {
				break
			}
			n := min(int(math.Ceil(left/worth(i))), int(room[i]/per[op]))
			if n <= 0 {
				continue
			}
			pieces[op] = append(pieces[op], Piece{Op: op, Bin: i, Threads: n})
			room[i] -= per[op].Times(n)
			left -= float64(n) * worth(i)
			threads += n
		}
		if left > 0 {
			return plan, nil, false
		}
		placed.Threads[op] = threads
	}
	out := append(pieces[OpHack], pieces[OpWeaken1]...)
	if g := plan.Threads[OpGrow]; g > 0 {
		out = append(out, Piece{Op: OpGrow, Bin: 0, Threads: g})
	}
	out = append(out, pieces[OpWeaken2]...)
	return p.finish(placed, plan.Duration, plan.Cores, plan.Split), out, true
}
