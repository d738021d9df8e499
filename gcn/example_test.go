package gcn_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlprep/mlprep/gcn"
	"github.com/mlprep/mlprep/internal/nn"
)

// The renormalised adjacency of a path 0–1–2 and an isolated node 3: every
// node gets a self-loop, and entry (i, j) is 1/√(d̃ᵢ d̃ⱼ).
func ExampleGraph_Normalized() {
	g, err := gcn.NewGraph(4, []gcn.Edge{{From: 0, To: 1}, {From: 1, To: 2}, {From: 2, To: 1}})
	if err != nil {
		panic(err)
	}
	a := g.Normalized().Dense()
	for i := range a.Rows {
		fmt.Printf("%.3f\n", a.Row(i))
	}
	// Output:
	// [0.500 0.408 0.000 0.000]
	// [0.408 0.333 0.408 0.000]
	// [0.000 0.408 0.500 0.000]
	// [0.000 0.000 0.000 1.000]
}

// Sum, mean and max aggregation of the neighbours' features: node 0 hears
// from 1 and 2, node 1 from 0, node 2 from 0, node 3 from nobody.
func ExampleMessagePassing() {
	g, err := gcn.NewGraph(4, []gcn.Edge{{From: 0, To: 1}, {From: 0, To: 2}})
	if err != nil {
		panic(err)
	}
	x := nn.MatFrom(4, 1, []float32{1, 2, 4, 8})
	for _, aggr := range []gcn.Aggregation{gcn.Sum, gcn.Mean, gcn.Max} {
		mp := &gcn.MessagePassing{Graph: g, Aggr: aggr}
		fmt.Println(aggr, mp.Forward(x, false).Data)
	}
	// Output:
	// sum [6 1 1 0]
	// mean [3 1 1 0]
	// max [4 1 1 0]
}

// Cora's plain-text format: one line per paper (id, word indicators, class)
// and one line per citation (cited, citing).
func ExampleReadCora() {
	content := "31336\t0\t1\t1\tNeural_Networks\n" +
		"1061127\t1\t0\t1\tRule_Learning\n" +
		"1106406\t1\t1\t0\tNeural_Networks\n"
	cites := "31336\t1106406\n1061127\t31336\n"
	d, err := gcn.ReadCora(strings.NewReader(content), strings.NewReader(cites))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Graph.Nodes(), "papers,", d.Graph.Edges(), "links,", d.Features.NNZ(), "words")
	fmt.Println(d.ClassNames, d.Labels)

	_, err = gcn.ReadCora(strings.NewReader(content), strings.NewReader("31336\t999\n"))
	fmt.Println(err)
	// Output:
	// 3 papers, 2 links, 6 words
	// [Neural_Networks Rule_Learning] [0 1 0]
	// gcn: cora.cites line 1: unknown paper id "999" (not in the content file)
}

// Training the paper's model on a generated graph: the same network without
// the edges sees only each node's own words and does much worse.
func ExampleTrain() {
	d, err := gcn.SBM{Nodes: 600, Classes: 4, Features: 300, WordsPerNode: 10,
		TrainPerClass: 10, Val: 100, Test: 300, Seed: 1}.Generate()
	if err != nil {
		panic(err)
	}
	res, err := gcn.Train(context.Background(), d, gcn.Options{})
	if err != nil {
		panic(err)
	}
	bare := *d
	bare.Graph, _ = gcn.NewGraph(d.Graph.Nodes(), nil)
	words, err := gcn.Train(context.Background(), &bare, gcn.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("GCN %.2f, words only %.2f\n", res.TestAcc, words.TestAcc)
	// Output:
	// GCN 0.69, words only 0.49
}
