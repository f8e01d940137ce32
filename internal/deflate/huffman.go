package deflate

import (
	"math/bits"
	"sort"
)

// bitWriter writes deflate's bits, first bit in the lowest place.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

// code writes a Huffman code, whose first bit is its highest.
func (w *bitWriter) code(c uint16, n uint8) {
	w.bits(uint64(bits.Reverse16(c)>>(16-n)), uint(n))
}

func (w *bitWriter) flush() []byte {
	if w.nacc > 0 {
		w.out = append(w.out, byte(w.acc))
	}
	w.acc, w.nacc = 0, 0
	return w.out
}

// histogram counts a block's literal/length and distance symbols.
type histogram struct {
	lit  [286]int
	dist [30]int
}

func newHistogram(b []byte, syms []symbol) *histogram {
	h := &histogram{}
	for _, s := range syms {
		if s.dist == 0 {
			h.lit[b[s.at]]++
			continue
		}
		h.lit[lengthSym[s.len]]++
		h.dist[distSym(int(s.dist))]++
	}
	h.lit[256]++ // the end of the block
	return h
}

func (h *histogram) add(o *histogram) *histogram {
	sum := *h
	for i := range sum.lit {
		sum.lit[i] += o.lit[i]
	}
	for i := range sum.dist {
		sum.dist[i] += o.dist[i]
	}
	sum.lit[256]-- // one block, one end
	return &sum
}

// lenSym is a code length code: a length, or 16, 17, 18 with its extra
// bits' value.
type lenSym struct{ sym, extra uint8 }

var lenExtraBits = [19]uint{16: 2, 17: 3, 18: 7}

// lenOrder is the order the code length code's lengths are written in.
var lenOrder = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// blockCode is a dynamic block's codes and the header that describes
// them (RFC 1951 3.2.7).
type blockCode struct {
	litLens, distLens, lenLens []uint8
	nlit, ndist, nlen          int
	rle                        []lenSym
}

func newBlockCode(h *histogram) *blockCode {
	c := &blockCode{litLens: huffmanLengths(h.lit[:], 15), distLens: huffmanLengths(h.dist[:], 15)}
	c.nlit, c.ndist = len(c.litLens), len(c.distLens)
	for c.nlit > 257 && c.litLens[c.nlit-1] == 0 {
		c.nlit--
	}
	for c.ndist > 1 && c.distLens[c.ndist-1] == 0 {
		c.ndist--
	}
	lens := append(append([]uint8(nil), c.litLens[:c.nlit]...), c.distLens[:c.ndist]...)
	// Run-length coded: 16 repeats the last length 3-6 times, 17 and 18
	// write 3-10 and 11-138 zeros.
	for i := 0; i < len(lens); {
		l, run := lens[i], 1
		for i+run < len(lens) && lens[i+run] == l {
			run++
		}
		i += run
		if l == 0 {
			for ; run >= 11; run -= min(run, 138) {
				c.rle = append(c.rle, lenSym{18, uint8(min(run, 138) - 11)})
			}
			if run >= 3 {
				c.rle, run = append(c.rle, lenSym{17, uint8(run - 3)}), 0
			}
		} else {
			c.rle, run = append(c.rle, lenSym{l, 0}), run-1
			for ; run >= 3; run -= min(run, 6) {
				c.rle = append(c.rle, lenSym{16, uint8(min(run, 6) - 3)})
			}
		}
		for ; run > 0; run-- {
			c.rle = append(c.rle, lenSym{l, 0})
		}
	}
	var lenFreq [19]int
	for _, x := range c.rle {
		lenFreq[x.sym]++
	}
	c.lenLens = huffmanLengths(lenFreq[:], 7)
	c.nlen = len(lenOrder)
	for c.nlen > 4 && c.lenLens[lenOrder[c.nlen-1]] == 0 {
		c.nlen--
	}
	return c
}

// cost is the bits of a block of h's symbols with these codes: the
// header and the codes, but not the extra bits, which do not depend on
// the codes.
func (c *blockCode) cost(h *histogram) int {
	n := 3 + 5 + 5 + 4 + 3*c.nlen
	for _, x := range c.rle {
		n += int(c.lenLens[x.sym]) + int(lenExtraBits[x.sym])
	}
	for s, f := range h.lit {
		n += f * int(c.litLens[s])
	}
	for s, f := range h.dist {
		n += f * int(c.distLens[s])
	}
	return n
}

// writeBlock writes syms, symbols of b, as one block with its own
// Huffman codes.
func writeBlock(w *bitWriter, b []byte, syms []symbol, final bool) {
	c := newBlockCode(newHistogram(b, syms))
	litCodes, distCodes, lenCodes := canonical(c.litLens), canonical(c.distLens), canonical(c.lenLens)
	last := uint64(0)
	if final {
		last = 1
	}
	w.bits(last|2<<1, 3) // BFINAL, BTYPE 10: dynamic codes
	w.bits(uint64(c.nlit-257), 5)
	w.bits(uint64(c.ndist-1), 5)
	w.bits(uint64(c.nlen-4), 4)
	for _, s := range lenOrder[:c.nlen] {
		w.bits(uint64(c.lenLens[s]), 3)
	}
	for _, x := range c.rle {
		w.code(lenCodes[x.sym], c.lenLens[x.sym])
		w.bits(uint64(x.extra), lenExtraBits[x.sym])
	}
	for _, s := range syms {
		if s.dist == 0 {
			v := b[s.at]
			w.code(litCodes[v], c.litLens[v])
			continue
		}
		ls := lengthSym[s.len]
		w.code(litCodes[ls], c.litLens[ls])
		w.bits(uint64(int(s.len)-lengthBase[ls-257]), uint(lengthExtra[ls-257]))
		ds := distSym(int(s.dist))
		w.code(distCodes[ds], c.distLens[ds])
		w.bits(uint64(int(s.dist)-distBase[ds]), uint(distExtra[ds]))
	}
	w.code(litCodes[256], c.litLens[256])
}

