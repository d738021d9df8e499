package gcn

import "github.com/mlprep/mlprep/internal/nn"

// rowPlan lists the rows each stage of a two-layer GCN must compute for the
// outputs of a set of nodes: the logits of out depend on the hidden rows of
// out and their in-neighbours, which depend on the input rows one hop
// further. A training step reads only the labelled nodes' logits, and on
// Cora their two-hop receptive field holds 1,664 of the 2,708 nodes, so
// restricting every product to it gives exactly the same loss and gradients
// for less work (a full-neighbourhood NeighborLoader batch in PyG's terms).
// A nil list means every row.
type rowPlan struct {
	out, hidden, input []int
}

// planRows returns the plan for the outputs of nodes under adj (the
// normalised adjacency, whose rows include self-loops).
func planRows(adj *CSR, nodes []int) rowPlan {
	out := append(make([]int, 0, len(nodes)), nodes...)
	hidden := receptiveField(adj, out)
	return rowPlan{out: out, hidden: hidden, input: receptiveField(adj, hidden)}
}

// receptiveField returns, sorted, the columns that the rows of adj listed in
// rows touch: the nodes whose values those rows aggregate.
func receptiveField(adj *CSR, rows []int) []int {
	seen := make([]bool, adj.Cols)
	for _, i := range rows {
		cols, _ := adj.Row(i)
		for _, j := range cols {
			seen[j] = true
		}
	}
	field := []int{}
	for j, s := range seen {
		if s {
			field = append(field, j)
		}
	}
	return field
}

// eachRow calls f for every row listed in rows, or for 0…n−1 when rows is nil.
func eachRow(rows []int, n int, f func(i int)) {
	if rows == nil {
		for i := range n {
			f(i)
		}
		return
	}
	for _, i := range rows {
		f(i)
	}
}

// gatherRows copies the listed rows of src into the first len(rows) rows of
// dst (a compact matrix for a dense product on a subset of rows).
func gatherRows(dst, src *nn.Mat, rows []int) {
	for k, i := range rows {
		copy(dst.Row(k), src.Row(i))
	}
}

// scatterRows copies the first len(rows) rows of src back to the listed rows
// of dst.
func scatterRows(dst, src *nn.Mat, rows []int) {
	for k, i := range rows {
		copy(dst.Row(i), src.Row(k))
	}
}
