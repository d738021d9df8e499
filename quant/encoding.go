package quant

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The binary encoding of a Model, little-endian:
//
//	"MLPQ" version=1 kind(0 dynamic, 1 static) flags(bit 0: reduce range) 0
//	input scale f32, input zero point i32 (static; zero for dynamic)
//	layer count u32, then per layer:
//	  name length u8, name; in u32, out u32; flags u8 (bit 0: ReLU, bit 1: per-channel)
//	  weight scales f32 × (out or 1); weights i8 × out·in (row-major, out×in); bias f32 × out
//	  static layers but the last: output scale f32, output zero point i32
//
// The int8 weights are the bulk: a Model takes about a quarter of its float32
// parameters' bytes.
const (
	magic          = "MLPQ"
	encodingV1     = 1
	maxLayers      = 4096
	flagReLU       = 1
	flagPerChannel = 2
)

// MarshalBinary encodes the model; it never fails.
func (m *Model) MarshalBinary() ([]byte, error) {
	b := append([]byte(nil), magic...)
	kind, flags := byte(0), byte(0)
	if m.static {
		kind = 1
	}
	if m.reduceRange {
		flags = 1
	}
	b = append(b, encodingV1, kind, flags, 0)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.inScale))
	b = binary.LittleEndian.AppendUint32(b, uint32(m.inZero))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.layers)))
	for _, l := range m.layers {
		b = append(b, byte(len(l.name)))
		b = append(b, l.name...)
		b = binary.LittleEndian.AppendUint32(b, uint32(l.in))
		b = binary.LittleEndian.AppendUint32(b, uint32(l.out))
		var lf byte
		if l.relu {
			lf |= flagReLU
		}
		if l.weight.Params.PerChannel {
			lf |= flagPerChannel
		}
		b = append(b, lf)
		b = appendFloats(b, l.weight.Params.Scale)
		b = append(b, l.weight.Data...)
		b = appendFloats(b, l.bias)
		if l.requant {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(l.outScale))
			b = binary.LittleEndian.AppendUint32(b, uint32(l.outZero))
		}
	}
	return b, nil
}

func appendFloats(b []byte, v []float32) []byte {
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return b
}

// Size is the model's encoded size in bytes.
func (m *Model) Size() int {
	b, _ := m.MarshalBinary()
	return len(b)
}

// UnmarshalBinary decodes a model written by MarshalBinary, replacing m's
// contents. Every field is validated (sizes against the data's length before
// anything is allocated, scales positive and finite, zero points in range,
// consecutive layers' sizes agreeing, no trailing bytes): corrupt or
// truncated data gives an error wrapping ErrFormat and leaves m unchanged.
func (m *Model) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	out, err := d.model()
	if err != nil {
		return fmt.Errorf("%w: %v (at byte %d of %d)", ErrFormat, err, d.at, len(data))
	}
	*m = *out
	return nil
}

// decoder reads the encoding, remembering where it is for error messages.
type decoder struct {
	b  []byte
	at int
}

func (d *decoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.b)-d.at {
		return nil, fmt.Errorf("truncated: need %d more bytes, have %d", n, len(d.b)-d.at)
	}
	p := d.b[d.at : d.at+n]
	d.at += n
	return p, nil
}

func (d *decoder) u8() (byte, error) {
	p, err := d.take(1)
	if err != nil {
		return 0, err
	}
	return p[0], nil
}

func (d *decoder) u32() (uint32, error) {
	p, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}

func (d *decoder) floats(n int, what string) ([]float32, error) {
	if n > (len(d.b)-d.at)/4 {
		return nil, fmt.Errorf("truncated: %d %s need %d bytes, have %d", n, what, 4*n, len(d.b)-d.at)
	}
	p, _ := d.take(4 * n)
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
	}
	if err := checkFinite(what, v); err != nil {
		return nil, err
	}
	return v, nil
}

// scaleZero reads a uint8 activation scale and zero point.
func (d *decoder) scaleZero(what string) (float32, int32, error) {
	s, err := d.u32()
	if err != nil {
		return 0, 0, err
	}
	z, err := d.u32()
	if err != nil {
		return 0, 0, err
	}
	p := PerTensor(UInt8, math.Float32frombits(s), int32(z))
	if err := p.validate(nil); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", what, err)
	}
	return p.Scale[0], p.ZeroPoint[0], nil
}

