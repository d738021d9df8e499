package datasets

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRotatedMatchesSciPy(t *testing.T) {
	b, err := os.ReadFile("testdata/rotate_golden.json")
	require.NoError(t, err)
	var g struct {
		Cases []struct {
			Name          string
			Degrees       float64
			Width, Height int
			Src, Want     []float32
		}
	}
	require.NoError(t, json.Unmarshal(b, &g))
	require.NotEmpty(t, g.Cases)
	for _, c := range g.Cases {
		s := &Images{X: c.Src, Y: []int{3}, N: 1, Width: c.Width, Height: c.Height, Classes: 10}
		r := s.Rotated(c.Degrees)
		require.InDeltaSlice(t, c.Want, r.X, 1e-5, "%s rotated by %v°", c.Name, c.Degrees)
		require.Equal(t, []int{3}, r.Y)
	}
}

func TestRotatedLeavesInputAlone(t *testing.T) {
	d := Digits().Subset([]int{0, 1})
	before := append([]float32(nil), d.X...)
	r := d.Rotated(90)
	require.Equal(t, before, d.X)
	require.Equal(t, d.Y, r.Y)
	require.NotEqual(t, d.X, r.X)
}
