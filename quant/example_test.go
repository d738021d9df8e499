package quant_test

import (
	"context"
	"fmt"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/quant"
)

// The scale and zero point torch's observers compute for ReLU outputs in
// [0, 2.55]: affine uint8 uses all 256 codes, symmetric int8 half of them.
func ExampleScheme_Params() {
	for _, s := range []quant.Scheme{
		{},                                      // torch.quint8, per_tensor_affine
		{DType: quant.Int8, Symmetric: true},    // torch.qint8, per_tensor_symmetric
		{DType: quant.UInt8, ReduceRange: true}, // fbgemm's 7-bit activations
	} {
		scale, zp, err := s.Params(0, 2.55)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%v symmetric=%v reduce=%v: scale %.5f, zero point %d\n", s.DType, s.Symmetric, s.ReduceRange, scale, zp)
	}
	// Output:
	// uint8 symmetric=false reduce=false: scale 0.01000, zero point 0
	// int8 symmetric=true reduce=false: scale 0.02000, zero point 0
	// uint8 symmetric=false reduce=true: scale 0.02008, zero point 0
}

// Per-channel int8 weights: each row gets its own scale, so the small row
// keeps its precision. Symmetric int8 over [−128, 127] divides the largest
// magnitude by 127.5, so it lands on a rounding boundary.
func ExampleQuantize() {
	w := []float32{
		0.5, -1.0, 0.25, // a large row
		0.01, 0.002, -0.02, // a small row
	}
	o := &quant.MinMax{Scheme: quant.Scheme{DType: quant.Int8, Symmetric: true}, PerChannel: true}
	if err := o.Observe(w, 2, 3); err != nil {
		panic(err)
	}
	p, _ := o.QParams()
	q, err := quant.Quantize(w, []int{2, 3}, p)
	if err != nil {
		panic(err)
	}
	for i := range w {
		fmt.Printf("%6.3f → %4d → %7.4f\n", w[i], q.Int(i), q.Dequantize()[i])
	}
	// Output:
	//  0.500 →   64 →  0.5020
	// -1.000 → -127 → -0.9961
	//  0.250 →   32 →  0.2510
	//  0.010 →   64 →  0.0100
	//  0.002 →   13 →  0.0020
	// -0.020 → -128 → -0.0201
}

// A one-layer model quantised dynamically and statically gives the float
// outputs to within the quantisation error.
func ExampleQuantizeDynamic() {
	d := &nn.Dense{
		W: nn.NewParam("weight", nn.MatFrom(2, 3, []float32{1, -2, 0.5, 0.25, 0.5, -1})),
		B: nn.NewParam("bias", nn.MatFrom(1, 2, []float32{0.1, -0.1})),
	}
	model := &nn.Sequential{Layers: []nn.Layer{d}}
	x := nn.MatFrom(2, 3, []float32{0.3, 0.7, -0.2, 1, 0, 0.5})

	dyn, err := quant.QuantizeDynamic(model, quant.DynamicOptions{})
	if err != nil {
		panic(err)
	}
	static, err := quant.QuantizeStatic(context.Background(), model, x, quant.StaticOptions{})
	if err != nil {
		panic(err)
	}
	yf := model.Forward(x, false)
	yd, _ := dyn.Forward(x)
	ys, _ := static.Forward(x)
	for i := range yf.Data {
		fmt.Printf("float %6.3f  dynamic %6.3f  static %6.3f\n", yf.Data[i], yd.Data[i], ys.Data[i])
	}
	// Output:
	// float -1.100  dynamic -1.096  static -1.095
	// float  0.525  dynamic  0.529  static  0.529
	// float  1.350  dynamic  1.352  static  1.351
	// float -0.350  dynamic -0.346  static -0.346
}

// SQNR in decibels: about 6 dB per bit of a uniform quantiser.
func ExampleSQNR() {
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(i%200)/100 - 1 // a ramp over [−1, 1)
	}
	for _, bits := range []int{4, 8} {
		levels := int32(1)<<bits - 1
		s := quant.Scheme{QuantMax: levels}
		if bits == 8 {
			s = quant.Scheme{}
		}
		scale, zp, _ := s.Params(-1, 1)
		q, _ := quant.Quantize(x, nil, quant.PerTensor(quant.UInt8, scale, zp))
		fmt.Printf("%d bits: %.1f dB\n", bits, quant.SQNR(x, q.Dequantize()))
	}
	// Output:
	// 4 bits: 23.5 dB
	// 8 bits: 48.1 dB
}
