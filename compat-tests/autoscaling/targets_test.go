package autoscaling_test

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestScalableTargetLifecycle(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	client := aas.NewFromConfig(ls.Config)
	arn := registerTarget(t, client, "web", 2, 10)
	if !regexp.MustCompile(`^arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/[0-9a-f]{36}$`).MatchString(arn) {
		t.Errorf("target ARN %s", arn)
	}
	// The minimum is above the desired count: AWS raises it at once.
	if n := desiredCount(t, ls, "web"); n != 2 {
		t.Fatalf("desired count %d after registering with minimum 2", n)
	}
	acts := activities(t, client, "web")
	if len(acts) != 1 || aws.ToString(acts[0].Description) != "Setting desired count to 2." || aws.ToString(acts[0].Cause) != "minimum capacity was set to 2" ||
		acts[0].StatusCode != types.ScalingActivityStatusCodeSuccessful || aws.ToString(acts[0].StatusMessage) != "Successfully set desired count to 2. Change successfully fulfilled by ecs." {
		t.Fatalf("activities:\n%s", describeActivities(acts))
	}

	// Re-registering updates only what it names; the ARN stays.
	out, err := client.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")), MaxCapacity: aws.Int32(4),
		SuspendedState: &types.SuspendedState{DynamicScalingInSuspended: aws.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ScalableTargetARN) != arn {
		t.Errorf("ARN changed: %s", aws.ToString(out.ScalableTargetARN))
	}
	d, err := client.DescribeScalableTargets(harness.Ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceIds: []string{resourceID("web")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ScalableTargets) != 1 {
		t.Fatalf("%d targets", len(d.ScalableTargets))
	}
	st := d.ScalableTargets[0]
	if aws.ToInt32(st.MinCapacity) != 2 || aws.ToInt32(st.MaxCapacity) != 4 || !aws.ToBool(st.SuspendedState.DynamicScalingInSuspended) ||
		aws.ToBool(st.SuspendedState.ScheduledScalingSuspended) ||
		aws.ToString(st.RoleARN) != "arn:aws:iam::000000000000:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService" {
		t.Errorf("target %+v", st)
	}

	// The service-linked role exists in IAM after the first registration.
	if _, err := iam.NewFromConfig(ls.Config).GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForApplicationAutoScaling_ECSService")}); err != nil {
		t.Errorf("service-linked role: %v", err)
	}

	_, err = client.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")), MinCapacity: aws.Int32(5)})
	if ae := harness.AssertAPIError(t, err, "ValidationException"); ae.ErrorMessage() != "Minimum capacity cannot be greater than maximum capacity" {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	if _, err := client.DeregisterScalableTarget(harness.Ctx, &aas.DeregisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web"))}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DeregisterScalableTarget(harness.Ctx, &aas.DeregisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web"))})
	if ae := harness.AssertAPIError(t, err, "ObjectNotFoundException"); ae.ErrorMessage() !=
		"No scalable target registered for service namespace: ecs, resource ID: service/scaling/web, scalable dimension: ecs:service:DesiredCount" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestRegisterScalableTargetValidation(t *testing.T) {
	ls := quiet(t)
	client := aas.NewFromConfig(ls.Config)
	cases := []struct {
		name string
		in   aas.RegisterScalableTargetInput
		msg  string
	}{
		{"dimension of another namespace", aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ScalableDimension: types.ScalableDimensionDynamoDBTableReadCapacityUnits,
			ResourceId: aws.String("table/t"), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)}, "Unsupported service namespace, resource type or scalable dimension"},
		{"malformed resource id", aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
			ResourceId: aws.String("cluster/x"), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)}, "Unsupported service namespace, resource type or scalable dimension"},
		{"new target without bounds", aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceDynamodb, ScalableDimension: types.ScalableDimensionDynamoDBTableReadCapacityUnits,
			ResourceId: aws.String("table/orders")}, "MinCapacity and MaxCapacity are required for registering a new scalable target"},
		{"missing ECS service", aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
			ResourceId: aws.String("service/none/none"), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)}, "ECS service doesn't exist: service/none/none"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.RegisterScalableTarget(harness.Ctx, &tc.in)
			if ae := harness.AssertAPIError(t, err, "ValidationException"); ae.ErrorMessage() != tc.msg {
				t.Errorf("message %q", ae.ErrorMessage())
			}
		})
	}
	// Targets Longshore does not run are stored and validated.
	if _, err := client.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceDynamodb,
		ScalableDimension: types.ScalableDimensionDynamoDBIndexWriteCapacityUnits, ResourceId: aws.String("table/orders/index/byDate"),
		MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(50)}); err != nil {
		t.Fatal(err)
	}
	var n int
	p := aas.NewDescribeScalableTargetsPaginator(client, &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceDynamodb, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.ScalableTargets)
	}
	if n != 1 {
		t.Errorf("%d dynamodb targets", n)
	}
}

func TestTags(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	client := aas.NewFromConfig(ls.Config)
	arn := registerTarget(t, client, "web", 1, 3)
	if _, err := client.TagResource(harness.Ctx, &aas.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"team": "core", "env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.UntagResource(harness.Ctx, &aas.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	out, err := client.ListTagsForResource(harness.Ctx, &aas.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || out.Tags["team"] != "core" {
		t.Errorf("tags %v", out.Tags)
	}
	_, err = client.ListTagsForResource(harness.Ctx, &aas.ListTagsForResourceInput{ResourceARN: aws.String(arn[:len(arn)-4] + "0000")})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
	_, err = client.TagResource(harness.Ctx, &aas.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"aws:x": "y"}})
	harness.AssertAPIError(t, err, "ValidationException")
}
