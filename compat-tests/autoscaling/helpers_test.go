package autoscaling_test

import (
	"encoding/json"
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
	"github.com/longshore/longshore/services"
	"github.com/longshore/longshore/services/appautoscaling"
)

const cluster = "scaling"

// quiet starts Longshore without background work (no cluster manager, no
// scaling engine), for flows driven tick by tick through a test engine.
func quiet(t *testing.T) *longshoretest.Instance {
	t.Helper()
	return longshoretest.StartWith(t, longshoretest.Options{Services: func(cfg services.Config) *services.Set {
		full := services.New(cfg)
		return &services.Set{Services: full.Services, Resolvers: full.Resolvers, Control: full.Control}
	}})
}

// live starts Longshore with its background work at a time scale.
func live(t *testing.T, scale float64) *longshoretest.Instance {
	t.Helper()
	return longshoretest.StartWith(t, longshoretest.Options{Services: func(cfg services.Config) *services.Set {
		cfg.TimeScale = scale
		return services.New(cfg)
	}})
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
	if _, err := client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		t.Fatal(err)
	}
	td, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(name), NetworkMode: ecstypes.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ContainerDefinitions:    []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("public.ecr.aws/nginx/nginx:latest"), Essential: aws.Bool(true)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(name),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(desired), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: harness.DefaultSubnets(t, ls.Config)[:1], SecurityGroups: []string{harness.DefaultSecurityGroup(t, ls.Config)}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func resourceID(service string) string { return "service/" + cluster + "/" + service }

func desiredCount(t *testing.T, ls *longshoretest.Instance, service string) int32 {
	t.Helper()
	out, err := ecs.NewFromConfig(ls.Config).DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("describe %s: %v", service, err)
	}
	return out.Services[0].DesiredCount
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
	b, _ := json.Marshal(map[string]any{"cluster": cluster, "service": service, "cpu": cpu, "memory": memory})
	r := harness.Raw(t, ls, "PUT", "/_longshore/ecs/load", map[string]string{"Content-Type": "application/json"}, string(b))
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