// splitBlocks cuts syms into blocks, returned as the index each one
// ends at: units of unitSyms symbols, then neighbours merged, the most
// profitable first, while one block costs fewer bits than the two.
func splitBlocks(b []byte, syms []symbol) []int {
	type block struct {
		end  int // syms[previous block's end:end]
		h    *histogram
		cost int
	}
	var bs []block
	for start := 0; start < len(syms) || start == 0; start += unitSyms {
		end := min(start+unitSyms, len(syms))
		h := newHistogram(b, syms[start:end])
		bs = append(bs, block{end, h, newBlockCode(h).cost(h)})
	}
	// merged is bs[i] and bs[i+1] as one block, and the bits that saves.
	merged := func(i int) (block, int) {
		m := block{end: bs[i+1].end, h: bs[i].h.add(bs[i+1].h)}
		m.cost = newBlockCode(m.h).cost(m.h)
		return m, bs[i].cost + bs[i+1].cost - m.cost
	}
	gains := make([]int, max(len(bs)-1, 0))
	for i := range gains {
		_, gains[i] = merged(i)
	}
	for len(gains) > 0 {
		best := 0
		for i, g := range gains {
			if g > gains[best] {
				best = i
			}
		}
		if gains[best] <= 0 {
			break
		}
		bs[best], _ = merged(best)
		bs = append(bs[:best+1], bs[best+2:]...)
		gains = append(gains[:best], gains[best+1:]...)
		if best > 0 {
			_, gains[best-1] = merged(best - 1)
		}
		if best < len(gains) {
			_, gains[best] = merged(best)
		}
	}
	ends := make([]int, len(bs))
	for i, bl := range bs {
		ends[i] = bl.end
	}
	return ends
}

// huffmanLengths gives each symbol of freq a code length of at most
// limit bits (0 for a symbol never used), so that the code is complete:
// at least two symbols get a code (a used one and, if need be, symbol 0
// or 1), since a decoder refuses a code that leaves room unused.
func huffmanLengths(freq []int, limit int) []uint8 {
	f := append([]int(nil), freq...)
	used := 0
	for _, x := range f {
		if x > 0 {
			used++
		}
	}
	for s := 0; used < 2; s++ {
		if f[s] == 0 {
			f[s] = 1
			used++
		}
	}
	for {
		lens := huffman(f)
		max := uint8(0)
		for _, l := range lens {
			max = maxU8(max, l)
		}
		if int(max) <= limit {
			return lens
		}
		// Too deep: flatten the frequencies and build again.
		for s, x := range f {
			if x > 0 {
				f[s] = (x + 1) / 2
			}
		}
	}
}

func maxU8(a, b uint8) uint8 {
	if a > b {
		return a
	}
	return b
}

// huffman gives the code lengths of a Huffman code for the used symbols
// of freq: ties are broken by symbol, so the same frequencies always give
// the same lengths.
func huffman(freq []int) []uint8 {
	type node struct {
		weight      int
		left, right int // children in nodes, or -1 for a leaf
		sym         int
	}
	var nodes []node
	for s, f := range freq {
		if f > 0 {
			nodes = append(nodes, node{f, -1, -1, s})
		}
	}
	leaves := len(nodes)
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].weight < nodes[j].weight })
	// Two queues: the sorted leaves, and the joined nodes in the order
	// they are made (their weights never decrease).
	li, qi := 0, leaves
	pick := func() int {
		if li < leaves && (qi >= len(nodes) || nodes[li].weight <= nodes[qi].weight) {
			li++
			return li - 1
		}
		qi++
		return qi - 1
	}
	for len(nodes)-leaves < leaves-1 {
		a := pick()
		b := pick()
		nodes = append(nodes, node{nodes[a].weight + nodes[b].weight, a, b, -1})
	}
	lens := make([]uint8, len(freq))
	var walk func(i int, depth uint8)
	walk = func(i int, depth uint8) {
		if nodes[i].left < 0 {
			lens[nodes[i].sym] = depth
			return
		}
		walk(nodes[i].left, depth+1)
		walk(nodes[i].right, depth+1)
	}
	walk(len(nodes)-1, 0)
	return lens
}

// canonical gives the codes of canonical Huffman code lengths (RFC 1951
// 3.2.2).
func canonical(lens []uint8) []uint16 {
	var count [16]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint16
	code := uint16(0)
	for l := 1; l < 16; l++ {
		code = (code + uint16(count[l-1])) << 1
		next[l] = code
	}
	codes := make([]uint16, len(lens))
	for s, l := range lens {
		if l > 0 {
			codes[s] = next[l]
			next[l]++
		}
	}
	return codes
}
