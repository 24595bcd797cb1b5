package lb_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// fargateBehindALB builds an ALB, an ip target group, a listener and rule,
// and a Fargate service of desired tasks behind them.
func fargateBehindALB(t *testing.T, e *env, name string, desired int32) (tgArn string) {
	t.Helper()
	lbArn := e.alb(name)
	tgArn = e.targetGroup(name, elbtypes.TargetTypeEnumIp)
	e.listener(lbArn, 80, map[string]int32{tgArn: 1})
	e.fargateFamily(name, "nginx")
	_, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(name),
		DesiredCount: aws.Int32(desired), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: e.network(),
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tgArn), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tgArn
}

// runningAddresses are the ENI addresses of a service's RUNNING tasks, sorted.
func (e *env) runningAddresses(service string) []string {
	var out []string
	for _, tk := range e.tasks(service, ecstypes.DesiredStatusRunning) {
		if aws.ToString(tk.LastStatus) == "RUNNING" {
			out = append(out, eniAddress(tk))
		}
	}
	sort.Strings(out)
	return out
}

func healthyIDs(h map[string]string) []string {
	var out []string
	for id, st := range h {
		if st == "healthy" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func TestFargateServiceBehindALB(t *testing.T) {
	e := start(t)
	tgArn := fargateBehindALB(t, e, "web", 2)

	// Both tasks become healthy targets at their ENI address and port 80.
	var addrs []string
	harness.Eventually(t, 10*time.Second, "2 running tasks", func() (bool, string) {
		addrs = e.runningAddresses("web")
		return len(addrs) == 2, strings.Join(addrs, ",")
	})
	var targets []elbtypes.TargetDescription
	for _, a := range addrs {
		targets = append(targets, elbtypes.TargetDescription{Id: aws.String(a), Port: aws.Int32(80)})
	}
	harness.Eventually(t, 10*time.Second, "targets registered", func() (bool, string) {
		h := e.health(tgArn)
		return len(h) == 2, ""
	})
	if err := elb.NewTargetInServiceWaiter(e.elb).Wait(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn), Targets: targets}, 30*time.Second,
		func(o *elb.TargetInServiceWaiterOptions) { o.MinDelay = 200 * time.Millisecond }); err != nil {
		t.Fatalf("TargetInService: %v", err)
	}
	harness.Eventually(t, 10*time.Second, "steady state after healthy targets", func() (bool, string) {
		s := e.service("web")
		return harness.HasEvent(s, "(service web) has reached a steady state.") && harness.HasEvent(s, "(service web) registered 2 targets in (target-group "+tgArn+")"), ""
	})

	// Scale out: 4 healthy targets, the 4 tasks' ENI addresses.
	if _, err := e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("web"), DesiredCount: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 15*time.Second, "4 healthy targets at the tasks' addresses", func() (bool, string) {
		addrs = e.runningAddresses("web")
		got := healthyIDs(e.health(tgArn))
		return len(got) == 4 && strings.Join(got, ",") == strings.Join(addrs, ","), strings.Join(got, ",") + " vs " + strings.Join(addrs, ",")
	})

	// Scale in: two targets drain while their tasks stay DEACTIVATING, then go.
	if _, err := e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("web"), DesiredCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	sawDraining := false
	harness.Eventually(t, 10*time.Second, "draining targets of DEACTIVATING tasks", func() (bool, string) {
		h := e.health(tgArn)
		n := 0
		for _, st := range h {
			if st == "draining" {
				n++
			}
		}
		deactivating := 0
		for _, tk := range e.tasks("web", ecstypes.DesiredStatusStopped) {
			if aws.ToString(tk.LastStatus) == "DEACTIVATING" {
				deactivating++
			}
		}
		sawDraining = n == 2 && deactivating == 2
		return sawDraining, ""
	})
	harness.Eventually(t, 15*time.Second, "drained targets gone and tasks stopped", func() (bool, string) {
		h := e.health(tgArn)
		stopped := 0
		for _, tk := range e.tasks("web", ecstypes.DesiredStatusStopped) {
			if aws.ToString(tk.LastStatus) == "STOPPED" {
				stopped++
			}
		}
		return len(h) == 2 && len(healthyIDs(h)) == 2 && stopped == 2, ""
	})
	// The draining event names the deployment's task set, as in real events:
	// "(service wordpress-service, taskSet ecs-svc/4034032221499882557) has
	// begun draining connections on 1 tasks." beside "(service
	// wordpress-service) deregistered 1 targets in (target-group …)".
	if s := e.service("web"); !harness.HasEvent(s, "(service web) deregistered 2 targets in (target-group "+tgArn+")") ||
		!harness.HasEvent(s, "(service web, taskSet "+aws.ToString(s.Deployments[0].Id)+") has begun draining connections on 2 tasks.") {
		t.Errorf("events: %v", eventMessages(s))
	}

	// An unhealthy target's task is replaced with ECS's stop reason.
	victim := e.runningAddresses("web")[0]
	if resp := e.control("/elbv2/target-health", map[string]any{"targetGroupArn": tgArn, "targetId": victim, "port": 80, "state": "unhealthy"}); resp.Status != 200 {
		t.Fatalf("target-health: %d %s", resp.Status, resp.Body)
	}
	harness.Eventually(t, 10*time.Second, "unhealthy task stopped with the ELB reason", func() (bool, string) {
		for _, tk := range e.tasks("web", ecstypes.DesiredStatusStopped) {
			if eniAddress(tk) == victim {
				return aws.ToString(tk.StoppedReason) == "Task failed ELB health checks in (target-group "+tgArn+")", aws.ToString(tk.StoppedReason)
			}
		}
		return false, "not stopped"
	})
	harness.Eventually(t, 20*time.Second, "a replacement healthy in the target group", func() (bool, string) {
		addrs = e.runningAddresses("web")
		got := healthyIDs(e.health(tgArn))
		return len(addrs) == 2 && strings.Join(got, ",") == strings.Join(addrs, ","), strings.Join(got, ",")
	})

	// The target group cannot be deleted while the service uses it.
	lis, err := e.elb.DescribeListeners(harness.Ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(e.lbOf(tgArn))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.DeleteListener(harness.Ctx, &elb.DeleteListenerInput{ListenerArn: lis.Listeners[0].ListenerArn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.elb.DeleteTargetGroup(harness.Ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(tgArn)})
	if apiErr := harness.AssertAPIError(t, err, "ResourceInUse"); apiErr != nil &&
		!strings.Contains(apiErr.ErrorMessage(), "in use by ECS service 'arn:aws:ecs:us-east-1:000000000000:service/lb/web'") {
		t.Errorf("message %q", apiErr.ErrorMessage())
	}
}

func (e *env) lbOf(tgArn string) string {
	out, err := e.elb.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{tgArn}})
	if err != nil || len(out.TargetGroups[0].LoadBalancerArns) == 0 {
		e.t.Fatalf("target group %s: %v", tgArn, err)
	}
	return out.TargetGroups[0].LoadBalancerArns[0]
}

