package nn

import (
	"math"
	"math/rand/v2"
)

// NewRand returns the seeded generator mlprep uses everywhere randomness
// appears, so results are reproducible from a single integer.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// Uniform fills m with draws from U(lo, hi).
func Uniform(m *Mat, lo, hi float64, rng *rand.Rand) {
	for i := range m.Data {
		m.Data[i] = float32(lo + (hi-lo)*rng.Float64())
	}
}

// KaimingUniform fills m as torch.nn.init.kaiming_uniform_ with leaky-ReLU
// slope a and fan-in mode: U(±gain·√(3/fanIn)) with gain = √(2/(1+a²)).
// torch.nn.Linear uses a = √5, which gives U(±1/√fanIn).
func KaimingUniform(m *Mat, fanIn int, a float64, rng *rand.Rand) {
	if fanIn == 0 {
		m.Zero()
		return
	}
	gain := math.Sqrt(2 / (1 + a*a))
	bound := gain * math.Sqrt(3/float64(fanIn))
	Uniform(m, -bound, bound, rng)
}

// XavierUniform fills m as torch.nn.init.xavier_uniform_:
// U(±gain·√(6/(fanIn+fanOut))).
func XavierUniform(m *Mat, fanIn, fanOut int, gain float64, rng *rand.Rand) {
	if fanIn+fanOut == 0 {
		m.Zero()
		return
	}
	bound := gain * math.Sqrt(6/float64(fanIn+fanOut))
	Uniform(m, -bound, bound, rng)
}
