package autoscaling

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	ecssdk "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestManagedScalingFollowsServiceDemand runs managed scaling on a fake
// clock: a 10-task service on an empty group scales it out to the instances
// the tasks need, and back to zero a scale-in delay after the service does.
func TestManagedScalingFollowsServiceDemand(t *testing.T) {
	r := newRig(t)
	r.must(r.ecs, "CreateCluster", &ecssdk.CreateClusterInput{ClusterName: aws.String("prod")})
	r.must(r.svc, "CreateAutoScalingGroup", &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("ecs-asg"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(10), DesiredCapacity: aws.Int32(0), AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("web")}, NewInstancesProtectedFromScaleIn: aws.Bool(true)})
	arn := aws.ToString(r.group("ecs-asg").AutoScalingGroupARN)
	r.must(r.ecs, "CreateCapacityProvider", &ecssdk.CreateCapacityProviderInput{Name: aws.String("cp"),
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(arn),
			ManagedScaling:               &ecstypes.ManagedScaling{Status: ecstypes.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)},
			ManagedTerminationProtection: ecstypes.ManagedTerminationProtectionEnabled}})
	r.must(r.ecs, "PutClusterCapacityProviders", &ecssdk.PutClusterCapacityProvidersInput{Cluster: aws.String("prod"),
		CapacityProviders: []string{"cp"}, DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}})
	r.must(r.ecs, "RegisterTaskDefinition", &ecssdk.RegisterTaskDefinitionInput{Family: aws.String("app"), RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityEc2},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Cpu: 512, Memory: aws.Int32(1024), Essential: aws.Bool(true)}}})
	r.must(r.ecs, "CreateService", &ecssdk.CreateServiceInput{Cluster: aws.String("prod"), ServiceName: aws.String("web"), TaskDefinition: aws.String("app"),
		DesiredCount: aws.Int32(10), CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}})

	r.advance(time.Second)
	// m5.large registers 2048 CPU units: four 512-unit tasks each, so ten need three.
	if d := aws.ToInt32(r.group("ecs-asg").DesiredCapacity); d != 3 {
		t.Fatalf("desired capacity %d, want 3", d)
	}
	pols := r.must(r.svc, "DescribePolicies", &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("ecs-asg")}).(*autoscaling.DescribePoliciesOutput)
	if len(pols.ScalingPolicies) != 1 || aws.ToString(pols.ScalingPolicies[0].PolicyType) != PolicyTargetTracking {
		t.Fatalf("managed policy %+v", pols.ScalingPolicies)
	}
	r.advance(5 * time.Second)
	if n := states(r.group("ecs-asg"))[types.LifecycleStateInService]; n != 3 {
		t.Fatalf("want 3 InService, got %v", states(r.group("ecs-asg")))
	}
	// Still three once registered: the waiting tasks fit on them.
	r.advance(2 * time.Second)
	if d := aws.ToInt32(r.group("ecs-asg").DesiredCapacity); d != 3 {
		t.Fatalf("desired capacity %d after registration, want 3", d)
	}

	r.must(r.ecs, "UpdateService", &ecssdk.UpdateServiceInput{Cluster: aws.String("prod"), Service: aws.String("web"), DesiredCount: aws.Int32(0)})
	r.advance(10 * time.Minute)
	if d := aws.ToInt32(r.group("ecs-asg").DesiredCapacity); d != 3 {
		t.Fatalf("scaled in before the delay: desired %d", d)
	}
	for _, i := range r.group("ecs-asg").Instances {
		if aws.ToBool(i.ProtectedFromScaleIn) {
			t.Errorf("idle instance %s still protected", aws.ToString(i.InstanceId))
		}
	}
	r.advance(6 * time.Minute)
	g := r.group("ecs-asg")
	if aws.ToInt32(g.DesiredCapacity) != 0 {
		t.Fatalf("desired %d after the scale-in delay, want 0", aws.ToInt32(g.DesiredCapacity))
	}
	r.advance(5 * time.Second)
	if n := len(r.group("ecs-asg").Instances); n != 0 {
		t.Fatalf("%d instances left", n)
	}
}
