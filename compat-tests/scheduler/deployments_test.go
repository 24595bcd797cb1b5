package scheduler_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestNewRevisionRollsOutToCompleted(t *testing.T) {
	_, client := setup(t)
	v1 := fargateTaskDefinition(t, client, "web", nil)
	fargateService(t, client, "web", v1, 3, nil)
	harness.WaitStable(t, client, cluster, "web")
	v2 := fargateTaskDefinition(t, client, "web", map[string]string{"version": "2"})
	up, err := client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Service.Deployments) != 2 || aws.ToString(up.Service.Deployments[0].TaskDefinition) != v2 {
		t.Fatalf("deployments after update %+v", up.Service.Deployments)
	}
	newID := aws.ToString(up.Service.Deployments[0].Id)
	harness.WaitStable(t, client, cluster, "web")
	svc := harness.DescribeService(t, client, cluster, "web")
	if len(svc.Deployments) != 1 || aws.ToString(svc.Deployments[0].Id) != newID ||
		svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted || svc.RunningCount != 3 {
		t.Fatalf("after rollout %+v", svc.Deployments)
	}
	if !harness.HasEvent(svc, "(service web) (deployment "+newID+") deployment completed.") {
		t.Fatalf("events %+v", svc.Events)
	}
	for _, task := range harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning) {
		if aws.ToString(task.TaskDefinitionArn) != v2 || aws.ToString(task.StartedBy) != newID {
			t.Fatalf("task of %s still running", aws.ToString(task.TaskDefinitionArn))
		}
	}
	old := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusStopped)
	if len(old) != 3 {
		t.Fatalf("%d stopped tasks, want the 3 old ones", len(old))
	}
	for _, task := range old {
		if task.StopCode != types.TaskStopCodeServiceSchedulerInitiated ||
			aws.ToString(task.StoppedReason) != "Scaling activity initiated by (deployment "+newID+")" {
			t.Fatalf("old task stop %s %q", task.StopCode, aws.ToString(task.StoppedReason))
		}
	}
}

func TestCrashLoopTripsCircuitBreakerAndRollsBack(t *testing.T) {
	_, client := setup(t)
	good := fargateTaskDefinition(t, client, "web", nil)
	cfg := &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}
	fargateService(t, client, "web", good, 2, cfg)
	harness.WaitStable(t, client, cluster, "web")
	bad := fargateTaskDefinition(t, client, "web", map[string]string{"longshore.exit-after": "0s", "longshore.exit-code": "1"})
	up, err := client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("web"), TaskDefinition: aws.String(bad)})
	if err != nil {
		t.Fatal(err)
	}
	badID := aws.ToString(up.Service.Deployments[0].Id)
	harness.Eventually(t, harness.Wait, "the circuit breaker", func() (bool, string) {
		return harness.HasEvent(harness.DescribeService(t, client, cluster, "web"), "(service web) (deployment "+badID+") deployment failed: tasks failed to start."), ""
	})
	harness.WaitStable(t, client, cluster, "web")
	svc := harness.DescribeService(t, client, cluster, "web")
	if aws.ToString(svc.TaskDefinition) != good || len(svc.Deployments) != 1 || aws.ToString(svc.Deployments[0].TaskDefinition) != good ||
		svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("after rollback: %s %+v", aws.ToString(svc.TaskDefinition), svc.Deployments)
	}
	crashed := 0
	for _, task := range harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusStopped) {
		if aws.ToString(task.TaskDefinitionArn) != bad {
			continue
		}
		switch task.StopCode {
		case types.TaskStopCodeEssentialContainerExited:
			if aws.ToInt32(task.Containers[0].ExitCode) != 1 || aws.ToString(task.StoppedReason) != "Essential container in task exited" {
				t.Fatalf("crashed task %+v", task)
			}
			crashed++
		case types.TaskStopCodeServiceSchedulerInitiated:
			// Bad tasks still starting when the rollback began are stopped by it.
		default:
			t.Fatalf("bad task stopped with %s", task.StopCode)
		}
	}
	if crashed < 3 {
		t.Fatalf("%d crashed tasks, want at least the threshold 3", crashed)
	}

	list, err := client.ListServiceDeployments(harness.Ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(cluster), Service: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[types.ServiceDeploymentStatus]int{}
	var rolledBack string
	for _, sd := range list.ServiceDeployments {
		statuses[sd.Status]++
		if sd.Status == types.ServiceDeploymentStatusRollbackSuccessful {
			rolledBack = aws.ToString(sd.ServiceDeploymentArn)
		}
	}
	if statuses[types.ServiceDeploymentStatusSuccessful] != 1 || rolledBack == "" {
		t.Fatalf("service deployment statuses %v", statuses)
	}
	d, err := client.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{rolledBack}})
	if err != nil {
		t.Fatal(err)
	}
	sd := d.ServiceDeployments[0]
	if sd.DeploymentCircuitBreaker == nil || sd.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered ||
		sd.DeploymentCircuitBreaker.Threshold != 3 || sd.DeploymentCircuitBreaker.FailureCount < 3 || sd.Rollback == nil {
		t.Fatalf("rolled-back service deployment %+v", sd)
	}
}
