package dockerrt

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/errdefs"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/sts"
	"github.com/longshore/longshore/store"
)

// The task network: every container Longshore starts joins it. Its bridge
// on this machine holds 169.254.170.2, the address where the ECS agent
// serves task metadata and credentials, so that Longshore can serve them
// there without rewriting the machine's packet filter: the Docker daemon
// creates the bridge, and Longshore only binds the address.
const (
	networkName    = "longshore-tasks"
	networkSubnet  = "169.254.170.0/24"
	endpointIP     = "169.254.170.2"
	credentialsTTL = 6 * time.Hour
)

// endpoint is the containers' side of Longshore: metadata, credentials and
// the AWS API, on the task network's gateway.
type endpoint struct {
	url      string
	relative bool // the endpoint holds port 80, where RELATIVE_URI resolves
	network  string
	srv      *http.Server
}

func (e *endpoint) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	e.srv.Shutdown(ctx)
}

// openEndpoint makes sure the task network exists and listens on its
// gateway: port 80 when free (then RELATIVE_URI works as on AWS), else any
// port (then the containers get FULL_URI, which the SDKs accept for
// 169.254.170.2).
func (r *Runtime) openEndpoint(ctx context.Context) (*endpoint, error) {
	if err := r.ensureNetwork(ctx); err != nil {
		return nil, err
	}
	e := &endpoint{network: networkName}
	ln, err := net.Listen("tcp", endpointIP+":80")
	if err == nil {
		e.relative, e.url = true, "http://"+endpointIP
	} else if ln, err = net.Listen("tcp", endpointIP+":0"); err == nil {
		e.url = "http://" + ln.Addr().String()
	} else {
		return nil, errors.New("cannot listen on the task network's gateway " + endpointIP + " (is the Docker Engine on another machine?): " + err.Error())
	}
	e.srv = &http.Server{Handler: http.HandlerFunc(r.serveContainer), ReadHeaderTimeout: 30 * time.Second}
	go e.srv.Serve(ln)
	return e, nil
}

func (r *Runtime) ensureNetwork(ctx context.Context) error {
	if _, err := r.cli.NetworkInspect(ctx, networkName, network.InspectOptions{}); err == nil {
		return nil
	} else if !errdefs.IsNotFound(err) {
		return err
	}
	_, err := r.cli.NetworkCreate(ctx, networkName, network.CreateOptions{Driver: "bridge",
		Labels: map[string]string{"longshore.network": "tasks"},
		IPAM:   &network.IPAM{Config: []network.IPAMConfig{{Subnet: networkSubnet, Gateway: endpointIP}}}})
	if err != nil {
		// Another Longshore may have created it meanwhile.
		if _, e := r.cli.NetworkInspect(ctx, networkName, network.InspectOptions{}); e == nil {
			return nil
		}
	}
	return err
}

// serveContainer answers a container: /v2/credentials/ID, /v4/TOKEN[/task][/stats],
// and everything else is Longshore's AWS API.
func (r *Runtime) serveContainer(w http.ResponseWriter, req *http.Request) {
	p := req.URL.Path
	switch {
	case strings.HasPrefix(p, "/v2/credentials/"):
		r.serveCredentials(w, req, strings.TrimPrefix(p, "/v2/credentials/"))
	case strings.HasPrefix(p, "/v4/"):
		r.serveMetadata(w, req, strings.TrimPrefix(p, "/v4/"))
	default:
		r.mu.Lock()
		h := r.api
		r.mu.Unlock()
		if h == nil {
			http.Error(w, "Longshore's API is not served here", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, req)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// serveCredentials hands out the task role's credentials, in the agent's
// shape. A task without a task role has no credentials address at all.
func (r *Runtime) serveCredentials(w http.ResponseWriter, req *http.Request, id string) {
	r.mu.Lock()
	ref, ok := r.tokens[id]
	r.mu.Unlock()
	if !ok || ref.container != "" || ref.task.role == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": "InvalidIdInRequest",
			"message": "CredentialsV2Request: Credentials not found", "HTTPErrorCode": "400"})
		return
	}
	tk := ref.task
	var creds *ststypes.Credentials
	err := r.st.Write(req.Context(), func(tx *store.Tx) error {
		c := &api.Context{Context: req.Context(), Service: "sts", Operation: "AssumeRole", Region: tk.scope.Region,
			Caller: api.RootPrincipal(tk.scope.Account, ""), Tx: tx}
		var err error
		creds, err = sts.TaskRoleCredentials(c, tk.scope.Account, tk.role, tk.id, credentialsTTL)
		return err
	})
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": "InvalidIdInRequest",
			"message": "CredentialsV2Request: " + err.Error(), "HTTPErrorCode": "400"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"RoleArn":         tk.role,
		"AccessKeyId":     aws.ToString(creds.AccessKeyId),
		"SecretAccessKey": aws.ToString(creds.SecretAccessKey),
		"Token":           aws.ToString(creds.SessionToken),
		"Expiration":      aws.ToTime(creds.Expiration).UTC().Format(time.RFC3339),
	})
}

// serveMetadata answers the task metadata endpoint v4: the container's
// document, the task's, and their Docker stats.
func (r *Runtime) serveMetadata(w http.ResponseWriter, req *http.Request, rest string) {
	tok, sub, _ := strings.Cut(rest, "/")
	r.mu.Lock()
	ref, ok := r.tokens[tok]
	r.mu.Unlock()
	if !ok || ref.container == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "invalid metadata token"})
		return
	}
	tk := ref.task
	var doc *taskMeta
	err := r.st.Read(req.Context(), func(tx *store.Tx) error {
		t, err := ecscore.Tasks.Get(tx, tk.scope, tk.arn)
		if err != nil || t == nil {
			return err
		}
		td, err := ecscore.TaskDefinitions.Get(tx, tk.scope, aws.ToString(t.TaskDefinitionArn))
		if err != nil {
			return err
		}
		r.mu.Lock()
		ctrs := map[string]ctr{}
		for n, c := range tk.ctrs {
			ctrs[n] = *c
		}
		r.mu.Unlock()
		doc = taskMetadata(t, td, ctrs)
		return nil
	})
	if err != nil || doc == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "task not found"})
		return
	}
	switch sub {
	case "":
		for _, c := range doc.Containers {
			if c.Name == ref.container {
				writeJSON(w, http.StatusOK, c)
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "container not found"})
	case "task":
		writeJSON(w, http.StatusOK, doc)
	case "stats":
		for _, c := range doc.Containers {
			if c.Name == ref.container {
				writeJSON(w, http.StatusOK, r.stats(req.Context(), c.DockerID))
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "container not found"})
	case "task/stats":
		out := map[string]any{}
		for _, c := range doc.Containers {
			if c.DockerID != "" {
				out[c.DockerID] = r.stats(req.Context(), c.DockerID)
			}
		}
		writeJSON(w, http.StatusOK, out)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such metadata path"})
	}
}

// stats is Docker's stats document of a container (what the agent relays).
func (r *Runtime) stats(ctx context.Context, id string) any {
	resp, err := r.cli.ContainerStats(ctx, id, false)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil
	}
	return json.RawMessage(b)
}

var _ = strconv.Itoa