func eventMessages(s ecstypes.Service) []string {
	var out []string
	for _, ev := range s.Events {
		out = append(out, aws.ToString(ev.Message))
	}
	return out
}

func TestHealthCheckGracePeriodKeepsUnhealthyTask(t *testing.T) {
	e := start(t)
	lbArn := e.alb("grace")
	tgArn := e.targetGroup("grace", elbtypes.TargetTypeEnumIp)
	e.listener(lbArn, 80, map[string]int32{tgArn: 1})
	e.fargateFamily("grace", "nginx")
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String("grace"), TaskDefinition: aws.String("grace"),
		DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: e.network(),
		HealthCheckGracePeriodSeconds: aws.Int32(3600),
		LoadBalancers:                 []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tgArn), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
	}); err != nil {
		t.Fatal(err)
	}
	var addr string
	harness.Eventually(t, 10*time.Second, "registered", func() (bool, string) {
		if a := e.runningAddresses("grace"); len(a) == 1 {
			addr = a[0]
		}
		return addr != "" && e.health(tgArn)[addr] != "", ""
	})
	if resp := e.control("/elbv2/target-health", map[string]any{"targetGroupArn": tgArn, "targetId": addr, "port": 80, "state": "unhealthy"}); resp.Status != 200 {
		t.Fatalf("target-health: %d %s", resp.Status, resp.Body)
	}
	time.Sleep(500 * time.Millisecond)
	// Within the grace period (an hour, 36 s scaled) the task keeps running,
	// and the service does not reach a steady state.
	if a := e.runningAddresses("grace"); len(a) != 1 || a[0] != addr {
		t.Fatalf("task replaced within the grace period: %v", a)
	}
	if s := e.service("grace"); harness.HasEvent(s, "(service grace) has reached a steady state.") {
		t.Errorf("steady state with an unhealthy target: %v", eventMessages(s))
	}
}

func TestCreateServiceRefusesUnusableTargetGroups(t *testing.T) {
	e := start(t)
	e.fargateFamily("web", "nginx")
	lonely := e.targetGroup("lonely", elbtypes.TargetTypeEnumIp)
	instance := e.targetGroup("inst", elbtypes.TargetTypeEnumInstance)
	e.listener(e.alb("front"), 80, map[string]int32{instance: 1})
	for _, tc := range []struct {
		tg, msg string
	}{
		{lonely, "The target group with targetGroupArn " + lonely + " does not have an associated load balancer."},
		{instance, "The provided target group " + instance + " has target type instance, which is incompatible with the awsvpc network mode specified in the task definition."},
	} {
		_, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{
			Cluster: aws.String(cluster), ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
			DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: e.network(),
			LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tc.tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
		})
		apiErr := harness.AssertAPIError(t, err, "InvalidParameterException")
		if apiErr != nil && apiErr.ErrorMessage() != tc.msg {
			t.Errorf("message %q, want %q", apiErr.ErrorMessage(), tc.msg)
		}
	}
	// UpdateService refuses them too.
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(0), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: e.network(),
	}); err != nil {
		t.Fatal(err)
	}
	_, err := e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("web"),
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(lonely), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}