func (d *decoder) model() (*Model, error) {
	head, err := d.take(8)
	if err != nil {
		return nil, err
	}
	if string(head[:4]) != magic {
		return nil, fmt.Errorf("not a quantised model (magic %q)", head[:4])
	}
	if head[4] != encodingV1 {
		return nil, fmt.Errorf("encoding version %d, want %d", head[4], encodingV1)
	}
	if head[5] > 1 || head[6]&^1 != 0 || head[7] != 0 {
		return nil, fmt.Errorf("header kind %d, flags %#x, reserved %d", head[5], head[6], head[7])
	}
	m := &Model{static: head[5] == 1, reduceRange: head[6]&1 != 0}
	if m.static {
		if m.inScale, m.inZero, err = d.scaleZero("input quantisation"); err != nil {
			return nil, err
		}
		if m.reduceRange {
			return nil, fmt.Errorf("reduce-range flag on a static model")
		}
	} else if p, err := d.take(8); err != nil {
		return nil, err
	} else if binary.LittleEndian.Uint64(p) != 0 {
		return nil, fmt.Errorf("dynamic model with input quantisation %x", p)
	}
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	if n == 0 || n > maxLayers {
		return nil, fmt.Errorf("%d layers (want 1 to %d)", n, maxLayers)
	}
	for i := range int(n) {
		l, err := d.layer(m, i == int(n)-1)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		if i > 0 && l.in != m.layers[i-1].out {
			return nil, fmt.Errorf("layer %d takes %d inputs after %d outputs", i, l.in, m.layers[i-1].out)
		}
		m.layers = append(m.layers, l)
	}
	if d.at != len(d.b) {
		return nil, fmt.Errorf("%d trailing bytes", len(d.b)-d.at)
	}
	return m, nil
}

func (d *decoder) layer(m *Model, last bool) (*linear, error) {
	nameLen, err := d.u8()
	if err != nil {
		return nil, err
	}
	name, err := d.take(int(nameLen))
	if err != nil {
		return nil, err
	}
	in32, err := d.u32()
	if err != nil {
		return nil, err
	}
	out32, err := d.u32()
	if err != nil {
		return nil, err
	}
	in, out := int(in32), int(out32)
	rest := len(d.b) - d.at
	if in < 1 || out < 1 || in > rest || out > rest/in {
		return nil, fmt.Errorf("shape %d×%d does not fit in the %d bytes left", out, in, rest)
	}
	flags, err := d.u8()
	if err != nil {
		return nil, err
	}
	if flags&^(flagReLU|flagPerChannel) != 0 {
		return nil, fmt.Errorf("unknown flags %#x", flags)
	}
	p := QParams{DType: Int8, PerChannel: flags&flagPerChannel != 0}
	count := 1
	if p.PerChannel {
		count = out
	}
	if p.Scale, err = d.floats(count, "weight scales"); err != nil {
		return nil, err
	}
	p.ZeroPoint = make([]int32, count)
	shape := []int{out, in}
	if err := p.validate(shape); err != nil {
		return nil, err
	}
	raw, err := d.take(out * in)
	if err != nil {
		return nil, err
	}
	w := &Tensor{Shape: shape, Params: p, Data: append([]byte(nil), raw...)}
	bias, err := d.floats(out, "bias")
	if err != nil {
		return nil, err
	}
	l := newLinear(string(name), w, bias, flags&flagReLU != 0)
	if !m.static {
		return l, nil
	}
	inScale, inZero := m.inScale, m.inZero
	if len(m.layers) > 0 {
		prev := m.layers[len(m.layers)-1]
		inScale, inZero = prev.outScale, prev.outZero
	}
	if last {
		l.setStatic(inScale, inZero, false, 0, 0)
		return l, nil
	}
	outScale, outZero, err := d.scaleZero("output quantisation")
	if err != nil {
		return nil, err
	}
	l.setStatic(inScale, inZero, true, outScale, outZero)
	return l, nil
}
