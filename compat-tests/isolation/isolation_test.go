// Package isolation_test runs two Longshore servers side by side in one
// process and checks that they share nothing: resources, and the speed of
// simulated time.
package isolation_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// server is one Longshore with the clients the test uses.
type server struct {
	name string
	ls   *longshoretest.Instance
	ecs  *ecs.Client
	iam  *iam.Client
}

func start(t *testing.T, name string, scale float64) *server {
	ls := longshoretest.StartWith(t, longshoretest.Options{TimeScale: scale})
	return &server{name: name, ls: ls, ecs: ecs.NewFromConfig(ls.Config), iam: iam.NewFromConfig(ls.Config)}
}

// runTask starts one Fargate task in the default VPC's subnets of cluster.
func (s *server) runTask(t *testing.T, cluster string) string {
	t.Helper()
	subnets := harness.DefaultSubnets(t, s.ls.Config)
	td, err := s.ecs.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("app"), NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("public.ecr.aws/nginx/nginx:latest"),
			Essential: aws.Bool(true)}},
	})
	if err != nil {
		t.Fatalf("%s: RegisterTaskDefinition: %v", s.name, err)
	}
	out, err := s.ecs.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: subnets[:1]}}})
	if err != nil || len(out.Tasks) != 1 {
		t.Fatalf("%s: RunTask: %v %v", s.name, out, err)
	}
	return aws.ToString(out.Tasks[0].TaskArn)
}

// task describes a task; missing reports that the server does not know it.
func (s *server) task(t *testing.T, cluster, arn string) (task types.Task, missing bool) {
	t.Helper()
	out, err := s.ecs.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{arn}})
	if err != nil {
		t.Fatalf("%s: DescribeTasks: %v", s.name, err)
	}
	if len(out.Tasks) == 0 {
		return types.Task{}, true
	}
	return out.Tasks[0], false
}

func (s *server) createCluster(t *testing.T, name string) {
	t.Helper()
	if _, err := s.ecs.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(name)}); err != nil {
		t.Fatalf("%s: CreateCluster: %v", s.name, err)
	}
}

func (s *server) clusters(t *testing.T) []string {
	t.Helper()
	out, err := s.ecs.ListClusters(harness.Ctx, &ecs.ListClustersInput{})
	if err != nil {
		t.Fatalf("%s: ListClusters: %v", s.name, err)
	}
	return out.ClusterArns
}

func TestTwoServersShareNothing(t *testing.T) {
	// The slow server's tasks take 10 s to start, the fast one's 1 ms.
	slow, fast := start(t, "slow", 0.1), start(t, "fast", 1000)
	slow.createCluster(t, "slow-only")
	fast.createCluster(t, "fast-only")
	fast.createCluster(t, "shared-name")
	slow.createCluster(t, "shared-name")
	for _, tc := range []struct {
		s    *server
		want []string
	}{{slow, []string{"slow-only", "shared-name"}}, {fast, []string{"fast-only", "shared-name"}}} {
		got := tc.s.clusters(t)
		if len(got) != len(tc.want) {
			t.Errorf("%s: clusters %v, want only %v", tc.s.name, got, tc.want)
		}
	}
	d, err := slow.ecs.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"fast-only"}})
	if err != nil || len(d.Clusters) != 0 || len(d.Failures) != 1 || aws.ToString(d.Failures[0].Reason) != "MISSING" {
		t.Errorf("slow server describes the fast server's cluster: %+v %v", d, err)
	}

	if _, err := fast.iam.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("fast-role"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = slow.iam.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("fast-role")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	// Both tasks start together; simulated time runs at each server's own scale.
	slowTask := slow.runTask(t, "shared-name")
	fastTask := fast.runTask(t, "shared-name")
	deadline := time.Now().Add(20 * time.Second)
	for {
		task, missing := fast.task(t, "shared-name", fastTask)
		if missing {
			t.Fatalf("fast server lost its task %s", fastTask)
		}
		if aws.ToString(task.LastStatus) == "RUNNING" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("fast server's task still %s", aws.ToString(task.LastStatus))
		}
		time.Sleep(20 * time.Millisecond)
	}
	task, missing := slow.task(t, "shared-name", slowTask)
	if missing || aws.ToString(task.LastStatus) == "RUNNING" {
		t.Errorf("slow server's task is %q (missing %v) once the fast server's runs; it should still be starting", aws.ToString(task.LastStatus), missing)
	}
	if _, missing := slow.task(t, "shared-name", fastTask); !missing {
		t.Errorf("slow server knows the fast server's task %s", fastTask)
	}
	if _, missing := fast.task(t, "shared-name", slowTask); !missing {
		t.Errorf("fast server knows the slow server's task %s", slowTask)
	}
}
