package cloud

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// writeFile creates a file under dir and returns its path and sha256.
func writeFile(t *testing.T, dir, name, content string) (string, string) {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	sum := sha256.Sum256([]byte(content))
	return p, hex.EncodeToString(sum[:])
}

// scaleLoader serves a model whose artifact scale.txt holds a factor k:
// y = k·x on 4 FP32 inputs per row.
func scaleLoader(_ context.Context, m ModelVersion) (ModelConfig, Predictor, error) {
	raw, err := os.ReadFile(filepath.Join(m.URI, "scale.txt"))
	if err != nil {
		return ModelConfig{}, nil, err
	}
	k, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 32)
	if err != nil {
		return ModelConfig{}, nil, err
	}
	cfg := ModelConfig{
		Inputs:       []TensorSpec{{Name: "x", Datatype: FP32, Shape: []int{4}}},
		Outputs:      []TensorSpec{{Name: "y", Datatype: FP32, Shape: []int{4}}},
		MaxBatchSize: 16,
	}
	return cfg, PredictorFunc(func(_ context.Context, in []Tensor) ([]Tensor, error) {
		x := in[0].FP32()
		y := make([]float32, len(x))
		for i, v := range x {
			y[i] = float32(k) * v
		}
		return []Tensor{NewFP32("y", in[0].Shape, y)}, nil
	}), nil
}

func openTestWorkspace(t *testing.T, dir string) *LocalWorkspace {
	t.Helper()
	w, err := OpenLocal(context.Background(), dir, LocalOptions{Load: scaleLoader, Logger: quietLogger(), Seed: 3})
	require.NoError(t, err)
	return w
}

func registerScale(t *testing.T, w *LocalWorkspace, version, k string) ModelVersion {
	t.Helper()
	p, sum := writeFile(t, t.TempDir(), "scale.txt", k)
	mv, err := w.RegisterModel(context.Background(), ModelSpec{
		Name: "scale", Version: version, Tags: map[string]string{"k": k},
		Files: []ArtifactFile{{Name: "scale.txt", Source: p, SHA256: sum}},
	})
	require.NoError(t, err)
	return mv
}

