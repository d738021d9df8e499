package cloud

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// score posts to a scoring URI with a key, as Azure ML endpoints expect.
func score(ctx context.Context, client *http.Client, uri, key string, body []byte, opts InvokeOptions) (Invocation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, uri, bytes.NewReader(body))
	if err != nil {
		return Invocation{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	if opts.Deployment != "" {
		req.Header.Set("azureml-model-deployment", opts.Deployment)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Invocation{}, fmt.Errorf("cloud: invoking %s: %w", uri, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	inv := Invocation{Deployment: resp.Header.Get("azureml-model-deployment"), Status: resp.StatusCode, Body: out}
	if err != nil {
		return inv, fmt.Errorf("cloud: invoking %s: %w", uri, err)
	}
	if resp.StatusCode != http.StatusOK {
		return inv, fmt.Errorf("cloud: endpoint answered %d: %s", resp.StatusCode, bytes.TrimSpace(out))
	}
	return inv, nil
}
