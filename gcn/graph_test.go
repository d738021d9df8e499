package gcn

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mlprep/mlprep/internal/nn"
)

func TestNewGraphCoalesces(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		edges     []Edge
		directed  bool
		wantEdges int
		wantIn    [][]int32
	}{
		{"empty", 3, nil, false, 0, [][]int32{{}, {}, {}}},
		{"duplicates merge", 3, []Edge{{0, 1}, {0, 1}, {1, 0}}, false, 1, [][]int32{{1}, {0}, {}}},
		{"self-loops dropped", 2, []Edge{{0, 0}, {0, 1}, {1, 1}}, false, 1, [][]int32{{1}, {0}}},
		{"directed keeps direction", 3, []Edge{{0, 1}, {2, 1}, {2, 1}}, true, 2, [][]int32{{}, {0, 2}, {}}},
		{"directed both ways", 2, []Edge{{0, 1}, {1, 0}}, true, 2, [][]int32{{1}, {0}}},
		{"neighbours sorted", 4, []Edge{{3, 0}, {1, 0}, {2, 0}}, false, 3, [][]int32{{1, 2, 3}, {0}, {0}, {0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			build := NewGraph
			if tc.directed {
				build = NewDirectedGraph
			}
			g, err := build(tc.n, tc.edges)
			require.NoError(t, err)
			require.Equal(t, tc.n, g.Nodes())
			require.Equal(t, tc.wantEdges, g.Edges())
			require.Equal(t, tc.directed, g.Directed())
			for i, want := range tc.wantIn {
				require.Equal(t, want, append([]int32{}, g.InNeighbors(i)...), "node %d", i)
				require.Equal(t, len(want), g.Degree(i))
			}
		})
	}
}

func TestNewGraphRejectsUnknownNodes(t *testing.T) {
	tests := []struct {
		n     int
		edges []Edge
		want  string
	}{
		{3, []Edge{{0, 1}, {1, 3}}, "edge 1 (1→3): node 3 outside [0, 3)"},
		{3, []Edge{{-1, 0}}, "edge 0 (-1→0): node -1 outside [0, 3)"},
		{0, []Edge{{0, 0}}, "node 0 outside [0, 0)"},
		{-1, nil, "-1 nodes"},
	}
	for _, tc := range tests {
		_, err := NewGraph(tc.n, tc.edges)
		require.ErrorIs(t, err, ErrInvalid)
		require.ErrorContains(t, err, tc.want)
	}
}

func TestNormalizedIsolatedAndEmpty(t *testing.T) {
	g, err := NewGraph(3, []Edge{{0, 1}})
	require.NoError(t, err)
	a := g.Normalized().Dense()
	require.Equal(t, []float32{0.5, 0.5, 0, 0.5, 0.5, 0, 0, 0, 1}, a.Data)

	empty, err := NewGraph(0, nil)
	require.NoError(t, err)
	require.Zero(t, empty.Normalized().NNZ())
}

func TestCSRProductsMatchDense(t *testing.T) {
	rng := nn.NewRand(11)
	for _, cols := range []int{1, 3, 4, 7, 8, 16, 21} {
		s := randSparse(13, 9, 0.3, rng)
		b := randMat(9, cols, rng)
		got := nn.NewMat(13, cols)
		s.MulDense(got, b)
		require.InDeltaSlice(t, nn.MatMul(false, false, s.Dense(), b).Data, got.Data, 1e-5, "%d columns", cols)

		c := randMat(13, cols, rng)
		gotT := nn.NewMat(9, cols)
		s.MulTransDense(gotT, c)
		require.InDeltaSlice(t, nn.MatMul(true, false, s.Dense(), c).Data, gotT.Data, 1e-5)
		require.Equal(t, transposeDense(s.Dense()).Data, s.Transpose().Dense().Data)
	}
}

func TestCSRShapeMismatchPanics(t *testing.T) {
	s := randSparse(3, 4, 0.5, nn.NewRand(1))
	require.PanicsWithValue(t, "gcn: MulDense: sparse 3×4 times dense 5×2 into 3×2", func() {
		s.MulDense(nn.NewMat(3, 2), nn.NewMat(5, 2))
	})
	require.Panics(t, func() { s.MulTransDense(nn.NewMat(4, 2), nn.NewMat(4, 2)) })
	require.Panics(t, func() { s.WithValues(make([]float32, s.NNZ()+1)) })
	g, err := NewGraph(3, nil)
	require.NoError(t, err)
	conv := NewGCNConv(g.Normalized(), 4, 2, nn.NewRand(1))
	require.PanicsWithValue(t, "gcn: GCNConv forward: input 3×5, adjacency 3×3, weight 2×4", func() {
		conv.Forward(nn.NewMat(3, 5), false)
	})
}

func transposeDense(m *nn.Mat) *nn.Mat {
	t := nn.NewMat(m.Cols, m.Rows)
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			t.Set(j, i, v)
		}
	}
	return t
}

// FuzzNewGraph builds graphs from arbitrary edge lists: out-of-range nodes
// must be errors, and accepted graphs must be coalesced, loop-free and (for
// NewGraph) symmetric, with a normalised adjacency that is well-formed.
func FuzzNewGraph(f *testing.F) {
	f.Add(uint8(4), []byte{0, 1, 1, 2, 2, 2, 1, 0, 0, 1})
	f.Add(uint8(2), []byte{0, 5})
	f.Fuzz(func(t *testing.T, n uint8, pairs []byte) {
		var edges []Edge
		for k := 0; k+1 < len(pairs); k += 2 {
			edges = append(edges, Edge{From: int(pairs[k]), To: int(pairs[k+1])})
		}
		for _, directed := range []bool{false, true} {
			build := NewGraph
			if directed {
				build = NewDirectedGraph
			}
			g, err := build(int(n), edges)
			if err != nil {
				require.ErrorIs(t, err, ErrInvalid)
				continue
			}
			require.NoError(t, g.Adjacency().check())
			for i := range g.Nodes() {
				for _, j := range g.InNeighbors(i) {
					require.NotEqual(t, int32(i), j, "self-loop kept")
					if !directed {
						require.Contains(t, g.InNeighbors(int(j)), int32(i), "not symmetric")
					}
				}
			}
			a := g.Normalized()
			require.NoError(t, a.check())
			require.Equal(t, g.Adjacency().NNZ()+g.Nodes(), a.NNZ())
		}
	})
}
