package scheduler_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// serviceDeployments lists and describes a service's service deployments
// (the SDK has no paginator for ListServiceDeployments).
func serviceDeployments(t *testing.T, client *ecs.Client, service string) []types.ServiceDeployment {
	t.Helper()
	var arns []string
	var token *string
	for {
		page, err := client.ListServiceDeployments(harness.Ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(cluster),
			Service: aws.String(service), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, sd := range page.ServiceDeployments {
			arns = append(arns, aws.ToString(sd.ServiceDeploymentArn))
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	out, err := client.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
	if err != nil {
		t.Fatal(err)
	}
	return out.ServiceDeployments
}

func TestDeploymentAlarmFailsAndRollsBack(t *testing.T) {
	ls, client := setup(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	if _, err := cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("web-5xx"), Namespace: aws.String("Custom/Web"), MetricName: aws.String("Errors"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(10),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		t.Fatal(err)
	}
	good := fargateTaskDefinition(t, client, "web", nil)
	cfg := &types.DeploymentConfiguration{Alarms: &types.DeploymentAlarms{AlarmNames: []string{"web-5xx"}, Enable: true, Rollback: true}}
	first := fargateService(t, client, "web", good, 2, cfg)
	goodID := aws.ToString(first.Deployments[0].Id)
	harness.WaitStable(t, client, cluster, "web")

	bad := fargateTaskDefinition(t, client, "web", map[string]string{"version": "2"})
	up, err := client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("web"), TaskDefinition: aws.String(bad)})
	if err != nil {
		t.Fatal(err)
	}
	badID := aws.ToString(up.Service.Deployments[0].Id)
	// Once the new revision runs alone, the deployment bakes: still
	// IN_PROGRESS (the alarm's period × evaluation periods), its alarm watched.
	harness.Eventually(t, harness.Wait, "the new revision to run alone", func() (bool, string) {
		tasks := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)
		for _, task := range tasks {
			if aws.ToString(task.TaskDefinitionArn) != bad || aws.ToString(task.LastStatus) != "RUNNING" {
				return false, ""
			}
		}
		return len(tasks) == 2, ""
	})
	if svc := harness.DescribeService(t, client, cluster, "web"); len(svc.Deployments) != 2 || aws.ToString(svc.Deployments[0].Id) != badID ||
		svc.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("baking deployments %+v", svc.Deployments)
	}
	if _, err := cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("web-5xx"),
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("errors after the release")}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, harness.Wait, "the deployment alarm", func() (bool, string) {
		return harness.HasEvent(harness.DescribeService(t, client, cluster, "web"), "(service web) (deployment "+badID+") deployment failed: alarm detected."), ""
	})
	svc := harness.DescribeService(t, client, cluster, "web")
	if !harness.HasEvent(svc, "(service web) rolling back to deployment "+goodID+".") {
		t.Fatalf("no rollback event: %+v", svc.Events)
	}
	var failed *types.Deployment
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Id) == badID {
			failed = &svc.Deployments[i]
		}
	}
	if failed == nil || failed.RolloutState != types.DeploymentRolloutStateFailed ||
		aws.ToString(failed.RolloutStateReason) != "ECS deployment alarms: alarm(s) in ALARM state: web-5xx." {
		t.Fatalf("failed deployment %+v", svc.Deployments)
	}
	if aws.ToString(svc.TaskDefinition) != good || aws.ToString(svc.Deployments[0].TaskDefinition) != good ||
		aws.ToString(svc.Deployments[0].RolloutStateReason) != "ECS deployment alarms: rolling back to deploymentId "+goodID+"." {
		t.Fatalf("after the alarm: %s %+v", aws.ToString(svc.TaskDefinition), svc.Deployments[0])
	}
	// The alarm still in ALARM does not fail the rollback itself.
	harness.WaitStable(t, client, cluster, "web")
	svc = harness.DescribeService(t, client, cluster, "web")
	if len(svc.Deployments) != 1 || aws.ToString(svc.Deployments[0].TaskDefinition) != good ||
		svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted || svc.RunningCount != 2 {
		t.Fatalf("after rollback: %+v", svc.Deployments)
	}
	for _, task := range harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning) {
		if aws.ToString(task.TaskDefinitionArn) != good {
			t.Fatalf("task of %s still running", aws.ToString(task.TaskDefinitionArn))
		}
	}

	statuses := map[types.ServiceDeploymentStatus]int{}
	var rolledBack *types.ServiceDeployment
	sds := serviceDeployments(t, client, "web")
	for i, sd := range sds {
		statuses[sd.Status]++
		if sd.Status == types.ServiceDeploymentStatusRollbackSuccessful {
			rolledBack = &sds[i]
		}
	}
	if statuses[types.ServiceDeploymentStatusSuccessful] != 1 || rolledBack == nil {
		t.Fatalf("service deployment statuses %v", statuses)
	}
	a := rolledBack.Alarms
	if a == nil || a.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered || len(a.TriggeredAlarmNames) != 1 ||
		a.TriggeredAlarmNames[0] != "web-5xx" || len(a.AlarmNames) != 1 {
		t.Fatalf("service deployment alarms %+v", a)
	}
	if rolledBack.Rollback == nil || aws.ToString(rolledBack.Rollback.Reason) != "ECS deployment alarms: alarm(s) in ALARM state: web-5xx." {
		t.Fatalf("rolled-back service deployment %+v", rolledBack)
	}
	if rolledBack.DeploymentCircuitBreaker != nil && rolledBack.DeploymentCircuitBreaker.Status == types.ServiceDeploymentRollbackMonitorsStatusTriggered {
		t.Fatal("the circuit breaker is reported as the cause")
	}
}

func TestDeploymentAlarmWithoutRollbackStops(t *testing.T) {
	ls, client := setup(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	if _, err := cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("latency"), Namespace: aws.String("Custom/Web"), MetricName: aws.String("Latency"),
		Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		t.Fatal(err)
	}
	v1 := fargateTaskDefinition(t, client, "api", nil)
	cfg := &types.DeploymentConfiguration{Alarms: &types.DeploymentAlarms{AlarmNames: []string{"latency"}, Enable: true}}
	fargateService(t, client, "api", v1, 1, cfg)
	harness.WaitStable(t, client, cluster, "api")
	v2 := fargateTaskDefinition(t, client, "api", map[string]string{"version": "2"})
	up, err := client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("api"), TaskDefinition: aws.String(v2)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(up.Service.Deployments[0].Id)
	if _, err := cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("latency"),
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("slow")}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, harness.Wait, "the deployment alarm", func() (bool, string) {
		svc := harness.DescribeService(t, client, cluster, "api")
		return svc.Deployments[0].RolloutState == types.DeploymentRolloutStateFailed, ""
	})
	svc := harness.DescribeService(t, client, cluster, "api")
	if aws.ToString(svc.Deployments[0].Id) != id || aws.ToString(svc.TaskDefinition) != v2 {
		t.Fatalf("without rollback the service stays on the failed deployment: %+v", svc.Deployments)
	}
	var stopped *types.ServiceDeployment
	sds := serviceDeployments(t, client, "api")
	for i := range sds {
		if sds[i].Status == types.ServiceDeploymentStatusStopped {
			stopped = &sds[i]
		}
	}
	if stopped == nil || stopped.Alarms == nil || stopped.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered || stopped.Rollback != nil {
		t.Fatalf("service deployments %+v", sds)
	}
}
