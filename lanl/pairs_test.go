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
		slot, added := pt.find(a, b)
		w, ok := want[pairKey(a, b)]
		if !ok {
			w = uint32(len(want))
			want[pairKey(a, b)] = w
		}
		if added == ok || slot != w {
			t.Fatalf("(%d,%d): slot %d added %v, want %d added %v", a, b, slot, added, w, !ok)
		}
		if got, ok := pt.lookup(a, b); !ok || got != w {
			t.Fatalf("lookup (%d,%d) = %d %v", a, b, got, ok)
		}
	}
	if pt.len() != len(want) {
		t.Errorf("len %d, want %d", pt.len(), len(want))
	}
	if _, ok := pt.lookup(1000, 1000); ok {
		t.Error("lookup found an absent pair")
	}
}
