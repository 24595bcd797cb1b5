package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services"
	"github.com/longshore/longshore/services/api"
)

// The request-path benchmarks run side by side with a bare net/http handler
// answering a fixed body, so the ratio between them is Longshore's overhead:
//
//	go test ./server -bench . -benchmem -count 10 | benchstat -

const stsBody = "Action=GetCallerIdentity&Version=2011-06-15"

const stsAuth = "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x"

// taskDefinitionBody is an ECS-sized JSON document: about 50 members with nested lists.
var taskDefinitionBody = func() string {
	in := map[string]any{
		"family": "web", "networkMode": "awsvpc", "cpu": "512", "memory": "1024",
		"requiresCompatibilities": []string{"FARGATE"},
		"executionRoleArn":        "arn:aws:iam::000000000000:role/exec", "taskRoleArn": "arn:aws:iam::000000000000:role/task",
		"tags":    []map[string]string{{"key": "team", "value": "web"}, {"key": "env", "value": "dev"}},
		"volumes": []map[string]any{{"name": "data", "efsVolumeConfiguration": map[string]any{"fileSystemId": "fs-1", "rootDirectory": "/"}}},
	}
	var containers []map[string]any
	for _, name := range []string{"app", "sidecar"} {
		containers = append(containers, map[string]any{
			"name": name, "image": "public.ecr.aws/nginx/nginx:1.25", "cpu": 256, "memory": 512, "essential": true,
			"portMappings": []map[string]any{{"containerPort": 80, "hostPort": 80, "protocol": "tcp", "name": "http"}},
			"environment":  []map[string]string{{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}},
			"secrets":      []map[string]string{{"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/db"}},
			"command":      []string{"nginx", "-g", "daemon off;"},
			"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]string{
				"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}},
			"healthCheck":  map[string]any{"command": []string{"CMD-SHELL", "curl -f http://localhost/"}, "interval": 30, "retries": 3},
			"dockerLabels": map[string]string{"app": "web"}, "ulimits": []map[string]any{{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}},
			"mountPoints": []map[string]any{{"sourceVolume": "data", "containerPath": "/data"}},
		})
	}
	in["containerDefinitions"] = containers
	b, _ := json.Marshal(in)
	return string(b)
}()

// benchSet serves GetCallerIdentity (the real STS) and an echo of
// RegisterTaskDefinition that turns the input into the output document.
func benchSet(cfg services.Config) *services.Set {
	set := services.New(cfg)
	e := api.NewService("ecs")
	api.Handle(e, "RegisterTaskDefinition", func(c *api.Context, in *ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionOutput, error) {
		return &ecs.RegisterTaskDefinitionOutput{Tags: in.Tags, TaskDefinition: &types.TaskDefinition{
			Family: in.Family, ContainerDefinitions: in.ContainerDefinitions, Cpu: in.Cpu, Memory: in.Memory,
			NetworkMode: in.NetworkMode, Volumes: in.Volumes, RequiresCompatibilities: in.RequiresCompatibilities,
			ExecutionRoleArn: in.ExecutionRoleArn, TaskRoleArn: in.TaskRoleArn, Revision: 1, Status: types.TaskDefinitionStatusActive,
			TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task-definition/web:1"),
			Compatibilities:   []types.Compatibility{types.CompatibilityEc2, types.CompatibilityFargate},
		}}, nil
	})
	for i, s := range set.Services {
		if s.Name == "ecs" {
			set.Services[i] = e
		}
	}
	return set
}

func newBenchServer(b *testing.B) *Server {
	s, err := New(Config{Services: benchSet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

var fixed = fixedBody("text/xml", []byte(`<GetCallerIdentityResponse><GetCallerIdentityResult><Account>000000000000</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`))

// fixedBody answers every request with body, doing no other work.
func fixedBody(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	}
}

// loopback serves h on a real loopback listener and posts body to it b.N times.
func loopback(b *testing.B, h http.Handler, header map[string]string, body string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	b.Cleanup(func() { hs.Shutdown(context.Background()) })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	url := "http://" + ln.Addr().String() + "/"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// inProcess calls h directly, without a network: the server's own cost.
// Requests carry a context that can be cancelled, as net/http's do.
func inProcess(b *testing.B, h http.Handler, header map[string]string, body string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequestWithContext(ctx, "POST", "/", strings.NewReader(body))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

var (
	stsHeader = map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": stsAuth}
	ecsHeader = map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition"}
)

func BenchmarkLoopback(b *testing.B) {
	b.Run("bare", func(b *testing.B) { loopback(b, fixed, stsHeader, stsBody) })
	b.Run("GetCallerIdentity", func(b *testing.B) { loopback(b, newBenchServer(b).Handler, stsHeader, stsBody) })
	b.Run("bare-ecs-sized", func(b *testing.B) { loopback(b, fixed, ecsHeader, taskDefinitionBody) })
	b.Run("RegisterTaskDefinition", func(b *testing.B) { loopback(b, newBenchServer(b).Handler, ecsHeader, taskDefinitionBody) })
}

func BenchmarkInProcess(b *testing.B) {
	b.Run("bare", func(b *testing.B) { inProcess(b, fixed, stsHeader, stsBody) })
	b.Run("GetCallerIdentity", func(b *testing.B) { inProcess(b, newBenchServer(b).Handler, stsHeader, stsBody) })
	b.Run("RegisterTaskDefinition", func(b *testing.B) { inProcess(b, newBenchServer(b).Handler, ecsHeader, taskDefinitionBody) })
}

// The echo must really round-trip the document, or the benchmark measures nothing.
func TestBenchEchoRoundTrips(t *testing.T) {
	s, err := New(Config{Services: benchSet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	req := httptest.NewRequest("POST", "/", strings.NewReader(taskDefinitionBody))
	for k, v := range ecsHeader {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.Handler.ServeHTTP(w, req)
	if w.Code != 200 || !bytes.Contains(w.Body.Bytes(), []byte(`"awslogs-stream-prefix":"web"`)) || !bytes.Contains(w.Body.Bytes(), []byte(`"softLimit":1024`)) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// newRealServer is the standard service set, with one cluster and one role
// created, for reads measured against the fixed-body handler.
func newRealServer(b *testing.B) *Server {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	for _, r := range []struct {
		header map[string]string
		body   string
	}{
		{map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateCluster"}, `{"clusterName":"bench"}`},
		{iamHeader, "Action=CreateRole&Version=2010-05-08&RoleName=bench&AssumeRolePolicyDocument=" + url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)},
	} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(r.body))
		for k, v := range r.header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		s.Handler.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("seed: %d %s", w.Code, w.Body)
		}
	}
	return s
}

var iamHeader = map[string]string{"Content-Type": "application/x-www-form-urlencoded",
	"Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x"}

// BenchmarkReads are real reads beside the fixed-body handler: the ratio of
// their ns/op to bare's is the server's cost per call.
func BenchmarkReads(b *testing.B) {
	b.Run("bare", func(b *testing.B) { inProcess(b, fixed, stsHeader, stsBody) })
	b.Run("DescribeClusters", func(b *testing.B) {
		inProcess(b, newRealServer(b).Handler, map[string]string{"Content-Type": "application/x-amz-json-1.1",
			"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DescribeClusters"}, `{"clusters":["bench"]}`)
	})
	b.Run("GetRole", func(b *testing.B) {
		inProcess(b, newRealServer(b).Handler, iamHeader, "Action=GetRole&Version=2010-05-08&RoleName=bench")
	})
}
