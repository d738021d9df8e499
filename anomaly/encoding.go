package anomaly

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// The saved-model format, version 1, all integers and floats little-endian:
//
//	magic "mlprepIF", version uint16, kind uint8 (1 axis-parallel,
//	2 hyperplane), reserved uint8 = 0,
//	features, maxSamples, nonZero, trees uint32,
//	contamination, offset float64,
//	per tree: nodes uint32, then per node in pre-order
//	          value float64, split int32, right int32;
//	          hyperplane trees then hold nonZero × (internal nodes)
//	          coefficients: index uint32, weight float64,
//	crc32 (IEEE) of everything before it.
//
// A leaf has split −1 and right 0. Decoding checks the checksum and then
// every invariant scoring relies on, so a model that loads scores without
// panicking: features and coefficient indices in range, each right child
// exactly where its left subtree ends, depths within the height limit of
// maxSamples, finite thresholds and weights, leaf path lengths in
// [0, height + c(maxSamples)], the offset −0.5 for 'auto' contamination and
// in [−1, 0] otherwise.
const (
	modelMagic   = "mlprepIF"
	modelVersion = 1
	headerSize   = 8 + 2 + 1 + 1 + 4*4 + 8*2
	nodeSize     = 8 + 4 + 4
	coefSize     = 4 + 8
)

// MarshalBinary encodes the forest in the saved-model format. Workers is
// not saved.
func (f *Forest) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, headerSize)
	b = append(b, modelMagic...)
	b = binary.LittleEndian.AppendUint16(b, modelVersion)
	b = append(b, byte(f.kind), 0)
	for _, v := range []int{f.features, f.maxSamples, f.nonZero, len(f.trees)} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.contamination))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.offset))
	for _, t := range f.trees {
		var nodes []node
		var hyper *hyperTree
		switch t := t.(type) {
		case *axisTree:
			nodes = t.nodes
		case *hyperTree:
			nodes, hyper = t.nodes, t
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(len(nodes)))
		for _, n := range nodes {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(n.value))
			b = binary.LittleEndian.AppendUint32(b, uint32(n.split))
			b = binary.LittleEndian.AppendUint32(b, uint32(n.right))
		}
		if hyper != nil {
			for j, idx := range hyper.index {
				b = binary.LittleEndian.AppendUint32(b, uint32(idx))
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(hyper.weight[j]))
			}
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// WriteTo writes the saved model to w.
func (f *Forest) WriteTo(w io.Writer) (int64, error) {
	b, err := f.MarshalBinary()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// ReadForest reads a saved model written by WriteTo or MarshalBinary and
// validates it; errors wrap ErrModel.
func ReadForest(r io.Reader) (*Forest, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("anomaly: reading model: %w", err)
	}
	f := new(Forest)
	if err := f.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return f, nil
}

// UnmarshalBinary decodes and validates a saved model into f, replacing its
// trees; f is unchanged on error.
func (f *Forest) UnmarshalBinary(data []byte) error {
	if len(data) < headerSize+4 {
		return fmt.Errorf("%w: %d bytes, shorter than a header and checksum (%d bytes)", ErrModel, len(data), headerSize+4)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return fmt.Errorf("%w: checksum mismatch (corrupted or truncated)", ErrModel)
	}
	g, err := decodeModel(body)
	if err != nil {
		return err
	}
	g.Workers = f.Workers
	*f = *g
	return nil
}

// modelDecoder reads the little-endian fields of a model body, recording
// the first error (a read past the end) and returning zeros after it.
type modelDecoder struct {
	b   []byte
	off int
	err error
}

func (d *modelDecoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b)-d.off < n {
		d.err = fmt.Errorf("%w: truncated at byte %d", ErrModel, d.off)
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

func (d *modelDecoder) u32() uint32 {
	if p := d.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *modelDecoder) f64() float64 {
	if p := d.take(8); p != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(p))
	}
	return 0
}

// remaining is the number of unread bytes.
func (d *modelDecoder) remaining() int { return len(d.b) - d.off }

// fail records a validation error at the current offset.
func (d *modelDecoder) fail(format string, args ...any) error {
	if d.err == nil {
		d.err = fmt.Errorf("%w: byte %d: %s", ErrModel, d.off, fmt.Sprintf(format, args...))
	}
	return d.err
}

// Limits that keep a hostile header from asking for absurd allocations; the
// byte count bounds the rest.
const (
	maxModelFeatures = 1 << 24
	maxModelSamples  = 1 << 31
)

