package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDigitsEmbedded(t *testing.T) {
	d := Digits()
	require.Equal(t, 1797, d.N)
	require.Equal(t, 64, d.Dim())
	counts := make([]int, 10)
	for _, y := range d.Y {
		counts[y]++
	}
	require.Equal(t, []int{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, counts)
	for _, v := range d.X {
		require.True(t, v >= 0 && v <= 1)
	}
}

func TestSplitIsSeededPartition(t *testing.T) {
	d := Digits()
	a1, b1 := d.Split(1000, 7)
	a2, _ := d.Split(1000, 7)
	a3, _ := d.Split(1000, 8)
	require.Equal(t, a1.Y, a2.Y)
	require.NotEqual(t, a1.Y, a3.Y)
	require.Equal(t, 1000, a1.N)
	require.Equal(t, 797, b1.N)
}

func idxImages(n, h, w int) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, [4]uint32{idxImagesMagic, uint32(n), uint32(h), uint32(w)})
	for i := 0; i < n*h*w; i++ {
		b.WriteByte(byte(i))
	}
	return b.Bytes()
}

func TestIDXImagesRoundTrip(t *testing.T) {
	s, err := ReadIDXImages(bytes.NewReader(idxImages(3, 2, 2)))
	require.NoError(t, err)
	require.Equal(t, 3, s.N)
	require.InDelta(t, 11.0/255, s.X[11], 1e-7)
}

func TestIDXErrors(t *testing.T) {
	good := idxImages(2, 2, 2)
	cases := map[string][]byte{
		"empty":     nil,
		"bad magic": append([]byte{0, 0, 9, 9}, good[4:]...),
		"truncated": good[:len(good)-1],
		"zero rows": idxImages(0, 2, 2),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ReadIDXImages(bytes.NewReader(in))
			require.Error(t, err)
		})
	}
	_, err := ReadIDXLabels(bytes.NewReader([]byte{0, 0, 8, 1, 0, 0, 0, 1, 12}))
	require.ErrorContains(t, err, "label 12")
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxImages(2, 3, 3))
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 2, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ReadIDXImages(bytes.NewReader(data)); err == nil {
			require.Equal(t, s.N*s.Dim(), len(s.X))
		}
		if y, err := ReadIDXLabels(bytes.NewReader(data)); err == nil {
			require.NotEmpty(t, y)
		}
	})
}

func TestMNISTFromSharedData(t *testing.T) {
	m, err := MNIST("")
	if errors.Is(err, ErrNoData) {
		t.Skip("shared data not found: ", err)
	}
	require.NoError(t, err)
	require.Equal(t, 10000, m.N)
	require.Equal(t, []int{7, 2, 1, 0, 4, 1, 4, 9}, m.Y[:8])
	var sum float64
	for _, v := range m.X {
		sum += float64(v)
	}
	require.InDelta(t, 33.7912/255, sum/float64(len(m.X)), 1e-4)
}
