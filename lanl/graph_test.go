package lanl

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// TestEdgeListMatchesSimpleGraph checks the compressed graph against
// gonum's simple.DirectedGraph on random windows (reusing one edgeList, as
// the analyzer does): same nodes, same successors and predecessors, same
// PageRank within the iteration's tolerance.
func TestEdgeListMatchesSimpleGraph(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var g edgeList
	for _, tc := range []struct{ computers, edges int }{{2, 1}, {10, 30}, {300, 1000}, {50, 5}, {1000, 4000}} {
		seen := map[[2]uint32]bool{}
		var edges [][2]uint32
		want := simple.NewDirectedGraph()
		for len(edges) < tc.edges {
			e := [2]uint32{rng.Uint32N(uint32(tc.computers)), rng.Uint32N(uint32(tc.computers))}
			if e[0] == e[1] || seen[e] {
				continue
			}
			seen[e] = true
			edges = append(edges, e)
			want.SetEdge(simple.Edge{F: simple.Node(e[0]), T: simple.Node(e[1])})
		}
		g.build(edges)
		if got, w := ids(g.Nodes()), ids(want.Nodes()); !slices.Equal(got, w) {
			t.Fatalf("%+v: nodes %v, want %v", tc, got, w)
		}
		for id := int64(-1); id <= int64(tc.computers); id++ {
			if (g.Node(id) == nil) != (want.Node(id) == nil) {
				t.Fatalf("%+v: Node(%d) presence differs", tc, id)
			}
			if got, w := ids(g.From(id)), ids(want.From(id)); !slices.Equal(got, w) {
				t.Fatalf("%+v: From(%d) = %v, want %v", tc, id, got, w)
			}
			if got, w := ids(g.To(id)), ids(want.To(id)); !slices.Equal(got, w) {
				t.Fatalf("%+v: To(%d) = %v, want %v", tc, id, got, w)
			}
			for v := int64(0); v < int64(min(tc.computers, 20)); v++ {
				if g.HasEdgeFromTo(id, v) != want.HasEdgeFromTo(id, v) || g.HasEdgeBetween(id, v) != want.HasEdgeBetween(id, v) ||
					(g.Edge(id, v) == nil) != (want.Edge(id, v) == nil) {
					t.Fatalf("%+v: edge %d→%d differs", tc, id, v)
				}
			}
		}
		got, w := network.PageRankSparse(&g, 0.85, 1e-9), network.PageRankSparse(want, 0.85, 1e-9)
		for id, r := range w {
			if math.Abs(got[id]-r) > 1e-6 {
				t.Fatalf("%+v: PageRank of %d = %v, want %v", tc, id, got[id], r)
			}
		}
	}
}

func ids(it graph.Nodes) []int64 {
	var out []int64
	for it.Next() {
		out = append(out, it.Node().ID())
	}
	slices.Sort(out)
	return out
}
