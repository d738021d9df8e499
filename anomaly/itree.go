package anomaly

import (
	"math"
	"math/rand/v2"
)

// featureThreshold is scikit-learn's FEATURE_THRESHOLD: a feature whose
// float32 range in a node is at most 1e-7 counts as constant there and is
// never split on, so near-duplicates end in one leaf instead of costing
// extra levels.
const featureThreshold float32 = 1e-7

// node is a node of an isolation tree, stored in pre-order: a split's left
// child is the next node.
type node struct {
	// value is the split threshold (left if x[feature] ≤ value, or x·w ≤
	// value for a hyperplane) or, in a leaf, the path length
	// h = depth + c(leaf size).
	value float64
	// split is the feature of an axis-parallel split, the offset of a
	// hyperplane's coefficients, or leaf.
	split int32
	right int32 // index of the right child
}

const leaf = -1

// axisTree is an isolation tree of axis-parallel splits (an iTree).
type axisTree struct {
	nodes []node
	// steps is nodes laid out for scoring: a leaf gets threshold −Inf and
	// itself as right child, so walking on from it stays put.
	steps []axisStep
	depth int // the deepest leaf's depth
}

type axisStep struct {
	threshold float64
	feature   int32
	right     int32
}

// newAxisTree indexes pre-order nodes for scoring. The nodes must form a
// valid tree (grown here, or checked by the decoder).
func newAxisTree(nodes []node) *axisTree {
	t := &axisTree{nodes: nodes, steps: make([]axisStep, len(nodes))}
	var walk func(i, depth int) int
	walk = func(i, depth int) int {
		n := nodes[i]
		if n.split == leaf {
			t.steps[i] = axisStep{threshold: math.Inf(-1), right: int32(i)}
			t.depth = max(t.depth, depth)
			return i + 1
		}
		t.steps[i] = axisStep{threshold: n.value, feature: n.split, right: n.right}
		walk(i+1, depth+1)
		return walk(int(n.right), depth+1)
	}
	walk(0, 0)
	return t
}

// leafPathLength is h for a leaf at depth holding size samples, computed as
// scikit-learn does: (nodes on the path) + c(size) − 1.
func leafPathLength(depth, size int) float64 {
	return float64(depth+1) + AveragePathLength(size) - 1.0
}

// axisGrower holds the state of growing one tree.
type axisGrower struct {
	rng    *rand.Rand
	m      *matrix
	height int
	nodes  []node
	// features are those the tree may split on; candidates is scratch for
	// the ones still to try at the current node.
	features, candidates []int
}

// growAxisTree grows an iTree on the rows of m, splitting only on
// features, up to the height limit. As in scikit-learn's random splitter,
// each split picks a feature uniformly among those not constant in the
// node, and a threshold uniformly in [min, max) of that feature there; a
// node where every feature is constant, with one row, or at the height
// limit is a leaf.
func growAxisTree(rng *rand.Rand, m *matrix, features []int, height int) *axisTree {
	rows := allRows(m)
	g := &axisGrower{
		rng:        rng,
		m:          m,
		height:     height,
		nodes:      make([]node, 0, 2*len(rows)-1),
		features:   features,
		candidates: make([]int, 0, len(features)),
	}
	g.grow(rows, 0)
	return newAxisTree(g.nodes)
}

func (g *axisGrower) grow(rows []int, depth int) {
	at := len(g.nodes)
	g.nodes = append(g.nodes, node{split: leaf, value: leafPathLength(depth, len(rows))})
	if depth >= g.height || len(rows) < 2 {
		return
	}
	// The scratch is free again once a split is found: it is not used
	// after the recursion below.
	cand := append(g.candidates[:0], g.features...)
	for len(cand) > 0 {
		j := g.rng.IntN(len(cand))
		f := cand[j]
		lo, hi := g.featureRange(rows, f)
		if hi <= lo+featureThreshold {
			cand[j] = cand[len(cand)-1]
			cand = cand[:len(cand)-1]
			continue
		}
		// rand_uniform(lo, hi) in float64, then scikit-learn's guard that
		// keeps the maximum on the right.
		threshold := (float64(hi)-float64(lo))*g.rng.Float64() + float64(lo)
		if threshold == float64(hi) {
			threshold = float64(lo)
		}
		p := g.partition(rows, f, threshold)
		g.nodes[at] = node{value: threshold, split: int32(f)}
		g.grow(rows[:p], depth+1)
		g.nodes[at].right = int32(len(g.nodes))
		g.grow(rows[p:], depth+1)
		return
	}
}

func (g *axisGrower) featureRange(rows []int, f int) (lo, hi float32) {
	d := g.m.d
	lo = g.m.data[rows[0]*d+f]
	hi = lo
	for _, r := range rows[1:] {
		v := g.m.data[r*d+f]
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

// partition moves the rows with x[f] ≤ threshold to the front and returns
// how many there are.
func (g *axisGrower) partition(rows []int, f int, threshold float64) int {
	d := g.m.d
	p := 0
	for i, r := range rows {
		if float64(g.m.data[r*d+f]) <= threshold {
			rows[p], rows[i] = rows[i], rows[p]
			p++
		}
	}
	return p
}

// addPathLengths walks a block of rows down the tree level by level rather
// than row by row: each level's steps are independent across rows, so the
// CPU overlaps them instead of waiting on one row's chain of dependent loads
// and mispredicted branches. A leaf steps to itself (its threshold is −Inf,
// its right child itself), so every row takes exactly depth steps.
func (t *axisTree) addPathLengths(x []float32, d int, dst []float64) {
	var at [scoreBlock]int32
	idx := at[:len(dst)]
	steps := t.steps
	for range t.depth {
		for r, i := range idx {
			s := steps[i]
			next := s.right
			if float64(x[r*d+int(s.feature)]) <= s.threshold {
				next = i + 1
			}
			idx[r] = next
		}
	}
	for r, i := range idx {
		dst[r] += t.nodes[i].value
	}
}
