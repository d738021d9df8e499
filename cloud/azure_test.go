package cloud

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azcloud "github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"
)

func openTestAzure(t *testing.T, a *armServer, timeout time.Duration) *AzureWorkspace {
	t.Helper()
	w, err := OpenAzure(AzureConfig{
		SubscriptionID: "sub-1", ResourceGroup: "rg-1", Workspace: "ws-1", Location: "westeurope",
		Credential: StaticToken(armToken),
		ClientOptions: &arm.ClientOptions{ClientOptions: policy.ClientOptions{
			Cloud: azcloud.Configuration{
				ActiveDirectoryAuthorityHost: "https://login.invalid/",
				Services: map[azcloud.ServiceName]azcloud.ServiceConfiguration{
					azcloud.ResourceManager: {Endpoint: a.srv.URL, Audience: "https://management.azure.com"},
				},
			},
			Transport: a.srv.Client(),
			Retry:     policy.RetryOptions{MaxRetries: -1},
		}},
		HTTPClient:       a.scoring.Client(),
		PollFrequency:    5 * time.Millisecond,
		OperationTimeout: timeout,
	})
	require.NoError(t, err)
	return w
}

func TestAzureModelRegistry(t *testing.T) {
	ctx := context.Background()
	a := newARMServer(t)
	w := openTestAzure(t, a, 5*time.Second)
	var ws Workspace = w
	uri := "azureml://datastores/workspaceblobstore/paths/models/clf/"
	mv, err := ws.RegisterModel(ctx, ModelSpec{Name: "clf", URI: uri, Tags: map[string]string{"stage": "dev"}, Description: "first"})
	require.NoError(t, err)
	require.Equal(t, "1", mv.Version)
	require.Equal(t, uri, mv.URI)
	put := a.puts["models/clf/versions/1"][0]["properties"].(map[string]any)
	require.Equal(t, uri, put["modelUri"])
	require.Equal(t, map[string]any{"stage": "dev"}, put["tags"])

	_, err = ws.RegisterModel(ctx, ModelSpec{Name: "clf", URI: uri + "v2"})
	require.NoError(t, err)
	_, err = ws.RegisterModel(ctx, ModelSpec{Name: "clf", Version: "1", URI: uri})
	require.ErrorIs(t, err, ErrExists)
	_, err = ws.RegisterModel(ctx, ModelSpec{Name: "clf", Files: []ArtifactFile{{Name: "w.bin", Source: "w.bin"}}})
	require.ErrorIs(t, err, ErrUnsupported)
	_, err = ws.RegisterModel(ctx, ModelSpec{Name: "clf"})
	require.ErrorIs(t, err, ErrArtifact)

	latest, err := ws.GetModel(ctx, "clf", "")
	require.NoError(t, err)
	require.Equal(t, "2", latest.Version)
	all, err := ws.ListModelVersions(ctx, "clf")
	require.NoError(t, err)
	require.Len(t, all, 2)
	_, err = ws.GetModel(ctx, "clf", "7")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = ws.GetModel(ctx, "nope", "")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestAzureEndpointRollout(t *testing.T) {
	ctx := context.Background()
	a := newARMServer(t)
	var w Workspace = openTestAzure(t, a, 5*time.Second)
	for _, v := range []string{"1", "2"} {
		_, err := w.RegisterModel(ctx, ModelSpec{Name: "clf", Version: v, URI: "azureml://x/" + v})
		require.NoError(t, err)
	}
	ep, err := w.CreateEndpoint(ctx, EndpointSpec{Name: "scorer", Description: "demo"})
	require.NoError(t, err)
	require.Equal(t, "Succeeded", ep.ProvisioningState, "the LRO was polled to completion")
	require.Equal(t, "pk-scorer", ep.Key)
	require.Equal(t, a.scoring.URL+"/scorer/score", ep.ScoringURI)
	_, err = w.CreateEndpoint(ctx, EndpointSpec{Name: "scorer"})
	require.ErrorIs(t, err, ErrExists)

	blue, err := w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "scorer", Name: "blue", ModelName: "clf", ModelVersion: "1", InstanceType: "Standard_DS3_v2", InstanceCount: 2})
	require.NoError(t, err)
	require.Equal(t, Deployment{Endpoint: "scorer", Name: "blue", ModelName: "clf", ModelVersion: "1", InstanceType: "Standard_DS3_v2", InstanceCount: 2, ProvisioningState: "Succeeded"}, blue)
	put := a.puts["onlineEndpoints/scorer/deployments/blue"][0]
	require.Equal(t, "westeurope", put["location"])
	require.Equal(t, 2.0, put["sku"].(map[string]any)["capacity"])
	require.Equal(t, armWorkspacePath+"/models/clf/versions/1", put["properties"].(map[string]any)["model"])
	_, err = w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "scorer", Name: "bad", ModelName: "clf"})
	require.ErrorIs(t, err, ErrConfig)

	_, err = w.SetTraffic(ctx, "scorer", map[string]int{"blue": 100})
	require.NoError(t, err)
	_, err = w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "scorer", Name: "green", ModelName: "clf", InstanceType: "Standard_DS3_v2", InstanceCount: 1})
	require.NoError(t, err)
	puts := len(a.puts["onlineEndpoints/scorer"])
	_, err = w.SetTraffic(ctx, "scorer", map[string]int{"blue": 90, "green": 20})
	require.ErrorIs(t, err, ErrTraffic)
	require.Len(t, a.puts["onlineEndpoints/scorer"], puts, "an invalid split is never sent")

	ep, err = w.SetTraffic(ctx, "scorer", map[string]int{"blue": 90, "green": 10})
	require.NoError(t, err)
	require.Equal(t, map[string]int{"blue": 90, "green": 10}, ep.Traffic)
	last := a.puts["onlineEndpoints/scorer"][len(a.puts["onlineEndpoints/scorer"])-1]
	require.Equal(t, map[string]any{"blue": 90.0, "green": 10.0}, last["properties"].(map[string]any)["traffic"])
	require.NotContains(t, last["properties"], "scoringUri", "read-only fields are not sent back")

	inv, err := w.Invoke(ctx, "scorer", []byte(`{"x":1}`), InvokeOptions{})
	require.NoError(t, err)
	require.Equal(t, "blue", inv.Deployment)
	require.Contains(t, string(inv.Body), `{\"x\":1}`)
	inv, err = w.Invoke(ctx, "scorer", []byte(`{}`), InvokeOptions{Deployment: "green"})
	require.NoError(t, err)
	require.Equal(t, "green", inv.Deployment)

	_, err = w.SetTraffic(ctx, "scorer", map[string]int{"green": 100})
	require.NoError(t, err)
	require.ErrorIs(t, w.DeleteDeployment(ctx, "scorer", "green"), ErrTraffic)
	require.NoError(t, w.DeleteDeployment(ctx, "scorer", "blue"))
	ep, err = w.GetEndpoint(ctx, "scorer")
	require.NoError(t, err)
	require.Equal(t, []string{"green"}, ep.Deployments)

	require.NoError(t, w.DeleteEndpoint(ctx, "scorer"))
	_, err = w.GetEndpoint(ctx, "scorer")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestAzureEndpointStuckInUpdatingTimesOut(t *testing.T) {
	ctx := context.Background()
	a := newARMServer(t)
	w := openTestAzure(t, a, 300*time.Millisecond)
	_, err := w.RegisterModel(ctx, ModelSpec{Name: "clf", URI: "azureml://x"})
	require.NoError(t, err)
	_, err = w.CreateEndpoint(ctx, EndpointSpec{Name: "stuck"})
	require.NoError(t, err)
	_, err = w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "stuck", Name: "blue", ModelName: "clf", InstanceType: "Standard_DS3_v2", InstanceCount: 1})
	require.NoError(t, err)

	a.mu.Lock()
	a.stuck["onlineEndpoints/stuck"] = true
	a.mu.Unlock()
	start := time.Now()
	_, err = w.SetTraffic(ctx, "stuck", map[string]int{"blue": 100})
	require.ErrorIs(t, err, ErrTimeout)
	require.ErrorContains(t, err, "endpoint stuck still Updating after 300ms")
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestAzureFailedProvisioning(t *testing.T) {
	ctx := context.Background()
	a := newARMServer(t)
	w := openTestAzure(t, a, 5*time.Second)
	_, err := w.RegisterModel(ctx, ModelSpec{Name: "clf", URI: "azureml://x"})
	require.NoError(t, err)
	_, err = w.CreateEndpoint(ctx, EndpointSpec{Name: "e"})
	require.NoError(t, err)
	a.mu.Lock()
	a.failing["onlineEndpoints/e/deployments/red"] = true
	a.mu.Unlock()
	_, err = w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "e", Name: "red", ModelName: "clf", InstanceType: "Standard_DS3_v2", InstanceCount: 1})
	require.ErrorIs(t, err, ErrProvisioning)
	require.ErrorContains(t, err, "image build failed")
}

