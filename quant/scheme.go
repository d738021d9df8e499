package quant

import (
	"fmt"
	"math"
)

// DType is the integer type of quantised values.
type DType uint8

const (
	// UInt8 is torch.quint8, [0, 255]: activations. It is the zero value,
	// as torch's observers default to quint8.
	UInt8 DType = iota
	// Int8 is torch.qint8, [−128, 127]: weights.
	Int8
)

func (d DType) String() string {
	switch d {
	case UInt8:
		return "uint8"
	case Int8:
		return "int8"
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// bounds returns the full range of the type.
func (d DType) bounds() (lo, hi int32, err error) {
	switch d {
	case UInt8:
		return 0, 255, nil
	case Int8:
		return -128, 127, nil
	}
	return 0, 0, fmt.Errorf("%w: unknown dtype %d", ErrScheme, uint8(d))
}

// Eps is the default floor on a scale, torch.finfo(torch.float32).eps = 2⁻²³.
const Eps = float32(1.0 / (1 << 23))

// Scheme says how an observer turns a range [lo, hi] into a scale and zero
// point, with the definitions of torch.ao.quantization's observers. The zero
// value is torch's default observer: UInt8, affine, full range, eps floor.
type Scheme struct {
	DType DType
	// Symmetric centres the range on zero: scale = max(|lo|, |hi|) / ((qmax −
	// qmin)/2) and zero point 0 for Int8 (128 for UInt8, or the midpoint of a
	// custom range). Otherwise the scheme is affine: scale = (hi − lo) / (qmax
	// − qmin) and the zero point maps 0.0 exactly.
	Symmetric bool
	// ReduceRange drops one bit: [0, 127] or [−64, 63] (or a custom range
	// halved, rounding down). fbgemm and oneDNN need it on CPUs without VNNI,
	// where VPMADDUBSW saturates; internal/kernels does not (see doc.go).
	ReduceRange bool
	// QuantMin and QuantMax set a custom integer range (e.g. 4-bit [0, 15] or
	// the restricted symmetric [−127, 127]) when either is non-zero. The range
	// must lie inside DType's and include 0.
	QuantMin, QuantMax int32
	// Eps is the smallest scale; zero means the package's Eps.
	Eps float32
}

// Range returns the integer range [qmin, qmax] of the scheme, after
// ReduceRange, as torch's calculate_qmin_qmax computes it.
func (s Scheme) Range() (qmin, qmax int32, err error) {
	lo, hi, err := s.DType.bounds()
	if err != nil {
		return 0, 0, err
	}
	if s.QuantMin != 0 || s.QuantMax != 0 {
		if s.QuantMin > 0 || s.QuantMax < 0 || s.QuantMin >= s.QuantMax || s.QuantMin < lo || s.QuantMax > hi {
			return 0, 0, fmt.Errorf("%w: range [%d, %d] must include 0 and lie in %v's [%d, %d]", ErrScheme, s.QuantMin, s.QuantMax, s.DType, lo, hi)
		}
		lo, hi = s.QuantMin, s.QuantMax
	}
	if s.ReduceRange {
		if s.Symmetric && s.DType == UInt8 {
			return 0, 0, fmt.Errorf("%w: reduce_range with symmetric uint8 (torch does not implement it)", ErrScheme)
		}
		lo, hi = floorHalf(lo), floorHalf(hi)
	}
	return lo, hi, nil
}

// floorHalf is Python's v // 2.
func floorHalf(v int32) int32 { return int32(math.Floor(float64(v) / 2)) }

func (s Scheme) eps() float32 {
	if s.Eps > 0 {
		return s.Eps
	}
	return Eps
}

// Params returns the scale and zero point for values observed in [lo, hi],
// computed in float32 as torch's _calculate_qparams does: the range is first
// widened to include 0 (so 0.0 is exactly representable, which zero padding
// and ReLU need), the scale is floored at Eps (an all-zero tensor gets scale
// Eps, not 0), and an affine zero point is qmin − round(lo/scale), clamped.
// It returns ErrNoData for the empty range lo = +Inf, hi = −Inf that a
// fresh observer holds, and ErrNonFinite or ErrScheme for other bad input.
func (s Scheme) Params(lo, hi float32) (scale float32, zeroPoint int32, err error) {
	qmin, qmax, err := s.Range()
	if err != nil {
		return 0, 0, err
	}
	if math.IsInf(float64(lo), 1) && math.IsInf(float64(hi), -1) {
		return 0, 0, ErrNoData
	}
	if !finite(lo) || !finite(hi) {
		return 0, 0, fmt.Errorf("%w: range [%v, %v]", ErrNonFinite, lo, hi)
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("%w: range [%v, %v] has min > max", ErrScheme, lo, hi)
	}
	neg, pos := min(lo, 0), max(hi, 0)
	eps := s.eps()
	if s.Symmetric {
		scale = max(max(-neg, pos)/(float32(qmax-qmin)/2), eps)
		if s.DType == UInt8 {
			zeroPoint = 128
			if s.QuantMin != 0 || s.QuantMax != 0 {
				zeroPoint = (qmin + qmax) / 2 // both ≥ 0: / is Python's //
			}
		}
		return scale, zeroPoint, nil
	}
	scale = max((pos-neg)/float32(qmax-qmin), eps)
	zeroPoint = qmin - int32(math.RoundToEven(float64(neg/scale)))
	return scale, min(max(zeroPoint, qmin), qmax), nil
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }
