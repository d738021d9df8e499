package datasets

import "math"

// Rotated returns a copy of the images, each rotated counter-clockwise (as
// displayed, row 0 at the top) by degrees about its centre, with bilinear
// interpolation and black (0) outside the original frame. It matches
// scipy.ndimage.rotate(image, degrees, reshape=False, order=1,
// mode="grid-constant"). Labels are kept.
func (s *Images) Rotated(degrees float64) *Images {
	out := &Images{X: make([]float32, len(s.X)), Y: append([]int(nil), s.Y...), N: s.N, Width: s.Width, Height: s.Height, Classes: s.Classes}
	for i := 0; i < s.N; i++ {
		rotateImage(out.Image(i), s.Image(i), s.Width, s.Height, degrees)
	}
	return out
}

// rotateImage writes src rotated by degrees into dst. Each output pixel
// takes the value at the point that the inverse rotation maps it to.
func rotateImage(dst, src []float32, w, h int, degrees float64) {
	sin, cos := math.Sincos(degrees * math.Pi / 180)
	cy, cx := float64(h-1)/2, float64(w-1)/2
	at := func(r, c int) float64 {
		if r < 0 || r >= h || c < 0 || c >= w {
			return 0
		}
		return float64(src[r*w+c])
	}
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			dy, dx := float64(r)-cy, float64(c)-cx
			// The inverse rotation in (row, col) coordinates, whose row
			// axis points down: the output's left takes the source's top.
			sr := cy + cos*dy + sin*dx
			sc := cx - sin*dy + cos*dx
			r0, c0 := math.Floor(sr), math.Floor(sc)
			fr, fc := sr-r0, sc-c0
			ir, ic := int(r0), int(c0)
			v := (1-fr)*((1-fc)*at(ir, ic)+fc*at(ir, ic+1)) + fr*((1-fc)*at(ir+1, ic)+fc*at(ir+1, ic+1))
			dst[r*w+c] = float32(v)
		}
	}
}
