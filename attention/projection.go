package attention

import (
	"github.com/mlprep/mlprep/internal/kernels"
	"github.com/mlprep/mlprep/internal/nn"
)

// workspace holds the buffers of inference calls (the projections and the
// concatenated heads), reused from call to call. At B = 8, L = 1024,
// E = 512 each is 16 MiB, and the page faults of fresh buffers that size
// cost as much as a good part of the arithmetic they hold.
type workspace struct{ q, k, v, concat []float32 }

// grow returns (*buf)[:n], reallocating *buf when it is too small.
func grow(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}

// project returns x·Wᵀ + b for the rows×d.In() matrix x, in *buf (grown as
// needed). It is nn.Dense's forward pass without the input cache a backward
// pass needs, writing into reusable memory.
func project(d *nn.Dense, x []float32, rows int, buf *[]float32) *nn.Mat {
	in, out := d.In(), d.Out()
	y := nn.MatFrom(rows, out, grow(buf, rows*out))
	var beta float32
	if d.B != nil {
		for r := range rows {
			copy(y.Row(r), d.B.Value.Data)
		}
		beta = 1
	}
	kernels.Sgemm(false, true, rows, out, in, 1, x, in, d.W.Value.Data, in, beta, y.Data, out)
	return y
}