func TestRegistryVersionsAndChecksums(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openTestWorkspace(t, dir)
	src := t.TempDir()
	weights, wsum := writeFile(t, src, "w.bin", "weights")
	cfgPath, _ := writeFile(t, src, "config.json", `{"dim":4}`)

	mv, err := w.RegisterModel(ctx, ModelSpec{
		Name: "clf", Description: "first", Tags: map[string]string{"team": "a"}, Properties: map[string]string{"acc": "0.9"},
		Files: []ArtifactFile{{Name: "weights/w.bin", Source: weights, SHA256: strings.ToUpper(wsum)}, {Name: "config.json", Source: cfgPath}},
	})
	require.NoError(t, err)
	require.Equal(t, "1", mv.Version, "auto-versioning starts at 1")
	stored, err := os.ReadFile(filepath.Join(mv.URI, "weights", "w.bin"))
	require.NoError(t, err)
	require.Equal(t, "weights", string(stored))

	mv2, err := w.RegisterModel(ctx, ModelSpec{Name: "clf", Files: []ArtifactFile{{Name: "w.bin", Source: weights}}})
	require.NoError(t, err)
	require.Equal(t, "2", mv2.Version)

	cases := []struct {
		name string
		spec ModelSpec
		want error
	}{
		{"duplicate version", ModelSpec{Name: "clf", Version: "1", Files: []ArtifactFile{{Name: "w.bin", Source: weights}}}, ErrExists},
		{"missing artifact", ModelSpec{Name: "clf", Version: "9", Files: []ArtifactFile{{Name: "w.bin", Source: filepath.Join(src, "nope")}}}, ErrArtifact},
		{"checksum mismatch", ModelSpec{Name: "clf", Version: "9", Files: []ArtifactFile{
			{Name: "config.json", Source: cfgPath}, {Name: "w.bin", Source: weights, SHA256: strings.Repeat("0", 64)}}}, ErrChecksum},
		{"escaping path", ModelSpec{Name: "clf", Version: "9", Files: []ArtifactFile{{Name: "../w.bin", Source: weights}}}, ErrArtifact},
		{"absolute path", ModelSpec{Name: "clf", Version: "9", Files: []ArtifactFile{{Name: "/etc/w.bin", Source: weights}}}, ErrArtifact},
		{"no files", ModelSpec{Name: "clf", Version: "9"}, ErrArtifact},
		{"bad name", ModelSpec{Name: "a/b", Files: []ArtifactFile{{Name: "w.bin", Source: weights}}}, ErrConfig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := w.RegisterModel(ctx, c.spec)
			require.ErrorIs(t, err, c.want)
			// Nothing half written: no version 9, no staging debris.
			_, err = w.GetModel(ctx, "clf", "9")
			require.ErrorIs(t, err, ErrNotFound)
			_, err = os.Stat(filepath.Join(dir, "models", "clf", "9"))
			require.True(t, os.IsNotExist(err))
			tmp, _ := os.ReadDir(filepath.Join(dir, "tmp"))
			require.Empty(t, tmp)
		})
	}
	got, err := w.GetModel(ctx, "clf", "1")
	require.NoError(t, err)
	require.Equal(t, "first", got.Description)
	require.Equal(t, map[string]string{"acc": "0.9"}, got.Properties)
	require.Equal(t, []FileInfo{{Name: "config.json", Size: 9, SHA256: got.Files[0].SHA256}, {Name: "weights/w.bin", Size: 7, SHA256: wsum}}, got.Files)
	require.NoError(t, w.Close())

	// Reopened, the registry is intact.
	w = openTestWorkspace(t, dir)
	defer w.Close()
	latest, err := w.GetModel(ctx, "clf", "")
	require.NoError(t, err)
	require.Equal(t, "2", latest.Version)
	all, err := w.ListModelVersions(ctx, "clf")
	require.NoError(t, err)
	require.Len(t, all, 2)
	_, err = w.ListModelVersions(ctx, "other")
	require.ErrorIs(t, err, ErrNotFound)
}

func invokeK(t *testing.T, w Workspace, endpoint string, opts InvokeOptions) (float64, string) {
	t.Helper()
	body, err := json.Marshal(InferRequest{Inputs: []Tensor{NewFP32("x", []int{1, 4}, []float32{1, 1, 1, 1})}})
	require.NoError(t, err)
	inv, err := w.Invoke(context.Background(), endpoint, body, opts)
	require.NoError(t, err)
	var resp InferResponse
	require.NoError(t, json.Unmarshal(inv.Body, &resp))
	return float64(resp.Outputs[0].FP32()[0]), inv.Deployment
}

