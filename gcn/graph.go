package gcn

import (
	"fmt"
	"slices"
)

// Edge is a directed edge: messages flow from node From to node To, PyG's
// source_to_target convention (edge_index[0] is the source, edge_index[1]
// the target).
type Edge struct{ From, To int }

// Graph is an unweighted graph on nodes 0…n−1 stored as a CSR adjacency
// whose row i lists the in-neighbours of i (the nodes that send messages to
// i), sorted. It holds no self-loops and no duplicate edges: see NewGraph.
// A Graph is immutable and safe for concurrent use.
type Graph struct {
	adj      *CSR
	directed bool
}

// NewGraph returns the undirected graph with the given edges, as the GCN
// paper uses citation links: every edge is added in both directions
// (PyG's to_undirected), duplicates collapse to one edge (coalesce), and
// self-loops are dropped because the normalisation adds exactly one per node
// (see Normalized). Nodes that no edge names are isolated nodes, which is
// fine. It returns an error naming the first edge whose node is outside
// [0, n).
func NewGraph(n int, edges []Edge) (*Graph, error) {
	return build(n, edges, false)
}

// NewDirectedGraph is NewGraph without the symmetrisation: an edge u→v lets
// v receive u's features but not the reverse, and degrees are in-degrees,
// as PyG's GCNConv computes them for a directed edge_index.
func NewDirectedGraph(n int, edges []Edge) (*Graph, error) {
	return build(n, edges, true)
}

func build(n int, edges []Edge, directed bool) (*Graph, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: %d nodes", ErrInvalid, n)
	}
	for k, e := range edges {
		for _, v := range [2]int{e.From, e.To} {
			if v < 0 || v >= n {
				return nil, fmt.Errorf("%w: edge %d (%d→%d): node %d outside [0, %d)", ErrInvalid, k, e.From, e.To, v, n)
			}
		}
	}
	// Count the in-edges of every target, place sources by counting sort,
	// then sort and deduplicate each row.
	indptr := make([]int, n+1)
	each := func(f func(to, from int)) {
		for _, e := range edges {
			if e.From == e.To {
				continue
			}
			f(e.To, e.From)
			if !directed {
				f(e.From, e.To)
			}
		}
	}
	each(func(to, _ int) { indptr[to+1]++ })
	for i := 0; i < n; i++ {
		indptr[i+1] += indptr[i]
	}
	raw := make([]int32, indptr[n])
	next := append([]int(nil), indptr[:n]...)
	each(func(to, from int) {
		raw[next[to]] = int32(from)
		next[to]++
	})
	adj := &CSR{Rows: n, Cols: n, Indptr: make([]int, n+1), Indices: raw[:0]}
	for i := 0; i < n; i++ {
		row := raw[indptr[i]:indptr[i+1]]
		slices.Sort(row)
		adj.Indices = append(adj.Indices, slices.Compact(row)...)
		adj.Indptr[i+1] = len(adj.Indices)
	}
	adj.Indices = slices.Clip(adj.Indices)
	adj.Values = make([]float32, len(adj.Indices))
	for i := range adj.Values {
		adj.Values[i] = 1
	}
	return &Graph{adj: adj, directed: directed}, nil
}

// Nodes returns the number of nodes.
func (g *Graph) Nodes() int { return g.adj.Rows }

// Edges returns the number of distinct edges: unordered pairs for an
// undirected graph, ordered pairs for a directed one; self-loops excluded.
func (g *Graph) Edges() int {
	if g.directed {
		return g.adj.NNZ()
	}
	return g.adj.NNZ() / 2
}

// Directed reports whether the graph was built by NewDirectedGraph.
func (g *Graph) Directed() bool { return g.directed }

// InNeighbors returns the sorted nodes with an edge into i (all neighbours
// of an undirected graph), sharing memory with g: do not modify it.
func (g *Graph) InNeighbors(i int) []int32 {
	cols, _ := g.adj.Row(i)
	return cols
}

// Degree returns the in-degree of i without a self-loop (the number of
// neighbours of an undirected graph).
func (g *Graph) Degree(i int) int { return g.adj.Indptr[i+1] - g.adj.Indptr[i] }

// Adjacency returns the 0/1 adjacency matrix A with A[i,j] = 1 when j sends
// to i, sharing memory with g: do not modify it.
func (g *Graph) Adjacency() *CSR { return g.adj }
