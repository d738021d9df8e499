package datasets

import (
	"fmt"
	"math/rand/v2"
)

// ShiftImage writes src, a width×height image, translated by dx pixels to the
// right and dy pixels down into dst. Pixels shifted in from outside are 0, the
// background of MNIST and the digits. dst and src must not overlap.
func ShiftImage(dst, src []float32, width, height, dx, dy int) {
	if len(src) != width*height || len(dst) != len(src) {
		panic(fmt.Sprintf("datasets: ShiftImage: src %d and dst %d values for a %d×%d image", len(src), len(dst), width, height))
	}
	clear(dst)
	for r := max(0, dy); r < min(height, height+dy); r++ {
		from := src[(r-dy)*width : (r-dy+1)*width]
		to := dst[r*width : (r+1)*width]
		for c := max(0, dx); c < min(width, width+dx); c++ {
			to[c] = from[c-dx]
		}
	}
}

// RandomShifts returns a copy of the images in x (each width×height, one after
// another) with each translated by its own shift, drawn uniformly from
// [−maxShift, maxShift] in each direction. Small shifts are the cheapest data
// augmentation that helps a fully connected network on MNIST: it has no
// built-in translation invariance, so showing it shifted copies teaches some.
func RandomShifts(x []float32, width, height, maxShift int, rng *rand.Rand) []float32 {
	d := width * height
	if d == 0 || len(x)%d != 0 {
		panic(fmt.Sprintf("datasets: RandomShifts: %d values are not whole %d×%d images", len(x), width, height))
	}
	out := make([]float32, len(x))
	span := 2*maxShift + 1
	for lo := 0; lo < len(x); lo += d {
		dx, dy := rng.IntN(span)-maxShift, rng.IntN(span)-maxShift
		ShiftImage(out[lo:lo+d], x[lo:lo+d], width, height, dx, dy)
	}
	return out
}
