package gcn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSBMMatchesItsParameters(t *testing.T) {
	s := SBM{Nodes: 600, Classes: 3, Features: 90, AvgDegree: 6, Homophily: 0.75, WordsPerNode: 10,
		TrainPerClass: 10, Val: 100, Test: 200, Seed: 2}
	d, err := s.Generate()
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	g := d.Graph
	var within, degree float64
	for i := range g.Nodes() {
		degree += float64(g.Degree(i))
		for _, j := range g.InNeighbors(i) {
			if d.Labels[i] == d.Labels[j] {
				within++
			}
		}
	}
	require.InDelta(t, 6, degree/600, 0.5, "average degree")
	require.InDelta(t, 0.75, within/degree, 0.05, "homophily")
	// Words come from the node's topic block (30 words per class) well above chance.
	inTopic, words := 0, 0
	for i := range 600 {
		cols, vals := d.Features.Row(i)
		require.LessOrEqual(t, len(cols), 10)
		for k, c := range cols {
			require.Equal(t, float32(1), vals[k])
			words++
			if int(c)/30 == d.Labels[i] {
				inTopic++
			}
		}
	}
	require.InDelta(t, 0.35+0.65/3, float64(inTopic)/float64(words), 0.05)
	require.Len(t, d.Split.Train, 30)
	require.Equal(t, "random (seed 2)", d.Split.Name)

	again, err := s.Generate()
	require.NoError(t, err)
	require.Equal(t, d.Labels, again.Labels)
	require.Equal(t, d.Features, again.Features)
}

func TestSBMZeroValueIsCoraSized(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 2,708-node graph")
	}
	d, err := SBM{}.Generate()
	require.NoError(t, err)
	require.Equal(t, 2708, d.Graph.Nodes())
	require.Equal(t, 1433, d.Features.Cols)
	require.Equal(t, 7, d.Classes)
	require.Equal(t, []int{140, 500, 1000}, []int{len(d.Split.Train), len(d.Split.Val), len(d.Split.Test)})
}

func TestSBMBadParameters(t *testing.T) {
	for _, s := range []SBM{
		{Nodes: 10, Classes: 20, Features: 5},
		{Nodes: 10, Homophily: 1.5},
		{Nodes: 5, AvgDegree: 40, TrainPerClass: 1, Val: 1, Test: 1},
		{Nodes: 30, Classes: 3, Features: 9},
	} {
		_, err := s.Generate()
		require.ErrorIs(t, err, ErrInvalid, "%+v", s)
	}
}
