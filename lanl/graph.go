package lanl

import (
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// windowGraph computes the PageRank of a window's computer graph.
type windowGraph struct {
	pr []float64 // by computer ID, reused across windows
}

// pageRank returns, indexed by computer ID, each computer's PageRank in the
// directed graph of the window's distinct edges, scaled by the number of
// computers in the graph so that 1 is the average. Computers outside the
// graph get 0.
func (g *windowGraph) pageRank(edges [][2]uint32, damping float64) []float64 {
	clear(g.pr)
	if len(edges) == 0 {
		return g.pr
	}
	dg := simple.NewDirectedGraph()
	for _, e := range edges {
		dg.SetEdge(simple.Edge{F: simple.Node(e[0]), T: simple.Node(e[1])})
	}
	ranks := network.PageRankSparse(dg, damping, 1e-6)
	scale := float64(len(ranks))
	for id, r := range ranks {
		for int64(len(g.pr)) <= id {
			g.pr = append(g.pr, 0)
		}
		g.pr[id] = r * scale
	}
	return g.pr
}

// longestChain is the number of edges on the longest path of edges (one
// user's new edges in a window, in time order) where each edge starts at a
// computer an earlier edge reached: the hops of lateral movement.
func longestChain(edges []newEdge) int32 {
	var best int32
	depth := make(map[uint32]int32, len(edges))
	for _, e := range edges {
		if e.src == e.dst {
			continue
		}
		d := depth[e.src] + 1
		if d > depth[e.dst] {
			depth[e.dst] = d
		}
		best = max(best, d)
	}
	return best
}
