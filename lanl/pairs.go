package lanl

// pairTable maps a pair of 32-bit IDs to a dense slot number 0, 1, 2, … in
// order of insertion, so per-pair statistics live in plain slices. It is an
// open-addressing table with linear probing and Fibonacci hashing, written
// out rather than a map[uint64]uint32 because it is probed three times per
// event on the pipeline's hot path, where it measured about twice as fast.
type pairTable struct {
	keys  []uint64 // pair+1 (0 marks an empty cell)
	slots []uint32
	shift uint8
	n     int
}

func pairKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// find returns the slot of (a, b), inserting it with the next slot number
// when absent; added reports the insertion.
func (t *pairTable) find(a, b uint32) (slot uint32, added bool) {
	if 2*(t.n+1) > len(t.keys) {
		t.grow()
	}
	k := pairKey(a, b) + 1
	mask := uint64(len(t.keys) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> t.shift; ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.slots[i], false
		case 0:
			t.keys[i], t.slots[i] = k, uint32(t.n)
			t.n++
			return uint32(t.n - 1), true
		}
	}
}

// lookup returns the slot of (a, b) without inserting.
func (t *pairTable) lookup(a, b uint32) (uint32, bool) {
	if t.n == 0 {
		return 0, false
	}
	k := pairKey(a, b) + 1
	mask := uint64(len(t.keys) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> t.shift; ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.slots[i], true
		case 0:
			return 0, false
		}
	}
}

// len is the number of pairs stored.
func (t *pairTable) len() int { return t.n }

func (t *pairTable) grow() {
	size := max(1024, 2*len(t.keys))
	old, oldSlots := t.keys, t.slots
	t.keys, t.slots = make([]uint64, size), make([]uint32, size)
	t.shift = uint8(64 - log2(size))
	mask := uint64(size - 1)
	for j, k := range old {
		if k == 0 {
			continue
		}
		i := (k * 0x9E3779B97F4A7C15) >> t.shift
		for t.keys[i] != 0 {
			i = (i + 1) & mask
		}
		t.keys[i], t.slots[i] = k, oldSlots[j]
	}
}

// bytes is the table's memory footprint.
func (t *pairTable) bytes() int64 { return int64(len(t.keys)) * 12 }

func log2(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return b
}
