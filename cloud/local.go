package cloud

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// LocalOptions configure a LocalWorkspace.
type LocalOptions struct {
	// Load turns a registered model version (its files are in the
	// directory m.URI) into a model the endpoint server can run. Without
	// it, CreateDeployment returns ErrUnsupported.
	Load func(ctx context.Context, m ModelVersion) (ModelConfig, Predictor, error)
	// Logger receives the endpoint servers' logs (nil → slog.Default()).
	Logger *slog.Logger
	// Seed seeds the per-request choice of deployment by traffic split.
	Seed uint64
	// Shell runs job commands as Shell -c COMMAND ("" → /bin/sh).
	Shell string
}

// LocalWorkspace is a Workspace on this machine: metadata in SQLite
// (dir/workspace.db), artifacts under dir/models, endpoints served on
// loopback by a Server each, jobs run as local processes with logs under
// dir/jobs. It is safe for concurrent use by one process.
type LocalWorkspace struct {
	dir  string
	db   *sql.DB
	opts LocalOptions

	mu        sync.Mutex
	rng       *rand.Rand
	endpoints map[string]*localEndpoint
	jobs      map[string]*localJob
	jobsDone  sync.WaitGroup
}

const schema = `
CREATE TABLE IF NOT EXISTS model_versions (
	name TEXT NOT NULL, version TEXT NOT NULL, description TEXT NOT NULL,
	tags TEXT NOT NULL, properties TEXT NOT NULL, uri TEXT NOT NULL, created TEXT NOT NULL,
	PRIMARY KEY (name, version));
CREATE TABLE IF NOT EXISTS model_files (
	name TEXT NOT NULL, version TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
	PRIMARY KEY (name, version, path),
	FOREIGN KEY (name, version) REFERENCES model_versions (name, version));
CREATE TABLE IF NOT EXISTS endpoints (
	name TEXT PRIMARY KEY, description TEXT NOT NULL, key TEXT NOT NULL, traffic TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deployments (
	endpoint TEXT NOT NULL REFERENCES endpoints (name), name TEXT NOT NULL,
	model_name TEXT NOT NULL, model_version TEXT NOT NULL, instance_type TEXT NOT NULL,
	instance_count INTEGER NOT NULL, max_batch_size INTEGER NOT NULL, max_queue_delay_ns INTEGER NOT NULL,
	PRIMARY KEY (endpoint, name));
CREATE TABLE IF NOT EXISTS jobs (
	name TEXT PRIMARY KEY, display_name TEXT NOT NULL, experiment TEXT NOT NULL, command TEXT NOT NULL,
	env TEXT NOT NULL, status TEXT NOT NULL, error TEXT NOT NULL, exit_code INTEGER NOT NULL, created TEXT NOT NULL);
`

// OpenLocal opens (or creates) a local workspace in dir. Endpoints stored
// there are served again on new loopback ports; jobs that were running when
// the previous process ended are marked Failed.
func OpenLocal(ctx context.Context, dir string, opts LocalOptions) (*LocalWorkspace, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Shell == "" {
		opts.Shell = "/bin/sh"
	}
	for _, sub := range []string{"models", "jobs", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("cloud: local workspace: %w", err)
		}
	}
	dsn := "file:" + filepath.Join(dir, "workspace.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("cloud: local workspace: %w", err)
	}
	// One connection: SQLite serialises writers anyway, and this way a
	// transaction never waits on another connection of ours.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("cloud: local workspace schema: %w", err)
	}
	w := &LocalWorkspace{
		dir: dir, db: db, opts: opts,
		rng:       rand.New(rand.NewPCG(opts.Seed, 0x6d6c70726570)),
		endpoints: map[string]*localEndpoint{},
		jobs:      map[string]*localJob{},
	}
	if err := w.recover(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// recover removes what an interrupted registration left behind, marks
// orphaned jobs failed and serves the stored endpoints again.
func (w *LocalWorkspace) recover(ctx context.Context) error {
	if err := os.RemoveAll(filepath.Join(w.dir, "tmp")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(w.dir, "tmp"), 0o755); err != nil {
		return err
	}
	if _, err := w.db.ExecContext(ctx, `UPDATE jobs SET status = ?, error = 'the workspace process ended while the job ran' WHERE status IN (?, ?)`,
		JobFailed, JobQueued, JobRunning); err != nil {
		return fmt.Errorf("cloud: local workspace: %w", err)
	}
	return w.restoreEndpoints(ctx)
}

// Close stops the endpoint servers after draining them, cancels running
// jobs and closes the database.
func (w *LocalWorkspace) Close() error {
	w.mu.Lock()
	eps := w.endpoints
	w.endpoints = map[string]*localEndpoint{}
	for _, j := range w.jobs {
		j.cancel()
	}
	w.mu.Unlock()
	var errs []error
	for _, ep := range eps {
		errs = append(errs, ep.stop())
	}
	w.jobsDone.Wait()
	errs = append(errs, w.db.Close())
	return errors.Join(errs...)
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
