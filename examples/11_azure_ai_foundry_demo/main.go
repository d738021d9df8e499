// Command 11_azure_ai_foundry_demo walks through the operations of an Azure
// Machine Learning (AI Foundry) workspace: register two versions of a model,
// create an online endpoint, deploy version 1 ("blue"), roll out version 2
// ("green") to 10% of traffic and then 100%, invoke the endpoint and count
// which deployment answered, then submit a command job and stream its logs.
//
// By default everything runs offline on the local backend — SQLite
// metadata, artifacts on disk, the endpoint served on loopback with the
// traffic split applied per request, the job as a local process — in
// <out>/workspace. Given an Azure workspace it runs the same steps there:
//
//	go run ./examples/11_azure_ai_foundry_demo                 # local backend
//	go run ./examples/11_azure_ai_foundry_demo -quick          # fewer requests
//	AZURE_ACCESS_TOKEN=$(az account get-access-token --query accessToken -o tsv) \
//	go run ./examples/11_azure_ai_foundry_demo -azure-subscription SUB -azure-resource-group RG \
//	    -azure-workspace WS -azure-location westeurope -azure-model-uri azureml://datastores/.../digits \
//	    -azure-environment azureml:my-env:1 -azure-compute cpu-cluster
//
// On Azure the two model versions must already be uploaded under
// <model-uri>/1 and <model-uri>/2 (ARM registers artifacts, it does not
// upload them), and the deployments' environment must serve the Open
// Inference Protocol (for example a Triton or MLServer image).
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/mlprep/mlprep/cloud"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/kernels"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/nn"
)

const seed = 11

type azureFlags struct {
	subscription, resourceGroup, workspace, location string
	modelURI, environment, compute, instanceType     string
}

func main() {
	var az azureFlags
	flag.StringVar(&az.subscription, "azure-subscription", os.Getenv("AZURE_SUBSCRIPTION_ID"), "Azure subscription ID (empty: local backend)")
	flag.StringVar(&az.resourceGroup, "azure-resource-group", os.Getenv("AZURE_RESOURCE_GROUP"), "resource group of the workspace")
	flag.StringVar(&az.workspace, "azure-workspace", os.Getenv("AZURE_ML_WORKSPACE"), "Azure Machine Learning workspace")
	flag.StringVar(&az.location, "azure-location", "westeurope", "region for the endpoint and deployments")
	flag.StringVar(&az.modelURI, "azure-model-uri", "", "storage prefix holding the model versions (…/1, …/2)")
	flag.StringVar(&az.environment, "azure-environment", "", "environment ID for the deployments and the job")
	flag.StringVar(&az.compute, "azure-compute", "", "compute cluster for the job")
	flag.StringVar(&az.instanceType, "azure-instance-type", "Standard_DS3_v2", "VM size of the deployments")
	opts := lesson.Parse()
	if err := run(context.Background(), opts, az); err != nil {
		lesson.Fatal(err)
	}
}

