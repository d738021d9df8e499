package gcn

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mlprep/mlprep/internal/nn"
)

// torchGolden is testdata/torch_golden.json, written by
// scripts/golden/gcn.py (PyG's semantics re-implemented in torch 1.13).
type torchGolden struct {
	Nodes      int                  `json:"nodes"`
	Edges      [][2]int             `json:"edges"`
	Normalized map[string][]float64 `json:"normalized"`
	Conv       struct {
		X      []float32 `json:"x"`
		Weight []float32 `json:"weight"`
		Bias   []float32 `json:"bias"`
		Probe  []float32 `json:"probe"`
		In     int       `json:"in"`
		Out    int       `json:"out"`
		Cases  map[string]struct {
			Y       []float64 `json:"y"`
			DX      []float64 `json:"dx"`
			DWeight []float64 `json:"dweight"`
			DBias   []float64 `json:"dbias"`
		} `json:"cases"`
	} `json:"conv"`
	Aggregate map[string]struct {
		Y     []float64 `json:"y"`
		DX    []float64 `json:"dx"`
		Probe []float32 `json:"probe"`
	} `json:"aggregate"`
	Sage struct {
		LinWeight   []float32 `json:"lin_weight"`
		LinBias     []float32 `json:"lin_bias"`
		RootWeight  []float32 `json:"root_weight"`
		Y           []float64 `json:"y"`
		DX          []float64 `json:"dx"`
		DLinWeight  []float64 `json:"dlin_weight"`
		DLinBias    []float64 `json:"dlin_bias"`
		DRootWeight []float64 `json:"droot_weight"`
	} `json:"sage"`
	Model struct {
		Features []float32   `json:"features"`
		NFeat    int         `json:"nfeat"`
		Hidden   int         `json:"hidden"`
		Classes  int         `json:"classes"`
		Labels   []int       `json:"labels"`
		Train    []int       `json:"train"`
		Params   [][]float32 `json:"params"`
		Logits   []float64   `json:"logits"`
		Loss     float64     `json:"loss"`
		Grads    [][]float64 `json:"grads"`
		Adam     struct {
			LR          float64     `json:"lr"`
			WeightDecay float64     `json:"weight_decay"`
			Losses      []float64   `json:"losses"`
			Params      [][]float64 `json:"params"`
		} `json:"adam"`
	} `json:"model"`
}

func loadGolden(t *testing.T) *torchGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/torch_golden.json")
	require.NoError(t, err)
	var g torchGolden
	require.NoError(t, json.Unmarshal(b, &g))
	return &g
}

// goldenGraphs builds the script's graph both ways.
func goldenGraphs(t *testing.T, g *torchGolden) map[string]*Graph {
	t.Helper()
	var edges []Edge
	for _, e := range g.Edges {
		edges = append(edges, Edge{From: e[0], To: e[1]})
	}
	und, err := NewGraph(g.Nodes, edges)
	require.NoError(t, err)
	dir, err := NewDirectedGraph(g.Nodes, edges)
	require.NoError(t, err)
	return map[string]*Graph{"undirected": und, "directed": dir}
}

func TestNormalizedMatchesPyGGCNNorm(t *testing.T) {
	g := loadGolden(t)
	graphs := goldenGraphs(t, g)
	require.Len(t, g.Normalized, len(graphs))
	for name, want := range g.Normalized {
		t.Run(name, func(t *testing.T) {
			got := graphs[name].Normalized()
			require.InDeltaSlice(t, want, got.Dense().Data, 1e-7)
			require.Equal(t, 1, int(got.Dense().At(6, 6)), "isolated node keeps its own features")
		})
	}
}

func TestGCNConvMatchesPyTorch(t *testing.T) {
	g := loadGolden(t)
	c := g.Conv
	for name, want := range c.Cases {
		t.Run(name, func(t *testing.T) {
			conv := NewGCNConv(goldenGraphs(t, g)[name].Normalized(), c.In, c.Out, nn.NewRand(1))
			copy(conv.W.Value.Data, c.Weight)
			copy(conv.B.Value.Data, c.Bias)
			x := nn.MatFrom(g.Nodes, c.In, append([]float32(nil), c.X...))
			y := conv.Forward(x, true)
			require.InDeltaSlice(t, want.Y, y.Data, 1e-5)
			dx := conv.Backward(nn.MatFrom(g.Nodes, c.Out, c.Probe))
			require.InDeltaSlice(t, want.DX, dx.Data, 1e-5)
			require.InDeltaSlice(t, want.DWeight, conv.W.Grad.Data, 1e-5)
			require.InDeltaSlice(t, want.DBias, conv.B.Grad.Data, 1e-5)

			// The sparse path gives the same output and parameter gradients.
			sparse := NewGCNConv(goldenGraphs(t, g)[name].Normalized(), c.In, c.Out, nn.NewRand(1))
			copy(sparse.W.Value.Data, c.Weight)
			copy(sparse.B.Value.Data, c.Bias)
			y = sparse.ForwardSparse(denseToCSR(x))
			require.InDeltaSlice(t, want.Y, y.Data, 1e-5)
			require.Nil(t, sparse.Backward(nn.MatFrom(g.Nodes, c.Out, c.Probe)))
			require.InDeltaSlice(t, want.DWeight, sparse.W.Grad.Data, 1e-5)
			require.InDeltaSlice(t, want.DBias, sparse.B.Grad.Data, 1e-5)
		})
	}
}

