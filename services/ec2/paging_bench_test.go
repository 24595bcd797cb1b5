package ec2

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdEC2 stores the default network, then n running instances (one in ten
// a t3, each with a tag) and n security groups straight through the store.
func holdEC2(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		if err := EnsureDefaults(tx, benchScope.Account, benchScope.Region); err != nil {
			return err
		}
		c := contextFor(tx, benchScope.Account, benchScope.Region)
		for i := 0; i < n; i++ {
			itype := types.InstanceTypeM5Large
			if i%10 == 0 {
				itype = types.InstanceTypeT3Micro
			}
			inst := &Instance{Instance: types.Instance{InstanceId: aws.String(fmt.Sprintf("i-%017x", i)), InstanceType: itype,
				State: stateOf(types.InstanceStateNameRunning), Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}},
				ReservationID: fmt.Sprintf("r-%017x", i), StateSince: time.Unix(0, 0)}
			inst.Tags = []types.Tag{{Key: aws.String("Name"), Value: aws.String(fmt.Sprint("web", i))}}
			if err := instanceKind.put(c, inst); err != nil {
				return err
			}
			g := &types.SecurityGroup{GroupId: aws.String(fmt.Sprintf("sg-%017x", i)), GroupName: aws.String(fmt.Sprint("g", i)),
				VpcId: aws.String("vpc-x"), Description: aws.String("d"), OwnerId: aws.String(benchScope.Account)}
			if err := groupKind.put(c, g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func ec2Call[In, Out any](tb testing.TB, st *store.Store, fn func(*api.Context, *In) (*Out, error), in *In) *Out {
	var out *Out
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = fn(contextFor(tx, benchScope.Account, benchScope.Region), in)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// benchPage reads the third 100-item page with 1k and 65k held; the two
// must cost about the same:
//
//	go test ./services/ec2 -run '^$' -bench 'Page$'
func benchPage(b *testing.B, page func(tb testing.TB, st *store.Store, token *string) (int, *string), want int) {
	apitest.BenchThirdPage(b, holdEC2, page, want)
}

func BenchmarkDescribeInstancesPage(b *testing.B) {
	benchPage(b, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := ec2Call(tb, st, describeInstances, &sdk.DescribeInstancesInput{MaxResults: aws.Int32(100), NextToken: token,
			Filters: []types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running"}}}})
		return len(out.Reservations), out.NextToken
	}, 100)
}

func BenchmarkDescribeSecurityGroupsPage(b *testing.B) {
	benchPage(b, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := ec2Call(tb, st, describeSecurityGroups, &sdk.DescribeSecurityGroupsInput{MaxResults: aws.Int32(100), NextToken: token})
		return len(out.SecurityGroups), out.NextToken
	}, 100)
}

func BenchmarkDescribeTagsPage(b *testing.B) {
	benchPage(b, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := ec2Call(tb, st, describeTags, &sdk.DescribeTagsInput{MaxResults: aws.Int32(100), NextToken: token})
		return len(out.Tags), out.NextToken
	}, 100)
}

// Tags page by kind, then resource creation, then tag order, also when a
// page ends inside a resource's tags; filters on type or id read only the
// kinds they name.
func TestDescribeTagsPages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		if err := EnsureDefaults(tx, benchScope.Account, benchScope.Region); err != nil {
			return err
		}
		c := contextFor(tx, benchScope.Account, benchScope.Region)
		tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
		// Created sg-b, i-2, sg-a, i-1: listed i-2, i-1, sg-b, sg-a.
		for _, id := range []string{"sg-b", "i-2", "sg-a", "i-1"} {
			tags := []types.Tag{tag("z", id), tag("a", id)}
			if idPrefix(id) == "i" {
				err = instanceKind.put(c, &Instance{Instance: types.Instance{InstanceId: aws.String(id), State: stateOf(types.InstanceStateNameRunning), Tags: tags,
					Placement: &types.Placement{}}})
			} else {
				err = groupKind.put(c, &types.SecurityGroup{GroupId: aws.String(id), Tags: tags})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	walk := func(filters ...types.Filter) string {
		var got []string
		in := &sdk.DescribeTagsInput{MaxResults: aws.Int32(3), Filters: filters}
		for pages := 0; pages < 20; pages++ {
			out := ec2Call(t, st, describeTags, in)
			for _, d := range out.Tags {
				got = append(got, *d.ResourceId+"/"+*d.Key)
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		return fmt.Sprint(got)
	}
	if got := walk(); got != "[i-2/z i-2/a i-1/z i-1/a sg-b/z sg-b/a sg-a/z sg-a/a]" {
		t.Errorf("all tags: %s", got)
	}
	if got := walk(types.Filter{Name: aws.String("resource-id"), Values: []string{"sg-a", "i-2"}}); got != "[i-2/z i-2/a sg-a/z sg-a/a]" {
		t.Errorf("by id: %s", got)
	}
	if got := walk(types.Filter{Name: aws.String("resource-type"), Values: []string{"security-group"}}, types.Filter{Name: aws.String("key"), Values: []string{"a"}}); got != "[sg-b/a sg-a/a]" {
		t.Errorf("by type and key: %s", got)
	}
	if got := walk(types.Filter{Name: aws.String("resource-id"), Values: []string{"sg-?"}}, types.Filter{Name: aws.String("key"), Values: []string{"z"}}); got != "[sg-b/z sg-a/z]" {
		t.Errorf("by id pattern: %s", got)
	}
	err = st.Read(context.Background(), func(tx *store.Tx) error {
		_, err := describeTags(contextFor(tx, benchScope.Account, benchScope.Region), &sdk.DescribeTagsInput{Filters: []types.Filter{
			{Name: aws.String("bogus"), Values: []string{"x"}}, {Name: aws.String("resource-type"), Values: []string{"volume"}}}})
		if err == nil {
			t.Error("an unknown filter was accepted")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Instances page from the store after time settles the few in a changing
// state: pending ones run, terminated ones go after retention.
func TestDescribeInstancesSettlesAndPages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		c := contextFor(tx, benchScope.Account, benchScope.Region)
		for i, s := range []types.InstanceStateName{"running", "pending", "terminated", "shutting-down", "running", "stopped", "running"} {
			inst := &Instance{Instance: types.Instance{InstanceId: aws.String(fmt.Sprint("i-", i)), State: stateOf(s), Placement: &types.Placement{}},
				ReservationID: fmt.Sprint("r-", i),
				StateSince:    now.Add(-30 * time.Minute)}
			if err := instanceKind.put(c, inst); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// i-2 and i-3 (which finished shutting down a second after) are past retention.
	now = now.Add(45 * time.Minute)
	walk := func(in *sdk.DescribeInstancesInput) string {
		var got []string
		for pages := 0; pages < 10; pages++ {
			out := ec2Call(t, st, describeInstances, in)
			for _, r := range out.Reservations {
				for _, inst := range r.Instances {
					got = append(got, *inst.InstanceId+"="+string(inst.State.Name))
				}
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		return fmt.Sprint(got)
	}
	if got := walk(&sdk.DescribeInstancesInput{MaxResults: aws.Int32(2)}); got != "[i-0=running i-1=running i-4=running i-5=stopped i-6=running]" {
		t.Errorf("all: %s", got)
	}
	if got := walk(&sdk.DescribeInstancesInput{MaxResults: aws.Int32(2), Filters: []types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running"}}}}); got != "[i-0=running i-1=running i-4=running i-6=running]" {
		t.Errorf("running: %s", got)
	}
	if got := walk(&sdk.DescribeInstancesInput{InstanceIds: []string{"i-5", "i-1"}}); got != "[i-5=stopped i-1=running]" {
		t.Errorf("named: %s", got)
	}
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		_, err := describeInstances(contextFor(tx, benchScope.Account, benchScope.Region), &sdk.DescribeInstancesInput{InstanceIds: []string{"i-3"}})
		if e, ok := err.(*apierror.Error); !ok || e.Code != "InvalidInstanceID.NotFound" {
			t.Errorf("terminated past retention: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
