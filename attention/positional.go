package attention

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Sinusoidal returns the fixed positional encoding of "Attention Is All You
// Need" (Vaswani et al., 2017, §3.5) as a (length, dim) Float32 tensor:
//
//	PE[pos, 2i] = sin(pos / 10000^(2i/dim)),  PE[pos, 2i+1] = cos(pos / 10000^(2i/dim)).
//
// Add row pos to the embedding of the token at position pos. Each pair of
// columns is a rotation at its own frequency, so PE[pos+k] is a linear
// function of PE[pos] for every offset k, which lets attention find relative
// positions.
func Sinusoidal(length, dim int) *tensor.Dense {
	if length < 0 || dim < 0 {
		panic(fmt.Sprintf("attention: Sinusoidal(%d, %d): negative size", length, dim))
	}
	pe := make([]float32, length*dim)
	for pos := range length {
		row := pe[pos*dim : (pos+1)*dim]
		for c := 0; c < dim; c += 2 {
			angle := float64(pos) / math.Pow(10000, float64(c)/float64(dim))
			row[c] = float32(math.Sin(angle))
			if c+1 < dim {
				row[c+1] = float32(math.Cos(angle))
			}
		}
	}
	return newTensor(pe, length, dim)
}

// Rotary is rotary position embedding, RoPE (Su et al., "RoFormer", 2021).
// Instead of adding a position vector to the token, it rotates each pair of
// features (x₂ᵢ, x₂ᵢ₊₁) of a query or key at position pos by the angle
// pos·θᵢ with θᵢ = Base^(−2i/d). A query at position m and a key at n then
// score qᵀR(n−m)k: the score depends only on the offset n − m, and keys
// cached during decoding never need re-encoding.
//
// Pairs are adjacent features, as in the paper. Many checkpoints (GPT-NeoX,
// Hugging Face's LLaMA) pair feature i with i + d/2 instead; the two are
// equivalent up to a fixed permutation of the projection weights, but
// weights trained with one pairing give wrong answers with the other.
//
// The zero value uses Base 10000, the paper's value.
type Rotary struct {
	Base float64
}

// Apply returns a copy of x, a Float32 tensor (…, L, d) with d even, whose
// row l is rotated to position start + l.
func (r Rotary) Apply(x *tensor.Dense, start int) *tensor.Dense {
	data, s := float32Data("Rotary.Apply input", x)
	if len(s) < 2 || s[len(s)-1]%2 != 0 {
		panic(fmt.Sprintf("attention: Rotary.Apply: input shape %v, want (…, length, even features)", s))
	}
	l, d := s[len(s)-2], s[len(s)-1]
	out := append([]float32(nil), data...)
	if len(out) > 0 {
		cos, sin := r.table(start, l, d)
		rotateRows(out, len(out)/d, d, d, l, cos, sin, false)
	}
	return newTensor(out, s...)
}

// table returns cos(pos·θᵢ) and sin(pos·θᵢ) for positions start … start+n−1
// (rows) and i < d/2 (columns). Angles are computed in float64: at position
// 10⁴ a float32 angle would already be off by 1e-3 rad.
func (r Rotary) table(start, n, d int) (cos, sin []float32) {
	base := r.Base
	if base == 0 {
		base = 10000
	}
	half := d / 2
	cos, sin = make([]float32, n*half), make([]float32, n*half)
	for p := range n {
		for i := range half {
			angle := float64(start+p) * math.Pow(base, -2*float64(i)/float64(d))
			s, c := math.Sincos(angle)
			cos[p*half+i], sin[p*half+i] = float32(c), float32(s)
		}
	}
	return cos, sin
}

// rotateRows rotates, in place, every d-wide segment of the rows of x
// (rows×width, row-major): row i takes the angles of table row i mod n.
// inverse rotates by the negative angles, which is the backward pass since a
// rotation's transpose is its inverse.
func rotateRows(x []float32, rows, width, d, n int, cos, sin []float32, inverse bool) {
	half := d / 2
	for i := range rows {
		c, s := cos[(i%n)*half:][:half], sin[(i%n)*half:][:half]
		row := x[i*width : (i+1)*width]
		for seg := 0; seg < width; seg += d {
			v := row[seg : seg+d]
			for j := range half {
				sn := s[j]
				if inverse {
					sn = -sn
				}
				a, b := v[2*j], v[2*j+1]
				v[2*j] = a*c[j] - b*sn
				v[2*j+1] = a*sn + b*c[j]
			}
		}
	}
}
