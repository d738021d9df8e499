package datasets

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestShiftImage(t *testing.T) {
	src := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	cases := []struct {
		name   string
		dx, dy int
		want   []float32
	}{
		{"none", 0, 0, []float32{1, 2, 3, 4, 5, 6}},
		{"right", 1, 0, []float32{0, 1, 2, 0, 4, 5}},
		{"left", -1, 0, []float32{2, 3, 0, 5, 6, 0}},
		{"down", 0, 1, []float32{0, 0, 0, 1, 2, 3}},
		{"up-left", -2, -1, []float32{6, 0, 0, 0, 0, 0}},
		{"off the image", 3, 0, []float32{0, 0, 0, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := []float32{9, 9, 9, 9, 9, 9}
			ShiftImage(dst, src, 3, 2, c.dx, c.dy)
			require.Equal(t, c.want, dst)
		})
	}
	require.PanicsWithValue(t, "datasets: ShiftImage: src 6 and dst 5 values for a 3×2 image", func() {
		ShiftImage(make([]float32, 5), src, 3, 2, 0, 0)
	})
}

func TestRandomShiftsKeepsMassAndIsSeeded(t *testing.T) {
	d := Digits().Subset([]int{0, 1, 2, 3})
	a := RandomShifts(d.X, 8, 8, 1, rand.New(rand.NewPCG(1, 2)))
	b := RandomShifts(d.X, 8, 8, 1, rand.New(rand.NewPCG(1, 2)))
	require.Equal(t, a, b)
	require.NotEqual(t, d.X, a)
	require.Len(t, a, len(d.X))
	// Every shifted image holds at most the ink of the original.
	for i := 0; i < d.N; i++ {
		var before, after float32
		for j := i * 64; j < (i+1)*64; j++ {
			before += d.X[j]
			after += a[j]
		}
		require.LessOrEqual(t, after, before+1e-5)
	}
}
