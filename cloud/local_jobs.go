package cloud

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// localJob is a running job's process.
type localJob struct {
	cmd      *exec.Cmd
	canceled atomic.Bool
	done     chan struct{}
}

func (j *localJob) cancel() {
	if j.canceled.Swap(true) {
		return
	}
	signalJob(j.cmd, false)
	go func() {
		select {
		case <-j.done:
		case <-time.After(2 * time.Second):
			signalJob(j.cmd, true)
		}
	}()
}

// logPath is where a job's output goes (Azure ML's name for it).
func (w *LocalWorkspace) logPath(name string) string {
	return filepath.Join(w.dir, "jobs", name, "user_logs", "std_log.txt")
}

// SubmitJob starts the command under Shell -c in its own working directory
// (dir/jobs/NAME/work) with the job's environment variables added, stdout
// and stderr going to the job's log.
func (w *LocalWorkspace) SubmitJob(ctx context.Context, spec JobSpec) (Job, error) {
	if spec.Name == "" {
		spec.Name = "job-" + strings.ToLower(crand.Text()[:12])
	}
	if err := checkName("job", spec.Name); err != nil {
		return Job{}, err
	}
	if strings.TrimSpace(spec.Command) == "" {
		return Job{}, fmt.Errorf("%w: job %s has no command", ErrConfig, spec.Name)
	}
	if spec.DisplayName == "" {
		spec.DisplayName = spec.Name
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	created := now()
	if _, err := w.db.ExecContext(ctx, `INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, '', 0, ?)`,
		spec.Name, spec.DisplayName, spec.Experiment, spec.Command, jsonText(spec.EnvVars), JobQueued, created); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return Job{}, fmt.Errorf("%w: job %s", ErrExists, spec.Name)
		}
		return Job{}, err
	}
	work := filepath.Join(w.dir, "jobs", spec.Name, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return Job{}, err
	}
	if err := os.MkdirAll(filepath.Dir(w.logPath(spec.Name)), 0o755); err != nil {
		return Job{}, err
	}
	log, err := os.Create(w.logPath(spec.Name))
	if err != nil {
		return Job{}, err
	}
	cmd := exec.Command(w.opts.Shell, "-c", spec.Command)
	cmd.Dir, cmd.Stdout, cmd.Stderr = work, log, log
	cmd.Env = append(os.Environ(), "AZUREML_RUN_ID="+spec.Name)
	for k, v := range spec.EnvVars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	inOwnProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		log.Close()
		w.finishJob(spec.Name, JobFailed, err.Error(), -1)
		return w.getJob(ctx, spec.Name)
	}
	j := &localJob{cmd: cmd, done: make(chan struct{})}
	w.jobs[spec.Name] = j
	w.setJobStatus(spec.Name, JobRunning)
	w.jobsDone.Add(1)
	go func() {
		defer w.jobsDone.Done()
		err := cmd.Wait()
		log.Close()
		close(j.done)
		status, msg, code := JobCompleted, "", 0
		var exit *exec.ExitError
		switch {
		case j.canceled.Load():
			status, msg, code = JobCanceled, "canceled", -1
		case errors.As(err, &exit):
			status, msg, code = JobFailed, fmt.Sprintf("command exited with status %d", exit.ExitCode()), exit.ExitCode()
		case err != nil:
			status, msg, code = JobFailed, err.Error(), -1
		}
		w.finishJob(spec.Name, status, msg, code)
		w.mu.Lock()
		delete(w.jobs, spec.Name)
		w.mu.Unlock()
	}()
	return w.getJob(ctx, spec.Name)
}

func (w *LocalWorkspace) setJobStatus(name string, s JobStatus) {
	w.db.Exec(`UPDATE jobs SET status = ? WHERE name = ?`, s, name)
}

func (w *LocalWorkspace) finishJob(name string, s JobStatus, msg string, code int) {
	w.db.Exec(`UPDATE jobs SET status = ?, error = ?, exit_code = ? WHERE name = ?`, s, msg, code, name)
}

// GetJob returns a job's current state.
func (w *LocalWorkspace) GetJob(ctx context.Context, name string) (Job, error) {
	return w.getJob(ctx, name)
}

func (w *LocalWorkspace) getJob(ctx context.Context, name string) (Job, error) {
	var j Job
	var created string
	err := w.db.QueryRowContext(ctx, `SELECT name, display_name, experiment, command, status, error, exit_code, created FROM jobs WHERE name = ?`, name).
		Scan(&j.Name, &j.DisplayName, &j.Experiment, &j.Command, &j.Status, &j.Error, &j.ExitCode, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, fmt.Errorf("%w: job %s", ErrNotFound, name)
	}
	j.Created = parseTime(created)
	return j, err
}

// CancelJob stops a running job (SIGTERM to its process group, SIGKILL
// two seconds later). Canceling a finished job does nothing.
func (w *LocalWorkspace) CancelJob(ctx context.Context, name string) error {
	if _, err := w.getJob(ctx, name); err != nil {
		return err
	}
	w.mu.Lock()
	j := w.jobs[name]
	w.mu.Unlock()
	if j != nil {
		j.cancel()
	}
	return nil
}

// StreamJobLogs follows the job's log file until the job has finished and
// everything it wrote has been copied to out.
func (w *LocalWorkspace) StreamJobLogs(ctx context.Context, name string, out io.Writer) (Job, error) {
	job, err := w.getJob(ctx, name)
	if err != nil {
		return Job{}, err
	}
	f, err := os.Open(w.logPath(name))
	if err != nil {
		return job, fmt.Errorf("cloud: job %s log: %w", name, err)
	}
	defer f.Close()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		// Read the status before copying: a job seen finished has written
		// everything, so the copy that follows reaches the true end.
		job, err = w.getJob(ctx, name)
		if err != nil {
			return job, err
		}
		if _, err := io.Copy(out, f); err != nil {
			return job, err
		}
		if job.Status.Terminal() {
			return job, nil
		}
		select {
		case <-ctx.Done():
			return job, ctx.Err()
		case <-tick.C:
		}
	}
}
