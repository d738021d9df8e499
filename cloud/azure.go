package cloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
)

// AzureConfig locates an Azure Machine Learning workspace and says how to
// reach it.
type AzureConfig struct {
	SubscriptionID, ResourceGroup, Workspace string
	// Location is the region of new endpoints and deployments ("eastus").
	Location string
	// Credential authenticates ARM calls: azidentity's credentials, or
	// StaticToken for a token from `az account get-access-token`.
	Credential azcore.TokenCredential
	// ClientOptions tune the ARM pipeline (cloud, transport, retries); nil
	// is the public cloud with the SDK's defaults.
	ClientOptions *arm.ClientOptions
	// HTTPClient posts to scoring URIs (nil → http.DefaultClient).
	HTTPClient *http.Client
	// PollFrequency is the wait between polls of a long-running operation
	// when ARM sends no Retry-After (0 → 10 s); OperationTimeout bounds each
	// operation (0 → 30 min), past which it fails with ErrTimeout.
	PollFrequency, OperationTimeout time.Duration
}

// AzureWorkspace is a Workspace over Azure Resource Manager, through the
// official armmachinelearning clients (API version 2024-04-01): model
// versions, managed online endpoints and deployments, command jobs.
// Long-running operations are polled to a terminal provisioning state.
// It is safe for concurrent use.
type AzureWorkspace struct {
	cfg         AzureConfig
	models      *armmachinelearning.ModelVersionsClient
	endpoints   *armmachinelearning.OnlineEndpointsClient
	deployments *armmachinelearning.OnlineDeploymentsClient
	jobs        *armmachinelearning.JobsClient
}

// OpenAzure returns a workspace client. It makes no network call.
func OpenAzure(cfg AzureConfig) (*AzureWorkspace, error) {
	if cfg.SubscriptionID == "" || cfg.ResourceGroup == "" || cfg.Workspace == "" || cfg.Credential == nil {
		return nil, fmt.Errorf("%w: Azure needs a subscription, resource group, workspace and credential", ErrConfig)
	}
	if cfg.PollFrequency <= 0 {
		cfg.PollFrequency = 10 * time.Second
	}
	if cfg.OperationTimeout <= 0 {
		cfg.OperationTimeout = 30 * time.Minute
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	f, err := armmachinelearning.NewClientFactory(cfg.SubscriptionID, cfg.Credential, cfg.ClientOptions)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &AzureWorkspace{
		cfg:         cfg,
		models:      f.NewModelVersionsClient(),
		endpoints:   f.NewOnlineEndpointsClient(),
		deployments: f.NewOnlineDeploymentsClient(),
		jobs:        f.NewJobsClient(),
	}, nil
}

// Close releases nothing: the workspace lives in Azure.
func (w *AzureWorkspace) Close() error { return nil }

// StaticToken is a credential that always returns one bearer token, such
// as the output of `az account get-access-token --query accessToken`.
type StaticToken string

// GetToken returns the token, valid for the next hour as far as the SDK
// knows.
func (t StaticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// armID is the ARM resource ID of a path inside the workspace.
func (w *AzureWorkspace) armID(path string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s/%s",
		w.cfg.SubscriptionID, w.cfg.ResourceGroup, w.cfg.Workspace, path)
}

// isNotFound reports an ARM 404.
func isNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// armError maps ARM errors onto the package's sentinels.
func armError(err error, what string) error {
	if err == nil {
		return nil
	}
	if isNotFound(err) {
		return fmt.Errorf("%w: %s: %w", ErrNotFound, what, err)
	}
	return fmt.Errorf("cloud: %s: %w", what, err)
}

// pollUntilDone waits for a long-running operation with the configured
// frequency and timeout. When the time runs out it asks state for the
// resource's current provisioning state, so that the error says where it
// is stuck.
func pollUntilDone[T any](ctx context.Context, w *AzureWorkspace, what string, p *runtime.Poller[T], state func(context.Context) string) (T, error) {
	octx, cancel := context.WithTimeout(ctx, w.cfg.OperationTimeout)
	defer cancel()
	res, err := p.PollUntilDone(octx, &runtime.PollUntilDoneOptions{Frequency: w.cfg.PollFrequency})
	if err == nil {
		return res, nil
	}
	if errors.Is(octx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		s := "in progress"
		if state != nil {
			s = state(ctx)
		}
		return res, fmt.Errorf("%w: %s still %s after %v", ErrTimeout, what, s, w.cfg.OperationTimeout)
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return res, fmt.Errorf("%w: %s: %w", ErrProvisioning, what, err)
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	// The poller reports a Failed or Canceled operation as a plain error.
	return res, fmt.Errorf("%w: %s: %w", ErrProvisioning, what, err)
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptrMap(m map[string]string) map[string]*string {
	if m == nil {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = ptr(v)
	}
	return out
}

func derefMap(m map[string]*string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = deref(v)
	}
	return out
}
