package quant

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
)

// trainedDigits is an MLP trained on the embedded 8×8 digits, shared by the
// model tests.
var trainedDigits = sync.OnceValues(func() (*nn.Sequential, [4]any) {
	train, test := datasets.Digits().Split(1437, 1)
	model := nn.NewMLP([]int{64, 96, 48, 10}, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(1))
	x := nn.MatFrom(train.N, train.Dim(), train.X)
	if _, err := nn.TrainClassifier(context.Background(), model, x, train.Y, nn.TrainOptions{
		Epochs: 15, BatchSize: 32, Optimizer: nn.NewAdam(2e-3), Rand: nn.NewRand(2)}); err != nil {
		panic(err)
	}
	return model, [4]any{x, train.Y, nn.MatFrom(test.N, test.Dim(), test.X), test.Y}
})

func digitsModel(t testing.TB) (model *nn.Sequential, xTrain *nn.Mat, yTrain []int, xTest *nn.Mat, yTest []int) {
	t.Helper()
	m, d := trainedDigits()
	return m, d[0].(*nn.Mat), d[1].([]int), d[2].(*nn.Mat), d[3].([]int)
}

func accuracy(pred, labels []int) float64 {
	ok := 0
	for i, p := range pred {
		if p == labels[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(labels))
}

func TestQuantizedModelsKeepAccuracy(t *testing.T) {
	model, xTrain, _, xTest, yTest := digitsModel(t)
	floatAcc := accuracy(nn.Predict(model, xTest, 128), yTest)
	if floatAcc < 0.93 {
		t.Fatalf("float model only reaches %.3f", floatAcc)
	}
	calib := nn.MatFrom(256, xTrain.Cols, xTrain.Data[:256*xTrain.Cols])
	cases := map[string]func() (*Model, error){
		"dynamic":              func() (*Model, error) { return QuantizeDynamic(model, DynamicOptions{}) },
		"dynamic reduce range": func() (*Model, error) { return QuantizeDynamic(model, DynamicOptions{ReduceRange: true}) },
		"dynamic per-tensor":   func() (*Model, error) { return QuantizeDynamic(model, DynamicOptions{PerTensorWeights: true}) },
		"static histogram": func() (*Model, error) {
			return QuantizeStatic(context.Background(), model, calib, StaticOptions{})
		},
		"static minmax": func() (*Model, error) {
			return QuantizeStatic(context.Background(), model, calib, StaticOptions{Observer: func() Observer { return &MinMax{} }})
		},
		"static percentile": func() (*Model, error) {
			return QuantizeStatic(context.Background(), model, calib, StaticOptions{BatchSize: 100, Observer: func() Observer { return &Percentile{P: 99.9} }})
		},
	}
	for name, make := range cases {
		q, err := make()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pred, err := q.Predict(xTest, 50)
		if err != nil {
			t.Fatal(err)
		}
		acc := accuracy(pred, yTest)
		if math.Abs(acc-floatAcc) > 0.015 {
			t.Errorf("%s: accuracy %.4f, float %.4f", name, acc, floatAcc)
		}
		_, floatBytes := nn.CountParams(model.Params())
		if ratio := float64(q.Size()) / float64(4*floatBytes); ratio > 0.3 {
			t.Errorf("%s: %d bytes, %.1f%% of float32", name, q.Size(), 100*ratio)
		}
		reports, err := Compare(model, q, xTest)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports {
			// 8 bits give about 40 dB on weights; outputs lose some per layer.
			if r.WeightSQNR < 30 || r.OutputSQNR < 20 || r.WeightMaxErr <= 0 {
				t.Errorf("%s layer %s: %+v", name, r.Name, r)
			}
		}
		t.Logf("%-20s accuracy %.4f (float %.4f), %d bytes, last layer output SQNR %.1f dB", name, acc, floatAcc, q.Size(), reports[len(reports)-1].OutputSQNR)
	}
}

func TestDynamicMatchesFakeQuantisedFloat(t *testing.T) {
	// The int8 model must equal the float computation on dequantised values:
	// quantise each layer's input with the batch range, run it through the
	// dequantised weights in float64.
	model, _, _, xTest, _ := digitsModel(t)
	q, err := QuantizeDynamic(model, DynamicOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := nn.MatFrom(7, xTest.Cols, xTest.Data[:7*xTest.Cols])
	got, err := q.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	in := x.Data
	var want []float64
	for _, l := range q.layers {
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for _, v := range in {
			lo, hi = min(lo, v), max(hi, v)
		}
		s, z := dynamicParams(lo, hi, false)
		qx, err := Quantize(in, nil, PerTensor(UInt8, s, z))
		if err != nil {
			t.Fatal(err)
		}
		dx, dw := qx.Dequantize(), l.weight.Dequantize()
		want = make([]float64, x.Rows*l.out)
		next := make([]float32, len(want))
		for i := range x.Rows {
			for j := range l.out {
				acc := float64(l.bias[j])
				for p := range l.in {
					acc += float64(dx[i*l.in+p]) * float64(dw[j*l.in+p])
				}
				if l.relu {
					acc = math.Max(acc, 0)
				}
				want[i*l.out+j], next[i*l.out+j] = acc, float32(acc)
			}
		}
		in = next
	}
	for i, w := range want {
		if math.Abs(float64(got.Data[i])-w) > 1e-4*math.Max(1, math.Abs(w)) {
			t.Fatalf("output %d: %v, reference %v", i, got.Data[i], w)
		}
	}
}

func TestModelBadInput(t *testing.T) {
	model, xTrain, _, _, _ := digitsModel(t)
	q, err := QuantizeDynamic(model, DynamicOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := nn.MatFrom(2, 64, append([]float32(nil), xTrain.Data[:128]...))
	x.Data[70] = float32(math.NaN())
	if _, err := q.Forward(x); !errors.Is(err, ErrNonFinite) {
		t.Errorf("NaN input: %v", err)
	}
	if _, err := q.Predict(x, 1); !errors.Is(err, ErrNonFinite) {
		t.Errorf("NaN input to Predict: %v", err)
	}
	ctx := context.Background()
	if _, err := QuantizeStatic(ctx, model, nn.NewMat(0, 64), StaticOptions{}); !errors.Is(err, ErrNoData) {
		t.Errorf("no calibration data: %v", err)
	}
	if _, err := QuantizeStatic(ctx, model, x, StaticOptions{}); !errors.Is(err, ErrNonFinite) {
		t.Errorf("NaN calibration data: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := QuantizeStatic(cancelled, model, xTrain, StaticOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled calibration: %v", err)
	}
	signed := func() Observer { return &MinMax{Scheme: Scheme{DType: Int8}} }
	if _, err := QuantizeStatic(ctx, model, xTrain, StaticOptions{Observer: signed}); !errors.Is(err, ErrScheme) {
		t.Errorf("int8 activation observer: %v", err)
	}
	rng := nn.NewRand(3)
	for name, bad := range map[string]*nn.Sequential{
		"tanh":            {Layers: []nn.Layer{nn.NewDense(4, 3, rng), &nn.Tanh{}}},
		"relu first":      {Layers: []nn.Layer{&nn.ReLU{}, nn.NewDense(4, 3, rng)}},
		"empty":           {},
		"sizes disagree":  {Layers: []nn.Layer{nn.NewDense(4, 3, rng), nn.NewDense(5, 2, rng)}},
		"Inf in a weight": {Layers: []nn.Layer{infDense()}},
	} {
		_, err := QuantizeDynamic(bad, DynamicOptions{})
		want := ErrUnsupported
		if name == "Inf in a weight" {
			want = ErrNonFinite
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
}

func infDense() *nn.Dense {
	d := nn.NewDense(3, 2, nn.NewRand(4))
	d.W.Value.Data[1] = float32(math.Inf(1))
	return d
}

func TestModelShapeMismatchPanics(t *testing.T) {
	model, _, _, _, _ := digitsModel(t)
	q, err := QuantizeDynamic(model, DynamicOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r, _ := recover().(string); len(r) < 6 || r[:6] != "quant:" {
			t.Fatalf("panic %q", r)
		}
	}()
	_, _ = q.Forward(nn.NewMat(2, 63))
}

func TestModelEncodingRoundTrips(t *testing.T) {
	model, xTrain, _, xTest, _ := digitsModel(t)
	dyn, err := QuantizeDynamic(model, DynamicOptions{ReduceRange: true, PerTensorWeights: true})
	if err != nil {
		t.Fatal(err)
	}
	static, err := QuantizeStatic(context.Background(), model, xTrain, StaticOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []*Model{dyn, static} {
		b, _ := q.MarshalBinary()
		var back Model
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		want, _ := q.Forward(xTest)
		got, err := back.Forward(xTest)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want.Data {
			if got.Data[i] != want.Data[i] {
				t.Fatalf("static=%v: output %d after a round trip: %v, want %v", q.Static(), i, got.Data[i], want.Data[i])
			}
		}
		// Every truncation and a flipped header byte are rejected.
		for n := 0; n < len(b); n += 1 + n/8 {
			if err := back.UnmarshalBinary(b[:n]); !errors.Is(err, ErrFormat) {
				t.Fatalf("truncated to %d bytes: %v", n, err)
			}
		}
		if err := back.UnmarshalBinary(append(b, 0)); !errors.Is(err, ErrFormat) {
			t.Fatalf("trailing byte: %v", err)
		}
	}
}

func FuzzUnmarshalModel(f *testing.F) {
	rng := nn.NewRand(5)
	small := &nn.Sequential{Layers: []nn.Layer{nn.NewDense(5, 4, rng), &nn.ReLU{}, nn.NewDense(4, 3, rng)}}
	x := nn.NewMat(6, 5)
	nn.Uniform(x, -1, 1, rng)
	dyn, _ := QuantizeDynamic(small, DynamicOptions{})
	static, _ := QuantizeStatic(context.Background(), small, x, StaticOptions{})
	for _, q := range []*Model{dyn, static} {
		b, _ := q.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte("MLPQ"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if err := m.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		// Whatever is accepted runs and encodes back to the same bytes.
		in := nn.NewMat(2, m.In())
		if _, err := m.Forward(in); err != nil {
			t.Fatal(err)
		}
		again, _ := m.MarshalBinary()
		if string(again) != string(data) {
			t.Fatal("accepted encoding does not round-trip")
		}
	})
}

func TestModelConcurrentForward(t *testing.T) {
	model, xTrain, _, xTest, _ := digitsModel(t)
	static, err := QuantizeStatic(context.Background(), model, xTrain, StaticOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := static.Forward(xTest)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			rows := 1 + g*7
			x := nn.MatFrom(rows, xTest.Cols, xTest.Data[:rows*xTest.Cols])
			for range 20 {
				y, err := static.Forward(x)
				if err != nil {
					errs <- err
					return
				}
				for i, v := range y.Data {
					if v != want.Data[i] {
						errs <- errors.New("concurrent Forward gave a different output")
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
