package autoscaling_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// Policy and scheduled action names without a resource id select those
// names across the namespace's targets; the pages (one item each, through
// the SDK's paginators) list them once each, in the order they were put.
func TestDescribeByNameWithoutResourcePages(t *testing.T) {
	ls := quiet(t)
	client := aas.NewFromConfig(ls.Config)
	for _, svc := range []string{"a", "b"} {
		fargateService(t, ls, svc, 1)
		registerTarget(t, client, svc, 1, 10)
	}
	put := func(svc, name string) {
		in := cpuPolicy(svc, 70)
		in.PolicyName = aws.String(name)
		if _, err := client.PutScalingPolicy(harness.Ctx, in); err != nil {
			t.Fatal(err)
		}
		if _, err := client.PutScheduledAction(harness.Ctx, &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs,
			ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID(svc)), ScheduledActionName: aws.String(name),
			Schedule: aws.String("cron(0 8 ? * MON-FRI *)"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(2)}}); err != nil {
			t.Fatal(err)
		}
	}
	put("a", "cpu-a")
	put("b", "cpu-b")
	put("a", "other")
	put("b", "cpu-a")
	want := []string{"a cpu-a", "b cpu-b", "b cpu-a"}
	var got []string
	p := aas.NewDescribeScalingPoliciesPaginator(client, &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs,
		PolicyNames: []string{"cpu-b", "cpu-a", "none"}, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, pol := range out.ScalingPolicies {
			got = append(got, aws.ToString(pol.ResourceId)[len(resourceID("")):]+" "+aws.ToString(pol.PolicyName))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("policies %q, want %q", got, want)
	}
	got = nil
	sp := aas.NewDescribeScheduledActionsPaginator(client, &aas.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ScheduledActionNames: []string{"cpu-b", "cpu-a"}, MaxResults: aws.Int32(1)})
	for sp.HasMorePages() {
		out, err := sp.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.ScheduledActions {
			got = append(got, aws.ToString(a.ResourceId)[len(resourceID("")):]+" "+aws.ToString(a.ScheduledActionName))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("scheduled actions %q, want %q", got, want)
	}
	// Another namespace holds none of them.
	out, err := client.DescribeScalingPolicies(harness.Ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceDynamodb,
		PolicyNames: []string{"cpu-a"}})
	if err != nil || len(out.ScalingPolicies) != 0 {
		t.Errorf("dynamodb: %v %v", out, err)
	}
}
