package lanl

import (
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// windowGraph computes the PageRank of a window's computer graph.
type windowGraph struct {
	pr  []float64 // by computer ID, reused across windows
	csr edgeList
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
	g.csr.build(edges)
	ranks := network.PageRankSparse(&g.csr, damping, 1e-6)
	scale := float64(len(ranks))
	for id, r := range ranks {
		for int64(len(g.pr)) <= id {
			g.pr = append(g.pr, 0)
		}
		g.pr[id] = r * scale
	}
	return g.pr
}

// edgeList is a window's computer graph in compressed sparse rows, as a
// gonum graph.Directed for network.PageRankSparse. Building a
// simple.DirectedGraph (a map of maps, one allocation per edge) and
// listing its nodes cost more than the PageRank iterations themselves
// (the graph stage took 3.3 s of CPU on a 10M-line month, 0.8 s with this
// type); the arrays here are reused from window to window. Nodes are in increasing ID order and each
// node's successors too.
type edgeList struct {
	node    []graph.Node // by computer ID: the node value, built once
	index   []int32      // by computer ID: position in nodes+1 in this window, 0 if absent
	nodes   []graph.Node // the window's computers
	start   []int32      // successors of nodes[i]: succ[start[i]:start[i+1]]
	succ    []graph.Node
	fill    []int32
	touched []uint32
}

// build loads a window's distinct edges (no self-loops).
func (g *edgeList) build(edges [][2]uint32) {
	for _, id := range g.touched {
		g.index[id] = 0
	}
	g.touched = g.touched[:0]
	for _, e := range edges {
		for _, id := range e {
			for uint32(len(g.node)) <= id {
				g.node = append(g.node, simple.Node(len(g.node)))
				g.index = append(g.index, 0)
			}
			if g.index[id] == 0 {
				g.index[id] = 1
				g.touched = append(g.touched, id)
			}
		}
	}
	slices.Sort(g.touched)
	g.nodes = g.nodes[:0]
	for i, id := range g.touched {
		g.index[id] = int32(i + 1)
		g.nodes = append(g.nodes, g.node[id])
	}
	n := len(g.touched)
	g.start = slices.Grow(g.start[:0], n+1)[:n+1]
	clear(g.start)
	for _, e := range edges {
		g.start[g.index[e[0]]]++
	}
	for i := 1; i <= n; i++ {
		g.start[i] += g.start[i-1]
	}
	g.fill = append(g.fill[:0], g.start[:n]...)
	g.succ = slices.Grow(g.succ[:0], len(edges))[:len(edges)]
	for _, e := range edges {
		i := g.index[e[0]] - 1
		g.succ[g.fill[i]] = g.node[e[1]]
		g.fill[i]++
	}
	for i := range n {
		slices.SortFunc(g.succ[g.start[i]:g.start[i+1]], func(a, b graph.Node) int { return int(a.ID() - b.ID()) })
	}
}

// pos is the position of computer id among the window's nodes, or -1.
func (g *edgeList) pos(id int64) int {
	if id < 0 || id >= int64(len(g.index)) {
		return -1
	}
	return int(g.index[id]) - 1
}

func (g *edgeList) successors(id int64) []graph.Node {
	i := g.pos(id)
	if i < 0 {
		return nil
	}
	return g.succ[g.start[i]:g.start[i+1]]
}

// Node returns the node with the given ID if it is in the graph, nil otherwise.
func (g *edgeList) Node(id int64) graph.Node {
	if g.pos(id) < 0 {
		return nil
	}
	return g.node[id]
}

// Nodes returns the window's computers.
func (g *edgeList) Nodes() graph.Nodes { return iterator.NewOrderedNodes(g.nodes) }

// From returns the computers id has an edge to.
func (g *edgeList) From(id int64) graph.Nodes {
	s := g.successors(id)
	if len(s) == 0 {
		return graph.Empty
	}
	return iterator.NewOrderedNodes(s)
}

// To returns the computers with an edge to id. PageRank does not use it:
// it scans every edge.
func (g *edgeList) To(id int64) graph.Nodes {
	var from []graph.Node
	for _, u := range g.nodes {
		if g.HasEdgeFromTo(u.ID(), id) {
			from = append(from, u)
		}
	}
	if len(from) == 0 {
		return graph.Empty
	}
	return iterator.NewOrderedNodes(from)
}

// HasEdgeFromTo reports whether the edge u→v is in the graph.
func (g *edgeList) HasEdgeFromTo(uid, vid int64) bool {
	_, found := slices.BinarySearchFunc(g.successors(uid), vid, func(n graph.Node, id int64) int { return int(n.ID() - id) })
	return found
}

// HasEdgeBetween reports whether an edge joins x and y in either direction.
func (g *edgeList) HasEdgeBetween(xid, yid int64) bool {
	return g.HasEdgeFromTo(xid, yid) || g.HasEdgeFromTo(yid, xid)
}

// Edge returns the edge u→v if it is in the graph, nil otherwise.
func (g *edgeList) Edge(uid, vid int64) graph.Edge {
	if !g.HasEdgeFromTo(uid, vid) {
		return nil
	}
	return simple.Edge{F: g.node[uid], T: g.node[vid]}
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
