package nn

import "math/rand/v2"

// Batches splits the indices 0…n−1 into consecutive batches of at most size,
// shuffled first when rng is not nil (a fresh permutation per call, as a
// shuffling DataLoader gives each epoch).
func Batches(n, size int, rng *rand.Rand) [][]int {
	if size <= 0 {
		panic("nn: batch size must be positive")
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if rng != nil {
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	var out [][]int
	for lo := 0; lo < n; lo += size {
		out = append(out, idx[lo:min(lo+size, n)])
	}
	return out
}
