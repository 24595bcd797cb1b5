package elbv2_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestELBv2CreateApplicationLoadBalancer(t *testing.T) {
	e := start(t)
	lb := e.alb("web")
	arn := aws.ToString(lb.LoadBalancerArn)
	if !regexp.MustCompile(`^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/[0-9a-f]{16}$`).MatchString(arn) {
		t.Errorf("arn %s", arn)
	}
	if !regexp.MustCompile(`^web-\d+\.us-east-1\.elb\.amazonaws\.com$`).MatchString(aws.ToString(lb.DNSName)) {
		t.Errorf("dns %s", aws.ToString(lb.DNSName))
	}
	if aws.ToString(lb.CanonicalHostedZoneId) != "Z35SXDOTRQ7X7K" {
		t.Errorf("hosted zone %s", aws.ToString(lb.CanonicalHostedZoneId))
	}
	if lb.Type != types.LoadBalancerTypeEnumApplication || lb.Scheme != types.LoadBalancerSchemeEnumInternetFacing || lb.IpAddressType != types.IpAddressTypeIpv4 {
		t.Errorf("type %s scheme %s ip %s", lb.Type, lb.Scheme, lb.IpAddressType)
	}
	if lb.State.Code != types.LoadBalancerStateEnumProvisioning {
		t.Errorf("state %s", lb.State.Code)
	}
	if len(lb.AvailabilityZones) != 2 || lb.AvailabilityZones[0].ZoneName == lb.AvailabilityZones[1].ZoneName ||
		!strings.HasPrefix(aws.ToString(lb.AvailabilityZones[0].ZoneName), "us-east-1") {
		t.Errorf("zones %+v", lb.AvailabilityZones)
	}
	if len(lb.SecurityGroups) != 1 || !strings.HasPrefix(lb.SecurityGroups[0], "sg-") || !strings.HasPrefix(aws.ToString(lb.VpcId), "vpc-") {
		t.Errorf("security groups %v vpc %s", lb.SecurityGroups, aws.ToString(lb.VpcId))
	}

	// The same request again returns the same load balancer; other settings are refused.
	again := e.alb("web")
	if aws.ToString(again.LoadBalancerArn) != arn {
		t.Errorf("idempotent create returned %s", aws.ToString(again.LoadBalancerArn))
	}
	_, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: e.subnets()[2:4]})
	ae := harness.AssertAPIError(t, err, "DuplicateLoadBalancerName")
	if ae.ErrorMessage() != "A load balancer with the same name 'web' exists, but with different settings" {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	// Provisioning ends by itself; the waiters see it.
	if err := elb.NewLoadBalancerExistsWaiter(e.c, func(o *elb.LoadBalancerExistsWaiterOptions) { o.MinDelay, o.MaxDelay = fast, poll }).
		Wait(harness.Ctx, &elb.DescribeLoadBalancersInput{Names: []string{"web"}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := elb.NewLoadBalancerAvailableWaiter(e.c, func(o *elb.LoadBalancerAvailableWaiterOptions) { o.MinDelay, o.MaxDelay = fast, poll }).
		Wait(harness.Ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{arn}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	out, err := e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{Names: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.LoadBalancers[0].State.Code != types.LoadBalancerStateEnumActive {
		t.Errorf("state after waiter %s", out.LoadBalancers[0].State.Code)
	}

	// Deleting twice succeeds: a load balancer that does not exist is deleted already.
	for i := 0; i < 2; i++ {
		if _, err := e.c.DeleteLoadBalancer(harness.Ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := elb.NewLoadBalancersDeletedWaiter(e.c, func(o *elb.LoadBalancersDeletedWaiterOptions) { o.MinDelay, o.MaxDelay = fast, poll }).
		Wait(harness.Ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{arn}}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{arn}})
	ae = harness.AssertAPIError(t, err, "LoadBalancerNotFound")
	if ae.ErrorMessage() != "One or more load balancers not found" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	_, err = e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{Names: []string{"web", "other"}})
	ae = harness.AssertAPIError(t, err, "LoadBalancerNotFound")
	if ae.ErrorMessage() != "Load balancers '[web, other]' not found" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestELBv2NetworkAndGatewayLoadBalancers(t *testing.T) {
	e := start(t)
	out, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String("tcp"), Type: types.LoadBalancerTypeEnumNetwork, Scheme: types.LoadBalancerSchemeEnumInternal,
		SubnetMappings: []types.SubnetMapping{{SubnetId: aws.String(e.subnets()[0]), PrivateIPv4Address: aws.String("172.31.5.10")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	nlb := out.LoadBalancers[0]
	if !strings.Contains(aws.ToString(nlb.LoadBalancerArn), ":loadbalancer/net/tcp/") || aws.ToString(nlb.CanonicalHostedZoneId) != "Z26RNL4JYFTOTI" {
		t.Errorf("nlb %s %s", aws.ToString(nlb.LoadBalancerArn), aws.ToString(nlb.CanonicalHostedZoneId))
	}
	if !regexp.MustCompile(`^internal-tcp-[0-9a-f]{16}\.elb\.us-east-1\.amazonaws\.com$`).MatchString(aws.ToString(nlb.DNSName)) {
		t.Errorf("nlb dns %s", aws.ToString(nlb.DNSName))
	}
	addrs := nlb.AvailabilityZones[0].LoadBalancerAddresses
	if len(addrs) != 1 || aws.ToString(addrs[0].PrivateIPv4Address) != "172.31.5.10" || len(nlb.SecurityGroups) != 0 {
		t.Errorf("nlb addresses %+v groups %v", addrs, nlb.SecurityGroups)
	}
	_, err = e.c.SetSecurityGroups(harness.Ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: nlb.LoadBalancerArn, SecurityGroups: []string{"sg-123"}})
	harness.AssertAPIError(t, err, "InvalidConfigurationRequest")

	gw, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String("gw"), Type: types.LoadBalancerTypeEnumGateway, Subnets: e.subnets()[:1],
	})
	if err != nil {
		t.Fatal(err)
	}
	if g := gw.LoadBalancers[0]; !strings.Contains(aws.ToString(g.LoadBalancerArn), ":loadbalancer/gwy/gw/") || g.DNSName != nil || g.Scheme != "" {
		t.Errorf("gateway %s dns %v", aws.ToString(g.LoadBalancerArn), g.DNSName)
	}
	_, err = e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String("gw2"), Type: types.LoadBalancerTypeEnumGateway, Subnets: e.subnets()[:1], SecurityGroups: []string{"sg-1"},
	})
	harness.AssertAPIError(t, err, "ValidationError")

	// An application load balancer needs two zones; names and subnets are checked.
	for _, in := range []*elb.CreateLoadBalancerInput{
		{Name: aws.String("one"), Subnets: e.subnets()[:1]},
		{Name: aws.String("-bad"), Subnets: e.subnets()[:2]},
		{Name: aws.String("internal-x"), Subnets: e.subnets()[:2]},
	} {
		_, err := e.c.CreateLoadBalancer(harness.Ctx, in)
		harness.AssertAPIError(t, err, "ValidationError")
	}
	_, err = e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("x"), Subnets: []string{"net-a", e.subnets()[1]}})
	harness.AssertAPIError(t, err, "SubnetNotFound")
	for _, in := range []*elb.CreateLoadBalancerInput{
		{Name: aws.String("eip-internal"), Type: "network", Scheme: "internal", SubnetMappings: []types.SubnetMapping{{SubnetId: aws.String(e.subnets()[0]), AllocationId: aws.String("eipalloc-1")}}},
		{Name: aws.String("private-public"), Type: "network", SubnetMappings: []types.SubnetMapping{{SubnetId: aws.String(e.subnets()[0]), PrivateIPv4Address: aws.String("172.31.0.9")}}},
		{Name: aws.String("alb-eip"), SubnetMappings: []types.SubnetMapping{{SubnetId: aws.String(e.subnets()[0]), AllocationId: aws.String("eipalloc-1")}, {SubnetId: aws.String(e.subnets()[1])}}},
		{Name: aws.String("dual-internal"), Scheme: "internal", IpAddressType: "dualstack", Subnets: e.subnets()[:2]},
	} {
		_, err := e.c.CreateLoadBalancer(harness.Ctx, in)
		harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
	}
	_, err = e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("gw-scheme"), Type: "gateway", Scheme: "internal", Subnets: e.subnets()[:1]})
	harness.AssertAPIError(t, err, "ValidationError")
	eip, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("eip"), Type: "network",
		SubnetMappings: []types.SubnetMapping{{SubnetId: aws.String(e.subnets()[0]), AllocationId: aws.String("eipalloc-0abc")}}})
	if err != nil {
		t.Fatal(err)
	}
	if a := eip.LoadBalancers[0].AvailabilityZones[0].LoadBalancerAddresses[0]; aws.ToString(a.AllocationId) != "eipalloc-0abc" || aws.ToString(a.IpAddress) == "" {
		t.Errorf("elastic ip address %+v", a)
	}
	_, err = e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("x"), Subnets: e.subnets()[:2], SecurityGroups: []string{"group"}})
	harness.AssertAPIError(t, err, "InvalidSecurityGroup")
}

