package attention

import "math"

// expNonPositive returns eˣ for x ≤ 0 in float32, with a relative error below
// 2e-7: x = n·ln2 + r with |r| ≤ ln2/2, eʳ from Cephes' expf polynomial and
// 2ⁿ from the exponent bits. The softmax only ever exponentiates x − max ≤ 0,
// and this is several times faster than math.Exp, which matters because the
// softmax touches every one of the B·H·Lq·Lk scores.
func expNonPositive(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2Hi = 0.693359375
		ln2Lo = -2.12194440e-4
	)
	if x < -87 { // e⁻⁸⁷ ≈ 1.6e-38: below float32's normal range; also −Inf
		return 0
	}
	n := float32(math.Floor(float64(x*log2e + 0.5)))
	r := x - n*ln2Hi - n*ln2Lo
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	e := p*r*r + r + 1
	return e * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// softmaxRow replaces row by its softmax, subtracting the maximum first so no
// score overflows. A row whose every entry is −Inf (every key masked)
// becomes all zeros instead of the NaNs 0/0 would give.
func softmaxRow(row []float32) {
	m := negInf
	for _, v := range row {
		m = max(m, v)
	}
	if m == negInf {
		clear(row)
		return
	}
	var sum float64 // float32 sums of thousands of terms drift by ~1e-5
	for j, v := range row {
		e := expNonPositive(v - m)
		row[j] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for j := range row {
		row[j] *= inv
	}
}
