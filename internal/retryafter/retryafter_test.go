package retryafter

import (
	"net/http"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		h        string
		min, max time.Duration
	}{
		{"", 0, 0},
		{"7", 7 * time.Second, 7 * time.Second},
		{" 2 ", 2 * time.Second, 2 * time.Second},
		{"0", 0, 0},
		{"-3", 0, 0},
		{"soon", 0, 0},
		{future, 80 * time.Second, 90 * time.Second},
		{past, 0, 0},
	} {
		if got := Parse(tc.h); got < tc.min || got > tc.max {
			t.Errorf("Parse(%q) = %v, want within [%v, %v]", tc.h, got, tc.min, tc.max)
		}
	}
}
