package gcn

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mlprep/mlprep/internal/nn"
)

// testGraph is a small random graph with an isolated node (the last) and,
// when directed, edges that go one way only.
func testGraph(t *testing.T, n int, directed bool, rng *rand.Rand) *Graph {
	t.Helper()
	var edges []Edge
	for range 2 * n {
		a, b := rng.IntN(n-1), rng.IntN(n-1)
		edges = append(edges, Edge{From: a, To: b})
	}
	build := NewGraph
	if directed {
		build = NewDirectedGraph
	}
	g, err := build(n, edges)
	require.NoError(t, err)
	require.Zero(t, g.Degree(n-1))
	return g
}

func randMat(rows, cols int, rng *rand.Rand) *nn.Mat {
	m := nn.NewMat(rows, cols)
	for i := range m.Data {
		m.Data[i] = float32(rng.NormFloat64())
	}
	return m
}

// randSparse is a rows×cols matrix with about density of its entries set.
func randSparse(rows, cols int, density float64, rng *rand.Rand) *CSR {
	m := nn.NewMat(rows, cols)
	for i := range m.Data {
		if rng.Float64() < density {
			m.Data[i] = float32(rng.NormFloat64())
		}
	}
	return denseToCSR(m)
}

// checkGrad runs nn.GradCheck on values and fails above 1e-2 relative error.
func checkGrad(t *testing.T, name string, loss func() float64, values, grad []float32) {
	t.Helper()
	r := nn.GradCheck{Step: 1e-2}.CheckGradient(loss, values, grad)
	require.Positive(t, r.Checked)
	require.Lessf(t, r.MaxRelErr, 1e-2, "%s: worst coordinate %d, max abs error %g", name, r.Worst, r.MaxAbsErr)
}

func TestGCNConvGradients(t *testing.T) {
	for _, directed := range []bool{false, true} {
		rng := nn.NewRand(3)
		g := testGraph(t, 9, directed, rng)
		adj := g.Normalized()
		x := randMat(9, 5, rng)
		xs := randSparse(9, 5, 0.4, rng)

		conv := NewGCNConv(adj, 5, 4, rng)
		copy(conv.B.Value.Data, []float32{0.1, -0.2, 0.3, 0.4})
		probe, dy := nn.ProbeLoss(9, 4, rng)
		dense := func() float64 { return probe(conv.Forward(x, true)) }
		sparse := func() float64 { return probe(conv.ForwardSparse(xs)) }

		nn.ZeroGrad(conv.Params())
		conv.Forward(x, true)
		dx := conv.Backward(dy)
		checkGrad(t, "dense dW", dense, conv.W.Value.Data, conv.W.Grad.Data)
		checkGrad(t, "dense db", dense, conv.B.Value.Data, conv.B.Grad.Data)
		checkGrad(t, "dense dx", dense, x.Data, dx.Data)

		nn.ZeroGrad(conv.Params())
		conv.ForwardSparse(xs)
		require.Nil(t, conv.Backward(dy))
		checkGrad(t, "sparse dW", sparse, conv.W.Value.Data, conv.W.Grad.Data)
		checkGrad(t, "sparse db", sparse, conv.B.Value.Data, conv.B.Grad.Data)

		conv.B = nil
		nn.ZeroGrad(conv.Params())
		conv.Forward(x, true)
		dx = conv.Backward(dy)
		checkGrad(t, "no bias dW", dense, conv.W.Value.Data, conv.W.Grad.Data)
		checkGrad(t, "no bias dx", dense, x.Data, dx.Data)
	}
}

func TestGCNConvFrozenWeightGetsNoGradient(t *testing.T) {
	rng := nn.NewRand(4)
	conv := NewGCNConv(testGraph(t, 6, false, rng).Normalized(), 3, 2, rng)
	conv.W.Frozen = true
	conv.Forward(randMat(6, 3, rng), true)
	conv.Backward(randMat(6, 2, rng))
	require.Equal(t, make([]float32, 6), conv.W.Grad.Data)
	require.NotEqual(t, make([]float32, 2), conv.B.Grad.Data)
}

