package anomaly

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func fittedModels(t testing.TB) map[string]*Forest {
	x := uniformRows(400, 3, 8)
	iso, err := IsolationForest{Trees: 5, MaxSamples: 32, Contamination: 0.05, Seed: 1}.Fit(ctx, x)
	require.NoError(t, err)
	ext, err := ExtendedIsolationForest{Trees: 5, MaxSamples: 32, NonZero: 2, Seed: 1}.Fit(ctx, x)
	require.NoError(t, err)
	return map[string]*Forest{"isolation": iso, "extended": ext}
}

func TestSavedModelRoundTripsAndScoresIdentically(t *testing.T) {
	x := uniformRows(300, 3, 9)
	for name, f := range fittedModels(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := f.WriteTo(&buf)
			require.NoError(t, err)
			g, err := ReadForest(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			again, err := g.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, buf.Bytes(), again)
			want, err := f.ScoreSamples(ctx, x)
			require.NoError(t, err)
			got, err := g.ScoreSamples(ctx, x)
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.Equal(t, f.Offset(), g.Offset())
		})
	}
}

// withChecksum replaces the trailing checksum so that a test reaches the
// structural checks behind it.
func withChecksum(body []byte) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte(nil), body...), crc32.ChecksumIEEE(body))
}

func TestCorruptModelsAreRejected(t *testing.T) {
	good, err := fittedModels(t)["isolation"].MarshalBinary()
	require.NoError(t, err)
	body := good[:len(good)-4]
	patch := func(at int, v []byte) []byte {
		b := append([]byte(nil), body...)
		copy(b[at:], v)
		return withChecksum(b)
	}
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	f64 := func(v float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)) }
	firstNode := headerSize + 4
	cases := map[string][]byte{
		"empty":               nil,
		"truncated":           good[:len(good)-10],
		"flipped bit":         append(append([]byte(nil), good[:50]...), append([]byte{good[50] ^ 1}, good[51:]...)...),
		"bad magic":           patch(0, []byte("notmodel")),
		"future version":      patch(8, []byte{2, 0}),
		"unknown kind":        patch(10, []byte{9}),
		"zero features":       patch(12, u32(0)),
		"zero max samples":    patch(16, u32(0)),
		"too many trees":      patch(24, u32(1<<30)),
		"bad contamination":   patch(28, f64(0.7)),
		"NaN offset":          patch(36, f64(math.NaN())),
		"split past features": patch(firstNode+8, u32(3)),
		"NaN threshold":       patch(firstNode, f64(math.NaN())),
		"right child loop":    patch(firstNode+12, u32(0)),
		"trailing bytes":      withChecksum(append(append([]byte(nil), body...), 0)),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			f := &Forest{Workers: 3}
			require.ErrorIs(t, f.UnmarshalBinary(b), ErrModel)
			require.Equal(t, &Forest{Workers: 3}, f, "a failed decode must leave f alone")
		})
	}
}

// FuzzUnmarshalBinary feeds arbitrary model bodies (with a valid checksum,
// so that the structural validation is what gets exercised): decoding must
// never panic, and whatever it accepts must score without panicking and
// re-encode to the same bytes.
func FuzzUnmarshalBinary(f *testing.F) {
	for _, m := range fittedModels(f) {
		b, err := m.MarshalBinary()
		require.NoError(f, err)
		f.Add(b[:len(b)-4])
	}
	f.Add([]byte(modelMagic))
	x := uniformRows(20, 3, 1)
	f.Fuzz(func(t *testing.T, body []byte) {
		b := withChecksum(body)
		var g Forest
		if err := g.UnmarshalBinary(b); err != nil {
			require.ErrorIs(t, err, ErrModel)
			return
		}
		again, err := g.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, again)
		if g.Features() == 3 {
			s, err := g.ScoreSamples(ctx, x)
			require.NoError(t, err)
			for _, v := range s {
				require.False(t, math.IsNaN(v))
			}
		}
	})
}