func TestELBv2ChangeLoadBalancerNetworking(t *testing.T) {
	e := start(t)
	lb := e.alb("net")
	sn, err := e.c.SetSubnets(harness.Ctx, &elb.SetSubnetsInput{LoadBalancerArn: lb.LoadBalancerArn, Subnets: e.subnets()[:3]})
	if err != nil {
		t.Fatal(err)
	}
	if len(sn.AvailabilityZones) != 3 || sn.IpAddressType != types.IpAddressTypeIpv4 {
		t.Errorf("set subnets %+v", sn)
	}
	_, err = e.c.SetSubnets(harness.Ctx, &elb.SetSubnetsInput{LoadBalancerArn: lb.LoadBalancerArn, Subnets: e.subnets()[:1]})
	harness.AssertAPIError(t, err, "ValidationError")

	groups := e.groups(2)
	sg, err := e.c.SetSecurityGroups(harness.Ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: groups})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(sg.SecurityGroupIds, ",") != strings.Join(groups, ",") {
		t.Errorf("groups %v", sg.SecurityGroupIds)
	}
	ip, err := e.c.SetIpAddressType(harness.Ctx, &elb.SetIpAddressTypeInput{LoadBalancerArn: lb.LoadBalancerArn, IpAddressType: types.IpAddressTypeDualstack})
	if err != nil || ip.IpAddressType != types.IpAddressTypeDualstack {
		t.Fatalf("set ip address type %v %v", ip, err)
	}
	pools, err := e.c.ModifyIpPools(harness.Ctx, &elb.ModifyIpPoolsInput{LoadBalancerArn: lb.LoadBalancerArn, IpamPools: &types.IpamPools{Ipv4IpamPoolId: aws.String("ipam-pool-0123")}})
	if err != nil || aws.ToString(pools.IpamPools.Ipv4IpamPoolId) != "ipam-pool-0123" {
		t.Fatalf("modify ip pools %v %v", pools, err)
	}
	pools, err = e.c.ModifyIpPools(harness.Ctx, &elb.ModifyIpPoolsInput{LoadBalancerArn: lb.LoadBalancerArn, RemoveIpamPools: []types.RemoveIpamPoolEnum{types.RemoveIpamPoolEnumIpv4}})
	if err != nil || pools.IpamPools != nil {
		t.Fatalf("remove ip pools %v %v", pools, err)
	}
	d, err := e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lb.LoadBalancerArn}})
	if err != nil {
		t.Fatal(err)
	}
	got := d.LoadBalancers[0]
	if len(got.AvailabilityZones) != 3 || len(got.SecurityGroups) != 2 || got.IpAddressType != types.IpAddressTypeDualstack {
		t.Errorf("after changes %+v", got)
	}
	_, err = e.c.SetSubnets(harness.Ctx, &elb.SetSubnetsInput{LoadBalancerArn: aws.String(strings.Replace(*lb.LoadBalancerArn, "/net/", "/nope/", 1)), Subnets: e.subnets()[:2]})
	harness.AssertAPIError(t, err, "LoadBalancerNotFound")
}

