package cloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

func (s *Server) newMux(metrics http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2", s.serverMetadata)
	mux.HandleFunc("GET /v2/health/live", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /v2/health/ready", s.ready)
	mux.HandleFunc("GET /v2/models/{name}", s.modelMetadata)
	mux.HandleFunc("GET /v2/models/{name}/versions/{version}", s.modelMetadata)
	mux.HandleFunc("GET /v2/models/{name}/ready", s.modelReady)
	mux.HandleFunc("GET /v2/models/{name}/versions/{version}/ready", s.modelReady)
	mux.HandleFunc("POST /v2/models/{name}/infer", s.infer)
	mux.HandleFunc("POST /v2/models/{name}/versions/{version}/infer", s.infer)
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("cloud: no route for %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func (s *Server) serverMetadata(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"name": "mlprep", "version": "2", "extensions": []string{"binary_tensor_data"}})
}

// ready is 200 while the server accepts work and 503 once it drains, so a
// load balancer stops sending before the listener closes.
func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	if s.draining.Load() {
		writeError(w, http.StatusServiceUnavailable, "cloud: draining")
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) modelReady(w http.ResponseWriter, r *http.Request) {
	if _, err := s.lookup(r.PathValue("name"), r.PathValue("version")); err != nil {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	if s.draining.Load() {
		writeError(w, http.StatusServiceUnavailable, "cloud: draining")
		return
	}
	w.WriteHeader(http.StatusOK)
}

type tensorMetadata struct {
	Name     string   `json:"name"`
	Datatype Datatype `json:"datatype"`
	Shape    []int    `json:"shape"`
}

type modelMetadata struct {
	Name     string           `json:"name"`
	Versions []string         `json:"versions"`
	Platform string           `json:"platform"`
	Inputs   []tensorMetadata `json:"inputs"`
	Outputs  []tensorMetadata `json:"outputs"`
}

func (s *Server) modelMetadata(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, err := s.lookup(name, r.PathValue("version"))
	if err != nil {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	md := modelMetadata{Name: name, Versions: (*s.routes.Load())[name].order, Platform: b.cfg.Platform}
	for _, in := range b.cfg.Inputs {
		md.Inputs = append(md.Inputs, tensorMetadata{in.Name, in.Datatype, in.batchShape()})
	}
	for _, out := range b.cfg.Outputs {
		md.Outputs = append(md.Outputs, tensorMetadata{out.Name, out.Datatype, out.batchShape()})
	}
	writeJSON(w, http.StatusOK, md)
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// putBuf returns a body buffer to the pool unless one huge request grew it.
func putBuf(bp *[]byte) {
	if cap(*bp) <= 1<<20 {
		bufPool.Put(bp)
	}
}

// infer admits, queues and answers one inference request.
func (s *Server) infer(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	name, version := r.PathValue("name"), r.PathValue("version")
	b, err := s.lookup(name, version)
	if err != nil {
		s.fail(w, r, "", err, start)
		return
	}
	// Refuse before reading the body: under overload, a cheap 429 is what
	// keeps accepted requests fast.
	if b.full(1) {
		s.fail(w, r, b.cfg.Name, ErrQueueFull, start, b)
		return
	}
	if !b.admit() {
		s.fail(w, r, b.cfg.Name, errInFlight, start, b)
		return
	}
	defer b.release() // bound to this b even if a retry below moves to another version
	bp := bufPool.Get().(*[]byte)
	defer putBuf(bp)
	body, err := s.readBody(w, r, (*bp)[:0])
	*bp = body[:0]
	if err != nil {
		s.fail(w, r, b.cfg.Name, err, start)
		return
	}
	headerLen := len(body)
	if v := r.Header.Get(HeaderContentLength); v != "" {
		if headerLen, err = parseHeaderLen(v, len(body)); err != nil {
			s.fail(w, r, b.cfg.Name, err, start)
			return
		}
	}
	req, err := DecodeInferRequest(body, headerLen)
	if err != nil {
		s.fail(w, r, b.cfg.Name, err, start)
		return
	}
	timeout, err := s.timeout(req.Parameters)
	if err != nil {
		s.fail(w, r, b.cfg.Name, err, start)
		return
	}
	j := &job{ctx: r.Context(), deadline: start.Add(timeout), done: make(chan jobResult, 1)}
	var wanted []int
	var binOut []bool
	for attempt := 0; ; attempt++ {
		if j.inputs, j.rows, err = b.prepare(req.Inputs); err == nil {
			wanted, binOut, err = b.outputsWanted(req)
		}
		if err == nil {
			j.enqueued = time.Now()
			err = b.submit(j)
		}
		// A version unloaded between lookup and submit: the default version
		// has moved on, so retry there; a pinned version is gone.
		if !errors.Is(err, errUnloaded) || version != "" || attempt == 3 {
			break
		}
		if b, err = s.lookup(name, ""); err != nil {
			break
		}
	}
	if err != nil {
		s.fail(w, r, b.cfg.Name, err, start, b)
		return
	}
	res := s.await(r, j)
	if res.err != nil {
		s.fail(w, r, b.cfg.Name, res.err, start, b)
		return
	}
	resp := InferResponse{ModelName: b.cfg.Name, ModelVersion: b.cfg.Version, ID: req.ID}
	for _, i := range wanted {
		resp.Outputs = append(resp.Outputs, res.outputs[i])
	}
	out, jsonLen, err := resp.appendBinary(body[:0], binOut)
	*bp = out[:0]
	if err != nil {
		s.fail(w, r, b.cfg.Name, fmt.Errorf("%w: %w", errPredictor, err), start, b)
		return
	}
	h := w.Header()
	if slices.Contains(binOut, true) {
		h["Content-Type"] = []string{"application/octet-stream"}
		h[HeaderContentLength] = []string{strconv.Itoa(jsonLen)}
	} else {
		h["Content-Type"] = []string{"application/json"}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(out))}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	b.metrics.ok.Inc()
	b.metrics.latency.Observe(time.Since(start).Seconds())
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "infer", slog.String("model", b.cfg.Name),
			slog.String("version", b.cfg.Version), slog.Int("rows", j.rows), slog.Duration("elapsed", time.Since(start)))
	}
}

// await waits for a job's answer, its deadline or its client going away.
// A job still queued at its deadline is abandoned and never run.
func (s *Server) await(r *http.Request, j *job) jobResult {
	timer := time.NewTimer(time.Until(j.deadline))
	defer timer.Stop()
	select {
	case res := <-j.done:
		return res
	case <-timer.C:
		if j.state.CompareAndSwap(jobQueued, jobAbandoned) {
			return jobResult{err: fmt.Errorf("%w: still queued after %v", ErrDeadline, time.Until(j.deadline).Abs().Round(time.Microsecond))}
		}
		// The worker took it first; its answer is only moments away unless
		// the predictor is slow, and the deadline has passed either way.
		return jobResult{err: fmt.Errorf("%w: predictor still running", ErrDeadline)}
	case <-r.Context().Done():
		j.state.CompareAndSwap(jobQueued, jobAbandoned)
		return jobResult{err: errClientGone}
	}
}

var errClientGone = errors.New("cloud: client closed the request")

var errInFlight = fmt.Errorf("%w: MaxInFlight requests already admitted", ErrQueueFull)

// timeout is the request's deadline budget: RequestTimeout, shortened by a
// "timeout" parameter in microseconds.
func (s *Server) timeout(params map[string]any) (time.Duration, error) {
	t := s.opts.RequestTimeout
	v, ok := params["timeout"]
	if !ok {
		return t, nil
	}
	us, ok := v.(int64)
	if !ok || us <= 0 {
		return 0, fmt.Errorf("%w: parameter \"timeout\" must be a positive integer of microseconds, got %v", ErrInvalidRequest, v)
	}
	return min(t, time.Duration(us)*time.Microsecond), nil
}

// readBody reads the request body into buf, enforcing MaxBodyBytes.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, buf []byte) ([]byte, error) {
	limit := s.opts.MaxBodyBytes
	if r.ContentLength > limit {
		return buf, fmt.Errorf("%w: %d bytes, limit %d", ErrBodyTooLarge, r.ContentLength, limit)
	}
	if n := int(r.ContentLength); n > cap(buf) {
		buf = make([]byte, 0, n)
	}
	rd := http.MaxBytesReader(w, r.Body, limit)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return buf, fmt.Errorf("%w: limit %d bytes", ErrBodyTooLarge, limit)
		}
		if err != nil {
			return buf, fmt.Errorf("%w: reading body: %w", ErrInvalidRequest, err)
		}
	}
}

