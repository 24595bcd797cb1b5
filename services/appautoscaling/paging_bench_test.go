package appautoscaling

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdActivities stores n scaling activities straight through the store:
// 1000 of them, spread among the others, of service default/web, the rest
// of other services of the namespace; and as many scaling policies and
// scheduled actions alike.
func holdActivities(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("service/default/svc%06d", i)
			if i%(n/1000) == 0 {
				id = "service/default/web"
			}
			t := &types.ScalableTarget{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String(id),
				ScalableDimension: types.ScalableDimensionECSServiceDesiredCount}
			if err := recordActivity(tx, benchScope, time.Unix(1700000000, 0), t, types.ScalingActivity{StatusCode: types.ScalingActivityStatusCodeSuccessful,
				Description: aws.String("Setting desired count to 2.")}); err != nil {
				return err
			}
			name := fmt.Sprint("p", i)
			p := types.ScalingPolicy{ServiceNamespace: t.ServiceNamespace, ResourceId: t.ResourceId, ScalableDimension: t.ScalableDimension,
				PolicyName: aws.String(name), PolicyARN: aws.String("arn:" + name), PolicyType: types.PolicyTypeTargetTrackingScaling}
			if err := Policies.Put(tx, benchScope, name, policyIndex(&p), &policyRecord{Policy: p}); err != nil {
				return err
			}
			a := types.ScheduledAction{ServiceNamespace: t.ServiceNamespace, ResourceId: t.ResourceId, ScalableDimension: t.ScalableDimension,
				ScheduledActionName: aws.String(name)}
			if err := Scheduled.Put(tx, benchScope, name, scheduledIndex(&a), &scheduledRecord{Action: a}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkDescribeScalingActivitiesPage, BenchmarkDescribeScalingPoliciesPage
// and BenchmarkDescribeScheduledActionsPage read the third 50-item page of
// one service's 1000 with 1k and 65k held in the namespace; the two must
// cost about the same:
//
//	go test ./services/appautoscaling -run '^$' -bench 'Page$'
func BenchmarkDescribeScalingActivitiesPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdActivities, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, describeScalingActivities, &applicationautoscaling.DescribeScalingActivitiesInput{
			ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web"), NextToken: token})
		return len(out.ScalingActivities), out.NextToken
	}, 50)
}

func BenchmarkDescribeScalingPoliciesPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdActivities, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, describeScalingPolicies, &applicationautoscaling.DescribeScalingPoliciesInput{
			ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web"), NextToken: token})
		return len(out.ScalingPolicies), out.NextToken
	}, 50)
}

func BenchmarkDescribeScheduledActionsPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdActivities, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, describeScheduledActions, &applicationautoscaling.DescribeScheduledActionsInput{
			ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web"), NextToken: token})
		return len(out.ScheduledActions), out.NextToken
	}, 50)
}

// A resource's pages hold its documents of the namespace asked for alone,
// each once; a resource id of another namespace is not mistaken for it.
func TestDescribeByResourcePages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdActivities(t, st, 2000)
	// The same resource id in another namespace.
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		t := &types.ScalableTarget{ServiceNamespace: types.ServiceNamespaceCustomResource, ResourceId: aws.String("service/default/web"),
			ScalableDimension: "custom-resource:ResourceType:Property"}
		return recordActivity(tx, benchScope, time.Unix(1700000000, 0), t, types.ScalingActivity{StatusCode: types.ScalingActivityStatusCodeSuccessful})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dim := range []types.ScalableDimension{"", types.ScalableDimensionECSServiceDesiredCount} {
		in := &applicationautoscaling.DescribeScalingActivitiesInput{ServiceNamespace: types.ServiceNamespaceEcs,
			ResourceId: aws.String("service/default/web"), ScalableDimension: dim}
		n := 0
		for {
			out := apitest.Read(t, st, benchScope, describeScalingActivities, in)
			for _, a := range out.ScalingActivities {
				if a.ServiceNamespace != types.ServiceNamespaceEcs || aws.ToString(a.ResourceId) != "service/default/web" {
					t.Fatalf("activity of %s %s", a.ServiceNamespace, aws.ToString(a.ResourceId))
				}
			}
			n += len(out.ScalingActivities)
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		if n != 1000 {
			t.Errorf("dimension %q: %d activities", dim, n)
		}
	}
	in := &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web"),
		PolicyNames: []string{"p0", "p2", "p3"}}
	out := apitest.Read(t, st, benchScope, describeScalingPolicies, in)
	if len(out.ScalingPolicies) != 2 || aws.ToString(out.ScalingPolicies[1].PolicyName) != "p2" {
		t.Errorf("policies %+v", out.ScalingPolicies)
	}
}

