package lanl

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

// FeatureRow is one incident as a Parquet row: the per-user-per-window
// features with names resolved, for DuckDB or Spark.
type FeatureRow struct {
	User            string  `parquet:"user,dict"`
	Window          int64   `parquet:"window"`
	WindowStart     int64   `parquet:"window_start"` // seconds from the start of the data
	Events          int32   `parquet:"events"`
	Failures        int32   `parquet:"failures"`
	Destinations    int32   `parquet:"destinations"`
	NewDestinations int32   `parquet:"new_destinations"`
	NewSources      int32   `parquet:"new_sources"`
	NewEdges        int32   `parquet:"new_edges"`
	Burst           int32   `parquet:"burst"`
	SourceFanIn     int32   `parquet:"source_fan_in"`
	Chain           int32   `parquet:"chain"`
	MaxScore        float64 `parquet:"max_score"`
	Novelty         float64 `parquet:"novelty"`
	MaxHourSurprise float64 `parquet:"max_hour_surprise"`
	PageRank        float64 `parquet:"pagerank"`
	// Label is 1 for a red-team incident, 0 otherwise, -1 when unlabelled.
	Label int32 `parquet:"label"`
}

// WriteParquet writes the incidents as a Parquet file (zstd-compressed
// columns) to w. labels may be nil (every row then has label -1);
// otherwise it must have one entry per incident. window is the window
// length in seconds (0 means a day).
func WriteParquet(w io.Writer, d *Dictionary, incs []Incident, labels []int, window int64) error {
	if labels != nil && len(labels) != len(incs) {
		return fmt.Errorf("%w: %d labels for %d incidents", ErrConfig, len(labels), len(incs))
	}
	if window <= 0 {
		window = secondsPerDay
	}
	pw := parquet.NewGenericWriter[FeatureRow](w, parquet.Compression(&parquet.Zstd))
	rows := make([]FeatureRow, 0, 4096)
	flush := func() error {
		_, err := pw.Write(rows)
		rows = rows[:0]
		return err
	}
	for i := range incs {
		in := &incs[i]
		label := int32(-1)
		if labels != nil {
			label = int32(labels[i])
		}
		rows = append(rows, FeatureRow{User: d.Users.Name(in.User), Window: in.Window, WindowStart: in.Window * window,
			Events: in.Events, Failures: in.Failures, Destinations: in.Destinations,
			NewDestinations: in.NewDestinations, NewSources: in.NewSources, NewEdges: in.NewEdges,
			Burst: in.Burst, SourceFanIn: in.SourceFanIn, Chain: in.Chain, MaxScore: in.MaxScore,
			Novelty: in.Novelty, MaxHourSurprise: in.MaxHourSurprise, PageRank: in.PageRank, Label: label})
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return fmt.Errorf("lanl: parquet: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("lanl: parquet: %w", err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("lanl: parquet: %w", err)
	}
	return nil
}
