package cloud

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// armServer is a small in-memory Azure Resource Manager for the Machine
// Learning resources the Azure backend uses. It checks what the SDK sends
// (paths, api-version, bearer token, required body fields) and answers as
// ARM does: JSON documents with id/name/type/systemData, long-running PUTs
// with Azure-AsyncOperation, DELETE and cancel with Location polling, and
// provisioning states that move from Creating/Updating to a terminal state
// after a few polls. A scoring server stands in for the endpoints' hosts.
type armServer struct {
	t       *testing.T
	srv     *httptest.Server
	scoring *httptest.Server

	mu       sync.Mutex
	docs     map[string]map[string]any // resource path → ARM document
	ops      map[string]*armOp
	puts     map[string][]map[string]any // PUT bodies by resource path
	stuck    map[string]bool             // resource paths whose updates never finish
	failing  map[string]bool             // resource paths whose provisioning fails
	nextOp   int
	requests int
}

// armOp is a long-running operation on one resource.
type armOp struct {
	path   string
	polls  int
	result string // terminal state once polls reach armPollsToFinish
	delete bool
	cancel bool
}

const (
	armAPIVersion    = "2024-04-01"
	armToken         = "test-token"
	armWorkspacePath = "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1"
	armPollsToFinish = 2
)

func newARMServer(t *testing.T) *armServer {
	a := &armServer{
		t: t, docs: map[string]map[string]any{}, ops: map[string]*armOp{},
		puts: map[string][]map[string]any{}, stuck: map[string]bool{}, failing: map[string]bool{},
	}
	a.srv = httptest.NewTLSServer(http.HandlerFunc(a.serve))
	a.scoring = httptest.NewServer(http.HandlerFunc(a.score))
	t.Cleanup(func() { a.srv.Close(); a.scoring.Close() })
	return a
}

func writeARMError(w http.ResponseWriter, code int, errCode, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-ms-error-code", errCode)
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": errCode, "message": msg}})
}

func armJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (a *armServer) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests++
	if got := r.URL.Query().Get("api-version"); got != armAPIVersion {
		a.t.Errorf("%s %s: api-version %q, want %q", r.Method, r.URL.Path, got, armAPIVersion)
		writeARMError(w, http.StatusBadRequest, "InvalidApiVersionParameter", "bad api-version")
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+armToken {
		a.t.Errorf("%s %s: Authorization %q", r.Method, r.URL.Path, got)
		writeARMError(w, http.StatusUnauthorized, "AuthenticationFailed", "no token")
		return
	}
	if op, ok := strings.CutPrefix(r.URL.Path, "/operations/"); ok {
		a.pollOperation(w, op, false)
		return
	}
	if op, ok := strings.CutPrefix(r.URL.Path, "/operationResults/"); ok {
		a.pollOperation(w, op, true)
		return
	}
	rel, ok := strings.CutPrefix(r.URL.Path, armWorkspacePath+"/")
	if !ok {
		a.t.Errorf("%s %s: not under the workspace", r.Method, r.URL.Path)
		writeARMError(w, http.StatusNotFound, "ResourceNotFound", "unknown workspace")
		return
	}
	parts := strings.Split(rel, "/")
	var body map[string]any
	if r.Method == http.MethodPut {
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &body); err != nil {
			writeARMError(w, http.StatusBadRequest, "InvalidRequestContent", err.Error())
			return
		}
		var sent map[string]any // what the SDK sent, before the server adds to body
		json.Unmarshal(raw, &sent)
		a.puts[rel] = append(a.puts[rel], sent)
	}
	switch {
	case match(parts, "models", "*", "versions") && r.Method == http.MethodGet:
		a.list(w, "models/"+parts[1]+"/versions/")
	case match(parts, "models", "*", "versions", "*"):
		a.crud(w, r, rel, body, "Microsoft.MachineLearningServices/workspaces/models/versions", false)
	case match(parts, "onlineEndpoints", "*", "listKeys") && r.Method == http.MethodPost:
		if a.docs["onlineEndpoints/"+parts[1]] == nil {
			writeARMError(w, http.StatusNotFound, "ResourceNotFound", "no endpoint")
			return
		}
		armJSON(w, http.StatusOK, map[string]any{"primaryKey": "pk-" + parts[1], "secondaryKey": "sk-" + parts[1]})
	case match(parts, "onlineEndpoints", "*", "deployments") && r.Method == http.MethodGet:
		a.list(w, "onlineEndpoints/"+parts[1]+"/deployments/")
	case match(parts, "onlineEndpoints", "*", "deployments", "*"):
		if a.docs["onlineEndpoints/"+parts[1]] == nil {
			writeARMError(w, http.StatusNotFound, "ResourceNotFound", "no endpoint")
			return
		}
		a.crud(w, r, rel, body, "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", true)
	case match(parts, "onlineEndpoints", "*"):
		a.crud(w, r, rel, body, "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", true)
	case match(parts, "jobs", "*", "cancel") && r.Method == http.MethodPost:
		job := a.docs["jobs/"+parts[1]]
		if job == nil {
			writeARMError(w, http.StatusNotFound, "ResourceNotFound", "no job")
			return
		}
		a.startOperation(w, &armOp{path: "jobs/" + parts[1], cancel: true, result: "Canceled"}, http.StatusAccepted, true)
	case match(parts, "jobs", "*"):
		a.crud(w, r, rel, body, "Microsoft.MachineLearningServices/workspaces/jobs", false)
	default:
		a.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		writeARMError(w, http.StatusNotFound, "NoRoute", "no route")
	}
}

