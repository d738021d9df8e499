package anomaly

import "math/rand/v2"

// hyperTree is an extended isolation tree: each split sends x left when
// x·w ≤ b for a random normal w with k non-zero coordinates.
type hyperTree struct {
	k     int
	nodes []node // split is the offset of the node's k coefficients
	// index and weight hold the non-zero coordinates of every split's
	// normal, k per split, in pre-order.
	index  []int32
	weight []float64
}

// hyperGrower holds the state of growing one tree.
type hyperGrower struct {
	rng    *rand.Rand
	m      *matrix
	k      int
	height int
	t      *hyperTree
	// live, lo and hi are scratch for the current node: the features that
	// are not constant there and every feature's range.
	live   []int
	lo, hi []float32
}

// growHyperTree grows an extended isolation tree on the rows of m.
// Each split draws k of the features not constant in the node (all of them
// when fewer remain), a normal with N(0, 1) components on them, and an
// intercept point p uniform in the node's bounding box; b = p·w. Unlike
// axis-parallel cuts, a hyperplane can pass beside all the points: the empty
// side becomes a leaf, as in the paper. A node with one row, with all
// features constant, or at the height limit is a leaf.
func growHyperTree(rng *rand.Rand, m *matrix, k, height int) *hyperTree {
	rows := allRows(m)
	g := &hyperGrower{
		rng:    rng,
		m:      m,
		k:      k,
		height: height,
		t:      &hyperTree{k: k},
		live:   make([]int, 0, m.d),
		lo:     make([]float32, m.d),
		hi:     make([]float32, m.d),
	}
	g.grow(rows, 0)
	return g.t
}

func (g *hyperGrower) grow(rows []int, depth int) {
	t := g.t
	at := len(t.nodes)
	t.nodes = append(t.nodes, node{split: leaf, value: leafPathLength(depth, len(rows))})
	if depth >= g.height || len(rows) < 2 {
		return
	}
	live := g.liveFeatures(rows)
	if len(live) == 0 {
		return
	}
	start := len(t.index)
	b := 0.0
	for j := range min(g.k, len(live)) {
		// Partial Fisher–Yates: live[j] becomes a fresh random feature.
		r := j + g.rng.IntN(len(live)-j)
		live[j], live[r] = live[r], live[j]
		f := live[j]
		w := g.rng.NormFloat64()
		p := float64(g.lo[f]) + (float64(g.hi[f])-float64(g.lo[f]))*g.rng.Float64()
		t.index = append(t.index, int32(f))
		t.weight = append(t.weight, w)
		b += w * p
	}
	// Fewer live features than k: pad with zero weights so every split
	// has k coefficients.
	for len(t.index)-start < g.k {
		t.index = append(t.index, t.index[start])
		t.weight = append(t.weight, 0)
	}
	p := 0
	for i, r := range rows {
		if t.project(g.m.row(r), start) <= b {
			rows[p], rows[i] = rows[i], rows[p]
			p++
		}
	}
	t.nodes[at] = node{value: b, split: int32(start)}
	g.grow(rows[:p], depth+1)
	t.nodes[at].right = int32(len(t.nodes))
	g.grow(rows[p:], depth+1)
}

// liveFeatures fills lo and hi with each feature's range over rows and
// returns the features whose range exceeds featureThreshold.
func (g *hyperGrower) liveFeatures(rows []int) []int {
	copy(g.lo, g.m.row(rows[0]))
	copy(g.hi, g.m.row(rows[0]))
	for _, r := range rows[1:] {
		for f, v := range g.m.row(r) {
			g.lo[f] = min(g.lo[f], v)
			g.hi[f] = max(g.hi[f], v)
		}
	}
	g.live = g.live[:0]
	for f := range g.lo {
		if g.hi[f] > g.lo[f]+featureThreshold {
			g.live = append(g.live, f)
		}
	}
	return g.live
}

// project returns x·w for the split whose coefficients start at start.
func (t *hyperTree) project(x []float32, start int) float64 {
	s := 0.0
	for j := start; j < start+t.k; j++ {
		s += float64(x[t.index[j]]) * t.weight[j]
	}
	return s
}

func (t *hyperTree) addPathLengths(x []float32, d int, dst []float64) {
	for r := range dst {
		row := x[r*d : r*d+d]
		i := 0
		for {
			n := &t.nodes[i]
			if n.split == leaf {
				dst[r] += n.value
				break
			}
			if t.project(row, int(n.split)) <= n.value {
				i++
			} else {
				i = int(n.right)
			}
		}
	}
}
