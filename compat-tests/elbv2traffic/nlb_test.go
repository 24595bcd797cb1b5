package elbv2traffic_test

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// tcpEcho is a TCP server that greets each connection with its name, then
// echoes lines back.
func tcpEcho(t *testing.T, name string) int32 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				fmt.Fprintf(c, "%s\n", name)
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					fmt.Fprintf(c, "%s:%s\n", name, sc.Text())
				}
			}()
		}
	}()
	return int32(ln.Addr().(*net.TCPAddr).Port)
}

// A network load balancer's TCP listener passes connections through to its
// targets; flow hashing keeps every byte of a connection on one target, and
// connections from different source ports spread over the targets. TCP health
// checks mark the targets healthy.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/introduction.html#network-load-balancer-overview
func TestNLBPassesTCPThrough(t *testing.T) {
	e := start(t)
	out, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String(unique("nlb")), Type: types.LoadBalancerTypeEnumNetwork, Subnets: e.subnets()[:1]})
	if err != nil {
		t.Fatal(err)
	}
	tg := e.ipGroup(unique("tcp"), types.ProtocolEnumTcp)
	e.register(tg, tcpEcho(t, "x"))
	e.register(tg, tcpEcho(t, "y"))
	l := e.listener(out.LoadBalancers[0].LoadBalancerArn, types.ProtocolEnumTcp, 9000, forward(tg))
	ep := e.endpoint(l)
	e.waitHealthy(tg, 2)
	seen := map[string]int{}
	for i := 0; i < 40; i++ {
		c, err := net.DialTimeout("tcp", ep.LocalAddress, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		greeting, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		name := greeting[:len(greeting)-1]
		for j := 0; j < 3; j++ {
			fmt.Fprintf(c, "m%d\n", j)
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("%s:m%d\n", name, j); line != want {
				t.Fatalf("connection %d moved targets: %q, want %q", i, line, want)
			}
		}
		c.Close()
		seen[name]++
	}
	if seen["x"] == 0 || seen["y"] == 0 {
		t.Fatalf("flows reached %v", seen)
	}
}
