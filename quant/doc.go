// Package quant is post-training 8-bit quantisation with PyTorch's
// definitions, run on real int8 kernels: quantisation schemes and
// observers that match torch.ao.quantization (1.13) to 1e-6, quantised
// tensors, dynamic and static int8 Linear layers and models on
// internal/kernels' exact u8×s8 GEMM, quantisation-aware training, and a
// per-layer error report.
//
// A complete use, from a trained float model to an int8 one a quarter of its
// size:
//
//	q, err := quant.QuantizeDynamic(model, quant.DynamicOptions{}) // model: *nn.Sequential of Dense/ReLU
//	if err != nil { … }
//	logits, err := q.Forward(x)                 // x: *nn.Mat, one row per example
//	reports, err := quant.Compare(model, q, x)  // SQNR and max error per layer
//	blob, _ := q.MarshalBinary()                // ≈ 25% of the float32 bytes
//
// # The affine map
//
// A real value x is stored as an integer q with a float scale s and an
// integer zero point z (Jacob et al., "Quantization and Training of Neural
// Networks for Efficient Integer-Arithmetic-Only Inference", CVPR 2018):
//
//	q = clamp(round(x/s) + z, qmin, qmax)        x̂ = s·(q − z)
//
// round is half to even and x/s is computed as x·(1/s) in float32, exactly as
// torch.quantize_per_tensor does. Inside [s(qmin−z), s(qmax−z)] the error
// x − x̂ is at most s/2, and for values spread over many steps it behaves as
// uniform noise on [−s/2, s/2] with variance s²/12; outside, values are
// clipped. Choosing s trades the two: a wide range means coarse steps (more
// rounding error), a narrow one means clipping. Every observer below is a
// rule for that choice.
//
// Schemes (Scheme). Weights are Int8 (torch.qint8, [−128, 127]) and
// symmetric: z = 0 and s = max(|lo|, |hi|) / ((qmax − qmin)/2), so the integer
// product needs no weight zero-point correction. Activations are UInt8
// (torch.quint8, [0, 255]) and affine, s = (max(hi, 0) − min(lo, 0)) /
// (qmax − qmin), z = qmin − round(min(lo, 0)/s): one-signed data such as
// ReLU outputs then uses all 256 codes instead of half. The range is always
// widened to include 0 so that 0.0 is exactly representable: zero padding,
// ReLU's floor and sparse activations must not pick up an offset. Details
// that are easy to get wrong, all matched to torch:
//   - the scale is floored at eps = torch.finfo(float32).eps = 2⁻²³, so an
//     all-zero tensor gets s = eps (and z = qmin, or 0 when symmetric), not a
//     division by zero;
//   - symmetric int8 over the full [−128, 127] divides by 127.5, so the
//     largest positive weight lands on 127.5 and rounds to 128, which clips
//     to 127; a restricted range [−127, 127] (QuantMin/QuantMax) avoids that
//     asymmetry at the cost of one code;
//   - symmetric uint8 puts z at 128 (or the midpoint of a custom range);
//   - ReduceRange halves the range to [0, 127] or [−64, 63] (a custom range is
//     halved rounding down, as Python's //). fbgemm and oneDNN need it on
//     CPUs without VNNI, where VPMADDUBSW adds two u8·s8 products into a
//     saturating int16 (2·255·127 > 32767). internal/kernels widens to int16
//     and uses VPMADDWD on those CPUs instead, so the full range is exact
//     here and ReduceRange only costs accuracy.
//
// Per-tensor parameters use one (s, z) for the whole tensor; per-channel
// parameters one pair per index along an axis (QParams.Axis, torch's
// ch_axis). Per-channel weights (one scale per output row) cost nothing at
// run time, because each output column has its own epilogue scale anyway,
// and help when rows differ in magnitude; per-channel activations would not
// factor out of the dot product, which is why activations stay per-tensor.
//
// # Observers
//
// An Observer watches calibration data and turns it into QParams:
//   - MinMax: the smallest and largest value ever seen (torch's
//     MinMaxObserver, PerChannelMinMaxObserver). Exact, and at the mercy of
//     one outlier.
//   - MovingAverageMinMax: each batch moves the range by c·(batch − range),
//     c = 0.01 by default (torch's MovingAverage…MinMaxObserver); the usual
//     choice during quantisation-aware training, when activations drift.
//   - Percentile: the (100 − p)-th and p-th percentiles of everything seen,
//     numpy.percentile's linear interpolation (torch 1.13 has none; this is
//     the usual definition, TensorRT's percentile calibration). Clips tails
//     on purpose.
//   - Histogram: torch's HistogramObserver. A 2,048-bin histogram merged
//     across batches by upsampling, and a greedy search over sub-ranges
//     minimising the L2 error of quantising the histogram onto 256 levels
//     (from caffe2's norm minimisation). See the type for the algorithm and
//     its one deliberate difference from 1.13: torch truncates the histogram
//     range to integers (torch.histc(min=int(min), max=int(max))), which
//     misbins most data; this package bins over the true range.
//
// # Quantised Linear
//
// With activations (s_x, z_x, uint8), symmetric weights (s_w[j], 0, int8)
// stored out×in as torch.nn.Linear does, and bias b:
//
//	y[i,j] = s_x·s_w[j] · (Σ_p q_x[i,p]·q_w[j,p] − z_x·Σ_p q_w[j,p]) + b[j]
//
// The sum is exact in int32 (internal/kernels: VPDPBUSD on AVX-512 VNNI,
// VPMADDWD on AVX2) for any k up to 65,793; Σ_p q_w[j,p] is computed once when
// the weights are packed, so the zero point costs one subtraction per
// output. The float work left is O(m·n); the O(m·n·k) part is all int8.
//
// Dynamic quantisation (QuantizeDynamic; torch.ao.quantization.
// quantize_dynamic) quantises weights ahead of time and each batch's
// activations at run time from the batch's own min and max, with fbgemm's
// ChooseQuantizationParams (float64 scale, cut off below 6.1e-5, zero point
// from the end with the smaller error: not the observers' formula). No
// calibration, nothing to go stale; the price is a min/max pass per layer
// and float activations between layers. Torch's dynamic Linear passes
// reduce_range=True: the onednn engine honours it and the qnnpack engine
// ignores it; DynamicOptions.ReduceRange reproduces either, and the golden
// tests check both.
//
// Static quantisation (QuantizeStatic) fixes activation parameters from a
// calibration set: the float model is run on it, observers watch the model
// input and every layer's output (after its ReLU), and the resulting model
// stays in uint8 between layers. Each layer requantises: the int32 sum goes
// through the epilogue above to float32 and is quantised again with the
// next layer's (s, z), which is torch's float requantisation. A ReLU is
// fused: the float epilogue clips at 0.0 before requantising, so the code
// never drops below the output zero point. The last layer writes float32
// directly: requantising logits only to dequantise them again would add
// error and save nothing. Static models skip the per-batch min/max pass and
// keep activations in uint8 between layers; in exchange they need
// calibration data that represents what they will see.
//
// # Quantisation-aware training
//
// QAT trains through the rounding the static model will do (Jacob et al.
// 2018; Krishnamoorthi, "Quantizing deep convolutional networks for
// efficient inference: A whitepaper", 2018). Fake quantisation, x ↦ x̂ in
// float32 (FakeQuantize, torch.fake_quantize_per_…_affine), is inserted on
// the model input, on every weight matrix, and on every layer output but the
// last. Its derivative is zero almost everywhere, so Backward uses the
// straight-through estimator (Bengio, Léonard and Courville, "Estimating or
// Propagating Gradients Through Stochastic Neurons for Conditional
// Computation", 2013): the gradient passes unchanged where the value fell
// inside [qmin, qmax] and is zero where it was clipped. It is the exact
// gradient of the same network with each fake quantiser replaced by
// clipping, which is what the gradient tests check. Convert then builds the
// static model with the same parameters, so the trained network is the
// deployed one. For a review of all of the above see Nagel et al., "A White
// Paper on Neural Network Quantization", 2021.
//
// # Error
//
// SQNR (10·log10 of signal over noise power) is the usual figure of merit:
// a uniform quantiser gains about 6 dB per bit, so int8 weights sit near
// 40–45 dB; Compare reports it per layer for weights and for outputs
// accumulated end to end, with the maximum absolute error. The first and
// last layers and layers with outlier activations are where accuracy is
// usually lost.
//
// # PyTorch 1.13 behaviour found while building the golden tests
//
// Besides the histc truncation above: onednn's dynamic Linear caches its
// primitive by input scale, so a second call whose activations get the same
// scale but a different zero point (two inputs below the 6.1e-5 cut-off)
// reuses the stale zero point and returns wrong outputs; the golden script
// uses a fresh module per input. And the HistogramObserver search, which
// stops at the first increase of its error, usually trims only a few bins.
//
// # Concurrency, errors and panics
//
// A Model is immutable and safe for concurrent use; Forward takes its
// scratch buffers from a pool. Observers and QAT are not safe for concurrent
// use. Bad data returns errors wrapping the sentinels: NaN or Inf in data to
// quantise, observe, calibrate or run (ErrNonFinite), calibration or
// parameters without data (ErrNoData), impossible schemes or parameters
// (ErrScheme), layers other than Dense, ReLU and Dropout (ErrUnsupported), a
// corrupt or truncated encoding (ErrFormat; UnmarshalBinary validates every
// field and is fuzz-tested). Shape mismatches are programmer errors and
// panic with a message starting "quant:" that names both shapes: an input
// without the model's number of features, a tensor shape that does not hold
// its values, an axis out of range, a per-channel observer given no shape
// or a different number of channels than before.
package quant
