package cloud

import (
	"context"
	"fmt"
	"io"
	"path"
	"regexp"
	"time"
)

// Workspace is an Azure-Machine-Learning-style workspace: a model
// registry, managed online endpoints with deployments and a traffic split,
// and command jobs. LocalWorkspace implements it offline (SQLite, files,
// loopback servers, local processes) and AzureWorkspace over Azure
// Resource Manager; code written against Workspace runs on either.
// Implementations are safe for concurrent use.
type Workspace interface {
	Registry
	Endpoints
	Jobs
	// Close releases the workspace: local endpoints stop serving (after
	// draining) and local jobs still running are canceled.
	Close() error
}

// Registry stores versioned models.
type Registry interface {
	// RegisterModel creates a model version. A duplicate version is
	// ErrExists; a missing artifact ErrArtifact; a checksum that differs
	// from the declared one ErrChecksum. Nothing is stored unless
	// everything succeeds. Version "" takes the next integer version.
	RegisterModel(ctx context.Context, spec ModelSpec) (ModelVersion, error)
	// GetModel returns a version, or the latest one for version "".
	GetModel(ctx context.Context, name, version string) (ModelVersion, error)
	// ListModelVersions returns a model's versions, oldest first.
	ListModelVersions(ctx context.Context, name string) ([]ModelVersion, error)
}

// Endpoints manages online endpoints and their deployments.
type Endpoints interface {
	// CreateEndpoint creates an endpoint with no deployments.
	CreateEndpoint(ctx context.Context, spec EndpointSpec) (Endpoint, error)
	GetEndpoint(ctx context.Context, name string) (Endpoint, error)
	DeleteEndpoint(ctx context.Context, name string) error
	// CreateDeployment creates or replaces a deployment of a registered
	// model behind an endpoint. A new deployment receives no traffic until
	// SetTraffic gives it some.
	CreateDeployment(ctx context.Context, spec DeploymentSpec) (Deployment, error)
	// DeleteDeployment removes a deployment that receives no traffic.
	DeleteDeployment(ctx context.Context, endpoint, name string) error
	// SetTraffic sets the percentage of requests each deployment receives:
	// every name must be a deployment of the endpoint and the percentages
	// must add up to 100, or 0 to stop traffic (ErrTraffic otherwise).
	SetTraffic(ctx context.Context, endpoint string, traffic map[string]int) (Endpoint, error)
	// Invoke sends body to the endpoint's scoring URI with its key and
	// returns the answer. The endpoint picks a deployment by the traffic
	// split unless opts.Deployment names one.
	Invoke(ctx context.Context, endpoint string, body []byte, opts InvokeOptions) (Invocation, error)
}

// Jobs runs command jobs.
type Jobs interface {
	SubmitJob(ctx context.Context, spec JobSpec) (Job, error)
	GetJob(ctx context.Context, name string) (Job, error)
	// StreamJobLogs writes the job's log to w as it grows and returns
	// the job once it has finished (or ctx ends).
	StreamJobLogs(ctx context.Context, name string, w io.Writer) (Job, error)
	CancelJob(ctx context.Context, name string) error
}

// ModelSpec describes a model version to register.
type ModelSpec struct {
	Name, Version, Description string
	Tags, Properties           map[string]string
	// Files are the artifacts to store with the model.
	Files []ArtifactFile
	// URI is where the artifacts already live (an azureml:// or https://
	// path in the workspace's storage) for backends that do not upload.
	URI string
}

// ArtifactFile is one artifact to register: Name is its path inside the
// model (slash-separated, relative), Source the local file to read, and
// SHA256 (hex, optional) the checksum it must have.
type ArtifactFile struct {
	Name, Source, SHA256 string
}

// ModelVersion is a registered model version.
type ModelVersion struct {
	Name, Version, Description string
	Tags, Properties           map[string]string
	Files                      []FileInfo
	// URI locates the artifacts: a local directory or a storage URI.
	URI     string
	Created time.Time
}

// FileInfo is a stored artifact file.
type FileInfo struct {
	Name   string
	Size   int64
	SHA256 string
}

// EndpointSpec describes an online endpoint to create.
type EndpointSpec struct {
	Name, Description string
	Tags              map[string]string
}

