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
	// x·log2e ≤ 0, and int32 truncates toward zero, so this rounds to the
	// nearest integer (halves away from zero) without a call to math.Floor.
	n := float32(int32(x*log2e - 0.5))
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

// softmaxRow replaces row by its softmax; see expRow.
func softmaxRow(row []float32) {
	if sum := expRow(row); sum > 0 {
		scaleRow(row, float32(1/sum))
	}
}

// expRow replaces row by exp(row − max(row)) and returns the sum, accumulated
// in float64 because float32 sums of thousands of terms drift by ~1e-5.
// Subtracting the maximum first keeps every exponent ≤ 0, so no score
// overflows. A row whose every entry is −Inf (every key masked) becomes all
// zeros with sum 0, where the textbook formula would give 0/0 = NaN.
func expRow(row []float32) float64 {
	m := negInf
	for _, v := range row {
		m = max(m, v)
	}
	if m == negInf {
		clear(row)
		return 0
	}
	return expShifted(row, m)
}

// expShifted replaces row by exp(row − m), for m ≥ max(row), and returns
// the sum.
func expShifted(row []float32, m float32) float64 {
	var sum float64
	for j, v := range row {
		e := expNonPositive(v - m)
		row[j] = e
		sum += float64(e)
	}
	return sum
}

func scaleRow(row []float32, s float32) {
	for j := range row {
		row[j] *= s
	}
}