func TestMessagePassingMatchesScatterReduce(t *testing.T) {
	g := loadGolden(t)
	graph := goldenGraphs(t, g)["undirected"]
	for _, aggr := range []Aggregation{Sum, Mean, Max} {
		want := g.Aggregate[aggr.String()]
		t.Run(aggr.String(), func(t *testing.T) {
			mp := &MessagePassing{Graph: graph, Aggr: aggr}
			x := nn.MatFrom(g.Nodes, g.Conv.In, append([]float32(nil), g.Conv.X...))
			y := mp.Forward(x, true)
			require.InDeltaSlice(t, want.Y, y.Data, 1e-6)
			dx := mp.Backward(nn.MatFrom(g.Nodes, g.Conv.In, want.Probe))
			require.InDeltaSlice(t, want.DX, dx.Data, 1e-6)
		})
	}
}

func TestSAGEConvMatchesPyG(t *testing.T) {
	g := loadGolden(t)
	s, c := g.Sage, g.Conv
	layer := NewSAGEConv(goldenGraphs(t, g)["directed"], c.In, c.Out, nn.NewRand(1))
	copy(layer.Lin.W.Value.Data, s.LinWeight)
	copy(layer.Lin.B.Value.Data, s.LinBias)
	copy(layer.Root.W.Value.Data, s.RootWeight)
	x := nn.MatFrom(g.Nodes, c.In, append([]float32(nil), c.X...))
	require.InDeltaSlice(t, s.Y, layer.Forward(x, true).Data, 1e-5)
	dx := layer.Backward(nn.MatFrom(g.Nodes, c.Out, c.Probe))
	require.InDeltaSlice(t, s.DX, dx.Data, 1e-5)
	require.InDeltaSlice(t, s.DLinWeight, layer.Lin.W.Grad.Data, 1e-5)
	require.InDeltaSlice(t, s.DLinBias, layer.Lin.B.Grad.Data, 1e-5)
	require.InDeltaSlice(t, s.DRootWeight, layer.Root.W.Grad.Data, 1e-5)
}

func TestModelGradientsMatchPyTorch(t *testing.T) {
	g := loadGolden(t)
	m := g.Model
	model := NewModel(goldenGraphs(t, g)["undirected"].Normalized(), m.NFeat, m.Hidden, m.Classes, 0, nn.NewRand(1))
	for i, p := range model.Params() {
		copy(p.Value.Data, m.Params[i])
	}
	x := denseToCSR(nn.MatFrom(g.Nodes, m.NFeat, m.Features))
	logits := model.Forward(x, true)
	require.InDeltaSlice(t, m.Logits, logits.Data, 1e-5)
	dlogits := nn.NewMat(logits.Rows, logits.Cols)
	loss, _ := maskedCrossEntropy(dlogits, logits, m.Labels, m.Train)
	require.InDelta(t, m.Loss, loss, 1e-6)
	model.Backward(dlogits)
	for i, p := range model.Params() {
		require.InDeltaSlicef(t, m.Grads[i], p.Grad.Data, 1e-5, "parameter %d", i)
	}
}

// TestTrainStepsMatchPyTorch runs Train's epoch step five times from the
// script's weights: Adam with weight decay on the first layer only must land
// on torch's parameters.
func TestTrainStepsMatchPyTorch(t *testing.T) {
	g := loadGolden(t)
	m := g.Model
	adj := goldenGraphs(t, g)["undirected"].Normalized()
	model := NewModel(adj, m.NFeat, m.Hidden, m.Classes, 0, nn.NewRand(1))
	for i, p := range model.Params() {
		copy(p.Value.Data, m.Params[i])
	}
	x := denseToCSR(nn.MatFrom(g.Nodes, m.NFeat, m.Features))
	first, second := newOptimizers(m.Adam.LR, m.Adam.WeightDecay)
	plan := planRows(adj, m.Train)
	dlogits := nn.NewMat(g.Nodes, m.Classes)
	for i, want := range m.Adam.Losses {
		loss, _ := trainStep(model, x, m.Labels, m.Train, plan, first, second, dlogits)
		require.InDelta(t, want, loss, 1e-5, "step %d", i+1)
	}
	for i, p := range model.Params() {
		require.InDeltaSlicef(t, m.Adam.Params[i], p.Value.Data, 1e-5, "parameter %d", i)
	}
}

// denseToCSR stores the non-zeros of m.
func denseToCSR(m *nn.Mat) *CSR {
	s := &CSR{Rows: m.Rows, Cols: m.Cols, Indptr: []int{0}}
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			if v != 0 {
				s.Indices = append(s.Indices, int32(j))
				s.Values = append(s.Values, v)
			}
		}
		s.Indptr = append(s.Indptr, len(s.Indices))
	}
	return s
}
