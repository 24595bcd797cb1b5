package autoscaling

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

// holding stores group g000000 (a warm pool's), then n documents that put
// makes, straight through the store.
func holding(put func(c *api.Context, i int) error) func(tb testing.TB, st *store.Store, n int) {
	return func(tb testing.TB, st *store.Store, n int) {
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			c := &api.Context{Context: context.Background(), Region: benchScope.Region, Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
			g := &groupDoc{Group: types.AutoScalingGroup{AutoScalingGroupName: aws.String("g000000"), MinSize: aws.Int32(0), MaxSize: aws.Int32(1),
				DesiredCapacity: aws.Int32(0), WarmPoolConfiguration: &types.WarmPoolConfiguration{PoolState: types.WarmPoolStateStopped}}}
			if err := putGroup(c, g); err != nil {
				return err
			}
			for i := 0; i < n; i++ {
				if err := put(c, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// holdActivities stores n activities of groups a hundred each.
var holdActivities = holding(func(c *api.Context, i int) error {
	return putActivity(c, &types.Activity{ActivityId: aws.String(fmt.Sprintf("a-%06d", i)), AutoScalingGroupName: aws.String(fmt.Sprintf("g%06d", i/100)),
		StatusCode: types.ScalingActivityStatusCodeSuccessful, StartTime: aws.Time(time.Unix(0, 0)), Cause: aws.String("c"), Description: aws.String("d")})
})

// holdPolicies stores n policies of groups a hundred each.
var holdPolicies = holding(func(c *api.Context, i int) error {
	group, name := fmt.Sprintf("g%06d", i/100), fmt.Sprintf("p%06d", i)
	p := &types.ScalingPolicy{AutoScalingGroupName: aws.String(group), PolicyName: aws.String(name), PolicyType: aws.String("SimpleScaling"),
		PolicyARN: aws.String("arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:" + name), AdjustmentType: aws.String(AdjustChange)}
	return Policies.Put(c.Tx, c.Scope(), policyKey(group, name), store.Index{Parent: group, Name: name, Attr: aws.ToString(p.PolicyARN)}, p)
})

// holdScheduled stores n scheduled actions of groups a hundred each.
var holdScheduled = holding(func(c *api.Context, i int) error {
	group, name := fmt.Sprintf("g%06d", i/100), fmt.Sprintf("s%06d", i)
	d := &scheduledDoc{Action: types.ScheduledUpdateGroupAction{AutoScalingGroupName: aws.String(group), ScheduledActionName: aws.String(name),
		StartTime: aws.Time(time.Unix(0, 0)), DesiredCapacity: aws.Int32(1)}}
	return ScheduledAction.Put(c.Tx, c.Scope(), scheduledKey(group, name), store.Index{Parent: group, Name: name}, d)
})

// holdWarm stores n warm instances of group g000000.
var holdWarm = holding(func(c *api.Context, i int) error {
	return putMember(c, &member{Instance: types.Instance{InstanceId: aws.String(fmt.Sprintf("i-%017d", i)), LifecycleState: types.LifecycleStateWarmedStopped},
		Group: "g000000", Warm: true})
})

// Nine named activities of groups held among many: a page of three.
var describeScalingActivitiesNamedCase = apitest.PageCase{Name: "DescribeScalingActivitiesNamed", Hold: holdActivities, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	ids := []string{"a-000500", "a-000003", "a-000900", "a-000007", "a-000001", "a-000020", "a-000030", "a-000040", "a-000050"}
	out := asCall(tb, st, describeActivities, &autoscaling.DescribeScalingActivitiesInput{ActivityIds: ids, IncludeDeletedGroups: aws.Bool(true),
		MaxRecords: aws.Int32(3), NextToken: token})
	return len(out.Activities), out.NextToken
}, Want: 3}

func BenchmarkDescribeScalingActivitiesNamedPage(b *testing.B) {
	describeScalingActivitiesNamedCase.Bench(b)
}

// One group's activities among every other group's.
var describeScalingActivitiesOfGroupCase = apitest.PageCase{Name: "DescribeScalingActivitiesOfGroup", Hold: holdActivities, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := asCall(tb, st, describeActivities, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("g000007"),
		IncludeDeletedGroups: aws.Bool(true), MaxRecords: aws.Int32(20), NextToken: token})
	return len(out.Activities), out.NextToken
}, Want: 20}

func BenchmarkDescribeScalingActivitiesOfGroupPage(b *testing.B) {
	describeScalingActivitiesOfGroupCase.Bench(b)
}

var describePoliciesNamedCase = apitest.PageCase{Name: "DescribePoliciesNamed", Hold: holdPolicies, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	names := []string{"p000500", "p000003", "p000900", "p000007", "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:p000001",
		"p000020", "p000030", "p000040", "p000050"}
	out := asCall(tb, st, describePolicies, &autoscaling.DescribePoliciesInput{PolicyNames: names, MaxRecords: aws.Int32(3), NextToken: token})
	return len(out.ScalingPolicies), out.NextToken
}, Want: 3}

func BenchmarkDescribePoliciesNamedPage(b *testing.B) { describePoliciesNamedCase.Bench(b) }

var describePoliciesCase = apitest.PageCase{Name: "DescribePolicies", Hold: holdPolicies, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := asCall(tb, st, describePolicies, &autoscaling.DescribePoliciesInput{MaxRecords: aws.Int32(100), NextToken: token})
	return len(out.ScalingPolicies), out.NextToken
}, Want: 100}

