package lanl

import "unsafe"

// pairTable maps a pair of 32-bit IDs to the pair's statistics, stored in
// the table itself so that a lookup touches one cache line. It is an
// open-addressing table with linear probing and Fibonacci hashing, written
// out rather than a map[uint64]*pairStats because it is probed three times
// per event on the pipeline's hot path (BenchmarkPairTable: about twice as
// fast as a map even before the map's pointer chase).
type pairTable struct {
	cells []pairEntry
	shift uint8
	n     int
}

// pairEntry is one pair and what the baseline and the analyzer keep on it,
// in 16 bytes: four cells to a cache line, and a third less memory than
// with a separate flag.
type pairEntry struct {
	key uint64 // pair+1 (0 marks an empty cell)
	// count is the number of events of a (user, destination) pair (the
	// baseline's c(u,d)). The (user, source) table needs no count and
	// keeps a flag in it instead: recentSource when the pair was first
	// used after training.
	count uint32
	// window is the analyzer's stamp, +1 so that 0 is "never": the last
	// window the pair was used in.
	window uint32
}

// recentSource marks, in pairEntry.count, a (user, source) pair first used
// after training.
const recentSource = 1

func pairKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// find returns the entry of (a, b), inserting it when absent; added
// reports the insertion. The pointer is valid until the next find on t.
func (t *pairTable) find(a, b uint32) (e *pairEntry, added bool) {
	if 2*(t.n+1) > len(t.cells) {
		t.grow()
	}
	k := pairKey(a, b) + 1
	mask := uint64(len(t.cells) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> t.shift; ; i = (i + 1) & mask {
		c := &t.cells[i]
		switch c.key {
		case k:
			return c, false
		case 0:
			c.key = k
			t.n++
			return c, true
		}
	}
}

// len is the number of pairs stored.
func (t *pairTable) len() int { return t.n }

func (t *pairTable) grow() {
	size := max(1024, 2*len(t.cells))
	old := t.cells
	t.cells = make([]pairEntry, size)
	t.shift = uint8(64 - log2(size))
	mask := uint64(size - 1)
	for _, c := range old {
		if c.key == 0 {
			continue
		}
		i := (c.key * 0x9E3779B97F4A7C15) >> t.shift
		for t.cells[i].key != 0 {
			i = (i + 1) & mask
		}
		t.cells[i] = c
	}
}

// bytes is the table's memory footprint.
func (t *pairTable) bytes() int64 { return int64(len(t.cells)) * int64(unsafe.Sizeof(pairEntry{})) }

func log2(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return b
}

// touch prefetches the cell where (a, b) would be probed first, so that
// a batch of lookups brings their cache lines in together before the
// real, dependent work (see Analyzer.ObserveBatch).
func (t *pairTable) touch(a, b uint32) {
	if len(t.cells) == 0 {
		return
	}
	k := pairKey(a, b) + 1
	prefetch(unsafe.Pointer(&t.cells[(k*0x9E3779B97F4A7C15)>>t.shift]))
}
