package gcn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dataset is a node-classification problem: a graph, one feature row and one
// label per node, and a split of the nodes into train, validation and test.
type Dataset struct {
	Name     string
	Graph    *Graph
	Features *CSR // nodes × features
	Labels   []int
	Classes  int
	// ClassNames and NodeIDs are optional (nil or one entry per class /
	// node): the names in the source files, for messages and plots.
	ClassNames []string
	NodeIDs    []string
	Split      Split
}

// Split lists node indices for training, model selection and testing.
type Split struct {
	Name             string // such as "planetoid" or "random (seed 1)"
	Train, Val, Test []int
}

// Validate checks that the parts agree: sizes, labels in [0, Classes), finite
// features, split nodes inside the graph and in at most one part. The error
// names the first offending node (by its ID too when NodeIDs is set).
func (d *Dataset) Validate() error {
	if d.Graph == nil || d.Features == nil {
		return fmt.Errorf("%w: dataset %q has no graph or no features", ErrInvalid, d.Name)
	}
	if err := d.Features.check(); err != nil {
		return fmt.Errorf("features: %w", err)
	}
	n := d.Graph.Nodes()
	if d.Features.Rows != n || len(d.Labels) != n {
		return fmt.Errorf("%w: %d nodes, %d feature rows, %d labels", ErrInvalid, n, d.Features.Rows, len(d.Labels))
	}
	if d.Classes < 1 || (d.ClassNames != nil && len(d.ClassNames) != d.Classes) {
		return fmt.Errorf("%w: %d classes with %d class names", ErrInvalid, d.Classes, len(d.ClassNames))
	}
	if d.NodeIDs != nil && len(d.NodeIDs) != n {
		return fmt.Errorf("%w: %d node IDs for %d nodes", ErrInvalid, len(d.NodeIDs), n)
	}
	for i, y := range d.Labels {
		if y < 0 || y >= d.Classes {
			return fmt.Errorf("%w: %s: label %d outside [0, %d)", ErrInvalid, d.node(i), y, d.Classes)
		}
	}
	for i := 0; i < n; i++ {
		cols, vals := d.Features.Row(i)
		for k, v := range vals {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: %s: feature %d is %v", ErrInvalid, d.node(i), cols[k], v)
			}
		}
	}
	parts := [][]int{d.Split.Train, d.Split.Val, d.Split.Test}
	names := []string{"", "train", "validation", "test"}
	part := make([]uint8, n)
	for k, nodes := range parts {
		for _, i := range nodes {
			if i < 0 || i >= n {
				return fmt.Errorf("%w: %s split: node %d outside [0, %d)", ErrInvalid, names[k+1], i, n)
			}
			if part[i] != 0 {
				return fmt.Errorf("%w: %s: in the %s split and again in the %s split", ErrInvalid, d.node(i), names[part[i]], names[k+1])
			}
			part[i] = uint8(k + 1)
		}
	}
	return nil
}

// node names node i for error messages.
func (d *Dataset) node(i int) string {
	if d.NodeIDs != nil {
		return fmt.Sprintf("node %d (id %q)", i, d.NodeIDs[i])
	}
	return fmt.Sprintf("node %d", i)
}

// RandomSplit draws a split with the Planetoid protocol's shape: perClass
// labelled training nodes of every class, then val and test nodes drawn from
// the rest. It is the seeded stand-in for graphs without a published split.
// It returns an error when a class has fewer than perClass nodes or too few
// nodes remain.
func RandomSplit(labels []int, classes, perClass, val, test int, rng *rand.Rand) (Split, error) {
	byClass := make([][]int, classes)
	for i, y := range labels {
		if y < 0 || y >= classes {
			return Split{}, fmt.Errorf("%w: node %d: label %d outside [0, %d)", ErrInvalid, i, y, classes)
		}
		byClass[y] = append(byClass[y], i)
	}
	var s Split
	taken := make([]bool, len(labels))
	for c, nodes := range byClass {
		if len(nodes) < perClass {
			return Split{}, fmt.Errorf("%w: class %d has %d nodes, fewer than %d training nodes per class", ErrInvalid, c, len(nodes), perClass)
		}
		rng.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
		for _, i := range nodes[:perClass] {
			s.Train = append(s.Train, i)
			taken[i] = true
		}
	}
	var rest []int
	for i, t := range taken {
		if !t {
			rest = append(rest, i)
		}
	}
	if val+test > len(rest) {
		return Split{}, fmt.Errorf("%w: %d validation + %d test nodes, but only %d remain after %d training nodes", ErrInvalid, val, test, len(rest), len(s.Train))
	}
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	s.Val, s.Test = rest[:val], rest[val:val+test]
	return s, nil
}

// RowNormalize returns x with every row scaled to sum to 1 (rows that sum to
// 0 stay 0), the preprocessing of the GCN paper's code for bag-of-words
// features. It shares x's structure and allocates new values.
func RowNormalize(x *CSR) *CSR {
	vals := make([]float32, x.NNZ())
	for i := 0; i < x.Rows; i++ {
		lo, hi := x.Indptr[i], x.Indptr[i+1]
		var sum float64
		for _, v := range x.Values[lo:hi] {
			sum += float64(v)
		}
		if sum == 0 {
			continue
		}
		for k := lo; k < hi; k++ {
			vals[k] = float32(float64(x.Values[k]) / sum)
		}
	}
	return x.WithValues(vals)
}
