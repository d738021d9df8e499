package lanl

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTailsMatchDefinition checks tails against its definition,
// p_i = #{j: x_j ≥ x_i} / n, on values with many ties (as the count
// features have), and that a NaN carries no evidence.
func TestTailsMatchDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sig := signal{value: func(in *Incident) float64 { return in.MaxScore }}
	for _, n := range []int{0, 1, 2, 17, 1000} {
		incs := make([]Incident, n)
		for i := range incs {
			incs[i].MaxScore = float64(rng.IntN(5)) * 0.5
			if rng.IntN(3) == 0 {
				incs[i].MaxScore = 0
			}
		}
		got := tails(incs, sig)
		for i := range incs {
			ge := 0
			for j := range incs {
				if incs[j].MaxScore >= incs[i].MaxScore {
					ge++
				}
			}
			if want := float64(ge) / float64(n); got[i] != want {
				t.Fatalf("n=%d: p[%d] = %v, want %v", n, i, got[i], want)
			}
		}
	}
	incs := []Incident{{MaxScore: 2}, {MaxScore: math.NaN()}, {MaxScore: 1}}
	if got := tails(incs, sig); got[0] != 1.0/3 || got[1] != 1 || got[2] != 2.0/3 {
		t.Fatalf("with a NaN: %v, want [1/3 1 2/3]", got)
	}
}

// TestTailsAtMatchTails checks the alert list's shortcut against tails, for
// short lists (counted) and long ones (sorted), NaN included.
func TestTailsAtMatchTails(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	incs := make([]Incident, 500)
	for i := range incs {
		incs[i].Novelty = float64(rng.IntN(7))
	}
	incs[3].Novelty = math.NaN()
	sig := signal{value: func(in *Incident) float64 { return in.Novelty }}
	all := tails(incs, sig)
	for _, k := range []int{0, 1, 10, fewAlerts, fewAlerts + 1, len(incs)} {
		at := rng.Perm(len(incs))[:k]
		if k > 1 {
			at[1] = 3
		}
		for r, p := range tailsAt(incs, sig, at) {
			if p != all[at[r]] {
				t.Fatalf("k=%d: tail at incident %d = %v, want %v", k, at[r], p, all[at[r]])
			}
		}
	}
}
