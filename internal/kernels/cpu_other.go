//go:build !amd64

package kernels

const (
	hasAVX2   = false
	hasAVX512 = false
	hasVNNI   = false
)
