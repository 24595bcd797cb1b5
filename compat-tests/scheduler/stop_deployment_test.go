package scheduler_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// startRollout creates a stable service on v1 and starts its rolling update
// to v2; it returns v1, v2 and the update's service deployment ARN.
func startRollout(t *testing.T, client *ecs.Client, name string) (string, string, string) {
	t.Helper()
	v1 := fargateTaskDefinition(t, client, name, nil)
	fargateService(t, client, name, v1, 2, nil)
	harness.WaitStable(t, client, cluster, name)
	v2 := fargateTaskDefinition(t, client, name, map[string]string{"version": "2"})
	up, err := client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(name), TaskDefinition: aws.String(v2)})
	if err != nil {
		t.Fatal(err)
	}
	return v1, v2, aws.ToString(up.Service.CurrentServiceDeployment)
}

func describeServiceDeployment(t *testing.T, client *ecs.Client, arn string) types.ServiceDeployment {
	t.Helper()
	out, err := client.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ServiceDeployments) != 1 {
		t.Fatalf("service deployment %s: %+v", arn, out.Failures)
	}
	return out.ServiceDeployments[0]
}

func TestStopRollingDeploymentRollsBack(t *testing.T) {
	_, client := setup(t)
	v1, v2, sdArn := startRollout(t, client, "web")
	out, err := client.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(sdArn),
		StopType: types.StopServiceDeploymentStopTypeRollback})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ServiceDeploymentArn) != sdArn {
		t.Fatalf("stopped %s, want %s", aws.ToString(out.ServiceDeploymentArn), sdArn)
	}
	harness.Eventually(t, harness.Wait, "the rollback", func() (bool, string) {
		td := aws.ToString(harness.DescribeService(t, client, cluster, "web").TaskDefinition)
		return td == v1, td
	})
	harness.WaitStable(t, client, cluster, "web")
	svc := harness.DescribeService(t, client, cluster, "web")
	if len(svc.Deployments) != 1 || aws.ToString(svc.Deployments[0].TaskDefinition) != v1 || svc.RunningCount != 2 {
		t.Fatalf("after rollback: %+v", svc.Deployments)
	}
	for _, task := range harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning) {
		if aws.ToString(task.TaskDefinitionArn) == v2 {
			t.Fatal("a v2 task still runs")
		}
	}
	sd := describeServiceDeployment(t, client, sdArn)
	if sd.Status != types.ServiceDeploymentStatusRollbackSuccessful || sd.Rollback == nil ||
		aws.ToString(sd.Rollback.Reason) != "Service deployment rolled back because of a stop request." {
		t.Fatalf("service deployment %s %+v", sd.Status, sd.Rollback)
	}
	// A finished service deployment can no longer be stopped.
	_, err = client.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(sdArn)})
	harness.AssertAPIError(t, err, "ConflictException")
}

func TestStopRollingDeploymentAborts(t *testing.T) {
	_, client := setup(t)
	_, v2, sdArn := startRollout(t, client, "api")
	if _, err := client.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(sdArn),
		StopType: types.StopServiceDeploymentStopTypeAbort}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, harness.Wait, "the abort", func() (bool, string) {
		st := describeServiceDeployment(t, client, sdArn).Status
		return st == types.ServiceDeploymentStatusStopped, string(st)
	})
	svc := harness.DescribeService(t, client, cluster, "api")
	d := svc.Deployments[0]
	if aws.ToString(svc.TaskDefinition) != v2 || aws.ToString(d.TaskDefinition) != v2 || d.RolloutState != types.DeploymentRolloutStateFailed ||
		aws.ToString(d.RolloutStateReason) != "Service deployment stopped because of a stop request." {
		t.Fatalf("aborted deployment %+v", d)
	}
	sd := describeServiceDeployment(t, client, sdArn)
	if sd.StoppedAt == nil || sd.Rollback != nil || aws.ToString(sd.StatusReason) != "Service deployment stopped because of a stop request." {
		t.Fatalf("stopped service deployment %+v", sd)
	}
}

func TestStopServiceDeploymentValidates(t *testing.T) {
	_, client := setup(t)
	_, err := client.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{
		ServiceDeploymentArn: aws.String("arn:aws:ecs:us-east-1:000000000000:service-deployment/sched/none/abcdefghijklmnopqrstu")})
	harness.AssertAPIError(t, err, "ServiceDeploymentNotFoundException")
}
