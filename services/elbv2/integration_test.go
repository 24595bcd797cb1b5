package elbv2

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

// fixture is a store with a fake clock and an ELBv2 handler set.
type fixture struct {
	t   *testing.T
	st  *store.Store
	now time.Time
	h   *handlers
	sc  store.Scope
}

func newFixture(t *testing.T) *fixture {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, st: st, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), h: &handlers{}, sc: store.Scope{Account: "123456789012", Region: "us-east-1"}}
	st.Now = func() time.Time { return f.now }
	return f
}

// write runs fn as a request of the fixture's account.
func (f *fixture) write(fn func(c *api.Context) error) {
	f.t.Helper()
	err := f.st.Write(context.Background(), func(tx *store.Tx) error {
		return fn(&api.Context{Context: context.Background(), Region: f.sc.Region, Caller: api.RootPrincipal(f.sc.Account, ""), Tx: tx})
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// setup creates an ALB listener forwarding to blue, and an unused green group.
func (f *fixture) setup() (blue, green, listenerArn string) {
	f.write(func(c *api.Context) error {
		a, _ := ec2.DefaultSubnet(c.Tx, c.Account(), c.Region, "us-east-1a")
		b, _ := ec2.DefaultSubnet(c.Tx, c.Account(), c.Region, "us-east-1b")
		vpc, _ := ec2.DefaultVpc(c.Tx, c.Account(), c.Region)
		lb, err := f.h.createLoadBalancer(c, &elb.CreateLoadBalancerInput{Name: aws.String("lb"), Subnets: []string{*a.SubnetId, *b.SubnetId}})
		if err != nil {
			return err
		}
		for _, name := range []string{"blue", "green"} {
			tg, err := f.h.createTargetGroup(c, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String(vpc), TargetType: "ip"})
			if err != nil {
				return err
			}
			if name == "blue" {
				blue = *tg.TargetGroups[0].TargetGroupArn
			} else {
				green = *tg.TargetGroups[0].TargetGroupArn
			}
		}
		l, err := f.h.createListener(c, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: "HTTP", Port: aws.Int32(80),
			DefaultActions: []types.Action{{Type: "forward", TargetGroupArn: aws.String(blue)}}})
		if err != nil {
			return err
		}
		listenerArn = *l.Listeners[0].ListenerArn
		return nil
	})
	return
}

func TestTaskTargetLifecycle(t *testing.T) {
	f := newFixture(t)
	blue, green, _ := f.setup()
	o := Options{}
	status := func(tg, id string, port int32) *TargetStatus {
		var s *TargetStatus
		f.write(func(c *api.Context) (err error) {
			s, err = TargetHealth(c.Tx, f.sc, tg, id, port, o)
			return err
		})
		return s
	}
	f.write(func(c *api.Context) error {
		info, err := DescribeTargetGroup(c.Tx, f.sc, green, o)
		if err != nil {
			return err
		}
		if len(info.LoadBalancerArns) != 0 || info.TargetType != "ip" || info.Port != 80 || info.DeregistrationDelay != 3*time.Second {
			t.Errorf("green info %+v", info)
		}
		return RegisterTaskTarget(c.Tx, f.sc, blue, "172.31.0.9", 8080, o)
	})
	if s := status(blue, "172.31.0.9", 8080); s.State != "initial" || s.Reason != "Elb.RegistrationInProgress" || !s.Registered {
		t.Errorf("just registered %+v", s)
	}
	f.now = f.now.Add(1600 * time.Millisecond)
	if s := status(blue, "172.31.0.9", 8080); s.State != "healthy" {
		t.Errorf("after 5 intervals %+v", s)
	}
	f.write(func(c *api.Context) error {
		return SetTargetHealth(c.Tx, f.sc, blue, "172.31.0.9", 8080, "unhealthy", "")
	})
	if s := status(blue, "172.31.0.9", 8080); s.State != "unhealthy" || s.Reason != "Target.FailedHealthChecks" || s.Description != "Health checks failed" {
		t.Errorf("after override %+v", s)
	}
	var until time.Time
	f.write(func(c *api.Context) (err error) {
		until, err = DeregisterTaskTarget(c.Tx, f.sc, blue, "172.31.0.9", 8080, o)
		return err
	})
	if until != f.now.Add(3*time.Second) {
		t.Errorf("drains until %v", until)
	}
	var regs []TargetRegistration
	f.write(func(c *api.Context) (err error) {
		regs, err = ListTargetHealth(c.Tx, f.sc, blue, o)
		return err
	})
	if len(regs) != 1 || regs[0].State != "draining" || !regs[0].DrainingUntil.Equal(until) {
		t.Errorf("registrations while draining %+v", regs)
	}
	f.now = until
	if s := status(blue, "172.31.0.9", 8080); s.Registered || s.State != "unused" || s.Reason != "Target.NotRegistered" {
		t.Errorf("after draining %+v", s)
	}
	f.write(func(c *api.Context) error {
		if err := SetTargetHealth(c.Tx, f.sc, blue, "172.31.0.9", 8080, "healthy", ""); err == nil {
			t.Error("override of a drained target accepted")
		}
		_, err := DescribeTargetGroup(c.Tx, f.sc, blue+"0", o)
		if err == nil {
			t.Error("missing target group described")
		}
		return nil
	})
}

func TestRuleForwardWeights(t *testing.T) {
	f := newFixture(t)
	blue, green, listenerArn := f.setup()
	cases := []struct {
		weights []TargetWeight
		wantErr bool
	}{
		{[]TargetWeight{{blue, 100}, {green, 0}}, false},
		{[]TargetWeight{{blue, 0}, {green, 100}}, false},
		{[]TargetWeight{{blue, 0}, {green + "0", 100}}, true},
	}
	for _, tc := range cases {
		err := f.st.Write(context.Background(), func(tx *store.Tx) error {
			return SetRuleForwardWeights(tx, f.sc, listenerArn, tc.weights)
		})
		if (err != nil) != tc.wantErr {
			t.Fatalf("%v: err %v", tc.weights, err)
		}
		if err != nil {
			continue
		}
		f.write(func(c *api.Context) error {
			got, err := RuleForwardWeights(c.Tx, f.sc, listenerArn)
			if err != nil {
				return err
			}
			if len(got) != 2 || got[0] != tc.weights[0] || got[1] != tc.weights[1] {
				t.Errorf("weights %v, want %v", got, tc.weights)
			}
			l, err := f.h.describeListeners(c, &elb.DescribeListenersInput{ListenerArns: []string{listenerArn}})
			if err != nil {
				return err
			}
			if fc := l.Listeners[0].DefaultActions[0].ForwardConfig; aws.ToInt32(fc.TargetGroups[1].Weight) != tc.weights[1].Weight {
				t.Errorf("listener default action %+v", fc)
			}
			info, err := DescribeTargetGroup(c.Tx, f.sc, green, Options{})
			if err != nil {
				return err
			}
			if len(info.LoadBalancerArns) != 1 {
				t.Errorf("green not associated after the shift: %v", info.LoadBalancerArns)
			}
			return nil
		})
	}
}

func TestDeleteTargetGroupUsedByService(t *testing.T) {
	f := newFixture(t)
	_, green, _ := f.setup()
	service := "arn:aws:ecs:us-east-1:123456789012:service/prod/web"
	f.h.opts.TargetGroupServices = func(_ *store.Tx, _ store.Scope, arn string) ([]string, error) {
		if arn == green {
			return []string{service}, nil
		}
		return nil, nil
	}
	err := f.st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Region: f.sc.Region, Caller: api.RootPrincipal(f.sc.Account, ""), Tx: tx}
		_, err := f.h.deleteTargetGroup(c, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(green)})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "ResourceInUse") || !strings.Contains(err.Error(), service) {
		t.Fatalf("delete of a group a service uses: %v", err)
	}
	f.h.opts.TargetGroupServices = nil
	f.write(func(c *api.Context) error {
		_, err := f.h.deleteTargetGroup(c, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(green)})
		return err
	})
}
