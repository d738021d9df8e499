package safetensors

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// reference is testdata/reference.json, written with reference.safetensors
// by scripts/golden/safetensors.py.
type reference struct {
	Metadata map[string]string
	Tensors  map[string]struct {
		DType      DType
		Shape      []int
		SourceBits []uint32 `json:"source_bits"`
		StoredBits []uint32 `json:"stored_bits"`
	}
}

func loadReference(t *testing.T) (reference, []byte) {
	b, err := os.ReadFile("testdata/reference.json")
	require.NoError(t, err)
	var r reference
	require.NoError(t, json.Unmarshal(b, &r))
	file, err := os.ReadFile("testdata/reference.safetensors")
	require.NoError(t, err)
	return r, file
}

func fromBits(bits []uint32) []float32 {
	out := make([]float32, len(bits))
	for i, b := range bits {
		out[i] = math.Float32frombits(b)
	}
	return out
}

func TestDecodeReadsIndependentWriter(t *testing.T) {
	ref, file := loadReference(t)
	f, err := Decode(file)
	require.NoError(t, err)
	require.Equal(t, ref.Metadata, f.Metadata)
	require.Len(t, f.Tensors, len(ref.Tensors))
	for name, want := range ref.Tensors {
		got, ok := f.Tensors[name]
		require.True(t, ok, name)
		require.Equal(t, want.DType, got.DType, name)
		require.Equal(t, want.Shape, got.Shape, name)
		x, err := got.Float32s()
		require.NoError(t, err, name)
		require.Equal(t, fromBits(want.StoredBits), x, "%s: values as PyTorch reads them", name)
	}
}

func TestEncodeMatchesIndependentWriterByteForByte(t *testing.T) {
	ref, file := loadReference(t)
	f := &File{Metadata: ref.Metadata, Tensors: map[string]Tensor{}}
	for name, r := range ref.Tensors {
		tensor, err := FromFloat32(r.DType, r.Shape, fromBits(r.SourceBits))
		require.NoError(t, err, name)
		f.Tensors[name] = tensor
	}
	b, err := Encode(f)
	require.NoError(t, err)
	require.Equal(t, file, b, "F16/BF16 rounding, tensor order and header layout must match the reference writer")
}

func TestRoundTripThroughFile(t *testing.T) {
	x := []float32{1, -2.5, float32(math.Inf(1)), 1e-30, 3}
	f := &File{Tensors: map[string]Tensor{}}
	for _, d := range []DType{F32, F16, BF16} {
		tensor, err := FromFloat32(d, []int{5}, x)
		require.NoError(t, err)
		f.Tensors[string(d)] = tensor
	}
	f.Tensors["int8"] = Tensor{DType: I8, Shape: []int{2, 2}, Data: []byte{1, 0xff, 7, 0x80}}
	path := filepath.Join(t.TempDir(), "x.safetensors")
	require.NoError(t, WriteFile(path, f))
	g, err := ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, f.Tensors, g.Tensors)
	got, err := g.Tensors["F32"].Float32s()
	require.NoError(t, err)
	require.Equal(t, x, got, "F32 is exact")
	_, err = g.Tensors["int8"].Float32s()
	require.ErrorIs(t, err, ErrDType)
}

func TestNaNSurvivesHalfPrecision(t *testing.T) {
	nan := float32(math.NaN())
	for _, d := range []DType{F16, BF16} {
		tensor, err := FromFloat32(d, []int{1}, []float32{nan})
		require.NoError(t, err)
		x, err := tensor.Float32s()
		require.NoError(t, err)
		require.True(t, x[0] != x[0], "%s: NaN must not round to infinity", d)
	}
}

// file builds a safetensors file from a header string and data bytes,
// with the header length given explicitly (so tests can lie about it).
func file(headerLen uint64, header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, headerLen)
	return append(append(b, header...), data...)
}

// withHeader builds a file whose header length is the header's true length.
func withHeader(header string, data []byte) []byte {
	return file(uint64(len(header)), header, data)
}

func TestDecodeErrors(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	eight := make([]byte, 8)
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"short length", []byte{1, 2, 3}, ErrTruncated},
		{"header length beyond file", file(1<<40, ok, eight), ErrTruncated},
		{"header length just beyond file", file(uint64(len(ok))+9, ok, eight), ErrTruncated},
		{"data truncated", file(uint64(len(ok)), ok, eight[:5]), ErrTruncated},
		{"trailing bytes", file(uint64(len(ok)), ok, make([]byte, 12)), ErrCorrupt},
		{"not an object", withHeader("[1] ", nil), ErrCorrupt},
		{"bad json", withHeader("{x}", nil), ErrCorrupt},
		{"unknown dtype", withHeader(`{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}`, eight), ErrDType},
		{"no dtype", withHeader(`{"a":{"shape":[2],"data_offsets":[0,8]}}`, eight), ErrCorrupt},
		{"no shape", withHeader(`{"a":{"dtype":"F32","data_offsets":[0,8]}}`, eight), ErrCorrupt},
		{"negative dim", withHeader(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, eight), ErrCorrupt},
		{"unknown field", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}`, eight), ErrCorrupt},
		{"offsets wrong size", withHeader(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, eight), ErrCorrupt},
		{"three offsets", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}`, eight), ErrCorrupt},
		{"reversed offsets", withHeader(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, eight), ErrCorrupt},
		{"gap", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eight), ErrCorrupt},
		{"overflowing shape", withHeader(`{"a":{"dtype":"F64","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}`, eight), ErrCorrupt},
		{"metadata not strings", withHeader(`{"__metadata__":{"a":1}}`, nil), ErrCorrupt},
		{"overlap", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eight), ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(c.in)
			require.Error(t, err)
			require.True(t, errors.Is(err, c.want), "got %v, want %v", err, c.want)
		})
	}
}

func TestEncodeRejectsInconsistentTensors(t *testing.T) {
	for name, tensor := range map[string]Tensor{
		"short data":    {DType: F32, Shape: []int{2}, Data: make([]byte, 7)},
		"unknown dtype": {DType: "F12", Shape: []int{1}, Data: make([]byte, 2)},
		"negative dim":  {DType: U8, Shape: []int{-1}, Data: nil},
	} {
		_, err := Encode(&File{Tensors: map[string]Tensor{"t": tensor}})
		require.Error(t, err, name)
	}
	_, err := Encode(&File{Tensors: map[string]Tensor{metadataKey: {DType: U8, Shape: []int{0}}}})
	require.Error(t, err)
	_, err = FromFloat32(I8, []int{1}, []float32{1})
	require.ErrorIs(t, err, ErrDType)
	_, err = FromFloat32(F32, []int{3}, []float32{1})
	require.Error(t, err)
}

// FuzzDecode checks that no input panics, and that whatever Decode accepts
// re-encodes and decodes to the same tensors (nothing accepted is lost).
func FuzzDecode(f *testing.F) {
	ref, err := os.ReadFile("testdata/reference.safetensors")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ref)
	f.Add(withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(withHeader("{}", nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		dec, err := Decode(b)
		if err != nil {
			return
		}
		enc, err := Encode(dec)
		if err != nil {
			if _, bad := dec.Tensors[""]; bad {
				return // an empty name is valid JSON but not writable
			}
			t.Fatalf("accepted file does not re-encode: %v", err)
		}
		again, err := Decode(enc)
		require.NoError(t, err)
		require.Equal(t, dec.Tensors, again.Tensors)
	})
}
