package cloud

import (
	"context"
	crand "crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
)

// SubmitJob creates a command job; Azure queues it on spec.Compute in the
// environment spec.Environment (both ARM IDs; the environment is required).
func (w *AzureWorkspace) SubmitJob(ctx context.Context, spec JobSpec) (Job, error) {
	if spec.Name == "" {
		spec.Name = "job-" + strings.ToLower(crand.Text()[:12])
	}
	if err := checkName("job", spec.Name); err != nil {
		return Job{}, err
	}
	if strings.TrimSpace(spec.Command) == "" || spec.Environment == "" {
		return Job{}, fmt.Errorf("%w: an Azure command job needs a command and an environment ID", ErrConfig)
	}
	props := &armmachinelearning.CommandJob{
		JobType:              ptr(armmachinelearning.JobTypeCommand),
		Command:              ptr(spec.Command),
		EnvironmentID:        ptr(spec.Environment),
		EnvironmentVariables: ptrMap(spec.EnvVars),
	}
	if spec.Compute != "" {
		props.ComputeID = ptr(spec.Compute)
	}
	if spec.DisplayName != "" {
		props.DisplayName = ptr(spec.DisplayName)
	}
	if spec.Experiment != "" {
		props.ExperimentName = ptr(spec.Experiment)
	}
	resp, err := w.jobs.CreateOrUpdate(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, spec.Name, armmachinelearning.JobBase{Properties: props}, nil)
	if err != nil {
		return Job{}, armError(err, "submitting job "+spec.Name)
	}
	return jobFromARM(resp.JobBase), nil
}

// GetJob returns the job's status.
func (w *AzureWorkspace) GetJob(ctx context.Context, name string) (Job, error) {
	resp, err := w.jobs.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
	if err != nil {
		return Job{}, armError(err, "job "+name)
	}
	return jobFromARM(resp.JobBase), nil
}

// CancelJob requests cancellation and waits until ARM has accepted it.
func (w *AzureWorkspace) CancelJob(ctx context.Context, name string) error {
	what := "canceling job " + name
	p, err := w.jobs.BeginCancel(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
	if err != nil {
		return armError(err, what)
	}
	_, err = pollUntilDone(ctx, w, what, p, nil)
	return err
}

// StreamJobLogs follows the job through ARM, writing a line for each
// status change (and the Studio link once), until the job finishes. The
// job's own log files live in the workspace's artifact store, which only
// the workspace data plane serves; open the Studio link to read them.
func (w *AzureWorkspace) StreamJobLogs(ctx context.Context, name string, out io.Writer) (Job, error) {
	var last JobStatus
	studio := false
	for {
		resp, err := w.jobs.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
		if err != nil {
			return Job{}, armError(err, "job "+name)
		}
		job := jobFromARM(resp.JobBase)
		if link := studioLink(resp.JobBase); link != "" && !studio {
			studio = true
			fmt.Fprintf(out, "job %s: logs at %s\n", name, link)
		}
		if job.Status != last {
			last = job.Status
			fmt.Fprintf(out, "%s job %s: %s\n", time.Now().UTC().Format(time.RFC3339), name, job.Status)
		}
		if job.Status.Terminal() {
			return job, nil
		}
		select {
		case <-ctx.Done():
			return job, ctx.Err()
		case <-time.After(w.cfg.PollFrequency):
		}
	}
}

func jobFromARM(j armmachinelearning.JobBase) Job {
	out := Job{Name: deref(j.Name)}
	if j.SystemData != nil {
		out.Created = deref(j.SystemData.CreatedAt)
	}
	if j.Properties == nil {
		return out
	}
	base := j.Properties.GetJobBaseProperties()
	out.DisplayName = deref(base.DisplayName)
	out.Experiment = deref(base.ExperimentName)
	out.Status = JobStatus(deref(base.Status))
	if cj, ok := j.Properties.(*armmachinelearning.CommandJob); ok {
		out.Command = deref(cj.Command)
	}
	return out
}

func studioLink(j armmachinelearning.JobBase) string {
	if j.Properties == nil {
		return ""
	}
	if s := j.Properties.GetJobBaseProperties().Services["Studio"]; s != nil {
		return deref(s.Endpoint)
	}
	return ""
}
