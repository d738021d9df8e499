package gcn

import "math"

// Normalized returns the renormalised adjacency of the GCN paper,
//
//	Â = D̃^-1/2 (A + I) D̃^-1/2,   D̃ᵢᵢ = 1 + in-degree(i),
//
// with exactly PyTorch Geometric's gcn_norm semantics for an unweighted
// edge_index: every node gets one self-loop of weight 1 (a graph never holds
// its own, so there is nothing for add_remaining_self_loops to keep), the
// degree is counted at the target of each edge, and entry (i, j) for the
// edge j→i is d̃ᵢ^-1/2 · d̃ⱼ^-1/2. An isolated node gets Âᵢᵢ = 1, so its
// own features pass through unchanged. For an undirected graph Â is
// symmetric. The result is a new matrix the caller owns.
func (g *Graph) Normalized() *CSR {
	n := g.Nodes()
	dinv := make([]float64, n)
	for i := range dinv {
		dinv[i] = 1 / math.Sqrt(float64(g.Degree(i)+1))
	}
	a := &CSR{Rows: n, Cols: n, Indptr: make([]int, n+1),
		Indices: make([]int32, 0, g.adj.NNZ()+n), Values: make([]float32, 0, g.adj.NNZ()+n)}
	for i := 0; i < n; i++ {
		self := false
		for _, j := range g.InNeighbors(i) {
			if !self && int(j) > i {
				a.Indices, a.Values = append(a.Indices, int32(i)), append(a.Values, float32(dinv[i]*dinv[i]))
				self = true
			}
			a.Indices, a.Values = append(a.Indices, j), append(a.Values, float32(dinv[i]*dinv[j]))
		}
		if !self {
			a.Indices, a.Values = append(a.Indices, int32(i)), append(a.Values, float32(dinv[i]*dinv[i]))
		}
		a.Indptr[i+1] = len(a.Indices)
	}
	return a
}
