package gcn

import "math/rand/v2"

// dropout writes inverted dropout of src into dst: each value is zeroed with
// probability p and the survivors are scaled by 1/(1−p). Applied to the
// stored values of a sparse matrix it is the GCN reference code's sparse
// dropout: unstored zeros stay zero, the cost is NNZ, and dropped entries stay
// in the structure as explicit zeros (as torch's F.dropout on a sparse
// tensor's values leaves them).
func dropout(dst, src []float32, p float64, rng *rand.ChaCha8) {
	dst = dst[:len(src)]
	keep := float32(1 / (1 - p))
	// One 64-bit draw gives two 32-bit uniforms u; u ≥ p·2³² is the same
	// Bernoulli(1−p) test as Float64() ≥ p to 2⁻³² resolution, at half the
	// generator calls.
	threshold := uint64(p * (1 << 32))
	var bits uint64
	for i, v := range src {
		if i&1 == 0 {
			bits = rng.Uint64()
		} else {
			bits >>= 32
		}
		// kept is 1 when the 32-bit draw is at least the threshold: the
		// subtraction borrows into bit 63 otherwise. Branch-free, because a
		// coin flip at p = 0.5 defeats the branch predictor.
		kept := 1 - (bits&0xffffffff-threshold)>>63
		dst[i] = v * keep * float32(kept)
	}
}