// match reports whether parts has the pattern's shape ("*" = any segment).
func match(parts []string, pattern ...string) bool {
	if len(parts) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		if p != "*" && !strings.EqualFold(p, parts[i]) {
			return false
		}
	}
	return true
}

func (a *armServer) list(w http.ResponseWriter, prefix string) {
	var paths []string
	for p := range a.docs {
		if rest, ok := strings.CutPrefix(p, prefix); ok && !strings.Contains(rest, "/") {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	value := []any{}
	for _, p := range paths {
		value = append(value, a.docs[p])
	}
	armJSON(w, http.StatusOK, map[string]any{"value": value})
}

func (a *armServer) crud(w http.ResponseWriter, r *http.Request, rel string, body map[string]any, typ string, lro bool) {
	doc := a.docs[rel]
	switch r.Method {
	case http.MethodGet:
		if doc == nil {
			writeARMError(w, http.StatusNotFound, "ResourceNotFound", rel+" not found")
			return
		}
		if strings.HasPrefix(rel, "jobs/") {
			advanceJob(doc)
		}
		armJSON(w, http.StatusOK, doc)
	case http.MethodDelete:
		if doc == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		setState(doc, "Deleting")
		a.startOperation(w, &armOp{path: rel, delete: true, result: "Succeeded"}, http.StatusAccepted, true)
	case http.MethodPut:
		if msg := a.validate(rel, body); msg != "" {
			writeARMError(w, http.StatusBadRequest, "UserError", msg)
			return
		}
		name := rel[strings.LastIndex(rel, "/")+1:]
		created := time.Now().UTC().Format(time.RFC3339Nano)
		if doc != nil {
			created = doc["systemData"].(map[string]any)["createdAt"].(string)
		}
		body["id"], body["name"], body["type"] = armWorkspacePath+"/"+rel, name, typ
		body["systemData"] = map[string]any{"createdAt": created, "createdBy": "test"}
		props := body["properties"].(map[string]any)
		if strings.HasPrefix(rel, "onlineEndpoints/") && !strings.Contains(rel, "/deployments/") {
			props["scoringUri"] = a.scoring.URL + "/" + name + "/score"
		}
		if strings.HasPrefix(rel, "jobs/") {
			props["status"] = "Queued"
			props["services"] = map[string]any{"Studio": map[string]any{"endpoint": "https://ml.azure.com/runs/" + name}}
		}
		code := http.StatusCreated
		if doc != nil {
			code = http.StatusOK
		}
		a.docs[rel] = body
		if !lro {
			armJSON(w, code, body)
			return
		}
		state := "Creating"
		if doc != nil {
			state = "Updating"
		}
		setState(body, state)
		result := "Succeeded"
		if a.failing[rel] {
			result = "Failed"
		}
		a.startOperation(w, &armOp{path: rel, result: result}, code, false)
	}
}

// validate checks the fields Azure requires of each kind of resource.
func (a *armServer) validate(rel string, body map[string]any) string {
	props, _ := body["properties"].(map[string]any)
	if props == nil {
		return "properties is required"
	}
	switch {
	case strings.HasPrefix(rel, "models/"):
		if props["modelUri"] == nil {
			return "modelUri is required"
		}
	case strings.Contains(rel, "/deployments/"):
		model, _ := props["model"].(string)
		rest, _ := strings.CutPrefix(model, armWorkspacePath+"/")
		if props["endpointComputeType"] != "Managed" || a.docs[rest] == nil {
			return fmt.Sprintf("a managed deployment of an existing model version is required, got %v", props)
		}
		sku, _ := body["sku"].(map[string]any)
		if body["location"] == nil || sku == nil || sku["capacity"].(float64) < 1 || props["instanceType"] == nil {
			return "location, sku.capacity and instanceType are required"
		}
	case strings.HasPrefix(rel, "onlineEndpoints/"):
		if body["location"] == nil || props["authMode"] != "Key" || body["identity"] == nil {
			return "location, identity and authMode Key are required"
		}
		traffic, _ := props["traffic"].(map[string]any)
		for d := range traffic {
			if a.docs[rel+"/deployments/"+d] == nil {
				return "traffic to unknown deployment " + d
			}
		}
	case strings.HasPrefix(rel, "jobs/"):
		if props["jobType"] != "Command" || props["command"] == nil || props["environmentId"] == nil {
			return "a command job needs jobType Command, command and environmentId"
		}
	}
	return ""
}

func setState(doc map[string]any, state string) {
	doc["properties"].(map[string]any)["provisioningState"] = state
}

func (a *armServer) startOperation(w http.ResponseWriter, op *armOp, code int, location bool) {
	a.nextOp++
	id := fmt.Sprintf("op-%d", a.nextOp)
	a.ops[id] = op
	if location {
		w.Header().Set("Location", fmt.Sprintf("%s/operationResults/%s?api-version=%s", a.srv.URL, id, armAPIVersion))
		w.WriteHeader(code)
		return
	}
	w.Header().Set("Azure-AsyncOperation", fmt.Sprintf("%s/operations/%s?api-version=%s", a.srv.URL, id, armAPIVersion))
	armJSON(w, code, a.docs[op.path])
}

// pollOperation answers a poll; after armPollsToFinish polls the
// operation completes, unless its resource is stuck.
func (a *armServer) pollOperation(w http.ResponseWriter, id string, location bool) {
	op := a.ops[id]
	if op == nil {
		writeARMError(w, http.StatusNotFound, "OperationNotFound", id)
		return
	}
	op.polls++
	done := op.polls >= armPollsToFinish && !a.stuck[op.path]
	if done {
		a.finish(op)
	}
	if location {
		if !done {
			w.Header().Set("Location", fmt.Sprintf("%s/operationResults/%s?api-version=%s", a.srv.URL, id, armAPIVersion))
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	status := "InProgress"
	if done {
		status = op.result
	}
	out := map[string]any{"id": id, "name": id, "status": status}
	if status == "Failed" {
		out["error"] = map[string]any{"code": "DeploymentFailed", "message": "image build failed"}
	}
	armJSON(w, http.StatusOK, out)
}

func (a *armServer) finish(op *armOp) {
	doc := a.docs[op.path]
	switch {
	case doc == nil:
	case op.delete:
		for p := range a.docs {
			if p == op.path || strings.HasPrefix(p, op.path+"/") {
				delete(a.docs, p)
			}
		}
	case op.cancel:
		doc["properties"].(map[string]any)["status"] = "Canceled"
	default:
		setState(doc, op.result)
	}
}

// advanceJob moves a job one step along Queued → Running → Completed per read.
func advanceJob(doc map[string]any) {
	props := doc["properties"].(map[string]any)
	switch props["status"] {
	case "Queued":
		props["status"] = "Running"
	case "Running":
		props["status"] = "Completed"
	}
}

// score plays the endpoints' scoring hosts: it checks the key and answers
// with the deployment chosen by header or by the endpoint's traffic (the
// largest share, so tests are deterministic).
func (a *armServer) score(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ep := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/score")
	doc := a.docs["onlineEndpoints/"+ep]
	if doc == nil || r.Header.Get("Authorization") != "Bearer pk-"+ep {
		armJSON(w, http.StatusUnauthorized, map[string]any{"error": "bad key"})
		return
	}
	dep := r.Header.Get("azureml-model-deployment")
	if dep == "" {
		traffic, _ := doc["properties"].(map[string]any)["traffic"].(map[string]any)
		best := -1.0
		for d, pct := range traffic {
			if p := pct.(float64); p > best || p == best && d < dep {
				dep, best = d, p
			}
		}
	}
	if a.docs["onlineEndpoints/"+ep+"/deployments/"+dep] == nil {
		armJSON(w, http.StatusNotFound, map[string]any{"error": "no deployment " + dep})
		return
	}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("azureml-model-deployment", dep)
	armJSON(w, http.StatusOK, map[string]any{"deployment": dep, "echo": string(body)})
}
