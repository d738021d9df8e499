package cloud

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
)

// CreateEndpoint creates a managed online endpoint with key
// authentication and waits until it is provisioned.
func (w *AzureWorkspace) CreateEndpoint(ctx context.Context, spec EndpointSpec) (Endpoint, error) {
	if err := checkName("endpoint", spec.Name); err != nil {
		return Endpoint{}, err
	}
	if _, err := w.endpoints.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, spec.Name, nil); err == nil {
		return Endpoint{}, fmt.Errorf("%w: endpoint %s", ErrExists, spec.Name)
	} else if !isNotFound(err) {
		return Endpoint{}, armError(err, "endpoint "+spec.Name)
	}
	body := armmachinelearning.OnlineEndpoint{
		Location: ptr(w.cfg.Location),
		Identity: &armmachinelearning.ManagedServiceIdentity{Type: ptr(armmachinelearning.ManagedServiceIdentityTypeSystemAssigned)},
		Tags:     ptrMap(spec.Tags),
		Properties: &armmachinelearning.OnlineEndpointProperties{
			AuthMode:    ptr(armmachinelearning.EndpointAuthModeKey),
			Description: ptr(spec.Description),
		},
	}
	if err := w.putEndpoint(ctx, spec.Name, body); err != nil {
		return Endpoint{}, err
	}
	return w.GetEndpoint(ctx, spec.Name)
}

// putEndpoint creates or updates an endpoint and waits for Succeeded.
func (w *AzureWorkspace) putEndpoint(ctx context.Context, name string, body armmachinelearning.OnlineEndpoint) error {
	what := "endpoint " + name
	p, err := w.endpoints.BeginCreateOrUpdate(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, body, nil)
	if err != nil {
		return armError(err, what)
	}
	res, err := pollUntilDone(ctx, w, what, p, w.endpointState(name))
	if err != nil {
		return err
	}
	if s := endpointState(res.OnlineEndpoint); s != "Succeeded" {
		return fmt.Errorf("%w: %s ended in state %s", ErrProvisioning, what, s)
	}
	return nil
}

func endpointState(e armmachinelearning.OnlineEndpoint) string {
	if e.Properties == nil || e.Properties.ProvisioningState == nil {
		return "Unknown"
	}
	return string(*e.Properties.ProvisioningState)
}

// endpointState reads an endpoint's provisioning state for error messages.
func (w *AzureWorkspace) endpointState(name string) func(context.Context) string {
	return func(ctx context.Context) string {
		resp, err := w.endpoints.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
		if err != nil {
			return "in an unknown state (" + err.Error() + ")"
		}
		return endpointState(resp.OnlineEndpoint)
	}
}

// GetEndpoint returns the endpoint with its scoring URI, primary key,
// traffic and deployments.
func (w *AzureWorkspace) GetEndpoint(ctx context.Context, name string) (Endpoint, error) {
	what := "endpoint " + name
	resp, err := w.endpoints.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
	if err != nil {
		return Endpoint{}, armError(err, what)
	}
	e := Endpoint{Name: name, ProvisioningState: endpointState(resp.OnlineEndpoint), Traffic: map[string]int{}}
	if p := resp.Properties; p != nil {
		e.Description = deref(p.Description)
		e.ScoringURI = deref(p.ScoringURI)
		for d, pct := range p.Traffic {
			e.Traffic[d] = int(deref(pct))
		}
	}
	keys, err := w.endpoints.ListKeys(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
	if err != nil {
		return Endpoint{}, armError(err, what+" keys")
	}
	e.Key = deref(keys.PrimaryKey)
	pager := w.deployments.NewListPager(w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return Endpoint{}, armError(err, what+" deployments")
		}
		for _, d := range page.Value {
			e.Deployments = append(e.Deployments, deref(d.Name))
		}
	}
	slices.Sort(e.Deployments)
	return e, nil
}

