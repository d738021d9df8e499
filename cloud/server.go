package cloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ServerOptions configure a Server. The zero value is a server with the
// defaults in each field's comment.
type ServerOptions struct {
	// MaxBodyBytes bounds a request body (0 → 8 MiB); larger bodies get 413.
	MaxBodyBytes int64
	// RequestTimeout is the longest a request may wait for its answer
	// (0 → 30 s); a request's "timeout" parameter (microseconds, as in
	// Triton) can shorten it. Past it the answer is 504.
	RequestTimeout time.Duration
	// ReadHeaderTimeout (0 → 5 s) and ReadTimeout (0 → 30 s) cut off slow
	// clients (slowloris); IdleTimeout (0 → 120 s) closes idle keep-alive
	// connections. The write timeout is RequestTimeout + 5 s.
	ReadHeaderTimeout, ReadTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds the drain when Serve's context ends (0 → 30 s).
	ShutdownTimeout time.Duration
	// Logger receives structured logs (nil → slog.Default()). Each request
	// is logged at Debug level, failures at Warn.
	Logger *slog.Logger
	// Registerer receives the server's metrics and Gatherer serves them on
	// /metrics; nil for both gives the server a registry of its own.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
}

func (o ServerOptions) withDefaults() ServerOptions {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 8 << 20
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = 5 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 30 * time.Second
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 120 * time.Second
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Registerer == nil && o.Gatherer == nil {
		reg := prometheus.NewRegistry()
		o.Registerer, o.Gatherer = reg, reg
	}
	return o
}

// Server serves Predictors over the Open Inference Protocol v2 REST API.
// Its methods are safe for concurrent use.
type Server struct {
	opts     ServerOptions
	log      *slog.Logger
	metrics  *serverMetrics
	mux      *http.ServeMux
	mu       sync.Mutex // serialises Load and Unload
	routes   atomic.Pointer[map[string]*servedModel]
	draining atomic.Bool
}

// servedModel is one model name's loaded versions. Values in the routes
// map are never modified: Load and Unload publish a new map.
type servedModel struct {
	versions map[string]*batcher
	order    []string // load order; the last is the default version
}

func (m *servedModel) latest() *batcher { return m.versions[m.order[len(m.order)-1]] }

// NewServer returns a server with no models loaded.
func NewServer(opts ServerOptions) (*Server, error) {
	opts = opts.withDefaults()
	metrics, err := newServerMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("%w: metrics: %w", ErrConfig, err)
	}
	s := &Server{opts: opts, log: opts.Logger, metrics: metrics}
	s.routes.Store(&map[string]*servedModel{})
	s.mux = s.newMux(promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{}))
	return s, nil
}

// Load starts serving p as cfg.Name version cfg.Version, which becomes the
// version that requests without a version go to. Requests already queued
// for other versions are unaffected, so loading a new version and unloading
// the old one drops nothing.
func (s *Server) Load(cfg ModelConfig, p Predictor) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	routes := maps.Clone(*s.routes.Load())
	old := routes[cfg.Name]
	m := &servedModel{versions: map[string]*batcher{}}
	if old != nil {
		if _, dup := old.versions[cfg.Version]; dup {
			return fmt.Errorf("%w: model %s version %s is already loaded", ErrConfig, cfg.Name, cfg.Version)
		}
		m.versions = maps.Clone(old.versions)
		m.order = slices.Clone(old.order)
	}
	m.versions[cfg.Version] = newBatcher(cfg, p, s.metrics.forModel(cfg.Name, cfg.Version))
	m.order = append(m.order, cfg.Version)
	routes[cfg.Name] = m
	s.routes.Store(&routes)
	s.log.Info("model loaded", "model", cfg.Name, "version", cfg.Version,
		"max_batch_size", cfg.MaxBatchSize, "max_queue_delay", cfg.MaxQueueDelay,
		"queue_capacity", cfg.QueueCapacity, "instances", cfg.Instances)
	return nil
}

// Unload stops routing requests to a model version, then waits until the
// requests it had already admitted are answered (or ctx ends). Requests
// without a version move to the most recently loaded remaining version.
func (s *Server) Unload(ctx context.Context, name, version string) error {
	s.mu.Lock()
	routes := maps.Clone(*s.routes.Load())
	old := routes[name]
	var b *batcher
	if old != nil {
		b = old.versions[version]
	}
	if b == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s version %s", ErrModelNotFound, name, version)
	}
	m := &servedModel{versions: maps.Clone(old.versions)}
	delete(m.versions, version)
	m.order = slices.DeleteFunc(slices.Clone(old.order), func(v string) bool { return v == version })
	if len(m.order) == 0 {
		delete(routes, name)
	} else {
		routes[name] = m
	}
	s.routes.Store(&routes)
	s.mu.Unlock()
	err := b.close(ctx)
	s.log.Info("model unloaded", "model", name, "version", version, "error", err)
	return err
}

// lookup finds the batcher for a model and version ("" = default version).
func (s *Server) lookup(name, version string) (*batcher, error) {
	m := (*s.routes.Load())[name]
	if m == nil {
		return nil, fmt.Errorf("%w: %q", ErrModelNotFound, name)
	}
	if version == "" {
		return m.latest(), nil
	}
	b := m.versions[version]
	if b == nil {
		return nil, fmt.Errorf("%w: %q version %q (loaded: %v)", ErrModelNotFound, name, version, m.order)
	}
	return b, nil
}

// Handler returns the server's HTTP handler, for tests and for mounting
// under another server; Serve is what most users want.
func (s *Server) Handler() http.Handler { return s.mux }

// Serve answers requests on ln until ctx ends (for example on SIGTERM, via
// signal.NotifyContext), then drains: it stops accepting connections,
// reports not ready, answers every request already accepted, stops the
// batchers and returns nil — or an error if that took longer than
// ShutdownTimeout. Serve closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.RequestTimeout + 5*time.Second,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("draining", "timeout", s.opts.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		hs.Close()
	}
	if cerr := s.closeAll(sctx); err == nil {
		err = cerr
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	s.log.Info("stopped", "error", err)
	return err
}

// closeAll stops every batcher after its queue is empty.
func (s *Server) closeAll(ctx context.Context) error {
	var errs []error
	for _, m := range *s.routes.Load() {
		for _, b := range m.versions {
			errs = append(errs, b.close(ctx))
		}
	}
	return errors.Join(errs...)
}

// ListenAndServe listens on addr (such as "127.0.0.1:8000") and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}