func TestAzureJobs(t *testing.T) {
	ctx := context.Background()
	a := newARMServer(t)
	var w Workspace = openTestAzure(t, a, 5*time.Second)
	env := "azureml:pytorch-env:3"
	job, err := w.SubmitJob(ctx, JobSpec{Name: "train-1", Command: "python train.py", Environment: env, Compute: "gpu-cluster", EnvVars: map[string]string{"LR": "0.01"}})
	require.NoError(t, err)
	require.Equal(t, JobQueued, job.Status)
	props := a.puts["jobs/train-1"][0]["properties"].(map[string]any)
	require.Equal(t, "Command", props["jobType"])
	require.Equal(t, map[string]any{"LR": "0.01"}, props["environmentVariables"])

	var logs bytes.Buffer
	job, err = w.StreamJobLogs(ctx, "train-1", &logs)
	require.NoError(t, err)
	require.Equal(t, JobCompleted, job.Status)
	require.Equal(t, "python train.py", job.Command)
	out := logs.String()
	require.Contains(t, out, "logs at https://ml.azure.com/runs/train-1")
	for _, s := range []string{"Running", "Completed"} {
		require.Contains(t, out, "job train-1: "+s)
	}

	_, err = w.SubmitJob(ctx, JobSpec{Name: "train-2", Command: "sleep 100", Environment: env})
	require.NoError(t, err)
	require.NoError(t, w.CancelJob(ctx, "train-2"))
	job, err = w.GetJob(ctx, "train-2")
	require.NoError(t, err)
	require.Equal(t, JobCanceled, job.Status)

	_, err = w.SubmitJob(ctx, JobSpec{Command: "x"})
	require.ErrorIs(t, err, ErrConfig)
	_, err = w.GetJob(ctx, "nope")
	require.ErrorIs(t, err, ErrNotFound)
	require.True(t, strings.HasPrefix(a.srv.URL, "https://"), "ARM is reached over TLS with a bearer token")
}
