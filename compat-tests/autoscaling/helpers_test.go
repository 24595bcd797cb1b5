package autoscaling_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/services/appautoscaling"
)

const cluster = "scaling"

// quiet starts Longshore without background work (no cluster manager, no
// scaling engine), for flows driven tick by tick through a test engine.
func quiet(t *testing.T) *longshoretest.Instance {
	t.Helper()
	return harness.StartQuiet(t)
}

// live starts Longshore with its background work at a time scale.
func live(t *testing.T, scale float64) *longshoretest.Instance {
	t.Helper()
	return harness.StartScaled(t, scale)
}

// fakeEngine is the scaling engine on a clock the test moves, at time scale 60
// (a one-minute period is one second of the clock).
type fakeEngine struct {
	*appautoscaling.Engine
	now time.Time
}

func newFakeEngine(ls *longshoretest.Instance) *fakeEngine {
	e := &fakeEngine{Engine: appautoscaling.NewEngine(ls.Server.Store, nil, 60), now: time.Now().UTC().Truncate(time.Second)}
	e.Engine.Now = func() time.Time { return e.now }
	return e
}

// advance moves the clock by d in one-second ticks, running the engine at each.
func (e *fakeEngine) advance(t *testing.T, d time.Duration) {
	t.Helper()
	for end := e.now.Add(d); e.now.Before(end); {
		e.now = e.now.Add(time.Second)
		if err := e.Tick(harness.Ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// fargateService creates a cluster, a Fargate task definition and a service.
func fargateService(t *testing.T, ls *longshoretest.Instance, name string, desired int32) {
	t.Helper()
	client := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, client, cluster)
	td := harness.RegisterTaskDefinition(t, client, harness.FargateDefinition(name, "app", "public.ecr.aws/nginx/nginx:latest"))
	_, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(name),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(desired), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: harness.DefaultSubnets(t, ls.Config)[:1], SecurityGroups: []string{harness.DefaultSecurityGroup(t, ls.Config)}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func resourceID(service string) string { return "service/" + cluster + "/" + service }

func desiredCount(t *testing.T, ls *longshoretest.Instance, service string) int32 {
	t.Helper()
	return harness.DescribeService(t, ecs.NewFromConfig(ls.Config), cluster, service).DesiredCount
}

func registerTarget(t *testing.T, client *aas.Client, service string, lo, hi int32) string {
	t.Helper()
	out, err := client.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID(service)),
		MinCapacity: aws.Int32(lo), MaxCapacity: aws.Int32(hi)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ScalableTargetARN)
}

// setLoad sets a service's simulated CPU and memory through the control endpoint.
func setLoad(t *testing.T, ls *longshoretest.Instance, service string, cpu, memory float64) {
	t.Helper()
	r := harness.Control(t, ls, "PUT", "/ecs/load", map[string]any{"cluster": cluster, "service": service, "cpu": cpu, "memory": memory})
	if r.Status != 200 {
		t.Fatalf("set load: %d %s", r.Status, r.Body)
	}
}

func activities(t *testing.T, client *aas.Client, service string) []aastypes.ScalingActivity {
	t.Helper()
	var out []aastypes.ScalingActivity
	p := aas.NewDescribeScalingActivitiesPaginator(client, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ResourceId: aws.String(resourceID(service)), ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.ScalingActivities...)
	}
	return out
}

func describeActivities(as []aastypes.ScalingActivity) string {
	s := ""
	for _, a := range as {
		s += fmt.Sprintf("%s | %s | %s\n", aws.ToString(a.Description), aws.ToString(a.Cause), a.StatusCode)
	}
	return s
}