func TestELBv2CapacityReservation(t *testing.T) {
	e := start(t)
	lb := e.alb("cap")
	d, err := e.c.DescribeCapacityReservation(harness.Ctx, &elb.DescribeCapacityReservationInput{LoadBalancerArn: lb.LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.MinimumLoadBalancerCapacity != nil || aws.ToInt32(d.DecreaseRequestsRemaining) != 4 || len(d.CapacityReservationState) != 0 {
		t.Errorf("initial reservation %+v", d)
	}
	m, err := e.c.ModifyCapacityReservation(harness.Ctx, &elb.ModifyCapacityReservationInput{LoadBalancerArn: lb.LoadBalancerArn,
		MinimumLoadBalancerCapacity: &types.MinimumLoadBalancerCapacity{CapacityUnits: aws.Int32(200)}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(m.MinimumLoadBalancerCapacity.CapacityUnits) != 200 || len(m.CapacityReservationState) != 2 ||
		m.CapacityReservationState[0].State.Code != types.CapacityReservationStateEnumPending || aws.ToFloat64(m.CapacityReservationState[0].EffectiveCapacityUnits) != 100 {
		t.Errorf("modify %+v", m)
	}
	_, err = e.c.ModifyCapacityReservation(harness.Ctx, &elb.ModifyCapacityReservationInput{LoadBalancerArn: lb.LoadBalancerArn, ResetCapacityReservation: aws.Bool(true)})
	harness.AssertAPIError(t, err, "CapacityReservationPending")
	time.Sleep(700 * time.Millisecond)
	d, err = e.c.DescribeCapacityReservation(harness.Ctx, &elb.DescribeCapacityReservationInput{LoadBalancerArn: lb.LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.CapacityReservationState[0].State.Code != types.CapacityReservationStateEnumProvisioned || d.LastModifiedTime == nil {
		t.Errorf("after provisioning %+v", d.CapacityReservationState[0].State)
	}
	m, err = e.c.ModifyCapacityReservation(harness.Ctx, &elb.ModifyCapacityReservationInput{LoadBalancerArn: lb.LoadBalancerArn, ResetCapacityReservation: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if m.MinimumLoadBalancerCapacity != nil || aws.ToInt32(m.DecreaseRequestsRemaining) != 3 {
		t.Errorf("reset %+v", m)
	}
	_, err = e.c.ModifyCapacityReservation(harness.Ctx, &elb.ModifyCapacityReservationInput{LoadBalancerArn: lb.LoadBalancerArn})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestELBv2LoadBalancerAttributes(t *testing.T) {
	e := start(t)
	lb := e.alb("attrs")
	d, err := e.c.DescribeLoadBalancerAttributes(harness.Ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]string{}
	for _, a := range d.Attributes {
		attrs[*a.Key] = *a.Value
	}
	for k, v := range map[string]string{"idle_timeout.timeout_seconds": "60", "deletion_protection.enabled": "false", "routing.http2.enabled": "true",
		"routing.http.desync_mitigation_mode": "defensive", "access_logs.s3.enabled": "false", "client_keep_alive.seconds": "3600"} {
		if attrs[k] != v {
			t.Errorf("%s = %q, want %q", k, attrs[k], v)
		}
	}
	m, err := e.c.ModifyLoadBalancerAttributes(harness.Ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn,
		Attributes: []types.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("true")}, {Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("120")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attributes) != len(d.Attributes) {
		t.Errorf("modify returned %d attributes, describe %d", len(m.Attributes), len(d.Attributes))
	}
	_, err = e.c.ModifyLoadBalancerAttributes(harness.Ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn,
		Attributes: []types.LoadBalancerAttribute{{Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("5000")}}})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = e.c.ModifyLoadBalancerAttributes(harness.Ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn,
		Attributes: []types.LoadBalancerAttribute{{Key: aws.String("no.such"), Value: aws.String("1")}}})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = e.c.ModifyLoadBalancerAttributes(harness.Ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn,
		Attributes: []types.LoadBalancerAttribute{{Key: aws.String("access_logs.s3.enabled"), Value: aws.String("true")}}})
	harness.AssertAPIError(t, err, "InvalidConfigurationRequest")

	// Deletion protection holds.
	_, err = e.c.DeleteLoadBalancer(harness.Ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: lb.LoadBalancerArn})
	harness.AssertAPIError(t, err, "OperationNotPermitted")
	d, _ = e.c.DescribeLoadBalancerAttributes(harness.Ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn})
	for _, a := range d.Attributes {
		if *a.Key == "idle_timeout.timeout_seconds" && *a.Value != "120" {
			t.Errorf("idle timeout %s", *a.Value)
		}
	}
	n := e.nlb("attrs-nlb")
	nd, err := e.c.DescribeLoadBalancerAttributes(harness.Ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: n.LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range nd.Attributes {
		if *a.Key == "load_balancing.cross_zone.enabled" {
			found = *a.Value == "false"
		}
		if *a.Key == "idle_timeout.timeout_seconds" {
			t.Errorf("network load balancer has ALB attribute %s", *a.Key)
		}
	}
	if !found {
		t.Error("network load balancer cross-zone default")
	}
}

func TestELBv2DescribeLoadBalancersPages(t *testing.T) {
	e := start(t)
	for i := 0; i < 5; i++ {
		e.alb(unique("page"))
	}
	p := elb.NewDescribeLoadBalancersPaginator(e.c, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(2)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, lb := range out.LoadBalancers {
			names = append(names, *lb.LoadBalancerName)
		}
	}
	if pages != 3 || len(names) != 5 {
		t.Errorf("%d pages, names %v", pages, names)
	}
	_, err := e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{Marker: aws.String("forged")})
	harness.AssertAPIError(t, err, "ValidationError")
}
