package cloud

import "errors"

// Serving errors. The server answers each with the HTTP status in its
// comment and a JSON body {"error": "..."}.
var (
	// ErrInvalidRequest is a malformed body, an unknown or missing tensor, a
	// wrong datatype or shape (400).
	ErrInvalidRequest = errors.New("cloud: invalid inference request")
	// ErrModelNotFound is an unknown model or version (404).
	ErrModelNotFound = errors.New("cloud: model not found")
	// ErrBodyTooLarge is a request body over ServerOptions.MaxBodyBytes (413).
	ErrBodyTooLarge = errors.New("cloud: request body too large")
	// ErrQueueFull is a request refused because the model's queue is full (429).
	ErrQueueFull = errors.New("cloud: queue full")
	// ErrDeadline is a request whose deadline passed before it was answered (504).
	ErrDeadline = errors.New("cloud: deadline exceeded")
	// ErrUnavailable is a request to a server that is draining (503).
	ErrUnavailable = errors.New("cloud: server unavailable")
	// ErrConfig is an invalid ModelConfig or ServerOptions.
	ErrConfig = errors.New("cloud: invalid configuration")
)

// Workspace errors.
var (
	// ErrNotFound is a model, version, endpoint, deployment or job that does not exist.
	ErrNotFound = errors.New("cloud: not found")
	// ErrExists is a model version, endpoint or deployment that already exists.
	ErrExists = errors.New("cloud: already exists")
	// ErrArtifact is a missing or unreadable artifact file.
	ErrArtifact = errors.New("cloud: artifact missing or unreadable")
	// ErrChecksum is an artifact whose SHA-256 differs from the declared one.
	ErrChecksum = errors.New("cloud: artifact checksum mismatch")
	// ErrTraffic is a traffic split that names unknown deployments or does
	// not add up to 100.
	ErrTraffic = errors.New("cloud: invalid traffic split")
	// ErrProvisioning is a resource whose provisioning ended in Failed or Canceled.
	ErrProvisioning = errors.New("cloud: provisioning failed")
	// ErrTimeout is a long-running operation that did not reach a terminal
	// state in time (an endpoint stuck in Updating, for example).
	ErrTimeout = errors.New("cloud: operation timed out")
	// ErrUnsupported is an operation the backend cannot perform.
	ErrUnsupported = errors.New("cloud: not supported by this backend")
)
