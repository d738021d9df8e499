package lanl

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// Interner maps names (users, computers, categorical values) to compact
// integer IDs 0, 1, 2, … in order of first appearance. Looking up a name
// that is already known allocates nothing, so a reader that interns every
// field of every line allocates only when it meets a new name. The zero
// value is ready to use. An Interner is not safe for concurrent mutation.
//
// Names of up to 16 bytes — every LANL name but a few "ANONYMOUS LOGON@C…"
// — are stored inline in an open-addressing table, so a lookup reads one
// cache line and compares two words; a map[string]uint32 follows a pointer
// to the key's bytes, a second cache miss that measured as a third of the
// pipeline's time with 70,000 names. Longer names go to a map.
//
// LANL's de-identified names are a letter, a number and a short suffix
// ("U123@DOM1", "C17693", "C625$@DOM1"): those skip hashing altogether and
// index a dense array by their number, one small array per (letter,
// suffix) kind, which stays in cache where the hash table does not.
type Interner struct {
	names []string
	cells []internCell
	shift uint8
	short int
	long  map[string]uint32
	kinds []uint64   // (letter, suffix) of each dense kind, packed
	dense [][]uint32 // per kind, by number: ID+1, 0 when unseen
}

// maxDense bounds the numbers that index the dense arrays (4 MiB each at
// most); larger numbers, leading zeros and suffixes over 7 bytes hash.
const maxDense = 1 << 20

// denseName splits a name into its kind key (letter and suffix, packed
// into one word) and number, if it has that shape.
func denseName(b []byte) (kind uint64, num int, ok bool) {
	if len(b) < 2 || b[0] < 'A' || b[0] > 'Z' || b[1] < '1' || b[1] > '9' {
		return 0, 0, false
	}
	i := 1
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		num = num*10 + int(b[i]-'0')
		i++
		if num >= maxDense {
			return 0, 0, false
		}
	}
	rest := b[i:]
	if len(rest) > 7 {
		return 0, 0, false
	}
	return (uint64(b[0]) | loadPadded(rest)<<8) ^ uint64(len(rest))<<59, num, true
}

func (in *Interner) kindIndex(kind uint64) int {
	for i, k := range in.kinds {
		if k == kind {
			return i
		}
	}
	return -1
}

// internCell holds a short name's bytes (zero-padded) and its ID; size is
// len(name)+1, 0 for an empty cell.
type internCell struct {
	lo, hi uint64
	size   uint32
	id     uint32
}

const inlineName = 16

// packName loads a name of at most 16 bytes as two little-endian words.
func packName(b []byte) (lo, hi uint64) {
	if len(b) <= 8 {
		return loadPadded(b), 0
	}
	return loadPadded(b[:8]), loadPadded(b[8:])
}

// loadPadded loads at most 8 bytes as a little-endian word, zero-padded.
// A name inside a line buffer has bytes after it: those are loaded with it
// and masked off, which saves the copy through a stack buffer (a memmove
// call per name, a fifth of the interning time).
func loadPadded(b []byte) uint64 {
	if cap(b) >= 8 {
		return binary.LittleEndian.Uint64(b[:8]) & (^uint64(0) >> (64 - 8*len(b)))
	}
	var buf [8]byte
	copy(buf[:], b)
	return binary.LittleEndian.Uint64(buf[:])
}

func (in *Interner) cell(lo, hi uint64, size uint32) int {
	h := (lo ^ bits.RotateLeft64(hi, 29) ^ uint64(size)) * 0x9E3779B97F4A7C15
	return int(h >> in.shift)
}

// ID returns the ID of name, assigning the next free one if name is new.
func (in *Interner) ID(name []byte) uint32 {
	if id, ok := in.find(name); ok {
		return id
	}
	return in.add(string(name))
}

// IDString is ID for a string.
func (in *Interner) IDString(name string) uint32 { return in.ID([]byte(name)) }