// prepare checks a request's inputs against the model's declaration and
// returns them in the model's input order with the number of rows.
func (b *batcher) prepare(in []Tensor) ([]Tensor, int, error) {
	specs := b.cfg.Inputs
	if len(in) != len(specs) {
		return nil, 0, fmt.Errorf("%w: model %s takes %d inputs %v, request has %d", ErrInvalidRequest, b.cfg.Name, len(specs), specNames(specs), len(in))
	}
	out := make([]Tensor, len(specs))
	rows := -1
	for _, t := range in {
		i := specIndex(specs, t.Name)
		switch {
		case i < 0:
			return nil, 0, fmt.Errorf("%w: model %s has no input %q (inputs: %v)", ErrInvalidRequest, b.cfg.Name, t.Name, specNames(specs))
		case out[i].Name != "":
			return nil, 0, fmt.Errorf("%w: input %q given twice", ErrInvalidRequest, t.Name)
		case t.Datatype != specs[i].Datatype:
			return nil, 0, fmt.Errorf("%w: input %q has datatype %s, model %s wants %s", ErrInvalidRequest, t.Name, t.Datatype, b.cfg.Name, specs[i].Datatype)
		case !specs[i].matchesShape(t.Shape):
			return nil, 0, fmt.Errorf("%w: input %q has shape %v, model %s wants %v", ErrInvalidRequest, t.Name, t.Shape, b.cfg.Name, specs[i].batchShape())
		case rows >= 0 && t.Shape[0] != rows:
			return nil, 0, fmt.Errorf("%w: input %q has %d rows, other inputs %d", ErrInvalidRequest, t.Name, t.Shape[0], rows)
		}
		rows = t.Shape[0]
		out[i] = t
	}
	if rows == 0 {
		return nil, 0, fmt.Errorf("%w: batch dimension is 0", ErrInvalidRequest)
	}
	if b.cfg.MaxBatchSize > 0 && rows > b.cfg.MaxBatchSize {
		return nil, 0, fmt.Errorf("%w: %d rows exceed model %s's max batch size %d", ErrInvalidRequest, rows, b.cfg.Name, b.cfg.MaxBatchSize)
	}
	return out, rows, nil
}

