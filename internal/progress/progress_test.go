package progress

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestReporterThrottlesAndEstimates(t *testing.T) {
	var b strings.Builder
	now := time.Unix(0, 0)
	r := &Reporter{Label: "train", Total: 100, Unit: "epochs", Every: time.Second, W: &b, Now: func() time.Time { return now }}
	r.Add(10) // starts the clock, prints nothing
	now = now.Add(500 * time.Millisecond)
	r.Add(10)
	require.Empty(t, b.String())
	now = now.Add(600 * time.Millisecond)
	r.Note(5, "loss 0.31")
	require.Equal(t, "train: 25/100 epochs (25%), 22.7/s, 1.1s elapsed, ETA 3s, loss 0.31\n", b.String())
	r.Done()
	require.Equal(t, 2, strings.Count(b.String(), "\n"))
}
