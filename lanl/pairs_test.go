package lanl

import (
	"math/rand/v2"
	"testing"
)

func TestPairTableMatchesMap(t *testing.T) {
	var pt pairTable
	want := map[uint64]uint32{}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		a, b := uint32(r.IntN(300)), uint32(r.IntN(300))
		if r.IntN(10) == 0 {
			a = ^uint32(0) // the largest key must not collide with "empty"
		}
		e, added := pt.find(a, b)
		w, ok := want[pairKey(a, b)]
		if !ok {
			w = uint32(len(want))
			want[pairKey(a, b)] = w
			e.count = w // the entry keeps what is stored in it across growth
		}
		if added == ok || e.count != w {
			t.Fatalf("(%d,%d): entry %d added %v, want %d added %v", a, b, e.count, added, w, !ok)
		}
	}
	if pt.len() != len(want) {
		t.Errorf("len %d, want %d", pt.len(), len(want))
	}
	if _, added := pt.find(1000, 1000); !added {
		t.Error("find did not add an absent pair")
	}
}
