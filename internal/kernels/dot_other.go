//go:build !amd64

package kernels

func sdot(x, y []float32) float32 { return sdotGeneric(x, y) }

func sdotGather(x, m []float32, ldm int, rows []int32, y []float32) {
	sdotGatherRows(x, m, ldm, rows, y)
}
