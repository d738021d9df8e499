package cloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
)

// RegisterModel creates a model version whose artifacts are already in the
// workspace's storage (ModelSpec.URI); uploading local files needs the
// storage data plane, which ARM does not offer, so Files is ErrUnsupported.
// Azure model versions are immutable: an existing version is ErrExists.
func (w *AzureWorkspace) RegisterModel(ctx context.Context, spec ModelSpec) (ModelVersion, error) {
	if err := checkName("model", spec.Name); err != nil {
		return ModelVersion{}, err
	}
	if len(spec.Files) > 0 {
		return ModelVersion{}, fmt.Errorf("%w: upload the artifacts to a datastore (az ml model create, azblob) and register them by ModelSpec.URI", ErrUnsupported)
	}
	if spec.URI == "" {
		return ModelVersion{}, fmt.Errorf("%w: model %s: ModelSpec.URI is empty", ErrArtifact, spec.Name)
	}
	version := spec.Version
	if version == "" {
		versions, err := w.ListModelVersions(ctx, spec.Name)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return ModelVersion{}, err
		}
		top := 0
		for _, v := range versions {
			if n, err := strconv.Atoi(v.Version); err == nil {
				top = max(top, n)
			}
		}
		version = strconv.Itoa(top + 1)
	}
	if _, err := w.models.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, spec.Name, version, nil); err == nil {
		return ModelVersion{}, fmt.Errorf("%w: model %s version %s", ErrExists, spec.Name, version)
	} else if !isNotFound(err) {
		return ModelVersion{}, armError(err, "model "+spec.Name)
	}
	body := armmachinelearning.ModelVersion{Properties: &armmachinelearning.ModelVersionProperties{
		Description: ptr(spec.Description),
		Tags:        ptrMap(spec.Tags),
		Properties:  ptrMap(spec.Properties),
		ModelURI:    ptr(spec.URI),
		ModelType:   ptr("custom_model"),
	}}
	resp, err := w.models.CreateOrUpdate(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, spec.Name, version, body, nil)
	if err != nil {
		return ModelVersion{}, armError(err, "registering model "+spec.Name)
	}
	return modelFromARM(spec.Name, resp.ModelVersion), nil
}

// GetModel returns a version, or the most recently created one for "".
func (w *AzureWorkspace) GetModel(ctx context.Context, name, version string) (ModelVersion, error) {
	if version == "" {
		all, err := w.ListModelVersions(ctx, name)
		if err != nil {
			return ModelVersion{}, err
		}
		return all[len(all)-1], nil
	}
	resp, err := w.models.Get(ctx, w.cfg.ResourceGroup, w.cfg.Workspace, name, version, nil)
	if err != nil {
		return ModelVersion{}, armError(err, fmt.Sprintf("model %s version %s", name, version))
	}
	return modelFromARM(name, resp.ModelVersion), nil
}

// ListModelVersions pages through a model's versions, oldest first.
func (w *AzureWorkspace) ListModelVersions(ctx context.Context, name string) ([]ModelVersion, error) {
	pager := w.models.NewListPager(w.cfg.ResourceGroup, w.cfg.Workspace, name, nil)
	var out []ModelVersion
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, armError(err, "model "+name)
		}
		for _, v := range page.Value {
			out = append(out, modelFromARM(name, *v))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: model %s", ErrNotFound, name)
	}
	slices.SortStableFunc(out, func(a, b ModelVersion) int { return a.Created.Compare(b.Created) })
	return out, nil
}

func modelFromARM(name string, v armmachinelearning.ModelVersion) ModelVersion {
	mv := ModelVersion{Name: name, Version: deref(v.Name)}
	if p := v.Properties; p != nil {
		mv.Description = deref(p.Description)
		mv.Tags = derefMap(p.Tags)
		mv.Properties = derefMap(p.Properties)
		mv.URI = deref(p.ModelURI)
	}
	if v.SystemData != nil {
		mv.Created = deref(v.SystemData.CreatedAt)
	}
	return mv
}
