package cloud

import (
	"context"
	crand "crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// localEndpoint is an endpoint served on a loopback port: /score applies
// the traffic split per request and forwards to the chosen deployment,
// which is a model of the endpoint's own Server.
type localEndpoint struct {
	name, key, uri string
	server         *Server
	cancel         context.CancelFunc
	served         chan error

	mu          sync.Mutex
	rng         *rand.Rand
	traffic     map[string]int
	deployments map[string]string // deployment → loaded server version
}

func (w *LocalWorkspace) startEndpoint(name, key string, traffic map[string]int) (*localEndpoint, error) {
	srv, err := NewServer(ServerOptions{Logger: w.opts.Logger.With("endpoint", name)})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cloud: endpoint %s: %w", name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ep := &localEndpoint{
		name: name, key: key, uri: "http://" + ln.Addr().String() + "/score",
		server: srv, cancel: cancel, served: make(chan error, 1),
		rng:         rand.New(rand.NewPCG(w.opts.Seed, nameHash(name))),
		traffic:     traffic,
		deployments: map[string]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /score", ep.score)
	mux.Handle("GET /v2/health/", srv.Handler())
	mux.HandleFunc("/", ep.authorized(srv.Handler()))
	go func() {
		o := srv.opts
		hs := http.Server{
			Handler: mux, ReadHeaderTimeout: o.ReadHeaderTimeout, ReadTimeout: o.ReadTimeout,
			WriteTimeout: o.RequestTimeout + 5*time.Second, IdleTimeout: o.IdleTimeout, MaxHeaderBytes: 64 << 10,
		}
		go func() { <-ctx.Done(); srv.draining.Store(true); hs.Shutdown(context.Background()) }()
		err := hs.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = srv.closeAll(context.Background())
		}
		ep.served <- err
	}()
	return ep, nil
}

func nameHash(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// stop drains the endpoint: accepted requests are answered first.
func (ep *localEndpoint) stop() error {
	ep.cancel()
	return <-ep.served
}

func (ep *localEndpoint) authorized(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(ep.key)) != 1 {
			writeError(w, http.StatusUnauthorized, "cloud: missing or wrong endpoint key")
			return
		}
		next.ServeHTTP(w, r)
	}
}

// score routes one request to a deployment: the one named in the
// azureml-model-deployment header, else one drawn by the traffic split.
func (ep *localEndpoint) score(w http.ResponseWriter, r *http.Request) {
	ep.authorized(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dep := r.Header.Get("azureml-model-deployment")
		ep.mu.Lock()
		if dep == "" {
			dep = ep.pick()
		}
		_, known := ep.deployments[dep]
		ep.mu.Unlock()
		if !known {
			msg := fmt.Sprintf("cloud: endpoint %s has no deployment %q taking traffic", ep.name, dep)
			writeError(w, http.StatusNotFound, msg)
			return
		}
		w.Header().Set("azureml-model-deployment", dep)
		fwd := r.Clone(r.Context())
		fwd.URL.Path = "/v2/models/" + dep + "/infer"
		fwd.URL.RawPath = ""
		ep.server.Handler().ServeHTTP(w, fwd)
	}))(w, r)
}

// pick draws a deployment by traffic percentage; ep.mu must be held.
func (ep *localEndpoint) pick() string {
	names := make([]string, 0, len(ep.traffic))
	for n := range ep.traffic {
		names = append(names, n)
	}
	slices.Sort(names) // map order is random; the draw must depend on Seed only
	x := ep.rng.IntN(100)
	for _, n := range names {
		if x < ep.traffic[n] {
			return n
		}
		x -= ep.traffic[n]
	}
	return ""
}

