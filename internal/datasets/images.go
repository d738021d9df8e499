package datasets

import "math/rand/v2"

// Images is a labelled set of grey-level images, one per row of X, with
// pixels scaled to [0, 1].
type Images struct {
	X             []float32 // N×(Width·Height), row-major
	Y             []int
	N             int
	Width, Height int
	Classes       int
}

// Dim is the number of pixels per image.
func (s *Images) Dim() int { return s.Width * s.Height }

// Image returns the pixels of image i, sharing memory with s.
func (s *Images) Image(i int) []float32 { return s.X[i*s.Dim() : (i+1)*s.Dim()] }

// Subset returns the images at idx, copied.
func (s *Images) Subset(idx []int) *Images {
	d := s.Dim()
	out := &Images{X: make([]float32, 0, len(idx)*d), Y: make([]int, 0, len(idx)), N: len(idx), Width: s.Width, Height: s.Height, Classes: s.Classes}
	for _, i := range idx {
		out.X = append(out.X, s.Image(i)...)
		out.Y = append(out.Y, s.Y[i])
	}
	return out
}

// Split shuffles the images with seed and returns the first nTrain as the
// training set and the rest as the test set. For MNIST, whose training images
// are not available here, Split(8000, seed) is the protocol every mlprep
// result uses: train on 8,000 test images, report on the other 2,000.
func (s *Images) Split(nTrain int, seed uint64) (train, test *Images) {
	idx := make([]int, s.N)
	for i := range idx {
		idx[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d6c70726570))
	rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	nTrain = min(max(nTrain, 0), s.N)
	return s.Subset(idx[:nTrain]), s.Subset(idx[nTrain:])
}

// MNISTOrDigits returns the image benchmark the roadmap's vision lessons use:
// MNIST's test images split 8,000 / 2,000 with seed when the shared data is
// present, else the embedded 8×8 digits split 1,437 / 360. name says which,
// for every table that reports a result. quick limits MNIST to 2,000 / 500
// images so smoke runs finish in seconds.
func MNISTOrDigits(seed uint64, quick bool) (train, test *Images, name string) {
	if m, err := MNIST(""); err == nil {
		train, test = m.Split(8000, seed)
		name = "MNIST (train: 8,000 of the 10,000 test images; test: the other 2,000)"
		if quick {
			train, test = train.Subset(seq(2000)), test.Subset(seq(500))
			name = "MNIST (quick: 2,000 / 500 of the test images)"
		}
		return train, test, name
	}
	train, test = Digits().Split(1437, seed)
	return train, test, "scikit-learn 8×8 digits (embedded; 1,437 train / 360 test)"
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
