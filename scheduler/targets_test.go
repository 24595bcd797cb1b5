package scheduler

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

func TestTaskTargetAddresses(t *testing.T) {
	task := &types.Task{
		Attachments: []types.Attachment{{Type: aws.String("ElasticNetworkInterface"), Details: []types.KeyValuePair{
			{Name: aws.String("subnetId"), Value: aws.String("subnet-1")},
			{Name: aws.String("privateIPv4Address"), Value: aws.String("10.0.1.7")}}}},
		Containers: []types.Container{
			{Name: aws.String("sidecar"), NetworkBindings: []types.NetworkBinding{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(32770)}}},
			{Name: aws.String("web"), NetworkBindings: []types.NetworkBinding{
				{ContainerPort: aws.Int32(443), HostPort: aws.Int32(32769)}, {ContainerPort: aws.Int32(80), HostPort: aws.Int32(32768)}}},
		},
	}
	if got := ENIAddress(task); got != "10.0.1.7" {
		t.Errorf("ENI address %q", got)
	}
	tests := []struct {
		container string
		port      int32
		want      int32
	}{{"web", 80, 32768}, {"web", 443, 32769}, {"sidecar", 80, 32770}, {"web", 8080, 0}, {"nope", 80, 0}}
	for _, tc := range tests {
		if got := HostPort(task, tc.container, tc.port); got != tc.want {
			t.Errorf("HostPort(%s, %d) = %d, want %d", tc.container, tc.port, got, tc.want)
		}
	}
	if ENIAddress(&types.Task{}) != "" {
		t.Error("address without an ENI")
	}
}

func TestDeactivatingHeldUntilDrained(t *testing.T) {
	task := newTestTask()
	Advance(task, Behavior{}, testTimings, t0.Add(time.Minute))
	ecscore.RequestStop(task, types.TaskStopCodeServiceSchedulerInitiated, "scale in", t0.Add(time.Minute))
	drained := t0.Add(time.Minute + 30*time.Second)
	held := Behavior{DeactivateUntil: drained}
	o := Advance(task, held, testTimings, t0.Add(time.Minute+10*time.Second))
	if aws.ToString(task.LastStatus) != ecscore.TaskDeactivating || !o.Next.Equal(drained) {
		t.Fatalf("while draining: %s next %v", aws.ToString(task.LastStatus), o.Next)
	}
	Advance(task, held, testTimings, drained.Add(time.Millisecond))
	if aws.ToString(task.LastStatus) == ecscore.TaskDeactivating {
		t.Fatal("still DEACTIVATING after the drain")
	}
}

// The draining and task-set texts are those of real service events: "(service
// wordpress-service, taskSet ecs-svc/4034032221499882557) has begun draining
// connections on 1 tasks." next to "(service wordpress-service) deregistered 1
// targets in (target-group …)" (the same text in several deployment logs, as
// for rolling deployments, whose id names the task set), and for an EXTERNAL
// service "(service staging-api, taskSet ecs-svc/8895224990753999325) has
// started 1 tasks: (task …)." and "… registered 1 targets in (target-group …)"
// (mtyurt/ecstui's sample of a service described).
func TestEventTexts(t *testing.T) {
	svc := &types.Service{ServiceName: aws.String("web")}
	tg := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef"
	for got, want := range map[string]string{
		registeredMessage(svcPrefix(svc), 2, tg):                                           "(service web) registered 2 targets in (target-group " + tg + ")",
		registeredMessage(taskSetPrefix(svc, "ecs-svc/1"), 1, tg):                          "(service web, taskSet ecs-svc/1) registered 1 targets in (target-group " + tg + ")",
		deregisteredMessage(svc, 1, tg):                                                    "(service web) deregistered 1 targets in (target-group " + tg + ")",
		drainingMessage(svc, "ecs-svc/1", 3):                                               "(service web, taskSet ecs-svc/1) has begun draining connections on 3 tasks.",
		prefixedTaskEvents(taskSetPrefix(svc, "ecs-svc/1"), "started", []string{"abc"})[0]: "(service web, taskSet ecs-svc/1) has started 1 tasks: (task abc).",
		ELBHealthStopReason(tg):                                                            "Task failed ELB health checks in (target-group " + tg + ")",
	} {
		if got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
}
