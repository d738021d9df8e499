// Package retryafter reads the Retry-After header of an HTTP answer (RFC 9110
// §10.2.3), which the OpenAI-compatible clients of agent and rag honour
// before retrying a 429 or 5xx.
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse returns how long h asks the client to wait: a number of seconds or
// an HTTP date. An empty, malformed, negative or past value gives 0 (retry
// on the client's own schedule).
func Parse(h string) time.Duration {
	h = strings.TrimSpace(h)
	if s, err := strconv.Atoi(h); err == nil {
		return time.Duration(max(s, 0)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