func TestLocalEndpointRolloutWithTrafficSplit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openTestWorkspace(t, dir)
	registerScale(t, w, "1", "2")
	registerScale(t, w, "2", "3")

	ep, err := w.CreateEndpoint(ctx, EndpointSpec{Name: "scorer"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(ep.ScoringURI, "http://127.0.0.1:"))
	_, err = w.CreateEndpoint(ctx, EndpointSpec{Name: "scorer"})
	require.ErrorIs(t, err, ErrExists)

	_, err = w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "scorer", Name: "blue", ModelName: "scale", ModelVersion: "1"})
	require.NoError(t, err)
	_, err = w.SetTraffic(ctx, "scorer", map[string]int{"blue": 100})
	require.NoError(t, err)
	k, dep := invokeK(t, w, "scorer", InvokeOptions{})
	require.Equal(t, 2.0, k)
	require.Equal(t, "blue", dep)

	_, err = w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "scorer", Name: "green", ModelName: "scale", ModelVersion: "2"})
	require.NoError(t, err)
	for _, bad := range []map[string]int{{"blue": 90}, {"blue": 90, "red": 10}, {"blue": 110, "green": -10}} {
		_, err = w.SetTraffic(ctx, "scorer", bad)
		require.ErrorIs(t, err, ErrTraffic, "%v", bad)
	}
	_, err = w.SetTraffic(ctx, "scorer", map[string]int{"blue": 90, "green": 10})
	require.NoError(t, err)
	counts := map[string]int{}
	for range 300 {
		k, dep := invokeK(t, w, "scorer", InvokeOptions{})
		counts[dep]++
		require.Equal(t, map[string]float64{"blue": 2, "green": 3}[dep], k)
	}
	require.InDelta(t, 30, counts["green"], 20, "about 10%% of 300 requests go to green: %v", counts)
	k, dep = invokeK(t, w, "scorer", InvokeOptions{Deployment: "green"})
	require.Equal(t, 3.0, k)
	require.Equal(t, "green", dep)

	_, err = w.SetTraffic(ctx, "scorer", map[string]int{"green": 100})
	require.NoError(t, err)
	require.ErrorIs(t, w.DeleteDeployment(ctx, "scorer", "green"), ErrTraffic)
	require.NoError(t, w.DeleteDeployment(ctx, "scorer", "blue"))
	got, err := w.GetEndpoint(ctx, "scorer")
	require.NoError(t, err)
	require.Equal(t, []string{"green"}, got.Deployments)
	require.Equal(t, map[string]int{"green": 100}, got.Traffic)

	// The key is required.
	resp, err := http.Post(got.ScoringURI, "application/json", bytes.NewReader([]byte("{}")))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// A tampered artifact is refused at deployment.
	mv, err := w.GetModel(ctx, "scale", "1")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(mv.URI, "scale.txt"), []byte("5"), 0o644))
	_, err = w.CreateDeployment(ctx, DeploymentSpec{Endpoint: "scorer", Name: "blue", ModelName: "scale", ModelVersion: "1"})
	require.ErrorIs(t, err, ErrChecksum)
	require.NoError(t, w.Close())

	// Reopened, the endpoint serves again on a new port.
	w = openTestWorkspace(t, dir)
	defer w.Close()
	k, dep = invokeK(t, w, "scorer", InvokeOptions{})
	require.Equal(t, 3.0, k)
	require.Equal(t, "green", dep)
	require.NoError(t, w.DeleteEndpoint(ctx, "scorer"))
	_, err = w.GetEndpoint(ctx, "scorer")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestLocalJobs(t *testing.T) {
	ctx := context.Background()
	w := openTestWorkspace(t, t.TempDir())
	defer w.Close()

	job, err := w.SubmitJob(ctx, JobSpec{Name: "train-1", Command: `echo "epoch 1"; echo "lr=$LR"; echo oops >&2`, EnvVars: map[string]string{"LR": "0.01"}})
	require.NoError(t, err)
	require.Equal(t, "train-1", job.Name)
	var logs bytes.Buffer
	job, err = w.StreamJobLogs(ctx, "train-1", &logs)
	require.NoError(t, err)
	require.Equal(t, JobCompleted, job.Status)
	require.Equal(t, "epoch 1\nlr=0.01\noops\n", logs.String())
	_, err = w.SubmitJob(ctx, JobSpec{Name: "train-1", Command: "true"})
	require.ErrorIs(t, err, ErrExists)

	failed, err := w.SubmitJob(ctx, JobSpec{Command: "exit 3"})
	require.NoError(t, err)
	failed, err = w.StreamJobLogs(ctx, failed.Name, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, JobFailed, failed.Status)
	require.Equal(t, 3, failed.ExitCode)

	long, err := w.SubmitJob(ctx, JobSpec{Command: "echo started; sleep 30"})
	require.NoError(t, err)
	start := time.Now()
	waitFor(t, "the job to start", func() bool {
		b, _ := os.ReadFile(w.logPath(long.Name))
		return len(b) > 0
	})
	require.NoError(t, w.CancelJob(ctx, long.Name))
	long, err = w.StreamJobLogs(ctx, long.Name, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, JobCanceled, long.Status)
	require.Less(t, time.Since(start), 10*time.Second)

	_, err = w.GetJob(ctx, "nope")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = w.SubmitJob(ctx, JobSpec{Command: " "})
	require.ErrorIs(t, err, ErrConfig)
}
