package memory

import (
	"cmp"
	"slices"
	"strings"

	"ramfarm/core/internal/siphash"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// host is one worker as last observed, with the engine's accounting.
type host struct {
	name   string
	kind   HostKind
	rooted bool
	max    ram.Amount
	used   ram.Amount
	cores  int

	foreign   ram.Amount // used RAM no live claim explains
	usable    ram.Amount // max less max(set-aside, foreign); 0 if unusable
	allocated ram.Amount // sum of every chunk held here
	claimed   ram.Amount // sum of live claims here
	cordoned  bool       // no new chunks here (the host is being vacated)
	// seatRoom is room makeRoom freed for a daemon's seat at game time
	// seatRoomAt, kept from every other grant until seatRoomUntil (ms).
	// The seat is granted at a later game time: by then the owners whose
	// chunks were revoked have heard of it, and the game's used RAM shows
	// any worker one of them started in those chunks before it heard
	// (granting at once raced them: the seat's start then failed for lack
	// of RAM).
	seatRoom                  ram.Amount
	seatRoomAt, seatRoomUntil int64
	// over is set while live claims pin more than the host can hold
	// (it shrank under running workers): said once, and again when over.
	over bool

	// A worker shows in used RAM from its exec, its claim only when the
	// memory daemon reads it: unexplained use that fits in granted,
	// unclaimed chunks is taken for workers whose claims are on their way
	// for ClaimGrace (from when it appeared, or from the host's last new
	// claim), and counts as foreign only after.
	// lows gives the least unexplained use over the last ForeignWindow:
	// use that long-lived is foreign (refresh).
	lows minWindow

	inflight      bool       // such use was seen at the last refresh
	inflightSince int64      // game time, ms, the grace runs from
	newClaim      bool       // a claim was made here since the last refresh
	forgiven      ram.Amount // use not counted as foreign at the last refresh
}

// ClaimGrace is how long, in ms, used RAM inside granted but unclaimed
// chunks is taken for workers whose claims have not arrived yet. A task
// writes its claims right after its execs; a full port delays them by a
// few of its rounds.
const ClaimGrace = 2000

// ForeignWindow is how long, in ms, unexplained use must have stayed at
// least some amount for that amount to count as foreign even while claims
// keep arriving (see refresh).
const ForeignWindow = 5000

// minWindow is the least of the values pushed over the last ForeignWindow
// ms: a queue of the samples that may still be the least, oldest first,
// rising (each push drops the later samples it undercuts, and the ones
// too old), so a push costs O(1) amortized. Until it has seen a whole
// window, nothing has lasted one: the least is 0.
type minWindow struct {
	q       []minSample
	started bool
	first   int64 // time of the first push
}

type minSample struct {
	t int64
	v ram.Amount
}

// push adds v seen at time t and returns the least value seen within the
// window that ends at t, or 0 before a whole window has passed.
func (w *minWindow) push(t int64, v ram.Amount) ram.Amount {
	if !w.started {
		w.started, w.first = true, t
	}
	q := w.q
	for len(q) > 0 && q[len(q)-1].v >= v {
		q = q[:len(q)-1]
	}
	q = append(q, minSample{t, v})
	i := 0
	for q[i].t <= t-ForeignWindow {
		i++
	}
	if i > 0 {
		q = append(q[:0], q[i:]...)
	}
	w.q = q
	if t-w.first < ForeignWindow {
		return 0
	}
	return q[0].v
}

// RegrowAfter is how long, in ms, a growable allocation that gave chunks
// of its size back waits before it is grown again. An owner that means to stay smaller
// resizes first; one that does not (or cannot agree with the allocator)
// would otherwise get its chunks straight back, give them back again,
// and the two would trade them within one instant: in the game, a page
// that never draws again. This way a disagreement costs a round a second.
const RegrowAfter = 1000

// free is what can still be granted here, but for room set aside for a
// seat; 0 while the host is over-committed.
func (h *host) free() ram.Amount {
	if h.cordoned || h.allocated+h.seatRoom >= h.usable {
		return 0
	}
	return h.usable - h.allocated - h.seatRoom
}

// claim is RAM a worker process uses inside an allocation's chunks.
type claim struct {
	worker Pid
	alloc  *alloc
	host   *host
	ram    ram.Amount
}

// alloc is one allocation.
type alloc struct {
	id      AllocID
	owner   Pid
	script  string
	reply   Port
	prio    int
	opts    Options
	size    ram.Amount // current chunk size
	desired int        // desired count of size chunks

	held      []Chunks // sorted by host, then size; no empty runs
	claims    map[Pid]*claim
	claimedOn map[string]ram.Amount
	// settled are workers whose claims ended with their death, which the
	// allocator saw before their owner did: the owner's un-claim, on its
	// way, is answered without a word (the owner un-claims every worker
	// it sees end, so each entry goes with it, or with the allocation).
	settled map[Pid]struct{}
	streams []*stream

	seq     int64
	changed bool // holdings changed during the current tick

	regrowAt int64 // game time, ms, before which it is not grown (RegrowAfter)

	// gen counts the gives: each one makes a new token, so a giver loses
	// its power over what it gave.
	gen uint32
	// rid is the request that made the allocation: the snapshot that
	// answers it, on its owner's port, is the only one with the token.
	// 0 once given.
	rid int64

	// orphan: the owner died while workers claimed RAM here; only their
	// chunks are held, until the last of them ends.
	orphan bool
}

// tokenMask keeps a token within the integers a JSON number (a double)
// holds exactly.
const tokenMask = 1<<53 - 1

// token is a's token: a keyed hash of its id and gen, never 0. Without
// the engine's secret nobody can compute it; 0 when tokens are off.
func (e *Engine) token(a *alloc) int64 {
	if e.secret == (siphash.Key{}) {
		return 0
	}
	var b [12]byte
	for i := range 8 {
		b[i] = byte(uint64(a.id) >> (8 * i))
	}
	for i := range 4 {
		b[8+i] = byte(a.gen >> (8 * i))
	}
	return max(int64(siphash.Sum64(e.secret, b[:])&tokenMask), 1)
}

// withToken gives g the token when it answers the request that made a.
func (e *Engine) withToken(a *alloc, g *Granted) {
	if g.Rid != 0 && g.Rid == a.rid {
		g.Token = e.token(a)
	}
}

func cmpChunks(x, y Chunks) int {
	if c := strings.Compare(x.Host, y.Host); c != 0 {
		return c
	}
	return cmp.Compare(x.Size, y.Size)
}

func cmpAllocID(a *alloc, id AllocID) int { return cmp.Compare(a.id, id) }

// count is how many chunks of size the allocation holds on host.
func (a *alloc) count(host string, size ram.Amount) int {
	if i, ok := slices.BinarySearchFunc(a.held, Chunks{Host: host, Size: size}, cmpChunks); ok {
		return a.held[i].Count
	}
	return 0
}

// heldOn is the RAM the allocation holds on host, every size together.
func (a *alloc) heldOn(host string) ram.Amount {
	i, _ := slices.BinarySearchFunc(a.held, Chunks{Host: host}, cmpChunks)
	var sum ram.Amount
	for ; i < len(a.held) && a.held[i].Host == host; i++ {
		sum += a.held[i].Size.Times(a.held[i].Count)
	}
	return sum
}

// countSize is how many chunks of size the allocation holds anywhere.
func (a *alloc) countSize(size ram.Amount) int {
	n := 0
	for _, c := range a.held {
		if c.Size == size {
			n += c.Count
		}
	}
	return n
}

// claimed is the RAM the allocation's live claims use.
func (a *alloc) claimed() ram.Amount {
	var sum ram.Amount
	for _, v := range a.claimedOn {
		sum += v
	}
	return sum
}

// total is all the RAM the allocation holds.
func (a *alloc) total() ram.Amount {
	var sum ram.Amount
	for _, c := range a.held {
		sum += c.Size.Times(c.Count)
	}
	return sum
}

// grant adds k chunks of size on h to a.
func (a *alloc) grant(h *host, size ram.Amount, k int) {
	key := Chunks{Host: h.name, Size: size}
	i, ok := slices.BinarySearchFunc(a.held, key, cmpChunks)
	if ok {
		a.held[i].Count += k
	} else {
		key.Count = k
		a.held = stable.Insert(a.held, i, key)
	}
	h.allocated += size.Times(k)
}

// take removes k chunks of size on h from a; the caller checked they are
// held.
func (a *alloc) take(h *host, size ram.Amount, k int) {
	i, _ := slices.BinarySearchFunc(a.held, Chunks{Host: h.name, Size: size}, cmpChunks)
	a.held[i].Count -= k
	if a.held[i].Count == 0 {
		a.held = slices.Delete(a.held, i, i+1)
	}
	h.allocated -= size.Times(k)
}

// snapshot is a as a Granted message, each run with its host's cores as
// last observed.
func (e *Engine) snapshot(a *alloc, rid int64) Granted {
	held := slices.Clone(a.held)
	for i := range held {
		held[i].Cores = 1
		if h := e.hosts[held[i].Host]; h != nil {
			held[i].Cores = max(1, h.cores)
		}
	}
	g := Granted{
		Rid:       rid,
		Alloc:     a.id,
		Seq:       a.seq,
		ChunkSize: a.size,
		Desired:   a.desired,
		Held:      held,
	}
	e.withToken(a, &g)
	return g
}