// Endpoint is an online endpoint.
type Endpoint struct {
	Name, Description string
	// ScoringURI receives invocations; Key authorises them.
	ScoringURI, Key string
	// Traffic maps deployment names to percentages.
	Traffic     map[string]int
	Deployments []string
	// ProvisioningState is ARM's: Creating, Updating, Succeeded, Failed, …
	ProvisioningState string
}

// DeploymentSpec describes a deployment of a registered model.
type DeploymentSpec struct {
	Endpoint, Name string
	ModelName      string
	ModelVersion   string // "" → latest
	// InstanceType and InstanceCount size the deployment (Azure:
	// "Standard_DS3_v2" and a count; local: ignored beyond validation).
	InstanceType  string
	InstanceCount int
	// Environment is the Azure environment ID the model runs in.
	Environment string
	// MaxBatchSize and MaxQueueDelay configure the local server's dynamic
	// batcher (see ModelConfig).
	MaxBatchSize  int
	MaxQueueDelay time.Duration
}

// Deployment is a model deployed behind an endpoint.
type Deployment struct {
	Endpoint, Name          string
	ModelName, ModelVersion string
	InstanceType            string
	InstanceCount           int
	ProvisioningState       string
}

// InvokeOptions adjust an invocation.
type InvokeOptions struct {
	// Deployment sends the request to this deployment, bypassing the
	// traffic split (Azure's azureml-model-deployment header).
	Deployment string
}

// Invocation is an endpoint's answer.
type Invocation struct {
	// Deployment is the deployment that answered.
	Deployment string
	Status     int
	Body       []byte
}

// JobSpec describes a command job.
type JobSpec struct {
	// Name identifies the job; "" generates one.
	Name, DisplayName, Experiment string
	// Command is a shell command line.
	Command string
	// Environment and Compute are Azure IDs (environment to run in,
	// compute cluster); the local backend runs on this machine.
	Environment, Compute string
	EnvVars              map[string]string
}

// JobStatus is a job's state, with Azure Machine Learning's names.
type JobStatus string

// Job states.
const (
	JobQueued    JobStatus = "Queued"
	JobRunning   JobStatus = "Running"
	JobCompleted JobStatus = "Completed"
	JobFailed    JobStatus = "Failed"
	JobCanceled  JobStatus = "Canceled"
)

// Terminal reports whether the job has finished.
func (s JobStatus) Terminal() bool {
	switch s {
	case JobCompleted, JobFailed, JobCanceled, "NotResponding":
		return true
	}
	return false
}

// Job is a submitted job.
type Job struct {
	Name, DisplayName, Experiment, Command string
	Status                                 JobStatus
	// Error says why a job failed; ExitCode is the local process's.
	Error    string
	ExitCode int
	Created  time.Time
}

// validName is Azure ML's rule for asset, endpoint and job names, which
// also keeps them safe as path segments.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$`)

func checkName(kind, name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("%w: %s name %q: use letters, digits, '-', '_' and '.', starting with a letter or digit", ErrConfig, kind, name)
	}
	return nil
}

// checkArtifactName refuses artifact paths that could escape the model's
// directory.
func checkArtifactName(name string) error {
	clean := path.Clean(name)
	if name == "" || clean != name || path.IsAbs(name) || clean == "." || clean == ".." || len(clean) > 2 && clean[:3] == "../" {
		return fmt.Errorf("%w: artifact name %q must be a clean relative path", ErrArtifact, name)
	}
	return nil
}

// checkTraffic validates a traffic split against an endpoint's deployments.
func checkTraffic(traffic map[string]int, deployments []string) error {
	total := 0
	for name, pct := range traffic {
		known := false
		for _, d := range deployments {
			known = known || d == name
		}
		if !known {
			return fmt.Errorf("%w: no deployment %q (deployments: %v)", ErrTraffic, name, deployments)
		}
		if pct < 0 || pct > 100 {
			return fmt.Errorf("%w: %s gets %d%%", ErrTraffic, name, pct)
		}
		total += pct
	}
	if total != 100 && total != 0 {
		return fmt.Errorf("%w: percentages add up to %d, not 100 (or 0 for no traffic)", ErrTraffic, total)
	}
	return nil
}

// Both backends implement the whole interface.
var (
	_ Workspace = (*LocalWorkspace)(nil)
	_ Workspace = (*AzureWorkspace)(nil)
)