func run(ctx context.Context, opts *lesson.Options, az azureFlags) error {
	ws, backend, err := openWorkspace(ctx, opts, az)
	if err != nil {
		return err
	}
	defer ws.Close()
	fmt.Println("backend:", backend)

	// 1. Two versions of a digit classifier: one barely trained, one trained.
	train, test := datasets.Digits().Split(1500, seed)
	requests := len(test.Y)
	if opts.Quick {
		requests = 200
	}
	versions := []struct{ epochs int }{{1}, {30}}
	for i, v := range versions {
		spec, acc, err := trainVersion(ctx, opts, train, test, v.epochs, i+1)
		if err != nil {
			return err
		}
		if az.subscription != "" {
			spec.Files, spec.URI = nil, fmt.Sprintf("%s/%d", az.modelURI, i+1)
		}
		mv, err := ws.RegisterModel(ctx, spec)
		if err != nil {
			return err
		}
		fmt.Printf("registered %s:%s (%d epochs, held-out accuracy %.3f)", mv.Name, mv.Version, v.epochs, acc)
		for _, f := range mv.Files {
			fmt.Printf(", %s sha256 %.12s…", f.Name, f.SHA256)
		}
		fmt.Println()
	}

	// 2. An endpoint with version 1 taking all traffic.
	ep, err := ws.CreateEndpoint(ctx, cloud.EndpointSpec{Name: "digits", Description: "digit classifier"})
	if err != nil {
		return err
	}
	fmt.Println("endpoint digits:", ep.ScoringURI)
	deploy := func(name, version string) error {
		d, err := ws.CreateDeployment(ctx, cloud.DeploymentSpec{
			Endpoint: "digits", Name: name, ModelName: "digits-linear", ModelVersion: version,
			InstanceType: az.instanceType, InstanceCount: 1, Environment: az.environment, MaxBatchSize: 32,
		})
		if err == nil {
			fmt.Printf("deployment %s: model %s:%s, %s\n", d.Name, d.ModelName, d.ModelVersion, d.ProvisioningState)
		}
		return err
	}
	if err := deploy("blue", "1"); err != nil {
		return err
	}
	if _, err := ws.SetTraffic(ctx, "digits", map[string]int{"blue": 100}); err != nil {
		return err
	}

	// 3. Canary: version 2 as "green" at 10%, then 100%.
	if err := deploy("green", "2"); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Println()
	fmt.Fprintln(tw, "traffic (blue/green)\trequests\tanswered by blue\tanswered by green\taccuracy blue\taccuracy green\t")
	var canaryShare float64
	for _, split := range []map[string]int{{"blue": 90, "green": 10}, {"green": 100}} {
		if _, err := ws.SetTraffic(ctx, "digits", split); err != nil {
			return err
		}
		counts, correct, err := invokeAll(ctx, ws, test, requests)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%d/%d\t%d\t%d\t%d\t%s\t%s\t\n", split["blue"], split["green"], requests,
			counts["blue"], counts["green"], ratio(correct["blue"], counts["blue"]), ratio(correct["green"], counts["green"]))
		if split["green"] == 10 {
			canaryShare = float64(counts["green"]) / float64(requests)
		}
	}
	tw.Flush()
	if err := ws.DeleteDeployment(ctx, "digits", "blue"); err != nil {
		return err
	}
	ep, err = ws.GetEndpoint(ctx, "digits")
	if err != nil {
		return err
	}
	fmt.Printf("blue retired; endpoint deployments %v, traffic %v\n", ep.Deployments, ep.Traffic)

	// 4. A command job with its logs streamed.
	fmt.Println("\njob:")
	job, err := ws.SubmitJob(ctx, cloud.JobSpec{
		DisplayName: "evaluate-digits", Experiment: "rollout",
		Command:     `echo "evaluating digits-linear:$MODEL_VERSION"; for shard in 1 2 3; do echo "shard $shard/3 done"; sleep 0.05; done; echo "report written"`,
		EnvVars:     map[string]string{"MODEL_VERSION": "2"},
		Environment: az.environment, Compute: az.compute,
	})
	if err != nil {
		return err
	}
	job, err = ws.StreamJobLogs(ctx, job.Name, prefixed{os.Stdout})
	if err != nil {
		return err
	}
	fmt.Printf("job %s: %s\n", job.Name, job.Status)
	if err := ws.DeleteEndpoint(ctx, "digits"); err != nil {
		return err
	}
	lesson.Headline("%s: canary green took %.0f%% of %d requests at a 10%% split, then all; job %s",
		backend, 100*canaryShare, requests, job.Status)
	return nil
}

// openWorkspace opens Azure when a subscription is given, else a fresh
// local workspace in <out>/workspace.
func openWorkspace(ctx context.Context, opts *lesson.Options, az azureFlags) (cloud.Workspace, string, error) {
	if az.subscription != "" {
		token := os.Getenv("AZURE_ACCESS_TOKEN")
		if token == "" || az.modelURI == "" || az.environment == "" {
			return nil, "", fmt.Errorf("azure: set AZURE_ACCESS_TOKEN, -azure-model-uri and -azure-environment")
		}
		w, err := cloud.OpenAzure(cloud.AzureConfig{
			SubscriptionID: az.subscription, ResourceGroup: az.resourceGroup, Workspace: az.workspace,
			Location: az.location, Credential: cloud.StaticToken(token),
		})
		return w, "azure " + az.workspace, err
	}
	dir, err := opts.File("workspace")
	if err != nil {
		return nil, "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, "", err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w, err := cloud.OpenLocal(ctx, dir, cloud.LocalOptions{Load: loadLinear, Seed: seed, Logger: logger})
	fmt.Println("local workspace:", dir)
	return w, "local backend", err
}

// trainVersion fits a softmax regression on the digits and writes it as
// model.json + weights.f32 for registration.
func trainVersion(ctx context.Context, opts *lesson.Options, train, test *datasets.Images, epochs, version int) (cloud.ModelSpec, float64, error) {
	rng := nn.NewRand(seed + uint64(version))
	layer := nn.NewDense(train.Dim(), train.Classes, rng)
	x := nn.MatFrom(train.N, train.Dim(), train.X)
	if _, err := nn.TrainClassifier(ctx, layer, x, train.Y, nn.TrainOptions{
		Epochs: epochs, BatchSize: 32, Optimizer: &nn.SGD{LR: 0.05}, Rand: rng,
	}); err != nil {
		return cloud.ModelSpec{}, 0, err
	}
	pred := nn.Predict(layer, nn.MatFrom(test.N, test.Dim(), test.X), 256)
	acc := 0.0
	for i, p := range pred {
		if p == test.Y[i] {
			acc++
		}
	}
	acc /= float64(test.N)

	dir, err := opts.File(fmt.Sprintf("artifacts/v%d", version))
	if err != nil {
		return cloud.ModelSpec{}, 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return cloud.ModelSpec{}, 0, err
	}
	meta, _ := json.Marshal(linearMeta{In: layer.In(), Out: layer.Out()})
	var weights bytes.Buffer
	binary.Write(&weights, binary.LittleEndian, layer.W.Value.Data)
	binary.Write(&weights, binary.LittleEndian, layer.B.Value.Data)
	for name, data := range map[string][]byte{"model.json": meta, "weights.f32": weights.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return cloud.ModelSpec{}, 0, err
		}
	}
	return cloud.ModelSpec{
		Name: "digits-linear", Version: fmt.Sprint(version),
		Description: "softmax regression on the 8×8 digits",
		Tags:        map[string]string{"epochs": fmt.Sprint(epochs)},
		Properties:  map[string]string{"accuracy": fmt.Sprintf("%.4f", acc)},
		Files: []cloud.ArtifactFile{
			{Name: "model.json", Source: filepath.Join(dir, "model.json")},
			{Name: "weights.f32", Source: filepath.Join(dir, "weights.f32")},
		},
	}, acc, nil
}