// DeleteEndpoint deletes the endpoint and its deployments.
func (w *AzureWorkspace) DeleteEndpoint(ctx context.Context, name string) error {
	what := "deleting endpoint " + name
	p, err := w.endpoints.BeginDelete(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
	if err != nil {
		return armError(err, what)
	}
	_, err = pollUntilDone(ctx, w, what, p, nil)
	return err
}

// CreateDeployment creates or replaces a managed online deployment of a
// registered model version and waits until it is provisioned.
func (w *AzureWorkspace) CreateDeployment(ctx context.Context, spec DeploymentSpec) (Deployment, error) {
	if err := checkName("deployment", spec.Name); err != nil {
		return Deployment{}, err
	}
	if spec.InstanceType == "" || spec.InstanceCount <= 0 {
		return Deployment{}, fmt.Errorf("%w: an Azure deployment needs an instance type and a positive instance count", ErrConfig)
	}
	mv, err := w.GetModel(ctx, spec.ModelName, spec.ModelVersion)
	if err != nil {
		return Deployment{}, err
	}
	props := &armmachinelearning.ManagedOnlineDeployment{
		EndpointComputeType: ptr(armmachinelearning.EndpointComputeTypeManaged),
		Model:               ptr(w.armID(fmt.Sprintf("models/%s/versions/%s", mv.Name, mv.Version))),
		InstanceType:        ptr(spec.InstanceType),
	}
	if spec.Environment != "" {
		props.EnvironmentID = ptr(spec.Environment)
	}
	body := armmachinelearning.OnlineDeployment{
		Location:   ptr(w.cfg.Location),
		SKU:        &armmachinelearning.SKU{Name: ptr("Default"), Capacity: ptr(int32(spec.InstanceCount))},
		Properties: props,
	}
	what := fmt.Sprintf("deployment %s of endpoint %s", spec.Name, spec.Endpoint)
	p, err := w.deployments.BeginCreateOrUpdate(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, spec.Endpoint, spec.Name, body, nil)
	if err != nil {
		return Deployment{}, armError(err, what)
	}
	res, err := pollUntilDone(ctx, w, what, p, w.deploymentState(spec.Endpoint, spec.Name))
	if err != nil {
		return Deployment{}, err
	}
	d := deploymentFromARM(spec.Endpoint, res.OnlineDeployment)
	if d.ProvisioningState != "Succeeded" {
		return d, fmt.Errorf("%w: %s ended in state %s", ErrProvisioning, what, d.ProvisioningState)
	}
	return d, nil
}

func (w *AzureWorkspace) deploymentState(endpoint, name string) func(context.Context) string {
	return func(ctx context.Context) string {
		resp, err := w.deployments.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, endpoint, name, nil)
		if err != nil {
			return "in an unknown state (" + err.Error() + ")"
		}
		return deploymentFromARM(endpoint, resp.OnlineDeployment).ProvisioningState
	}
}

func deploymentFromARM(endpoint string, d armmachinelearning.OnlineDeployment) Deployment {
	out := Deployment{Endpoint: endpoint, Name: deref(d.Name), ProvisioningState: "Unknown"}
	if d.SKU != nil {
		out.InstanceCount = int(deref(d.SKU.Capacity))
	}
	if d.Properties == nil {
		return out
	}
	base := d.Properties.GetOnlineDeploymentProperties()
	out.InstanceType = deref(base.InstanceType)
	if base.ProvisioningState != nil {
		out.ProvisioningState = string(*base.ProvisioningState)
	}
	out.ModelName, out.ModelVersion = parseModelID(deref(base.Model))
	return out
}

// parseModelID splits ".../models/NAME/versions/VERSION".
func parseModelID(id string) (name, version string) {
	_, rest, _ := strings.Cut(id, "/models/")
	name, version, _ = strings.Cut(rest, "/versions/")
	return name, version
}

// DeleteDeployment deletes a deployment that receives no traffic.
func (w *AzureWorkspace) DeleteDeployment(ctx context.Context, endpoint, name string) error {
	e, err := w.GetEndpoint(ctx, endpoint)
	if err != nil {
		return err
	}
	if e.Traffic[name] > 0 {
		return fmt.Errorf("%w: deployment %s still receives %d%% of traffic", ErrTraffic, name, e.Traffic[name])
	}
	what := fmt.Sprintf("deleting deployment %s of endpoint %s", name, endpoint)
	p, err := w.deployments.BeginDelete(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, endpoint, name, nil)
	if err != nil {
		return armError(err, what)
	}
	_, err = pollUntilDone(ctx, w, what, p, nil)
	return err
}

// SetTraffic updates the endpoint's traffic split (a PUT of the endpoint
// with the new split) and waits until the update is provisioned.
func (w *AzureWorkspace) SetTraffic(ctx context.Context, endpoint string, traffic map[string]int) (Endpoint, error) {
	e, err := w.GetEndpoint(ctx, endpoint)
	if err != nil {
		return Endpoint{}, err
	}
	if err := checkTraffic(traffic, e.Deployments); err != nil {
		return Endpoint{}, err
	}
	resp, err := w.endpoints.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, endpoint, nil)
	if err != nil {
		return Endpoint{}, armError(err, "endpoint "+endpoint)
	}
	body := resp.OnlineEndpoint
	if body.Properties == nil {
		body.Properties = &armmachinelearning.OnlineEndpointProperties{}
	}
	body.Properties.Traffic = map[string]*int32{}
	for d, pct := range traffic {
		body.Properties.Traffic[d] = ptr(int32(pct))
	}
	// Read-only fields must not be sent back.
	body.Properties.ProvisioningState, body.Properties.ScoringURI, body.Properties.SwaggerURI = nil, nil, nil
	body.ID, body.Name, body.Type, body.SystemData = nil, nil, nil, nil
	if err := w.putEndpoint(ctx, endpoint, body); err != nil {
		return Endpoint{}, err
	}
	return w.GetEndpoint(ctx, endpoint)
}

// Invoke posts body to the endpoint's scoring URI with its primary key.
func (w *AzureWorkspace) Invoke(ctx context.Context, endpoint string, body []byte, opts InvokeOptions) (Invocation, error) {
	e, err := w.GetEndpoint(ctx, endpoint)
	if err != nil {
		return Invocation{}, err
	}
	if e.ScoringURI == "" {
		return Invocation{}, fmt.Errorf("%w: endpoint %s has no scoring URI (state %s)", ErrProvisioning, endpoint, e.ProvisioningState)
	}
	return score(ctx, w.cfg.HTTPClient, e.ScoringURI, e.Key, body, opts)
}
