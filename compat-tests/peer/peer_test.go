// Package peer_test measures Longshore side by side with moto's server, a peer
// emulator, on the same read calls through the same SDK clients:
//
//	go test ./compat-tests/peer -run X -bench . -benchtime 200x
//
// The ratio between the two in one run is the figure that counts; absolute
// times depend on the machine. The benchmarks skip where moto_server is absent.
package peer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// startMoto runs moto's server on a free loopback port until the benchmark ends.
func startMoto(b *testing.B) string {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		b.Skip("moto_server is not installed; skipping the side-by-side benchmark")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return url
		}
	}
	b.Fatal("moto_server did not start")
	return ""
}

// target is one emulator with the resources the reads need.
type target struct {
	name    string
	ecs     *ecs.Client
	iam     *iam.Client
	cluster string
	service string
	tasks   []string
	url     string
	http    *http.Client
	// describeTasks is the raw DescribeTasks body for the 100 tasks.
	describeTasks []byte
}

// raw posts an ECS request as JSON and returns the answer's body.
func (t *target) raw(op string, body []byte) ([]byte, error) {
	req, _ := http.NewRequest("POST", t.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20240101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %d %s", op, resp.StatusCode, out)
	}
	return out, err
}

func setUp(b *testing.B, name, url string) *target {
	hc := longshoretest.HTTPClient()
	cfg := longshoretest.Config(url, "us-east-1", "123456789012", hc)
	t := &target{name: name, ecs: ecs.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), cluster: "bench", url: url, http: hc}
	ctx := harness.Ctx
	must := func(err error) {
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
	}
	_, err := t.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(t.cluster)})
	must(err)
	td := &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx"), Essential: aws.Bool(true), Cpu: 256, Memory: aws.Int32(512),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}}
	if name == "moto" {
		// moto answers task-level cpu as a number, which the SDK cannot read.
		td.Cpu, td.Memory, td.ContainerDefinitions[0].Cpu = nil, nil, 0
	}
	_, err = t.ecs.RegisterTaskDefinition(ctx, td)
	must(err)
	net := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{defaultSubnet(cfg)},
		SecurityGroups: []string{defaultSecurityGroup(cfg)}}}
	svc, err := t.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(t.cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: net})
	must(err)
	t.service = aws.ToString(svc.Service.ServiceArn)
	// RunTask and DescribeTasks go as raw JSON: moto answers a task's cpu as a
	// number, which the SDK refuses to read.
	runTask, _ := json.Marshal(map[string]any{"cluster": t.cluster, "taskDefinition": "web", "count": 10, "launchType": "FARGATE",
		"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets": net.AwsvpcConfiguration.Subnets, "securityGroups": net.AwsvpcConfiguration.SecurityGroups}}})
	for len(t.tasks) < 100 {
		body, err := t.raw("RunTask", runTask)
		must(err)
		var out struct{ Tasks []struct{ TaskArn string } }
		must(json.Unmarshal(body, &out))
		for _, task := range out.Tasks {
			t.tasks = append(t.tasks, task.TaskArn)
		}
	}
	t.describeTasks, _ = json.Marshal(map[string]any{"cluster": t.cluster, "tasks": t.tasks})
	_, err = t.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	must(err)
	return t
}

// defaultSubnet finds a subnet of the default VPC (emulators that check subnets need a real one).
func defaultSubnet(cfg aws.Config) string {
	out, err := ec2.NewFromConfig(cfg).DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil || len(out.Subnets) == 0 {
		return "subnet-0a1b2c3d"
	}
	return aws.ToString(out.Subnets[0].SubnetId)
}

// defaultSecurityGroup finds the default VPC's default security group.
func defaultSecurityGroup(cfg aws.Config) string {
	out, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{"default"}}}})
	if err != nil || len(out.SecurityGroups) == 0 {
		return "sg-0a1b2c3d"
	}
	return aws.ToString(out.SecurityGroups[0].GroupId)
}

// reads are the calls compared, as DESIGN.md names them.
var reads = []struct {
	name string
	call func(*target) error
}{
	{"DescribeServices", func(t *target) error {
		_, err := t.ecs.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(t.cluster), Services: []string{t.service}})
		return err
	}},
	{"DescribeTasks100", func(t *target) error {
		body, err := t.raw("DescribeTasks", t.describeTasks)
		if err == nil && !bytes.Contains(body, []byte(t.tasks[99])) {
			err = fmt.Errorf("DescribeTasks answered without the tasks: %.200s", body)
		}
		return err
	}},
	{"GetRole", func(t *target) error {
		_, err := t.iam.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
		return err
	}},
}

func BenchmarkSideBySide(b *testing.B) {
	motoURL := startMoto(b)
	ls := longshoretest.Start(b)
	targets := []*target{setUp(b, "longshore", ls.URL), setUp(b, "moto", motoURL)}
	for _, r := range reads {
		for _, t := range targets {
			b.Run(r.name+"/"+t.name, func(b *testing.B) {
				for b.Loop() {
					if err := r.call(t); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