type linearMeta struct{ In, Out int }

// loadLinear is the local backend's loader: it reads the artifacts back
// into a batched predictor, probs = softmax(x Wᵀ + b).
func loadLinear(_ context.Context, m cloud.ModelVersion) (cloud.ModelConfig, cloud.Predictor, error) {
	raw, err := os.ReadFile(filepath.Join(m.URI, "model.json"))
	if err != nil {
		return cloud.ModelConfig{}, nil, err
	}
	var meta linearMeta
	if err := json.Unmarshal(raw, &meta); err != nil {
		return cloud.ModelConfig{}, nil, err
	}
	raw, err = os.ReadFile(filepath.Join(m.URI, "weights.f32"))
	if err != nil {
		return cloud.ModelConfig{}, nil, err
	}
	if len(raw) != 4*(meta.In+1)*meta.Out {
		return cloud.ModelConfig{}, nil, fmt.Errorf("weights.f32 has %d bytes, want %d", len(raw), 4*(meta.In+1)*meta.Out)
	}
	params := make([]float32, (meta.In+1)*meta.Out)
	binary.Read(bytes.NewReader(raw), binary.LittleEndian, params)
	w, b := params[:meta.In*meta.Out], params[meta.In*meta.Out:]
	cfg := cloud.ModelConfig{
		Inputs:  []cloud.TensorSpec{{Name: "pixels", Datatype: cloud.FP32, Shape: []int{meta.In}}},
		Outputs: []cloud.TensorSpec{{Name: "probs", Datatype: cloud.FP32, Shape: []int{meta.Out}}},
	}
	return cfg, cloud.PredictorFunc(func(_ context.Context, in []cloud.Tensor) ([]cloud.Tensor, error) {
		rows := in[0].Shape[0]
		z := make([]float32, rows*meta.Out)
		for r := range rows {
			copy(z[r*meta.Out:], b)
		}
		kernels.Sgemm(false, true, rows, meta.Out, meta.In, 1, in[0].FP32(), meta.In, w, meta.In, 1, z, meta.Out)
		probs := nn.MatFrom(rows, meta.Out, z)
		nn.Softmax(probs, probs)
		return []cloud.Tensor{cloud.NewFP32("probs", []int{rows, meta.Out}, z)}, nil
	}), nil
}

// invokeAll sends test images one request each and counts, per answering
// deployment, the answers and the correct ones.
func invokeAll(ctx context.Context, ws cloud.Workspace, test *datasets.Images, n int) (counts, correct map[string]int, err error) {
	counts, correct = map[string]int{}, map[string]int{}
	for i := range n {
		i %= test.N
		body, err := json.Marshal(cloud.InferRequest{Inputs: []cloud.Tensor{cloud.NewFP32("pixels", []int{1, test.Dim()}, test.Image(i))}})
		if err != nil {
			return nil, nil, err
		}
		inv, err := ws.Invoke(ctx, "digits", body, cloud.InvokeOptions{})
		if err != nil {
			return nil, nil, err
		}
		var resp cloud.InferResponse
		if err := json.Unmarshal(inv.Body, &resp); err != nil {
			return nil, nil, fmt.Errorf("deployment %s answered %q: %w", inv.Deployment, inv.Body, err)
		}
		counts[inv.Deployment]++
		if argmax(resp.Outputs[0].FP32()) == test.Y[i] {
			correct[inv.Deployment]++
		}
	}
	return counts, correct, nil
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

func ratio(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

// prefixed indents streamed job logs.
type prefixed struct{ w *os.File }

func (p prefixed) Write(b []byte) (int, error) {
	lines := bytes.SplitAfter(b, []byte("\n"))
	for _, l := range lines {
		if len(l) > 0 {
			fmt.Fprintf(p.w, "  | %s", l)
		}
	}
	return len(b), nil
}
