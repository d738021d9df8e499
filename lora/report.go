package lora

import (
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/mlprep/mlprep/internal/nn"
)

// Report counts a model's parameters as PEFT's print_trainable_parameters
// does: Total includes the adapters' parameters, Trainable only the values
// an optimiser will change.
type Report struct {
	Trainable, Total int
}

// Percent is 100·Trainable/Total, or 0 for an empty model.
func (r Report) Percent() float64 {
	if r.Total == 0 {
		return 0
	}
	return 100 * float64(r.Trainable) / float64(r.Total)
}

// String formats the report as PEFT prints it:
// "trainable params: 22,736 || all params: 692,442 || trainable%: 3.2835".
func (r Report) String() string {
	// English digit grouping matches Python's "{:,d}".
	return message.NewPrinter(language.English).Sprintf("trainable params: %d || all params: %d || trainable%%: %.4f",
		r.Trainable, r.Total, r.Percent())
}

// TrainableParameters counts the parameters of any model (a Model, or a
// base model being fully fine-tuned, such as an nn.Layer or an
// attention.Tagger) by their Frozen flags.
func TrainableParameters(model interface{ Params() []*nn.Param }) Report {
	trainable, total := nn.CountParams(model.Params())
	return Report{Trainable: trainable, Total: total}
}