func TestMessagePassingGradients(t *testing.T) {
	for _, aggr := range []Aggregation{Sum, Mean, Max} {
		t.Run(aggr.String(), func(t *testing.T) {
			rng := nn.NewRand(5)
			mp := &MessagePassing{Graph: testGraph(t, 10, true, rng), Aggr: aggr}
			x := randMat(10, 3, rng)
			probe, dy := nn.ProbeLoss(10, 3, rng)
			mp.Forward(x, true)
			dx := mp.Backward(dy)
			// Max is piecewise linear: a step smaller than the gaps between
			// neighbours' values keeps every winner fixed.
			r := nn.GradCheck{Step: 1e-3}.CheckGradient(func() float64 { return probe(mp.Forward(x, true)) }, x.Data, dx.Data)
			require.Less(t, r.MaxRelErr, 1e-2, "worst coordinate %d", r.Worst)
		})
	}
}

func TestSAGEConvGradients(t *testing.T) {
	rng := nn.NewRand(6)
	s := NewSAGEConv(testGraph(t, 8, true, rng), 4, 3, rng)
	x := randMat(8, 4, rng)
	probe, dy := nn.ProbeLoss(8, 3, rng)
	loss := func() float64 { return probe(s.Forward(x, true)) }
	s.Forward(x, true)
	dx := s.Backward(dy)
	checkGrad(t, "dx", loss, x.Data, dx.Data)
	for _, p := range s.Params() {
		checkGrad(t, p.Name, loss, p.Value.Data, p.Grad.Data)
	}
}

// TestModelGradients checks the whole model under the masked cross-entropy,
// with dropout active: the generator is reset before every forward so each
// evaluation uses the same masks.
func TestModelGradients(t *testing.T) {
	rng := nn.NewRand(7)
	g := testGraph(t, 12, false, rng)
	x := randSparse(12, 10, 0.3, rng)
	labels := []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}
	train := []int{0, 1, 2, 5, 8, 11}
	m := NewModel(g.Normalized(), 10, 6, 3, 0.3, rng)
	for _, p := range m.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += float32(0.1 * rng.NormFloat64())
		}
	}
	loss := func() float64 {
		m.seedMasks(nn.NewRand(99))
		l, _ := maskedCrossEntropy(nil, m.Forward(x, true), labels, train)
		return l
	}
	m.seedMasks(nn.NewRand(99))
	dlogits := nn.NewMat(12, 3)
	maskedCrossEntropy(dlogits, m.Forward(x, true), labels, train)
	m.Backward(dlogits)
	for _, p := range m.Params() {
		// A small step keeps every ReLU on its side; float32 rounding then
		// limits the agreement of tiny gradients, hence the absolute bound.
		r := nn.GradCheck{Step: 1e-3}.CheckGradient(loss, p.Value.Data, p.Grad.Data)
		require.Truef(t, r.MaxRelErr < 1e-2 || r.MaxAbsErr < 1e-4, "%s: worst coordinate %d, max relative error %g, max abs error %g", p.Name, r.Worst, r.MaxRelErr, r.MaxAbsErr)
	}
}

// TestRowPlanMatchesFullPass checks that computing only the receptive field
// of the loss gives the loss and gradients of the full pass, on a directed
// graph (where Â and Âᵀ reach different rows) and an undirected one.
func TestRowPlanMatchesFullPass(t *testing.T) {
	for _, directed := range []bool{false, true} {
		rng := nn.NewRand(8)
		g := testGraph(t, 30, directed, rng)
		adj := g.Normalized()
		x := randSparse(30, 8, 0.3, rng)
		labels := make([]int, 30)
		for i := range labels {
			labels[i] = i % 3
		}
		nodes := []int{2, 11, 29}
		plan := planRows(adj, nodes)
		require.Less(t, len(plan.input), 30, "the plan skips rows")

		full := NewModel(adj, 8, 5, 3, 0, nn.NewRand(1))
		part := NewModel(adj, 8, 5, 3, 0, nn.NewRand(1))
		var losses [2]float64
		for k, run := range []struct {
			m    *Model
			plan rowPlan
		}{{full, rowPlan{}}, {part, plan}} {
			run.m.forward(x, true, run.plan)
			d := nn.NewMat(30, 3)
			losses[k], _ = maskedCrossEntropy(d, run.m.logits, labels, nodes)
			run.m.Backward(d)
		}
		require.InDelta(t, losses[0], losses[1], 1e-6)
		for i, p := range full.Params() {
			require.InDeltaSlice(t, p.Grad.Data, part.Params()[i].Grad.Data, 1e-6)
		}
	}
}
