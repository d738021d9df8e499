// Command 01_llm_finetuning_lora is the roadmap's LoRA lesson: pretrain a
// 784-512-512-10 MLP on upright MNIST digits, then adapt it to rotated
// digits (30° and 90°) by full fine-tuning, by LoRA at ranks 1, 2, 4 and 8,
// and by training only the head, and compare what each costs (trainable
// parameters, step time, file size) and what each buys (accuracy on the
// rotated digits) and breaks (accuracy on upright digits afterwards, with
// the adapter on and off).
//
// A second section does the same on a transformer, as the LoRA paper does:
// the attention package's tiny Tagger, pretrained to reverse digit
// sequences, is adapted to the reversal rotated by one position with LoRA on
// the query and value projections only, against full fine-tuning and
// training the head.
//
// Without ../shared/data it runs on the embedded 8×8 digits (a 64-512-512-10
// MLP) and says so. -quick runs one seed on a few hundred images and
// sequences.
package main

import (
	"flag"
	"fmt"

	"github.com/mlprep/mlprep/internal/lesson"
)

// settings are the experiment's sizes and hyperparameters.
type settings struct {
	seeds                              int
	pretrainEpochs, adaptEpochs        int
	batch                              int
	pretrainLR, fullLR, loraLR, headLR float64
	trainLimit                         int // 0: the whole training set
	angles                             []float64
	ranks                              []int
	transformer                        transformerSettings
	section                            string // "all", "mlp" or "transformer"
}

func main() {
	seeds := flag.Int("seeds", 5, "number of seeds (pretraining and adaptation) to average")
	section := flag.String("section", "all", `which experiments to run: "all", "mlp" (rotated MNIST) or "transformer" (LoRA on attention)`)
	opts := lesson.Parse()
	if *section != "all" && *section != "mlp" && *section != "transformer" {
		lesson.Fatal(fmt.Errorf("-section %q: want all, mlp or transformer", *section))
	}
	s := settings{
		seeds: *seeds, section: *section, pretrainEpochs: 6, adaptEpochs: 8, batch: 128,
		pretrainLR: 1e-3, fullLR: 1e-3, loraLR: 5e-3, headLR: 5e-3,
		angles: []float64{30, 90}, ranks: []int{1, 2, 4, 8},
		transformer: transformerSettings{
			length: 10, train: 5000, test: 1000, pretrainEpochs: 4, adaptEpochs: 5, batch: 32,
			pretrainLR: 3e-3, fullLR: 1e-3, loraLR: 1e-2, headLR: 1e-2,
		},
	}
	if opts.Quick {
		s.seeds, s.pretrainEpochs, s.adaptEpochs, s.trainLimit = 1, 2, 1, 256
		s.transformer.train, s.transformer.test, s.transformer.pretrainEpochs, s.transformer.adaptEpochs = 1500, 300, 4, 2
	}
	if err := run(opts, s); err != nil {
		lesson.Fatal(err)
	}
}
