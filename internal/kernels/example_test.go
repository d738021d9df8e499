package kernels_test

import (
	"fmt"

	"github.com/mlprep/mlprep/internal/kernels"
)

// Sgemm multiplies row-major matrices; here a Linear layer's forward pass
// y = x·Wᵀ with W stored out×in, so B is used transposed.
func ExampleSgemm() {
	x := []float32{1, 2, 3} // 1×3
	w := []float32{         // 2×3 (out×in)
		1, 0, 0,
		0, 1, 1,
	}
	y := make([]float32, 2) // 1×2
	kernels.Sgemm(false, true, 1, 2, 3, 1, x, 3, w, 3, 0, y, 2)
	fmt.Println(y)
	// Output: [1 5]
}

// A dynamically quantised Linear layer: u8 activations with a zero point,
// symmetric s8 weights, exact int32 accumulation, and the zero-point
// correction of doc.go applied with the packed weights' row sums.
func ExamplePackedS8_MulU8() {
	const sx, zx = 0.5, 128               // activation scale and zero point: x = 0.5·(qx − 128)
	const sw = 0.25                       // weight scale, zero point 0: w = 0.25·qw
	qx := []uint8{130, 126, 128, 140}     // x = 1, −1, 0, 6 (one row, k = 4)
	qw := []int8{4, 4, 0, 0, 0, 0, 8, -4} // W rows (1, 1, 0, 0) and (0, 0, 2, −1)
	w := kernels.PackS8(2, 4, qw, 4)      // once, when the layer is built

	acc := make([]int32, 2)
	w.MulU8(1, qx, 4, acc, 2) // Σ_p qx·qw, exact
	for j, c := range acc {
		y := sx * sw * float32(c-zx*w.RowSums()[j])
		fmt.Printf("y[%d] = %v\n", j, y)
	}
	// Output:
	// y[0] = 0
	// y[1] = -6
}