func decodeModel(body []byte) (*Forest, error) {
	d := &modelDecoder{b: body}
	if string(d.take(len(modelMagic))) != modelMagic {
		return nil, fmt.Errorf("%w: not an mlprep isolation forest (bad magic)", ErrModel)
	}
	if v := binary.LittleEndian.Uint16(d.take(2)); v != modelVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrModel, v, modelVersion)
	}
	kindReserved := d.take(2)
	f := &Forest{
		kind:       treeKind(kindReserved[0]),
		features:   int(d.u32()),
		maxSamples: int(d.u32()),
		nonZero:    int(d.u32()),
	}
	trees := int(d.u32())
	f.contamination = d.f64()
	f.offset = d.f64()
	switch {
	case f.kind != axisParallel && f.kind != hyperplane:
		return nil, d.fail("unknown tree kind %d", f.kind)
	case kindReserved[1] != 0:
		return nil, d.fail("reserved byte is %d", kindReserved[1])
	case f.features < 1 || f.features > maxModelFeatures:
		return nil, d.fail("%d features", f.features)
	case f.maxSamples < 1 || f.maxSamples > maxModelSamples:
		return nil, d.fail("max samples %d", f.maxSamples)
	case f.kind == axisParallel && f.nonZero != 1, f.nonZero < 1 || f.nonZero > f.features:
		return nil, d.fail("%d non-zero coefficients per split for kind %d and %d features", f.nonZero, f.kind, f.features)
	case trees < 1 || trees > d.remaining()/(4+nodeSize):
		return nil, d.fail("%d trees in %d bytes", trees, d.remaining())
	case checkContamination(f.contamination) != nil:
		return nil, d.fail("contamination %v", f.contamination)
	case f.contamination == 0 && f.offset != -0.5, !(f.offset >= -1 && f.offset <= 0):
		return nil, d.fail("offset %v with contamination %v", f.offset, f.contamination)
	}
	v := treeValidator{
		features:    f.features,
		nonZero:     f.nonZero,
		height:      heightLimit(f.maxSamples),
		maxLeafPath: float64(heightLimit(f.maxSamples)) + AveragePathLength(f.maxSamples) + 1e-9,
	}
	f.trees = make([]isolationTree, trees)
	for t := range f.trees {
		tree, err := v.decodeTree(d, f.kind)
		if err != nil {
			return nil, fmt.Errorf("tree %d: %w", t, err)
		}
		f.trees[t] = tree
	}
	if d.remaining() != 0 {
		return nil, d.fail("%d bytes after the last tree", d.remaining())
	}
	return f, nil
}

// treeValidator checks one decoded tree against the forest's header.
type treeValidator struct {
	features, nonZero, height int
	maxLeafPath               float64
	nodes                     []node
	splits                    int // internal nodes seen, in pre-order
	kind                      treeKind
	d                         *modelDecoder
}

func (v *treeValidator) decodeTree(d *modelDecoder, kind treeKind) (isolationTree, error) {
	n := int(d.u32())
	if d.err == nil && (n < 1 || n > d.remaining()/nodeSize) {
		return nil, d.fail("%d nodes in %d bytes", n, d.remaining())
	}
	nodes := make([]node, n)
	for i := range nodes {
		nodes[i] = node{value: d.f64(), split: int32(d.u32()), right: int32(d.u32())}
	}
	if d.err != nil {
		return nil, d.err
	}
	v.nodes, v.splits, v.kind, v.d = nodes, 0, kind, d
	end, err := v.walk(0, 0)
	if err != nil {
		return nil, err
	}
	if end != n {
		return nil, d.fail("nodes %d..%d are not reachable from the root", end, n-1)
	}
	if kind == axisParallel {
		return newAxisTree(nodes), nil
	}
	t := &hyperTree{k: v.nonZero, nodes: nodes}
	coefs := v.splits * v.nonZero
	if coefs > d.remaining()/coefSize {
		return nil, d.fail("%d coefficients in %d bytes", coefs, d.remaining())
	}
	t.index, t.weight = make([]int32, coefs), make([]float64, coefs)
	for j := range coefs {
		idx, w := d.u32(), d.f64()
		if int64(idx) >= int64(v.features) || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, d.fail("coefficient %d: feature %d, weight %v", j, idx, w)
		}
		t.index[j], t.weight[j] = int32(idx), w
	}
	return t, nil
}

// walk checks the subtree at node i, at the given depth, and returns the
// index just past it; recursion depth is bounded by the height limit.
func (v *treeValidator) walk(i, depth int) (int, error) {
	if i >= len(v.nodes) {
		return 0, v.d.fail("node %d: a child past the %d nodes", i, len(v.nodes))
	}
	if depth > v.height {
		return 0, v.d.fail("node %d: depth %d beyond the height limit %d", i, depth, v.height)
	}
	n := v.nodes[i]
	if n.split == leaf {
		if n.right != 0 || !(n.value >= 0 && n.value <= v.maxLeafPath) {
			return 0, v.d.fail("leaf %d: path length %v, right %d", i, n.value, n.right)
		}
		return i + 1, nil
	}
	if math.IsNaN(n.value) || math.IsInf(n.value, 0) {
		return 0, v.d.fail("node %d: threshold %v", i, n.value)
	}
	switch v.kind {
	case axisParallel:
		if n.split < 0 || int(n.split) >= v.features {
			return 0, v.d.fail("node %d: split feature %d of %d", i, n.split, v.features)
		}
	case hyperplane:
		if int(n.split) != v.splits*v.nonZero {
			return 0, v.d.fail("node %d: coefficient offset %d, want %d", i, n.split, v.splits*v.nonZero)
		}
	}
	v.splits++
	end, err := v.walk(i+1, depth+1)
	if err != nil {
		return 0, err
	}
	if int(n.right) != end {
		return 0, v.d.fail("node %d: right child %d, but the left subtree ends at %d", i, n.right, end)
	}
	return v.walk(end, depth+1)
}