// outputsWanted returns the indices of the requested outputs (all when
// none are named) and which of them go back as binary data.
func (b *batcher) outputsWanted(req InferRequest) ([]int, []bool, error) {
	specs := b.cfg.Outputs
	var idx []int
	var bin []bool
	if len(req.Outputs) == 0 {
		all, err := wantsBinary(req.Parameters, nil)
		if err != nil {
			return nil, nil, err
		}
		for i := range specs {
			idx, bin = append(idx, i), append(bin, all)
		}
		return idx, bin, nil
	}
	for _, o := range req.Outputs {
		i := specIndex(specs, o.Name)
		if i < 0 {
			return nil, nil, fmt.Errorf("%w: model %s has no output %q (outputs: %v)", ErrInvalidRequest, b.cfg.Name, o.Name, specNames(specs))
		}
		ob, err := wantsBinary(req.Parameters, o.Parameters)
		if err != nil {
			return nil, nil, err
		}
		idx, bin = append(idx, i), append(bin, ob)
	}
	return idx, bin, nil
}

func specIndex(specs []TensorSpec, name string) int {
	for i, s := range specs {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func specNames(specs []TensorSpec) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return names
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrInvalidRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrModelNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrQueueFull):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrDeadline):
		return http.StatusGatewayTimeout
	case errors.Is(err, errClientGone):
		return 499 // nginx's "client closed request"; never written
	case errors.Is(err, ErrUnavailable), errors.Is(err, errUnloaded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers a request with err's status and a JSON error body, and
// counts it. b, when given, supplies Retry-After for 429.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, model string, err error, start time.Time, b ...*batcher) {
	code := statusOf(err)
	s.metrics.count(model, code)
	if code == 499 {
		return
	}
	if code == http.StatusTooManyRequests && len(b) > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(b[0].retryAfter()))
	}
	level := slog.LevelDebug
	if code >= 500 {
		level = slog.LevelWarn
	}
	if s.log.Enabled(r.Context(), level) {
		s.log.LogAttrs(r.Context(), level, "infer failed", slog.String("model", model), slog.Int("code", code),
			slog.String("error", err.Error()), slog.Duration("elapsed", time.Since(start)))
	}
	writeError(w, code, err.Error())
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"cloud: encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
}