// holdNamed stores n scaling policies and n scheduled actions, each of its
// own service: 1000 of each, spread among the others, named scale-out or
// scale-in in turn, the rest of names of their own.
func holdNamed(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			name := fmt.Sprint("p", i)
			if k := n / 1000; i%k == 0 {
				name = []string{"scale-out", "scale-in"}[i/k%2]
			}
			id := aws.String(fmt.Sprintf("service/default/svc%06d", i))
			key := fmt.Sprint(i)
			p := types.ScalingPolicy{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: id, ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
				PolicyName: aws.String(name), PolicyARN: aws.String("arn:" + key), PolicyType: types.PolicyTypeTargetTrackingScaling}
			if err := Policies.Put(tx, benchScope, key, policyIndex(&p), &policyRecord{Policy: p}); err != nil {
				return err
			}
			a := types.ScheduledAction{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: id, ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
				ScheduledActionName: aws.String(name)}
			if err := Scheduled.Put(tx, benchScope, key, scheduledIndex(&a), &scheduledRecord{Action: a}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkDescribeScalingPoliciesByNamePage and
// BenchmarkDescribeScheduledActionsByNamePage read the third 50-item page of
// the namespace's documents of two names (1000 of them, no resource id
// given) with 1k and 65k held:
//
//	go test ./services/appautoscaling -run '^$' -bench 'ByNamePage$'
func BenchmarkDescribeScalingPoliciesByNamePage(b *testing.B) {
	apitest.BenchThirdPage(b, holdNamed, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, describeScalingPolicies, &applicationautoscaling.DescribeScalingPoliciesInput{
			ServiceNamespace: types.ServiceNamespaceEcs, PolicyNames: []string{"scale-out", "scale-in"}, NextToken: token})
		return len(out.ScalingPolicies), out.NextToken
	}, 50)
}

func BenchmarkDescribeScheduledActionsByNamePage(b *testing.B) {
	apitest.BenchThirdPage(b, holdNamed, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, describeScheduledActions, &applicationautoscaling.DescribeScheduledActionsInput{
			ServiceNamespace: types.ServiceNamespaceEcs, ScheduledActionNames: []string{"scale-out", "scale-in"}, NextToken: token})
		return len(out.ScheduledActions), out.NextToken
	}, 50)
}

// Names without a resource id page the namespace's documents of those names
// alone, in creation order, each once, and only the namespace asked for.
func TestDescribeByNamePages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdNamed(t, st, 2000)
	var policies, actions []string
	in := &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs,
		PolicyNames: []string{"scale-out", "scale-in", "scale-out", "none"}, MaxResults: aws.Int32(7)}
	for {
		out := apitest.Read(t, st, benchScope, describeScalingPolicies, in)
		for _, p := range out.ScalingPolicies {
			policies = append(policies, aws.ToString(p.ResourceId))
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	ain := &applicationautoscaling.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ScheduledActionNames: []string{"scale-in", "scale-out"}, MaxResults: aws.Int32(7)}
	for {
		out := apitest.Read(t, st, benchScope, describeScheduledActions, ain)
		for _, a := range out.ScheduledActions {
			actions = append(actions, aws.ToString(a.ResourceId))
		}
		if ain.NextToken = out.NextToken; ain.NextToken == nil {
			break
		}
	}
	for what, got := range map[string][]string{"policies": policies, "actions": actions} {
		if len(got) != 1000 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != 1000 {
			t.Errorf("%s: %d, sorted %v", what, len(got), slices.IsSorted(got))
		}
	}
	out := apitest.Read(t, st, benchScope, describeScalingPolicies, &applicationautoscaling.DescribeScalingPoliciesInput{
		ServiceNamespace: types.ServiceNamespaceRds, PolicyNames: []string{"scale-in"}})
	if len(out.ScalingPolicies) != 0 {
		t.Errorf("rds: %d policies", len(out.ScalingPolicies))
	}
}
