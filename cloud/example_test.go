package cloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/mlprep/mlprep/cloud"
)

// double is a batched model: y = 2x for every row.
var double = cloud.PredictorFunc(func(_ context.Context, in []cloud.Tensor) ([]cloud.Tensor, error) {
	x := in[0].FP32()
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = 2 * v
	}
	return []cloud.Tensor{cloud.NewFP32("y", in[0].Shape, y)}, nil
})

func doubleConfig() cloud.ModelConfig {
	return cloud.ModelConfig{
		Name:         "double",
		Inputs:       []cloud.TensorSpec{{Name: "x", Datatype: cloud.FP32, Shape: []int{3}}},
		Outputs:      []cloud.TensorSpec{{Name: "y", Datatype: cloud.FP32, Shape: []int{3}}},
		MaxBatchSize: 32,
	}
}

func ExampleServer() {
	s, err := cloud.NewServer(cloud.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	if err := s.Load(doubleConfig(), double); err != nil {
		panic(err)
	}
	// Serve(ctx, listener) is the production entry point; a test server
	// is enough here.
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()

	body, _ := json.Marshal(cloud.InferRequest{ID: "r1", Inputs: []cloud.Tensor{
		cloud.NewFP32("x", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
	}})
	resp, err := http.Post(hs.URL+"/v2/models/double/infer", "application/json", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(raw))

	resp, _ = http.Post(hs.URL+"/v2/models/double/infer", "application/json", bytes.NewReader([]byte(`{"inputs":[{"name":"x","shape":[1,3],"datatype":"INT64","data":[1,2,3]}]}`)))
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(raw))
	// Output:
	// 200 {"model_name":"double","model_version":"1","id":"r1","outputs":[{"name":"y","datatype":"FP32","shape":[2,3],"data":[2,4,6,8,10,12]}]}
	// 400 {"error":"cloud: invalid inference request: input \"x\" has datatype INT64, model double wants FP32"}
}

func ExampleInferRequest_UnmarshalJSON() {
	var req cloud.InferRequest
	err := json.Unmarshal([]byte(`{
		"id": "7",
		"parameters": {"timeout": 5000},
		"inputs": [{"name": "x", "datatype": "INT64", "shape": [2, 2], "data": [[1, 2], [3, 4]]}],
		"outputs": [{"name": "y"}]
	}`), &req)
	if err != nil {
		panic(err)
	}
	in := req.Inputs[0]
	fmt.Println(req.ID, req.Parameters["timeout"], in.Name, in.Datatype, in.Shape, in.INT64(), req.Outputs[0].Name)

	err = json.Unmarshal([]byte(`{"inputs":[{"name":"x","datatype":"FP32","shape":[2,2],"data":[1,2,3]}]}`), &req)
	fmt.Println(err)
	// Output:
	// 7 5000 x INT64 [2 2] [1 2 3 4] y
	// cloud: invalid inference request: shape [2 2] needs 4 elements, data has 3 (tensor "x")
}

// A canary rollout on the local backend: the endpoint's server applies the
// traffic split to each request.
func ExampleLocalWorkspace() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "workspace-")
	defer os.RemoveAll(dir)
	load := func(context.Context, cloud.ModelVersion) (cloud.ModelConfig, cloud.Predictor, error) {
		return doubleConfig(), double, nil
	}
	ws, err := cloud.OpenLocal(ctx, dir, cloud.LocalOptions{Load: load, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	defer ws.Close()

	artifact := filepath.Join(dir, "weights.bin")
	os.WriteFile(artifact, []byte("weights"), 0o644)
	for range 2 {
		mv, err := ws.RegisterModel(ctx, cloud.ModelSpec{Name: "double", Files: []cloud.ArtifactFile{{Name: "weights.bin", Source: artifact}}})
		if err != nil {
			panic(err)
		}
		fmt.Printf("registered %s:%s sha256 %.16s…\n", mv.Name, mv.Version, mv.Files[0].SHA256)
	}
	ws.CreateEndpoint(ctx, cloud.EndpointSpec{Name: "demo"})
	ws.CreateDeployment(ctx, cloud.DeploymentSpec{Endpoint: "demo", Name: "blue", ModelName: "double", ModelVersion: "1"})
	ws.CreateDeployment(ctx, cloud.DeploymentSpec{Endpoint: "demo", Name: "green", ModelName: "double", ModelVersion: "2"})
	if _, err := ws.SetTraffic(ctx, "demo", map[string]int{"blue": 90, "green": 20}); err != nil {
		fmt.Println(err)
	}
	ep, _ := ws.SetTraffic(ctx, "demo", map[string]int{"blue": 90, "green": 10})
	fmt.Println("traffic:", ep.Traffic)

	body, _ := json.Marshal(cloud.InferRequest{Inputs: []cloud.Tensor{cloud.NewFP32("x", []int{1, 3}, []float32{1, 2, 3})}})
	inv, err := ws.Invoke(ctx, "demo", body, cloud.InvokeOptions{Deployment: "green"})
	if err != nil {
		panic(err)
	}
	var resp cloud.InferResponse
	json.Unmarshal(inv.Body, &resp)
	fmt.Println(inv.Deployment, resp.ModelVersion, resp.Outputs[0].FP32())
	// Output:
	// registered double:1 sha256 9a129038d9a00aed…
	// registered double:2 sha256 9a129038d9a00aed…
	// cloud: invalid traffic split: percentages add up to 110, not 100 (or 0 for no traffic)
	// traffic: map[blue:90 green:10]
	// green 2 [2 4 6]
}
