package anomaly_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/mlprep/mlprep/anomaly"
)

// traffic returns n ordinary two-feature records around the origin.
func traffic(n int) [][]float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([][]float64, n)
	for i := range x {
		x[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
	}
	return x
}

// Fit on unlabelled data, then score new records: the lower the score, the
// more abnormal; Predict applies the contamination threshold.
func ExampleIsolationForest() {
	ctx := context.Background()
	x := append(traffic(1000), []float64{6, -6})
	forest, err := anomaly.IsolationForest{Contamination: 0.01, Seed: 1}.Fit(ctx, x)
	if err != nil {
		panic(err)
	}
	probe := [][]float64{{0, 0}, {6, -6}}
	scores, _ := forest.ScoreSamples(ctx, probe)
	labels, _ := forest.Predict(ctx, probe)
	for i, p := range probe {
		fmt.Printf("%v: score %.2f, predict %+d\n", p, scores[i], labels[i])
	}
	// Output:
	// [0 0]: score -0.39, predict +1
	// [6 -6]: score -0.79, predict -1
}

// c(n) normalises path lengths: a point isolated at depth c(ψ) scores −0.5.
func ExampleAveragePathLength() {
	for _, n := range []int{1, 2, 3, 256} {
		fmt.Printf("c(%d) = %.4f\n", n, anomaly.AveragePathLength(n))
	}
	// Output:
	// c(1) = 0.0000
	// c(2) = 1.0000
	// c(3) = 1.2074
	// c(256) = 10.2448
}

// Random hyperplanes instead of axis-parallel cuts: set NonZero to choose
// how many features each cut mixes (0: all of them).
func ExampleExtendedIsolationForest() {
	ctx := context.Background()
	forest, err := anomaly.ExtendedIsolationForest{Seed: 1}.Fit(ctx, traffic(1000))
	if err != nil {
		panic(err)
	}
	scores, _ := forest.ScoreSamples(ctx, [][]float64{{0, 0}, {3, 3}})
	fmt.Printf("centre %.2f, diagonal corner %.2f\n", scores[0], scores[1])
	// Output:
	// centre -0.38, diagonal corner -0.69
}

// A fitted forest ships as bytes; ReadForest validates it before use.
func ExampleReadForest() {
	ctx := context.Background()
	forest, err := anomaly.IsolationForest{Trees: 10, Seed: 1}.Fit(ctx, traffic(500))
	if err != nil {
		panic(err)
	}
	var saved bytes.Buffer
	if _, err := forest.WriteTo(&saved); err != nil {
		panic(err)
	}
	loaded, err := anomaly.ReadForest(&saved)
	if err != nil {
		panic(err)
	}
	a, _ := forest.ScoreSamples(ctx, [][]float64{{4, 4}})
	b, _ := loaded.ScoreSamples(ctx, [][]float64{{4, 4}})
	fmt.Println(a[0] == b[0], loaded.Trees(), loaded.Features())

	_, err = anomaly.ReadForest(bytes.NewReader([]byte("not a model")))
	fmt.Println(err)
	// Output:
	// true 10 2
	// anomaly: invalid saved model: 11 bytes, shorter than a header and checksum (48 bytes)
}

// The median/MAD baseline: mean robust |z| over features.
func ExampleFitRobustZ() {
	baseline, err := anomaly.FitRobustZ(traffic(1000))
	if err != nil {
		panic(err)
	}
	scores, _ := baseline.ScoreSamples([][]float64{{0, 0}, {6, -6}})
	fmt.Printf("%.2f %.2f\n", scores[0], scores[1])
	// Output:
	// -0.04 -5.84
}
