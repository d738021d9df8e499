package datasets

import (
	"encoding/binary"
	"fmt"
	"io"
	"path/filepath"
)

const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
)

// MNIST reads the MNIST test images and labels (t10k-*-idx?-ubyte[.gz]) from
// dir, or from the shared data directory's mnist folder when dir is empty.
func MNIST(dir string) (*Images, error) {
	if dir == "" {
		p, err := Path("mnist")
		if err != nil {
			return nil, err
		}
		dir = p
	}
	images, err := readTextFile(filepath.Join(dir, "t10k-images-idx3-ubyte"), ReadIDXImages)
	if err != nil {
		return nil, err
	}
	labels, err := readTextFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"), func(r io.Reader) (*Images, error) {
		y, err := ReadIDXLabels(r)
		return &Images{Y: y}, err
	})
	if err != nil {
		return nil, err
	}
	if len(labels.Y) != images.N {
		return nil, fmt.Errorf("datasets: mnist: %d images but %d labels", images.N, len(labels.Y))
	}
	images.Y = labels.Y
	return images, nil
}

// maxIDXItems bounds the header's item count so a corrupt header cannot ask
// for an enormous allocation.
const maxIDXItems = 1 << 24

// ReadIDXImages decodes an uncompressed IDX3 image file (magic 0x803) into
// images with pixels scaled to [0, 1]. Labels are left empty.
func ReadIDXImages(r io.Reader) (*Images, error) {
	var hdr [4]uint32
	if err := binary.Read(r, binary.BigEndian, &hdr); err != nil {
		return nil, fmt.Errorf("datasets: idx images header: %w", err)
	}
	if hdr[0] != idxImagesMagic {
		return nil, fmt.Errorf("datasets: idx images: magic %#x, want %#x", hdr[0], idxImagesMagic)
	}
	n, h, w := int(hdr[1]), int(hdr[2]), int(hdr[3])
	if n == 0 || h == 0 || w == 0 || n > maxIDXItems || h*w > 1<<20 {
		return nil, fmt.Errorf("datasets: idx images: implausible size %d×%d×%d", n, h, w)
	}
	// Read through a limit rather than allocating what the header claims, so
	// a corrupt header on a short file costs only the file's size.
	want := int64(n) * int64(h) * int64(w)
	buf, err := io.ReadAll(io.LimitReader(r, want))
	if err != nil || int64(len(buf)) != want {
		return nil, fmt.Errorf("datasets: idx images: want %d pixels, file holds %d (%v)", want, len(buf), err)
	}
	x := make([]float32, len(buf))
	for i, b := range buf {
		x[i] = float32(b) / 255
	}
	return &Images{X: x, N: n, Width: w, Height: h, Classes: 10}, nil
}

// ReadIDXLabels decodes an uncompressed IDX1 label file (magic 0x801).
func ReadIDXLabels(r io.Reader) ([]int, error) {
	var hdr [2]uint32
	if err := binary.Read(r, binary.BigEndian, &hdr); err != nil {
		return nil, fmt.Errorf("datasets: idx labels header: %w", err)
	}
	if hdr[0] != idxLabelsMagic {
		return nil, fmt.Errorf("datasets: idx labels: magic %#x, want %#x", hdr[0], idxLabelsMagic)
	}
	n := int(hdr[1])
	if n == 0 || n > maxIDXItems {
		return nil, fmt.Errorf("datasets: idx labels: implausible count %d", n)
	}
	buf, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil || len(buf) != n {
		return nil, fmt.Errorf("datasets: idx labels: want %d labels, file holds %d (%v)", n, len(buf), err)
	}
	y := make([]int, n)
	for i, b := range buf {
		if b > 9 {
			return nil, fmt.Errorf("datasets: idx labels: label %d at index %d", b, i)
		}
		y[i] = int(b)
	}
	return y, nil
}
