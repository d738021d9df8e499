package agent

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// RetryPolicy says how often and how patiently a failing node (or an HTTP
// call of the OpenAI client) is tried again. The zero value tries once.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 0 and 1 mean no retry.
	MaxAttempts int
	// InitialBackoff is the wait before the second attempt (default 500 ms);
	// each further wait is multiplied by Multiplier (default 2) up to
	// MaxBackoff (default 30 s).
	InitialBackoff time.Duration
	Multiplier     float64
	MaxBackoff     time.Duration
	// Jitter draws each wait uniformly from [w/2, w] so that many clients
	// failing together do not retry in lockstep.
	Jitter bool
	// RetryIf reports whether err is worth retrying; nil retries every error
	// except panics and the cancellation of the run's own context.
	RetryIf func(err error) bool
}

func (p RetryPolicy) attempts() int { return max(p.MaxAttempts, 1) }

// backoff returns the wait after the failed attempt number attempt (1-based).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	w := p.InitialBackoff
	if w <= 0 {
		w = 500 * time.Millisecond
	}
	mult := p.Multiplier
	if mult <= 0 {
		mult = 2
	}
	limit := p.MaxBackoff
	if limit <= 0 {
		limit = 30 * time.Second
	}
	f := float64(w)
	for i := 1; i < attempt && f < float64(limit); i++ {
		f *= mult
	}
	f = min(f, float64(limit))
	if p.Jitter {
		f = f/2 + rand.Float64()*f/2
	}
	return time.Duration(f)
}

func (p RetryPolicy) retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, ErrNodePanic) {
		return false
	}
	if p.RetryIf != nil {
		return p.RetryIf(err)
	}
	return true
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
