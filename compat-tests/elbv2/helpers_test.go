package elbv2_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// env is one Longshore with an ELBv2 client.
type env struct {
	t  *testing.T
	ls *longshoretest.Instance
	c  *elb.Client
}

func start(t *testing.T) *env {
	t.Helper()
	ls := harness.Start(t)
	return &env{t: t, ls: ls, c: elb.NewFromConfig(ls.Config)}
}

var seq atomic.Int64

func unique(prefix string) string { return fmt.Sprintf("%s-%d", prefix, seq.Add(1)) }

func (e *env) alb(name string) types.LoadBalancer {
	e.t.Helper()
	out, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String(name), Subnets: e.subnets()[:2],
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.LoadBalancers[0]
}

func (e *env) nlb(name string) types.LoadBalancer {
	e.t.Helper()
	out, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String(name), Type: types.LoadBalancerTypeEnumNetwork, Subnets: e.subnets()[:1],
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.LoadBalancers[0]
}

func (e *env) targetGroup(name string, proto types.ProtocolEnum, tt types.TargetTypeEnum) types.TargetGroup {
	e.t.Helper()
	out, err := e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{
		Name: aws.String(name), Protocol: proto, Port: aws.Int32(80), VpcId: aws.String(e.vpc()), TargetType: tt,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.TargetGroups[0]
}

func forward(tgArn *string) []types.Action {
	return []types.Action{{Type: types.ActionTypeEnumForward, TargetGroupArn: tgArn}}
}

func (e *env) httpListener(lbArn *string, port int32, actions []types.Action) types.Listener {
	e.t.Helper()
	out, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{
		LoadBalancerArn: lbArn, Protocol: types.ProtocolEnumHttp, Port: aws.Int32(port), DefaultActions: actions,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Listeners[0]
}

// fast and poll set SDK waiters' delays so that tests poll quickly.
const (
	fast = 100 * time.Millisecond
	poll = 400 * time.Millisecond
)