func BenchmarkDescribePoliciesPage(b *testing.B) { describePoliciesCase.Bench(b) }

var describeScheduledActionsNamedCase = apitest.PageCase{Name: "DescribeScheduledActionsNamed", Hold: holdScheduled, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	names := []string{"s000500", "s000003", "s000900", "s000007", "s000001", "s000020", "s000030", "s000040", "s000050"}
	out := asCall(tb, st, describeScheduledActions, &autoscaling.DescribeScheduledActionsInput{ScheduledActionNames: names, MaxRecords: aws.Int32(3), NextToken: token})
	return len(out.ScheduledUpdateGroupActions), out.NextToken
}, Want: 3}

func BenchmarkDescribeScheduledActionsNamedPage(b *testing.B) {
	describeScheduledActionsNamedCase.Bench(b)
}

var describeScheduledActionsCase = apitest.PageCase{Name: "DescribeScheduledActions", Hold: holdScheduled, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := asCall(tb, st, describeScheduledActions, &autoscaling.DescribeScheduledActionsInput{MaxRecords: aws.Int32(100), NextToken: token})
	return len(out.ScheduledUpdateGroupActions), out.NextToken
}, Want: 100}

func BenchmarkDescribeScheduledActionsPage(b *testing.B) { describeScheduledActionsCase.Bench(b) }

var describeWarmPoolCase = apitest.PageCase{Name: "DescribeWarmPool", Hold: holdWarm, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := asCall(tb, st, describeWarmPool, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String("g000000"), MaxRecords: aws.Int32(50), NextToken: token})
	return len(out.Instances), out.NextToken
}, Want: 50}

func BenchmarkDescribeWarmPoolPage(b *testing.B) { describeWarmPoolCase.Bench(b) }

// Named policies, actions and activities page in creation order, newest
// first for activities, as the whole listing does.
func TestDescribeNamedPagesInOrder(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdPolicies(t, st, 300)
	holdScheduled(t, st, 300)
	holdActivities(t, st, 300)
	var got []string
	in := &autoscaling.DescribePoliciesInput{PolicyNames: []string{"p000250", "p000010", "nope", "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:p000120", "p000010"},
		MaxRecords: aws.Int32(2)}
	for pages := 0; pages < 5; pages++ {
		out := asCall(t, st, describePolicies, in)
		for _, p := range out.ScalingPolicies {
			got = append(got, *p.PolicyName)
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if fmt.Sprint(got) != "[p000010 p000120 p000250]" {
		t.Errorf("named policies: %v", got)
	}
	if out := asCall(t, st, describePolicies, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("g000001"),
		PolicyNames: []string{"p000010", "p000120"}}); len(out.ScalingPolicies) != 1 || *out.ScalingPolicies[0].PolicyName != "p000120" {
		t.Errorf("named policies of a group: %+v", out.ScalingPolicies)
	}
	sched := asCall(t, st, describeScheduledActions, &autoscaling.DescribeScheduledActionsInput{ScheduledActionNames: []string{"s000299", "s000001"}})
	if len(sched.ScheduledUpdateGroupActions) != 2 || *sched.ScheduledUpdateGroupActions[0].ScheduledActionName != "s000001" {
		t.Errorf("named actions: %+v", sched.ScheduledUpdateGroupActions)
	}
	acts := asCall(t, st, describeActivities, &autoscaling.DescribeScalingActivitiesInput{ActivityIds: []string{"a-000001", "a-000299", "a-000150", "a-none"},
		IncludeDeletedGroups: aws.Bool(true)})
	got = nil
	for _, a := range acts.Activities {
		got = append(got, *a.ActivityId)
	}
	if fmt.Sprint(got) != "[a-000299 a-000150 a-000001]" {
		t.Errorf("named activities: %v", got)
	}
	acts = asCall(t, st, describeActivities, &autoscaling.DescribeScalingActivitiesInput{ActivityIds: []string{"a-000001", "a-000299"},
		AutoScalingGroupName: aws.String("g000002"), IncludeDeletedGroups: aws.Bool(true)})
	if len(acts.Activities) != 1 || *acts.Activities[0].ActivityId != "a-000299" {
		t.Errorf("named activities of a group: %+v", acts.Activities)
	}
}
