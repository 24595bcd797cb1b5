package elbv2

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdELB stores n load balancers and n target groups straight through the
// store (far past the quotas the API keeps, to show what a page costs).
func holdELB(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("lb%06d", i)
			lb := &loadBalancer{LB: types.LoadBalancer{LoadBalancerName: aws.String(name), Type: types.LoadBalancerTypeEnumApplication,
				LoadBalancerArn: aws.String(newLoadBalancerArn(benchScope, types.LoadBalancerTypeEnumApplication, name))}}
			if err := putLoadBalancer(tx, benchScope, lb); err != nil {
				return err
			}
			tg := &targetGroup{TG: types.TargetGroup{TargetGroupName: aws.String(name), TargetGroupArn: aws.String(newTargetGroupArn(benchScope, name)),
				LoadBalancerArns: []string{}}}
			if err := putTargetGroup(tx, benchScope, tg); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// elbCall runs one handler in a read transaction.
func elbCall[In, Out any](tb testing.TB, st *store.Store, op string, fn func(*api.Context, *In) (*Out, error), in *In) *Out {
	return apitest.ReadOp(tb, st, benchScope, op, fn, in)
}

// BenchmarkDescribeLoadBalancersPage and BenchmarkDescribeTargetGroupsPage
// read the third 100-item page with 1k and 65k held; the two must cost about
// the same:
//
//	go test ./services/elbv2 -run '^$' -bench 'Page$'
func BenchmarkDescribeLoadBalancersPage(b *testing.B) {
	h := &handlers{}
	apitest.BenchHeld(b, holdELB, func(b *testing.B, st *store.Store) {
		in := &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(100)}
		for i := 0; i < 2; i++ {
			in.Marker = elbCall(b, st, "DescribeLoadBalancers", h.describeLoadBalancers, in).NextMarker
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if out := elbCall(b, st, "DescribeLoadBalancers", h.describeLoadBalancers, in); len(out.LoadBalancers) != 100 {
				b.Fatalf("%d load balancers", len(out.LoadBalancers))
			}
		}
	})
}

func BenchmarkDescribeTargetGroupsPage(b *testing.B) {
	h := &handlers{}
	apitest.BenchHeld(b, holdELB, func(b *testing.B, st *store.Store) {
		in := &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(100)}
		for i := 0; i < 2; i++ {
			in.Marker = elbCall(b, st, "DescribeTargetGroups", h.describeTargetGroups, in).NextMarker
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if out := elbCall(b, st, "DescribeTargetGroups", h.describeTargetGroups, in); len(out.TargetGroups) != 100 {
				b.Fatalf("%d target groups", len(out.TargetGroups))
			}
		}
	})
}

// A load balancer's target groups page in creation order, whichever rule
// names them first, and only the ones it forwards to.
func TestDescribeTargetGroupsOfLoadBalancerPages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdELB(t, st, 10)
	var lbArn string
	var tgArns []string
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		lbs, err := loadBalancers.List(tx, benchScope, store.Query{Limit: 1})
		if err != nil {
			return err
		}
		lbArn = *lbs[0].Doc.LB.LoadBalancerArn
		tgs, err := targetGroups.List(tx, benchScope, store.Query{})
		if err != nil {
			return err
		}
		// Groups 7, 2, 5 and 3 are forwarded to, named in that order by two rules.
		for _, i := range []int{7, 2, 5, 3} {
			tg := tgs[i].Doc
			tg.TG.LoadBalancerArns = []string{lbArn}
			if err := putTargetGroup(tx, benchScope, tg); err != nil {
				return err
			}
			tgArns = append(tgArns, *tg.TG.TargetGroupArn)
		}
		forward := func(arns ...string) []types.Action {
			var tgs []types.TargetGroupTuple
			for _, a := range arns {
				tgs = append(tgs, types.TargetGroupTuple{TargetGroupArn: aws.String(a)})
			}
			return []types.Action{{Type: types.ActionTypeEnumForward, ForwardConfig: &types.ForwardActionConfig{TargetGroups: tgs}}}
		}
		for i, arns := range [][]string{tgArns[:2], {tgArns[2], tgArns[3], tgArns[0]}} {
			r := &rule{R: types.Rule{RuleArn: aws.String(fmt.Sprint("rule", i)), Actions: forward(arns...)}, ListenerArn: "l", LoadBalancerArn: lbArn}
			if err := putRule(tx, benchScope, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h := &handlers{}
	in := &elb.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(lbArn), PageSize: aws.Int32(3)}
	var got []string
	for pages := 0; pages < 3; pages++ {
		out := elbCall(t, st, "DescribeTargetGroups", h.describeTargetGroups, in)
		for _, tg := range out.TargetGroups {
			got = append(got, *tg.TargetGroupName)
		}
		if in.Marker = out.NextMarker; in.Marker == nil {
			break
		}
	}
	if fmt.Sprint(got) != "[lb000002 lb000003 lb000005 lb000007]" {
		t.Errorf("pages hold %v", got)
	}
}
