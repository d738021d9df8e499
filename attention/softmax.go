package attention

import "math"

// expNonPositive returns eˣ for x ≤ 0; see expShifted.
func expNonPositive(x float32) float32 {
	v := [1]float32{x}
	expShifted(v[:], 0)
	return v[0]
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
// the sum. The exponential is computed in float32 with a relative error
// below 2e-7: x = n·ln2 + r with |r| ≤ ln2/2, eʳ from Cephes' expf
// polynomial (evaluated in Estrin's scheme, which shortens the dependency
// chain) and 2ⁿ from the exponent bits. The softmax touches every one of the
// B·H·Lq·Lk scores, so this loop is written out here rather than calling a
// scalar exp, which the compiler would not inline: it is several times
// faster than math.Exp per element.
func expShifted(row []float32, m float32) float64 {
	const (
		log2e = 1.44269504088896341
		ln2Hi = 0.693359375
		ln2Lo = -2.12194440e-4
	)
	var sum float64
	for j, v := range row {
		x := v - m
		var e float32
		// Below −87, eˣ < 1.6e-38 leaves float32's normal range; −Inf
		// (a masked score) lands here too and gives exactly 0.
		if x >= -87 {
			// x·log2e ≤ 0 and int32 truncates toward zero, so this rounds to
			// the nearest integer without a call to math.Floor.
			ni := int32(x*log2e - 0.5)
			n := float32(ni)
			r := x - n*ln2Hi - n*ln2Lo
			r2 := r * r
			p := (5.0000001201e-1 + 1.6666665459e-1*r) + (4.1665795894e-2+8.3334519073e-3*r)*r2 +
				(1.3981999507e-3+1.9875691500e-4*r)*(r2*r2)
			e = (p*r2 + r + 1) * math.Float32frombits(uint32(ni+127)<<23)
		}
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