// Lookup returns the ID of name without adding it.
func (in *Interner) Lookup(name string) (uint32, bool) { return in.find([]byte(name)) }

// Name returns the name of id; it panics if id was never assigned.
func (in *Interner) Name(id uint32) string { return in.names[id] }

// Len is the number of distinct names seen.
func (in *Interner) Len() int { return len(in.names) }

func (in *Interner) find(name []byte) (uint32, bool) {
	if kind, num, ok := denseName(name); ok {
		k := in.kindIndex(kind)
		if k < 0 || num >= len(in.dense[k]) || in.dense[k][num] == 0 {
			return 0, false
		}
		return in.dense[k][num] - 1, true
	}
	if len(name) > inlineName {
		id, ok := in.long[string(name)]
		return id, ok
	}
	if in.cells == nil {
		return 0, false
	}
	lo, hi := packName(name)
	size := uint32(len(name) + 1)
	mask := len(in.cells) - 1
	for i := in.cell(lo, hi, size); ; i = (i + 1) & mask {
		c := &in.cells[i]
		if c.size == 0 {
			return 0, false
		}
		if c.lo == lo && c.hi == hi && c.size == size {
			return c.id, true
		}
	}
}

func (in *Interner) add(s string) uint32 {
	id := uint32(len(in.names))
	if kind, num, ok := denseName([]byte(s)); ok {
		k := in.kindIndex(kind)
		if k < 0 {
			k = len(in.kinds)
			in.kinds = append(in.kinds, kind)
			in.dense = append(in.dense, nil)
		}
		if num >= len(in.dense[k]) {
			grown := make([]uint32, max(num+1, 2*len(in.dense[k]), 1024))
			copy(grown, in.dense[k])
			in.dense[k] = grown
		}
		in.dense[k][num] = id + 1
		in.names = append(in.names, s)
		return id
	}
	if len(s) > inlineName {
		if in.long == nil {
			in.long = make(map[string]uint32)
		}
		in.long[s] = id
		in.names = append(in.names, s)
		return id
	}
	if 2*(in.short+1) > len(in.cells) {
		in.grow()
	}
	in.names = append(in.names, s)
	in.insert(s, id)
	in.short++
	return id
}

func (in *Interner) insert(name string, id uint32) {
	lo, hi := packName([]byte(name))
	size := uint32(len(name) + 1)
	mask := len(in.cells) - 1
	i := in.cell(lo, hi, size)
	for in.cells[i].size != 0 {
		i = (i + 1) & mask
	}
	in.cells[i] = internCell{lo: lo, hi: hi, size: size, id: id}
}

// grow doubles the table and re-inserts the short names.
func (in *Interner) grow() {
	n := max(64, 2*len(in.cells))
	in.cells = make([]internCell, n)
	in.shift = uint8(64 - log2(n))
	for id, s := range in.names {
		if _, _, dense := denseName([]byte(s)); !dense && len(s) <= inlineName {
			in.insert(s, uint32(id))
		}
	}
}

// Dictionary holds the interners of one data set. Readers of the auth and
// red-team files of the same data set must share a Dictionary so that a
// user or computer has the same ID in both.
type Dictionary struct {
	// Users holds "user@domain" names, machine accounts ("C625$@DOM1")
	// included: the domain is part of the identity.
	Users Interner
	// Computers holds computer names ("C625", and "?" when unknown).
	Computers Interner
	// AuthTypes, LogonTypes and Orientations hold the categorical fields
	// ("Kerberos", "Network", "LogOn", …).
	AuthTypes, LogonTypes, Orientations Interner
}

// NewDictionary returns an empty dictionary.
func NewDictionary() *Dictionary { return &Dictionary{} }

// IsMachineAccount reports whether a "user@domain" name is a computer's
// own account: the part before "@" ends in "$".
func IsMachineAccount(user string) bool {
	name, _, _ := strings.Cut(user, "@")
	return strings.HasSuffix(name, "$")
}
