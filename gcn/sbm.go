package gcn

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/mlprep/mlprep/internal/nn"
)

// SBM generates a labelled graph from a stochastic block model with
// class-dependent sparse bag-of-words features: the offline stand-in for
// Cora. Every node gets a class uniformly at random; each pair of nodes is
// linked independently, with probability p_in inside a class and p_out across
// classes, chosen so the expected degree is AvgDegree and a fraction
// Homophily of the edges join nodes of the same class (Cora: 3.9 and 0.81).
// Each node draws WordsPerNode words with replacement, each from its class's
// topic (a contiguous block of Features/Classes words) with probability
// TopicShare and from the whole vocabulary otherwise; the features are the
// 0/1 indicators of the words drawn. The split is RandomSplit's with
// TrainPerClass, Val and Test.
//
// The zero value is Cora-sized (2,708 nodes, 7 classes, 1,433 words,
// Planetoid's 20 per class / 500 / 1,000 split) and tuned so that the
// features alone are weak and the graph carries the rest, as on Cora.
// Generation visits every pair of nodes, O(Nodes²).
type SBM struct {
	Nodes, Classes, Features int     // 0 means 2708, 7, 1433
	AvgDegree                float64 // 0 means 3.9
	Homophily                float64 // 0 means 0.6
	WordsPerNode             int     // 0 means 18
	TopicShare               float64 // 0 means 0.35
	TrainPerClass, Val, Test int     // 0 means 20, 500, 1000
	Seed                     uint64
}

// Generate draws the dataset. It returns an error when the parameters are
// out of range (a probability outside [0, 1], more classes than words, a split
// larger than the graph).
func (s SBM) Generate() (*Dataset, error) {
	s = s.withDefaults()
	n, c := s.Nodes, s.Classes
	if n < 1 || c < 1 || s.Features < c || s.WordsPerNode < 0 || s.AvgDegree < 0 || s.Homophily > 1 || s.TopicShare > 1 {
		return nil, fmt.Errorf("%w: SBM parameters out of range: %+v", ErrInvalid, s)
	}
	rng := nn.NewRand(s.Seed)
	labels := make([]int, n)
	size := make([]float64, c)
	for i := range labels {
		labels[i] = rng.IntN(c)
		size[labels[i]]++
	}
	var within float64
	for _, k := range size {
		within += k * (k - 1) / 2
	}
	across := float64(n)*float64(n-1)/2 - within
	edges := s.AvgDegree * float64(n) / 2
	pIn, pOut := prob(s.Homophily*edges, within), prob((1-s.Homophily)*edges, across)
	if pIn > 1 || pOut > 1 {
		return nil, fmt.Errorf("%w: SBM: average degree %g needs link probabilities %.3g (within) and %.3g (across) above 1", ErrInvalid, s.AvgDegree, pIn, pOut)
	}
	var list []Edge
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			p := pOut
			if labels[i] == labels[j] {
				p = pIn
			}
			if rng.Float64() < p {
				list = append(list, Edge{From: i, To: j})
			}
		}
	}
	g, err := NewGraph(n, list)
	if err != nil {
		return nil, err
	}

	topic := s.Features / c
	x := &CSR{Rows: n, Cols: s.Features, Indptr: make([]int, n+1)}
	words := make([]int32, 0, s.WordsPerNode)
	for i := 0; i < n; i++ {
		words = words[:0]
		for range s.WordsPerNode {
			w := rng.IntN(s.Features)
			if rng.Float64() < s.TopicShare {
				w = labels[i]*topic + rng.IntN(topic)
			}
			words = append(words, int32(w))
		}
		slices.Sort(words)
		words = slices.Compact(words)
		x.Indices = append(x.Indices, words...)
		x.Indptr[i+1] = len(x.Indices)
	}
	x.Values = make([]float32, len(x.Indices))
	for k := range x.Values {
		x.Values[k] = 1
	}

	d := &Dataset{Name: "sbm", Graph: g, Features: x, Labels: labels, Classes: c}
	for k := range c {
		d.ClassNames = append(d.ClassNames, "class "+strconv.Itoa(k))
	}
	d.Split, err = RandomSplit(labels, c, s.TrainPerClass, s.Val, s.Test, rng)
	if err != nil {
		return nil, err
	}
	d.Split.Name = fmt.Sprintf("random (seed %d)", s.Seed)
	return d, nil
}

func (s SBM) withDefaults() SBM {
	zero := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	zerof := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	zero(&s.Nodes, 2708)
	zero(&s.Classes, 7)
	zero(&s.Features, 1433)
	zerof(&s.AvgDegree, 3.9)
	zerof(&s.Homophily, 0.6)
	zero(&s.WordsPerNode, 18)
	zerof(&s.TopicShare, 0.35)
	zero(&s.TrainPerClass, 20)
	zero(&s.Val, 500)
	zero(&s.Test, 1000)
	return s
}

// prob returns the link probability that gives the expected number of edges
// over pairs, 0 when there are no pairs.
func prob(edges, pairs float64) float64 {
	if pairs == 0 {
		return 0
	}
	return edges / pairs
}
