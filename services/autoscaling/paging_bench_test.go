package autoscaling

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdGroups stores n groups of two tags each, out of name order, and n
// instances of group g000000, straight through the store (far past the
// group quota, to show what a page costs).
func holdGroups(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Region: benchScope.Region, Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("g%06d", i*7919%n)
			g := &groupDoc{Group: types.AutoScalingGroup{AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(0), MaxSize: aws.Int32(1),
				DesiredCapacity: aws.Int32(0)}}
			for _, k := range []string{"team", "env"} {
				g.Group.Tags = append(g.Group.Tags, types.TagDescription{ResourceId: aws.String(name), ResourceType: aws.String("auto-scaling-group"),
					Key: aws.String(k), Value: aws.String("v"), PropagateAtLaunch: aws.Bool(false)})
			}
			if err := putGroup(c, g); err != nil {
				return err
			}
			m := &member{Instance: types.Instance{InstanceId: aws.String(fmt.Sprintf("i-%017d", i)), LifecycleState: types.LifecycleStateInService}, Group: "g000000"}
			if err := putMember(c, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func asCall[In, Out any](tb testing.TB, st *store.Store, fn func(*api.Context, *In) (*Out, error), in *In) *Out {
	return apitest.Read(tb, st, benchScope, fn, in)
}

// benchPage reads the third page that page returns with 1k and 65k held;
// the two must cost about the same:
//
//	go test ./services/autoscaling -run '^$' -bench 'Page$'
func benchPage(b *testing.B, page func(tb testing.TB, st *store.Store, token *string) (int, *string), want int) {
	apitest.BenchThirdPage(b, holdGroups, page, want)
}

func BenchmarkDescribeTagsPage(b *testing.B) {
	benchPage(b, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := asCall(tb, st, describeTags, &autoscaling.DescribeTagsInput{MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.Tags), out.NextToken
	}, 100)
}

// Named instances and groups are read by name: a page of three.
func BenchmarkDescribeAutoScalingInstancesPage(b *testing.B) {
	ids := []string{"i-00000000000000500", "i-00000000000000003", "i-00000000000000900", "i-00000000000000007", "i-00000000000000001",
		"i-00000000000000020", "i-00000000000000030", "i-00000000000000040", "i-00000000000000050"}
	benchPage(b, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := asCall(tb, st, describeInstances, &autoscaling.DescribeAutoScalingInstancesInput{InstanceIds: ids, MaxRecords: aws.Int32(3), NextToken: token})
		return len(out.AutoScalingInstances), out.NextToken
	}, 3)
}

func BenchmarkDescribeAutoScalingGroupsPage(b *testing.B) {
	names := []string{"g000500", "g000003", "g000900", "g000007", "g000001", "g000020", "g000030", "g000040", "g000050"}
	benchPage(b, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := asCall(tb, st, describeGroups, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: names, MaxRecords: aws.Int32(3),
			IncludeInstances: aws.Bool(false), NextToken: token})
		return len(out.AutoScalingGroups), out.NextToken
	}, 3)
}

// Tag pages walk every tag once by group name then key, also when a page
// ends inside a group; named groups and instances page in creation order.
func TestDescribePagesInOrder(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdGroups(t, st, 101)
	walkTags := func(filters []types.Filter) []string {
		var got []string
		in := &autoscaling.DescribeTagsInput{MaxRecords: aws.Int32(3), Filters: filters}
		for pages := 0; pages < 100; pages++ {
			out := asCall(t, st, describeTags, in)
			for _, tag := range out.Tags {
				got = append(got, *tag.ResourceId+"/"+*tag.Key)
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		return got
	}
	all := walkTags(nil)
	if len(all) != 202 || all[0] != "g000000/env" || all[1] != "g000000/team" || all[201] != "g000100/team" || !slices.IsSorted(all) {
		t.Errorf("all tags: %d, %v", len(all), all[:4])
	}
	some := walkTags([]types.Filter{{Name: aws.String("auto-scaling-group"), Values: []string{"g000050", "g000007", "nope", "g000007"}},
		{Name: aws.String("key"), Values: []string{"team"}}})
	if fmt.Sprint(some) != "[g000007/team g000050/team]" {
		t.Errorf("filtered tags: %v", some)
	}
	// Group i*7919%101 was created i-th: g000000 first, g000037 second, ...
	order := map[string]int{}
	for i := 0; i < 101; i++ {
		order[fmt.Sprintf("g%06d", i*7919%101)] = i
	}
	in := &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"g000010", "g000060", "g000020", "nope", "g000010"}, MaxRecords: aws.Int32(2)}
	var groups []string
	for pages := 0; pages < 5; pages++ {
		out := asCall(t, st, describeGroups, in)
		for _, g := range out.AutoScalingGroups {
			groups = append(groups, *g.AutoScalingGroupName)
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	// Created in the order g000020, g000010, g000060.
	if len(groups) != 3 || !slices.IsSortedFunc(groups, func(a, b string) int { return order[a] - order[b] }) {
		t.Errorf("named groups: %v", groups)
	}
	inst := asCall(t, st, describeInstances, &autoscaling.DescribeAutoScalingInstancesInput{InstanceIds: []string{"i-00000000000000009", "i-00000000000000002", "i-none"}})
	if len(inst.AutoScalingInstances) != 2 || *inst.AutoScalingInstances[0].InstanceId != "i-00000000000000002" {
		t.Errorf("named instances: %+v", inst.AutoScalingInstances)
	}
}