// CreateEndpoint creates an endpoint and starts serving it on loopback
// with a fresh key.
func (w *LocalWorkspace) CreateEndpoint(ctx context.Context, spec EndpointSpec) (Endpoint, error) {
	if err := checkName("endpoint", spec.Name); err != nil {
		return Endpoint{}, err
	}
	key := crand.Text()
	w.mu.Lock()
	defer w.mu.Unlock()
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM endpoints WHERE name = ?`, spec.Name).Scan(&n); err != nil {
		return Endpoint{}, err
	}
	if n > 0 {
		return Endpoint{}, fmt.Errorf("%w: endpoint %s", ErrExists, spec.Name)
	}
	ep, err := w.startEndpoint(spec.Name, key, map[string]int{})
	if err != nil {
		return Endpoint{}, err
	}
	if _, err := w.db.ExecContext(ctx, `INSERT INTO endpoints VALUES (?, ?, ?, '{}')`, spec.Name, spec.Description, key); err != nil {
		ep.stop()
		return Endpoint{}, err
	}
	w.endpoints[spec.Name] = ep
	return w.endpointLocked(ctx, spec.Name)
}

// GetEndpoint returns an endpoint with its scoring URI, key and traffic.
func (w *LocalWorkspace) GetEndpoint(ctx context.Context, name string) (Endpoint, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.endpointLocked(ctx, name)
}

func (w *LocalWorkspace) endpointLocked(ctx context.Context, name string) (Endpoint, error) {
	var e Endpoint
	var traffic string
	err := w.db.QueryRowContext(ctx, `SELECT name, description, key, traffic FROM endpoints WHERE name = ?`, name).Scan(&e.Name, &e.Description, &e.Key, &traffic)
	if errors.Is(err, sql.ErrNoRows) {
		return Endpoint{}, fmt.Errorf("%w: endpoint %s", ErrNotFound, name)
	}
	if err != nil {
		return Endpoint{}, err
	}
	if err := json.Unmarshal([]byte(traffic), &e.Traffic); err != nil {
		return Endpoint{}, err
	}
	if e.Deployments, err = w.deploymentNames(ctx, name); err != nil {
		return Endpoint{}, err
	}
	e.ProvisioningState = "Succeeded"
	if ep := w.endpoints[name]; ep != nil {
		e.ScoringURI = ep.uri
	}
	return e, nil
}

func (w *LocalWorkspace) deploymentNames(ctx context.Context, endpoint string) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT name FROM deployments WHERE endpoint = ? ORDER BY name`, endpoint)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// DeleteEndpoint drains and stops the endpoint, then deletes it and its
// deployments.
func (w *LocalWorkspace) DeleteEndpoint(ctx context.Context, name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.endpointLocked(ctx, name); err != nil {
		return err
	}
	if ep := w.endpoints[name]; ep != nil {
		delete(w.endpoints, name)
		if err := ep.stop(); err != nil {
			return err
		}
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM deployments WHERE endpoint = ?`, name); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM endpoints WHERE name = ?`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// CreateDeployment loads a registered model version (after checking its
// artifacts' checksums) into the endpoint's server. Replacing a deployment
// with another model version loads the new one before unloading the old,
// so requests in flight are answered by one or the other.
func (w *LocalWorkspace) CreateDeployment(ctx context.Context, spec DeploymentSpec) (Deployment, error) {
	if w.opts.Load == nil {
		return Deployment{}, fmt.Errorf("%w: LocalOptions.Load is needed to serve models", ErrUnsupported)
	}
	if err := checkName("deployment", spec.Name); err != nil {
		return Deployment{}, err
	}
	if spec.InstanceCount < 0 || spec.MaxBatchSize < 0 || spec.MaxQueueDelay < 0 {
		return Deployment{}, fmt.Errorf("%w: negative instance count, batch size or delay", ErrConfig)
	}
	mv, err := w.GetModel(ctx, spec.ModelName, spec.ModelVersion)
	if err != nil {
		return Deployment{}, err
	}
	if err := verifyModel(mv); err != nil {
		return Deployment{}, err
	}
	cfg, pred, err := w.opts.Load(ctx, mv)
	if err != nil {
		return Deployment{}, fmt.Errorf("%w: deployment %s: loading model %s:%s: %w", ErrProvisioning, spec.Name, mv.Name, mv.Version, err)
	}
	cfg.Name, cfg.Version = spec.Name, mv.Version
	if spec.MaxBatchSize > 0 {
		cfg.MaxBatchSize = spec.MaxBatchSize
	}
	if spec.MaxQueueDelay > 0 {
		cfg.MaxQueueDelay = spec.MaxQueueDelay
	}
	if spec.InstanceCount > 0 {
		cfg.Instances = spec.InstanceCount
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	ep := w.endpoints[spec.Endpoint]
	if ep == nil {
		return Deployment{}, fmt.Errorf("%w: endpoint %s", ErrNotFound, spec.Endpoint)
	}
	ep.mu.Lock()
	old, replacing := ep.deployments[spec.Name]
	ep.mu.Unlock()
	if replacing && old == cfg.Version {
		if err := ep.server.Unload(ctx, spec.Name, old); err != nil {
			return Deployment{}, err
		}
		replacing = false
	}
	if err := ep.server.Load(cfg, pred); err != nil {
		return Deployment{}, fmt.Errorf("%w: deployment %s: %w", ErrProvisioning, spec.Name, err)
	}
	if _, err := w.db.ExecContext(ctx, `INSERT OR REPLACE INTO deployments VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		spec.Endpoint, spec.Name, mv.Name, mv.Version, spec.InstanceType, spec.InstanceCount, spec.MaxBatchSize, int64(spec.MaxQueueDelay)); err != nil {
		ep.server.Unload(ctx, spec.Name, cfg.Version)
		return Deployment{}, err
	}
	ep.mu.Lock()
	ep.deployments[spec.Name] = cfg.Version
	ep.mu.Unlock()
	if replacing {
		if err := ep.server.Unload(ctx, spec.Name, old); err != nil {
			return Deployment{}, err
		}
	}
	return Deployment{
		Endpoint: spec.Endpoint, Name: spec.Name, ModelName: mv.Name, ModelVersion: mv.Version,
		InstanceType: spec.InstanceType, InstanceCount: spec.InstanceCount, ProvisioningState: "Succeeded",
	}, nil
}

// DeleteDeployment unloads a deployment after its queued requests are
// answered. A deployment that still receives traffic is ErrTraffic.
func (w *LocalWorkspace) DeleteDeployment(ctx context.Context, endpoint, name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, err := w.endpointLocked(ctx, endpoint)
	if err != nil {
		return err
	}
	if !slices.Contains(e.Deployments, name) {
		return fmt.Errorf("%w: deployment %s of endpoint %s", ErrNotFound, name, endpoint)
	}
	if e.Traffic[name] > 0 {
		return fmt.Errorf("%w: deployment %s still receives %d%% of traffic", ErrTraffic, name, e.Traffic[name])
	}
	if _, err := w.db.ExecContext(ctx, `DELETE FROM deployments WHERE endpoint = ? AND name = ?`, endpoint, name); err != nil {
		return err
	}
	ep := w.endpoints[endpoint]
	ep.mu.Lock()
	version, loaded := ep.deployments[name]
	delete(ep.deployments, name)
	ep.mu.Unlock()
	if loaded {
		return ep.server.Unload(ctx, name, version)
	}
	return nil
}

// SetTraffic validates and stores a traffic split; it applies from the
// next request on.
func (w *LocalWorkspace) SetTraffic(ctx context.Context, endpoint string, traffic map[string]int) (Endpoint, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, err := w.endpointLocked(ctx, endpoint)
	if err != nil {
		return Endpoint{}, err
	}
	if err := checkTraffic(traffic, e.Deployments); err != nil {
		return Endpoint{}, err
	}
	clean := map[string]int{}
	for n, p := range traffic {
		if p > 0 {
			clean[n] = p
		}
	}
	if _, err := w.db.ExecContext(ctx, `UPDATE endpoints SET traffic = ? WHERE name = ?`, jsonText(clean), endpoint); err != nil {
		return Endpoint{}, err
	}
	if ep := w.endpoints[endpoint]; ep != nil {
		ep.mu.Lock()
		ep.traffic = clean
		ep.mu.Unlock()
	}
	return w.endpointLocked(ctx, endpoint)
}

// Invoke posts body to the endpoint's scoring URI over loopback HTTP, with
// the endpoint's key, exactly as a remote client would.
func (w *LocalWorkspace) Invoke(ctx context.Context, endpoint string, body []byte, opts InvokeOptions) (Invocation, error) {
	e, err := w.GetEndpoint(ctx, endpoint)
	if err != nil {
		return Invocation{}, err
	}
	if e.ScoringURI == "" {
		return Invocation{}, fmt.Errorf("%w: endpoint %s is not being served", ErrUnsupported, endpoint)
	}
	return score(ctx, http.DefaultClient, e.ScoringURI, e.Key, body, opts)
}

// restoreEndpoints serves the stored endpoints and deployments again.
func (w *LocalWorkspace) restoreEndpoints(ctx context.Context) error {
	rows, err := w.db.QueryContext(ctx, `SELECT name, key, traffic FROM endpoints`)
	if err != nil {
		return err
	}
	type stored struct{ name, key, traffic string }
	var eps []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.name, &s.key, &s.traffic); err != nil {
			rows.Close()
			return err
		}
		eps = append(eps, s)
	}
	rows.Close()
	for _, s := range eps {
		var traffic map[string]int
		if err := json.Unmarshal([]byte(s.traffic), &traffic); err != nil {
			return err
		}
		ep, err := w.startEndpoint(s.name, s.key, traffic)
		if err != nil {
			return err
		}
		w.endpoints[s.name] = ep
		if err := w.restoreDeployments(ctx, s.name); err != nil {
			return err
		}
	}
	return nil
}

func (w *LocalWorkspace) restoreDeployments(ctx context.Context, endpoint string) error {
	rows, err := w.db.QueryContext(ctx, `SELECT name, model_name, model_version, instance_type, instance_count, max_batch_size, max_queue_delay_ns FROM deployments WHERE endpoint = ?`, endpoint)
	if err != nil {
		return err
	}
	var specs []DeploymentSpec
	for rows.Next() {
		s := DeploymentSpec{Endpoint: endpoint}
		var delay int64
		if err := rows.Scan(&s.Name, &s.ModelName, &s.ModelVersion, &s.InstanceType, &s.InstanceCount, &s.MaxBatchSize, &delay); err != nil {
			rows.Close()
			return err
		}
		s.MaxQueueDelay = time.Duration(delay)
		specs = append(specs, s)
	}
	rows.Close()
	for _, s := range specs {
		if _, err := w.CreateDeployment(ctx, s); err != nil {
			w.opts.Logger.Warn("deployment not restored", "endpoint", endpoint, "deployment", s.Name, "error", err)
		}
	}
	return nil
}
