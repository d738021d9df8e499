package gcn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mlprep/mlprep/internal/nn"
)

// tinyDataset is a 4-node path 0–1–2–3 with 2 features and 2 classes.
func tinyDataset(t *testing.T) *Dataset {
	t.Helper()
	g, err := NewGraph(4, []Edge{{0, 1}, {1, 2}, {2, 3}})
	require.NoError(t, err)
	return &Dataset{
		Name:     "path",
		Graph:    g,
		Features: denseToCSR(nn.MatFrom(4, 2, []float32{1, 0, 1, 1, 0, 1, 0, 2})),
		Labels:   []int{0, 0, 1, 1},
		Classes:  2,
		NodeIDs:  []string{"a", "b", "c", "d"},
		Split:    Split{Train: []int{0, 3}, Val: []int{1}, Test: []int{2}},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(d *Dataset)
		want   string
	}{
		{"valid", func(d *Dataset) {}, ""},
		{"label too large", func(d *Dataset) { d.Labels[2] = 2 }, `node 2 (id "c"): label 2 outside [0, 2)`},
		{"negative label", func(d *Dataset) { d.Labels[0], d.NodeIDs = -1, nil }, "node 0: label -1 outside [0, 2)"},
		{"NaN feature", func(d *Dataset) { d.Features.Values[3] = float32(math.NaN()) }, `node 2 (id "c"): feature 1 is NaN`},
		{"infinite feature", func(d *Dataset) { d.Features.Values[0] = float32(math.Inf(1)) }, `node 0 (id "a"): feature 0 is +Inf`},
		{"label count", func(d *Dataset) { d.Labels = d.Labels[:3] }, "4 nodes, 4 feature rows, 3 labels"},
		{"class names", func(d *Dataset) { d.ClassNames = []string{"x"} }, "2 classes with 1 class names"},
		{"node ids", func(d *Dataset) { d.NodeIDs = d.NodeIDs[:1] }, "1 node IDs for 4 nodes"},
		{"split node outside", func(d *Dataset) { d.Split.Test = []int{4} }, "test split: node 4 outside [0, 4)"},
		{"overlap", func(d *Dataset) { d.Split.Val = []int{3} }, `node 3 (id "d"): in the train split and again in the validation split`},
		{"repeat within test", func(d *Dataset) { d.Split.Test = []int{2, 2} }, "in the test split and again in the test split"},
		{"no graph", func(d *Dataset) { d.Graph = nil }, "has no graph or no features"},
		{"short indptr", func(d *Dataset) { d.Features.Indptr = d.Features.Indptr[:3] }, "malformed 4×2 sparse matrix: 3 row pointers"},
		{"column outside", func(d *Dataset) { d.Features.Indices[0] = 2 }, "sparse row 0: column 2 out of range or order"},
		{"columns unsorted", func(d *Dataset) { d.Features.Indices[1], d.Features.Indices[2] = 1, 0 }, "sparse row 1: column 0 out of range or order"},
		{"row ends early", func(d *Dataset) { d.Features.Indptr[2] = 0 }, "sparse row 1 ends before it starts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tinyDataset(t)
			tc.modify(d)
			err := d.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalid)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestRandomSplit(t *testing.T) {
	labels := []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}
	s, err := RandomSplit(labels, 3, 2, 2, 4, nn.NewRand(1))
	require.NoError(t, err)
	require.Len(t, s.Train, 6)
	require.Len(t, s.Val, 2)
	require.Len(t, s.Test, 4)
	perClass := map[int]int{}
	for _, i := range s.Train {
		perClass[labels[i]]++
	}
	require.Equal(t, map[int]int{0: 2, 1: 2, 2: 2}, perClass)
	d := &Dataset{Labels: labels, Split: s}
	g, _ := NewGraph(12, nil)
	d.Graph, d.Features, d.Classes = g, &CSR{Rows: 12, Cols: 1, Indptr: make([]int, 13)}, 3
	require.NoError(t, d.Validate(), "parts are disjoint")

	again, _ := RandomSplit(labels, 3, 2, 2, 4, nn.NewRand(1))
	require.Equal(t, s, again, "seeded")

	_, err = RandomSplit(labels, 3, 5, 0, 0, nn.NewRand(1))
	require.ErrorContains(t, err, "class 0 has 4 nodes, fewer than 5")
	_, err = RandomSplit(labels, 3, 2, 3, 5, nn.NewRand(1))
	require.ErrorContains(t, err, "3 validation + 5 test nodes, but only 6 remain")
	_, err = RandomSplit([]int{0, 3}, 3, 0, 0, 0, nn.NewRand(1))
	require.ErrorContains(t, err, "node 1: label 3 outside [0, 3)")
}

func TestRowNormalize(t *testing.T) {
	x := denseToCSR(nn.MatFrom(3, 3, []float32{1, 0, 1, 0, 0, 0, 2, 1, 1}))
	x.Indptr[2] = x.Indptr[1] // row 1 has no entries
	got := RowNormalize(x).Dense()
	require.InDeltaSlice(t, []float32{0.5, 0, 0.5, 0, 0, 0, 0.5, 0.25, 0.25}, got.Data, 1e-7)
	require.Equal(t, float32(1), x.Values[0], "input untouched")
}
