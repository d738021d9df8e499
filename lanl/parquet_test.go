package lanl

import (
	"bytes"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestWriteParquetRoundTrip(t *testing.T) {
	d := NewDictionary()
	a, b := d.Users.IDString("A@D"), d.Users.IDString("B@D")
	incs := []Incident{
		{User: a, Window: 2, Events: 5, NewDestinations: 3, Burst: 2, SourceFanIn: 4, Novelty: 12.5, PageRank: 1.5},
		{User: b, Window: 3, Events: 1, Failures: 1, MaxScore: 3.25},
	}
	var buf bytes.Buffer
	if err := WriteParquet(&buf, d, incs, []int{1, 0}, 0); err != nil {
		t.Fatal(err)
	}
	rows, err := parquet.Read[FeatureRow](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := []FeatureRow{
		{User: "A@D", Window: 2, WindowStart: 2 * 86400, Events: 5, NewDestinations: 3, Burst: 2, SourceFanIn: 4, Novelty: 12.5, PageRank: 1.5, Label: 1},
		{User: "B@D", Window: 3, WindowStart: 3 * 86400, Events: 1, Failures: 1, MaxScore: 3.25, Label: 0},
	}
	if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
		t.Errorf("read back %+v\nwant %+v", rows, want)
	}
	if err := WriteParquet(&buf, d, incs, []int{1}, 0); err == nil {
		t.Error("mismatched labels accepted")
	}
	if len(FeatureNames) != len(incs[0].Features()) {
		t.Errorf("%d feature names for %d features", len(FeatureNames), len(incs[0].Features()))
	}
}
