package kernels

import "fmt"

// checkMatrix panics unless s can hold a rows×cols row-major matrix with row
// stride ld. name is the argument's name in the caller ("a", "b", "c").
func checkMatrix[T any](fn, name string, rows, cols int, s []T, ld int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels: %s: %s is %d×%d, negative size", fn, name, rows, cols))
	}
	if ld < max(1, cols) {
		panic(fmt.Sprintf("kernels: %s: ld%s = %d is less than the %d columns of %s (%d×%d)", fn, name, ld, cols, name, rows, cols))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(s) < need {
		panic(fmt.Sprintf("kernels: %s: %s is %d×%d with ld%s = %d and needs %d elements, has %d", fn, name, rows, cols, name, ld, need, len(s)))
	}
}

// storedShape returns the shape of a matrix as stored, given its shape after
// the optional transpose.
func storedShape(trans bool, rows, cols int) (int, int) {
	if trans {
		return cols, rows
	}
	return rows, cols
}
