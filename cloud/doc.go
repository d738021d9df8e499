// Package cloud is model serving and cloud ML operations: a high-concurrency
// HTTP server for any Predictor speaking the Open Inference Protocol v2, and
// Azure-Machine-Learning-style workspace operations — a model registry,
// online endpoints with deployments and a traffic split, command jobs — with
// an offline local backend and an Azure backend over the official SDK.
//
// # Serving: the Open Inference Protocol
//
// KServe, Triton and Seldon share one REST protocol (the "V2 inference
// protocol"), and Server implements it:
//
//	GET  /v2/health/live, /v2/health/ready        liveness, readiness (503 while draining)
//	GET  /v2/models/{name}[/versions/{v}]         metadata: versions, platform, tensor specs
//	GET  /v2/models/{name}[/versions/{v}]/ready
//	POST /v2/models/{name}[/versions/{v}]/infer   inference
//	GET  /metrics                                 Prometheus
//
// A request carries named tensors {"name", "datatype", "shape", "data"}:
// datatype is one of BOOL, UINT8…UINT64, INT8…INT64, FP16, FP32, FP64,
// BYTES; data is a flat row-major array of prod(shape) values, or nested
// exactly as the shape says ([[1,2],[3,4]] for [2,2]). "outputs" names the
// outputs wanted (all by default); "parameters" are string/number/boolean
// maps. The parser (InferRequest.UnmarshalJSON) is strict and decodes data
// straight into typed slices: wrong counts, out-of-range integers, FP32
// overflow, bad nesting and trailing bytes are 400s naming the byte offset
// or tensor. Errors are always {"error": "..."} with the right status: 400
// malformed or mismatched input, 404 unknown model or version, 413 body over
// ServerOptions.MaxBodyBytes, 429 queue full (with Retry-After), 504
// deadline, 500 predictor failure (a panic is recovered and reported).
//
// Several models and versions are served at once. Load makes a new version
// the default for requests without a version; Unload stops routing to a
// version and waits until everything it admitted is answered, so a rollout
// (Load v2, Unload v1) drops no request.
//
// # The binary tensor data extension
//
// Decimal text is an expensive way to move floats: a row of 512 FP32
// values is ~7 KB of JSON whose parsing costs more than a 512×512
// matrix-vector product. Triton's binary tensor data extension (also spoken
// by KServe) sends a body as a JSON object followed by raw tensor bytes:
// the Inference-Header-Content-Length header (HeaderContentLength) gives
// the JSON part's length, each input whose data is binary carries
// "parameters": {"binary_data_size": N} instead of "data", and the N-byte
// blocks follow the JSON in the order of the inputs, little-endian,
// row-major, no padding (BOOL one byte 0 or 1, FP16 IEEE half, BYTES each
// a 4-byte length then the bytes). Outputs come back binary when the
// request sets "binary_data_output": true or an output sets
// "binary_data": true (the output's setting wins); the answer is then
// application/octet-stream with its own Inference-Header-Content-Length.
// The server reports "binary_tensor_data" in GET /v2's extensions.
// DecodeInferRequest/DecodeInferResponse and the EncodeBinary methods are
// the client side. A header length outside the body, a binary_data_size
// that is not a non-negative integer or disagrees with shape × element
// size, a tensor with both data and binary_data_size, bytes left over
// after the last block, or a BOOL byte other than 0/1 are 400s; the sizes
// are checked before anything is allocated, so a body cannot make the
// server allocate more than a small multiple of its own length.
//
// # Dynamic batching and admission control
//
// A Predictor takes a batch: the first dimension of every tensor is rows.
// Each model version has a queue and Instances workers. A worker takes the
// queued requests that fit in MaxBatchSize rows, concatenates them along the
// first dimension, calls Predict once and hands each request its rows back
// (Triton's dynamic batcher). MaxQueueDelay lets the oldest request wait for
// company; with zero delay, batches form from whatever queued while the
// previous batch ran — no added latency, but also little batching when the
// model is fast: on one core the woken worker runs as soon as the first
// request is queued, before the next one has even been read, and batches
// stay at one row (measured at 64 connections: 1.0–1.1 rows). A delay of a
// few requests' HTTP time (500 µs in example 10) gathers ~15. Batching pays
// when the model reuses its weights across rows: one 512×512 matrix
// product over 64 rows streams the weights once instead of 64 times. It
// pays only on the model's share of a request, though (Amdahl): if HTTP and
// decoding cost h per request and the model c₁ per row alone and c_B per row
// in a batch, throughput gains at most (h + c₁)/(h + c_B) — which is why
// the binary extension, by shrinking h, makes batching worth more. And a
// batch of two or three rows can be slower than one row twice: a matrix
// product packs its weight operand on every call, a matrix-vector product
// streams it once, so a Predictor should pick by batch size.
//
// Admission is where overload is decided. The queue is bounded
// (QueueCapacity rows): a request that does not fit is refused with 429 and
// Retry-After before its body is read, so an overloaded server spends almost
// nothing on work it will not do, and the requests it accepts wait at most a
// queue's worth of batches. MaxQueueWait bounds the queue in time rather
// than rows: while the oldest queued request has waited longer, new ones are
// refused, which keeps accepted requests fast even when the machine slows
// down (CoDel's idea). MaxInFlight bounds what the queue does not see: the
// requests admitted and still being read, parsed or encoded, which for a
// small model is most of the work. What no bound inside the server sees is
// the wait before it reads a request at all: a 429 is cheap but not free,
// and with hundreds of connections each refusal's goroutine takes its turn
// on the CPU between the steps of the accepted requests, so on a saturated
// core their latency grows with the number of connections. An unbounded
// queue is the classic pitfall: under sustained overload every request
// waits longer than its client, and the server does only useless work. Each request has a deadline
// (RequestTimeout, shortened by a "timeout" parameter in microseconds as in
// Triton); a request whose deadline passes in the queue is answered 504 and
// never run.
//
// # Slow clients, drain, observability
//
// ReadHeaderTimeout and ReadTimeout cut off slowloris clients that trickle
// headers or bodies; MaxHeaderBytes and MaxBodyBytes bound memory. Serve
// drains when its context ends (wire it to SIGTERM with
// signal.NotifyContext): readiness turns 503, the listener closes, every
// accepted request is answered, then the batchers stop. The tests count the
// answers under load.
//
// Metrics (on a registry per Server unless ServerOptions supplies one):
// mlprep_inference_requests_total{model,code}, request latency histograms,
// queue depth in rows per version, and rows per Predict call. Label values
// are only names of loaded models, never raw URL parts, so scanning random
// paths cannot blow up the series count. Logs are log/slog: load, unload,
// drain at Info, failures at Warn, each request at Debug.
//
// # Workspace operations
//
// Workspace mirrors Azure Machine Learning's model: a registry of model
// versions (tags, properties, artifact files with SHA-256), managed online
// endpoints whose deployments each serve one model version and share
// traffic by percentage (blue/green, canary: 90/10 then 0/100), invocation
// through the endpoint's scoring URI with its key (the azureml-model-
// deployment header pins a deployment), and command jobs with status, logs
// and cancel.
//
// LocalWorkspace runs all of it offline: metadata in SQLite (pure-Go
// modernc.org/sqlite), artifacts under a directory, each endpoint a Server
// on a loopback port with the traffic split drawn per request (seeded), jobs
// as local processes in their own process group. Registration is atomic:
// files are copied and hashed into a staging directory, then the rows are
// inserted and the directory renamed inside one transaction; a duplicate
// version (ErrExists), a missing file (ErrArtifact) or a checksum mismatch
// (ErrChecksum) leaves nothing behind. Deployments re-verify checksums
// before serving.
//
// AzureWorkspace does the same through Azure Resource Manager with the
// armmachinelearning v4 clients (API version 2024-04-01). Creating or
// updating endpoints and deployments are long-running operations: the
// client polls them to a terminal provisioning state, and one that stays in
// Creating or Updating past AzureConfig.OperationTimeout fails with
// ErrTimeout naming the state it is stuck in; Failed or Canceled is
// ErrProvisioning. ARM does not upload artifacts (that is the storage data
// plane), so Azure models are registered by URI, and job logs are reached
// through the Studio link that StreamJobLogs prints with each status
// change.
//
// # Concurrency and errors
//
// Server, LocalWorkspace and AzureWorkspace are safe for concurrent use. A
// Predictor is called by up to Instances goroutines at once. NewFP32 panics
// with a message starting "cloud:" when data and shape disagree (a
// programming error); everything that comes from outside — HTTP bodies,
// files, ARM answers — returns errors that wrap the package's sentinels.
//
// References: KServe, "Open Inference Protocol (V2)" specification; NVIDIA
// Triton Inference Server, "Dynamic Batcher" and "Schedule Policy"
// documentation and "Binary Tensor Data Extension"; G. Tene, "How NOT to
// Measure Latency" (coordinated omission), 2015; Microsoft, "Safe rollout
// for online endpoints" (Azure Machine Learning documentation).
package cloud
