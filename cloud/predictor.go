package cloud

import (
	"context"
	"fmt"
	"time"
)

// Predictor runs a model on one batch: every input tensor's first dimension
// is the batch (the rows of all requests grouped by the batcher), and every
// output must have the same number of rows in the same order. Predict may
// keep no reference to its inputs after it returns; the outputs become the
// server's. A Predictor is called by one goroutine per model instance
// (ModelConfig.Instances), so it must be safe for that many concurrent calls.
type Predictor interface {
	Predict(ctx context.Context, inputs []Tensor) ([]Tensor, error)
}

// PredictorFunc adapts a function to a Predictor.
type PredictorFunc func(ctx context.Context, inputs []Tensor) ([]Tensor, error)

// Predict calls f.
func (f PredictorFunc) Predict(ctx context.Context, inputs []Tensor) ([]Tensor, error) {
	return f(ctx, inputs)
}

// TensorSpec declares one model input or output. Shape excludes the batch
// dimension (as in Triton's model configuration when max_batch_size > 0);
// -1 marks a dimension of any size. Metadata reports the shape with a
// leading -1 for the batch.
type TensorSpec struct {
	Name     string
	Datatype Datatype
	Shape    []int
}

// ModelConfig describes one version of a served model and how its requests
// are batched and admitted.
type ModelConfig struct {
	// Name and Version identify the model in /v2/models/{Name}/versions/{Version}.
	// Version "" is served as "1".
	Name, Version string
	// Platform is reported in the model metadata ("" → "mlprep").
	Platform string
	Inputs   []TensorSpec
	Outputs  []TensorSpec

	// MaxBatchSize is the largest number of rows the batcher hands to one
	// Predict call. Zero disables dynamic batching: each request runs alone
	// with as many rows as it brings. A request with more rows than a
	// positive MaxBatchSize is refused with 400.
	MaxBatchSize int
	// MaxQueueDelay is how long the oldest queued request may wait for
	// others to fill a batch (Triton's max_queue_delay_microseconds).
	// Zero runs whatever is queued as soon as an instance is free.
	MaxQueueDelay time.Duration
	// QueueCapacity bounds the rows waiting for an instance; a request that
	// does not fit is refused with 429 and Retry-After. Zero means
	// 4 × max(MaxBatchSize, 1) × Instances.
	QueueCapacity int
	// MaxQueueWait refuses requests (429) while the oldest queued request
	// has waited longer than this; zero sets no such limit. Unlike
	// QueueCapacity it follows how fast the queue really drains, so the
	// wait of accepted requests stays bounded when the machine slows down
	// (CoDel's idea: control the time spent queued, not the length).
	MaxQueueWait time.Duration
	// MaxInFlight bounds the requests admitted and not yet answered —
	// reading their body, parsing, queued, running or being encoded — and
	// refuses more with 429 before reading their body; zero sets no such
	// bound. QueueCapacity only counts rows waiting for the model, but for
	// a small model most of a request's cost is HTTP and JSON: under
	// overload the requests pile up in the handlers, competing for the
	// CPU, while the model's queue stays short and never refuses anything.
	MaxInFlight int
	// Instances is how many Predict calls may run at once (zero → 1).
	Instances int
}

// withDefaults fills the documented zero values and validates the specs.
func (c ModelConfig) withDefaults() (ModelConfig, error) {
	if c.Name == "" {
		return c, fmt.Errorf("%w: model name is empty", ErrConfig)
	}
	if c.Version == "" {
		c.Version = "1"
	}
	if c.Platform == "" {
		c.Platform = "mlprep"
	}
	if c.Instances <= 0 {
		c.Instances = 1
	}
	if c.MaxBatchSize < 0 || c.MaxQueueDelay < 0 || c.QueueCapacity < 0 || c.MaxQueueWait < 0 || c.MaxInFlight < 0 {
		return c, fmt.Errorf("%w: model %s: negative batch size, delay, queue capacity, queue wait or in-flight bound", ErrConfig, c.Name)
	}
	if c.QueueCapacity == 0 {
		c.QueueCapacity = 4 * max(c.MaxBatchSize, 1) * c.Instances
	}
	if len(c.Inputs) == 0 || len(c.Outputs) == 0 {
		return c, fmt.Errorf("%w: model %s declares no inputs or no outputs", ErrConfig, c.Name)
	}
	for _, s := range append(append([]TensorSpec(nil), c.Inputs...), c.Outputs...) {
		if s.Name == "" || !s.Datatype.Valid() {
			return c, fmt.Errorf("%w: model %s: tensor %q has datatype %q", ErrConfig, c.Name, s.Name, s.Datatype)
		}
	}
	return c, nil
}

// matchesShape reports whether a request shape [rows, dims...] fits a spec
// shape (without the batch dimension, -1 matching any size).
func (s TensorSpec) matchesShape(shape []int) bool {
	if len(shape) != len(s.Shape)+1 {
		return false
	}
	for i, d := range s.Shape {
		if d >= 0 && shape[i+1] != d {
			return false
		}
	}
	return true
}

// batchShape is the spec's shape with the batch dimension as -1.
func (s TensorSpec) batchShape() []int {
	return append([]int{-1}, s.Shape...)
}
