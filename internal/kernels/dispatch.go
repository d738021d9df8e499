package kernels

import (
	"os"
	"strings"
)

// Path names the instruction set a group of kernels runs on.
type Path string

// The kernel paths, from the most to the least capable.
const (
	// AVX512 uses 512-bit FMA micro-kernels for float32/float64 and
	// VPDPBUSD (AVX512_VNNI) for int8. It needs AVX-512 F, BW, DQ and VL;
	// the int8 kernels additionally need AVX512_VNNI and use the AVX2 int8
	// kernel when it is missing.
	AVX512 Path = "avx512"
	// AVX2 uses 256-bit FMA micro-kernels and, for int8, operands widened to
	// int16 and multiplied with VPMADDWD (exact; see doc.go). Needs AVX2 and FMA.
	AVX2 Path = "avx2"
	// Generic is portable Go: the same packing and blocking with a scalar
	// register-blocked micro-kernel. It runs on every GOARCH.
	Generic Path = "generic"
)

// EnvPath is the environment variable that forces a path ("generic", "avx2"
// or "avx512"). It is read once, when the program starts. A path the CPU
// cannot run, or an unknown name, falls back to the best supported one;
// Selected tells which path is in use.
const EnvPath = "MLPREP_KERNELS"

// selected is the path every call uses. Tests switch it with usePath.
var selected = choosePath(os.Getenv(EnvPath))

// Selected reports the path the kernels run on in this process.
func Selected() Path { return selected }

// Supported lists the paths this CPU can run, best first; Generic is always last.
func Supported() []Path {
	var ps []Path
	if hasAVX512 {
		ps = append(ps, AVX512)
	}
	if hasAVX2 {
		ps = append(ps, AVX2)
	}
	return append(ps, Generic)
}

func choosePath(env string) Path {
	supported := Supported()
	want := Path(strings.ToLower(strings.TrimSpace(env)))
	for _, p := range supported {
		if p == want {
			return p
		}
	}
	return supported[0]
}

// usePath switches the path for a test and returns a function that restores
// the previous one. It is not safe to call while other goroutines run kernels.
func usePath(p Path) (restore func()) {
	old := selected
	selected = p
	return func() { selected = old }
}
