package attention_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
)

// A one-block transformer trained with this package's backward pass learns to
// reverse digit sequences to ≥ 99% token accuracy on unseen sequences.
func TestTaggerLearnsToReverseDigits(t *testing.T) {
	const length, train = 10, 5000
	rng := nn.NewRand(1)
	x, y := attention.ReverseDigits(train, length, rng)
	tx, ty := attention.ReverseDigits(500, length, rng)
	m := attention.NewTagger(attention.TaggerConfig{Vocab: 10, Classes: 10, EmbedDim: 32, NumHeads: 2, FFDim: 64, Layers: 1}, rng)
	var acc float64
	for epoch := 1; epoch <= 6; epoch++ {
		loss, err := m.Fit(context.Background(), x, y, attention.FitOptions{Epochs: 1, BatchSize: 32, LR: 3e-3, Rand: rng})
		if err != nil {
			t.Fatal(err)
		}
		if acc, err = m.Accuracy(tx, ty); err != nil {
			t.Fatal(err)
		}
		t.Logf("epoch %d: loss %.4f, held-out token accuracy %.4f", epoch, loss, acc)
		if acc >= 0.99 {
			return
		}
	}
	t.Fatalf("token accuracy %.4f after 6 epochs, want ≥ 0.99", acc)
}

func TestTaggerRejectsBadSequences(t *testing.T) {
	m := attention.NewTagger(attention.TaggerConfig{Vocab: 10, Classes: 3, EmbedDim: 8, NumHeads: 2, FFDim: 8, Layers: 1}, nil)
	opt := attention.FitOptions{Epochs: 1, BatchSize: 2}
	ctx := context.Background()
	cases := map[string]func() error{
		"empty":         func() error { _, err := m.Predict(nil); return err },
		"ragged":        func() error { _, err := m.Predict([][]int{{1, 2}, {3}}); return err },
		"token range":   func() error { _, err := m.Logits([][]int{{1, 10}}); return err },
		"label range":   func() error { _, err := m.Fit(ctx, [][]int{{1, 2}}, [][]int{{0, 3}}, opt); return err },
		"target count":  func() error { _, err := m.Fit(ctx, [][]int{{1, 2}, {3, 4}}, [][]int{{0, 1}}, opt); return err },
		"target length": func() error { _, err := m.Fit(ctx, [][]int{{1, 2}}, [][]int{{0, 1, 2}}, opt); return err },
	}
	for name, f := range cases {
		if err := f(); !errors.Is(err, attention.ErrSequences) {
			t.Errorf("%s: error %v, want ErrSequences", name, err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Fit(cancelled, [][]int{{1, 2}}, [][]int{{0, 1}}, opt); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Fit: %v", err)
	}
	if _, err := m.AttentionWeights([]int{1, 2}, 1); err == nil {
		t.Error("AttentionWeights of a missing layer: no error")
	}
}
