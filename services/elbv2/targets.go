package elbv2

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

// target is one registration of a target in a target group.
type target struct {
	TargetGroupArn   string
	ID               string
	Port             int32 // 0 for Lambda functions
	AvailabilityZone string
	RegisteredAt     time.Time
	DeregisteredAt   *time.Time
	Override         *healthOverride
	// Probe is the outcome of real health checks of a reachable target
	// (see Reachable); nil for targets whose health is simulated.
	Probe *healthOverride `json:",omitempty"`
}

// healthOverride is a health state set from outside (tests, the cluster manager).
type healthOverride struct {
	State  types.TargetHealthStateEnum
	Reason types.TargetHealthReasonEnum
	At     time.Time
	// Description replaces the reason's standard description (a health
	// check's own response codes).
	Description string `json:",omitempty"`
}

var targets = store.Collection[target]{Kind: "elbv2/target"}

func targetKey(tgArn, id string, port int32) string {
	return tgArn + "|" + id + "|" + strconv.Itoa(int(port))
}

func putTarget(tx *store.Tx, sc store.Scope, t *target) error {
	return targets.Put(tx, sc, targetKey(t.TargetGroupArn, t.ID, t.Port), store.Index{Parent: t.TargetGroupArn, Name: t.ID}, t)
}

func deleteTargetsOf(tx *store.Tx, sc store.Scope, tgArn string) error {
	items, err := targets.List(tx, sc, store.Query{Parent: tgArn})
	if err != nil {
		return err
	}
	for _, it := range items {
		if _, err := targets.Delete(tx, sc, it.ID); err != nil {
			return err
		}
	}
	return nil
}

var (
	instanceIDRE = regexp.MustCompile(`^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
	lambdaArnRE  = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]+)?$`)
)

// clockFor gathers what the health state machine needs for one target.
func clockFor(o Options, tg *targetGroup, t *target) healthClock {
	delay, _ := strconv.Atoi(tg.Attributes["deregistration_delay.timeout_seconds"])
	return healthClock{
		RegisteredAt:   t.RegisteredAt,
		DeregisteredAt: t.DeregisteredAt,
		InUseSince:     tg.InUseSince,
		ChecksEnabled:  aws.ToBool(tg.TG.HealthCheckEnabled),
		Interval:       o.Scaled(time.Duration(aws.ToInt32(tg.TG.HealthCheckIntervalSeconds)) * time.Second),
		HealthyCount:   int(aws.ToInt32(tg.TG.HealthyThresholdCount)),
		DrainFor:       o.Scaled(time.Duration(delay) * time.Second),
		Override:       t.Override,
		Probe:          t.Probe,
	}
}

// checkInstanceTarget refuses an instance that does not exist (or is
// terminated) or lies outside the target group's VPC with InvalidTarget, in the
// words the API reference gives the error of RegisterTargets.
func checkInstanceTarget(c *api.Context, tg *targetGroup, id string) error {
	insts, err := ec2.InstancesByState(c.Tx, c.Account(), c.Region)
	if err != nil {
		return err
	}
	for _, inst := range insts {
		if aws.ToString(inst.InstanceId) != id {
			continue
		}
		if inst.State == nil || inst.State.Name == ec2types.InstanceStateNameTerminated || aws.ToString(inst.VpcId) != aws.ToString(tg.TG.VpcId) {
			break
		}
		return nil
	}
	return errInvalidTarget("The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type.")
}

// validateTarget checks a target against its group's target type and fills its port.
func validateTarget(c *api.Context, tg *targetGroup, d *types.TargetDescription) error {
	id := aws.ToString(d.Id)
	switch tg.TG.TargetType {
	case types.TargetTypeEnumInstance:
		if !instanceIDRE.MatchString(id) {
			return errValidation("Instance ID '%s' is not valid", id)
		}
		if err := checkInstanceTarget(c, tg, id); err != nil {
			return err
		}
	case types.TargetTypeEnumIp:
		addr, err := netip.ParseAddr(id)
		ipv6 := tg.TG.IpAddressType == types.TargetGroupIpAddressTypeEnumIpv6
		if err != nil || addr.Is6() != ipv6 {
			family := "IPv4"
			if ipv6 {
				family = "IPv6"
			}
			return errValidation("The IP address '%s' is not a valid %s address", id, family)
		}
		if localTarget(addr, aws.ToString(d.AvailabilityZone)) {
			break
		}
		if addr.IsLoopback() || addr.IsMulticast() || addr.IsUnspecified() || addr.IsLinkLocalUnicast() {
			return errInvalidTarget("The IP address '%s' cannot be registered as a target", id)
		}
	case types.TargetTypeEnumLambda:
		if !lambdaArnRE.MatchString(id) {
			return errValidation("The Lambda function ARN '%s' is not valid", id)
		}
		if d.Port != nil {
			return errValidation("A port cannot be specified for Lambda targets")
		}
		return nil
	case types.TargetTypeEnumAlb:
		lb, err := loadBalancers.Get(c.Tx, c.Scope(), id)
		if err != nil {
			return err
		}
		if lb == nil || lb.LB.Type != types.LoadBalancerTypeEnumApplication {
			return errInvalidTarget("The target '%s' is not a valid Application Load Balancer", id)
		}
		if d.Port != nil && *d.Port != aws.ToInt32(tg.TG.Port) {
			return errValidation("The port of an Application Load Balancer target must match the target group's port %d", aws.ToInt32(tg.TG.Port))
		}
	}
	if d.Port == nil {
		d.Port = tg.TG.Port
	}
	if z := aws.ToString(d.AvailabilityZone); z != "" && z != "all" {
		valid := false
		for _, az := range ec2.AvailabilityZones(c.Region) {
			valid = valid || az == z
		}
		if !valid {
			return errValidation("The Availability Zone '%s' is not valid", z)
		}
	}
	return nil
}

func (h *handlers) registerTargets(s *api.Service) {
	api.Handle(s, "RegisterTargets", h.registerTargetsOp)
	api.Handle(s, "DeregisterTargets", h.deregisterTargets)
	api.Handle(s, "DescribeTargetHealth", h.describeTargetHealth)
}

func (h *handlers) registerTargetsOp(c *api.Context, in *elb.RegisterTargetsInput) (*elb.RegisterTargetsOutput, error) {
	tg, err := getTargetGroup(c, aws.ToString(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	for i := range in.Targets {
		if err := validateTarget(c, tg, &in.Targets[i]); err != nil {
			return nil, err
		}
	}
	if err := h.purgeDrained(c.Tx, c.Scope(), tg); err != nil {
		return nil, err
	}
	for _, d := range in.Targets {
		if err := registerTarget(c.Tx, c.Scope(), tg, aws.ToString(d.Id), aws.ToInt32(d.Port), aws.ToString(d.AvailabilityZone)); err != nil {
			return nil, err
		}
	}
	return &elb.RegisterTargetsOutput{}, nil
}

// registerTarget adds one registration, or revives a draining one; a target
// already registered keeps its health.
func registerTarget(tx *store.Tx, sc store.Scope, tg *targetGroup, id string, port int32, az string) error {
	tgArn := *tg.TG.TargetGroupArn
	have, err := targets.Get(tx, sc, targetKey(tgArn, id, port))
	if err != nil {
		return err
	}
	if have != nil && have.DeregisteredAt == nil {
		return nil
	}
	if have == nil {
		n, err := targets.Count(tx, sc, store.Query{Parent: tgArn})
		if err != nil {
			return err
		}
		if tg.TG.TargetType == types.TargetTypeEnumLambda && n >= 1 {
			return apiErr("TooManyTargets", "You can register only one Lambda function per target group")
		}
		if limit := quota("targets-per-application-load-balancer"); n >= limit {
			return apiErr("TooManyTargets", "You've reached the limit on the number of targets per target group (%d)", limit)
		}
		regs, err := targets.Count(tx, sc, store.Query{Name: id})
		if err != nil {
			return err
		}
		if regs >= 100 {
			return apiErr("TooManyRegistrationsForTargetId", "You've reached the limit on the number of times a target can be registered with a load balancer (100)")
		}
	}
	t := &target{TargetGroupArn: tgArn, ID: id, Port: port, AvailabilityZone: az, RegisteredAt: tx.Now}
	if Reachable(string(tg.TG.TargetType), id) {
		t.Probe = &healthOverride{State: types.TargetHealthStateEnumInitial, Reason: types.TargetHealthReasonEnumInitialHealthChecking, At: tx.Now}
	}
	return putTarget(tx, sc, t)
}

// purgeDrained deletes the registrations whose deregistration has finished.
func (h *handlers) purgeDrained(tx *store.Tx, sc store.Scope, tg *targetGroup) error {
	return purgeDrained(tx, sc, tg, h.opts)
}

func purgeDrained(tx *store.Tx, sc store.Scope, tg *targetGroup, o Options) error {
	items, err := targets.List(tx, sc, store.Query{Parent: *tg.TG.TargetGroupArn})
	if err != nil {
		return err
	}
	for _, it := range items {
		if _, gone := healthAt(clockFor(o, tg, it.Doc), tx.Now); gone {
			if _, err := targets.Delete(tx, sc, it.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h *handlers) deregisterTargets(c *api.Context, in *elb.DeregisterTargetsInput) (*elb.DeregisterTargetsOutput, error) {
	tg, err := getTargetGroup(c, aws.ToString(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	if err := h.purgeDrained(c.Tx, c.Scope(), tg); err != nil {
		return nil, err
	}
	for _, d := range in.Targets {
		port := aws.ToInt32(d.Port)
		if d.Port == nil {
			port = aws.ToInt32(tg.TG.Port)
		}
		// Deregistering a target that is not registered succeeds, as documented.
		if _, err := deregisterTarget(c.Tx, c.Scope(), tg, aws.ToString(d.Id), port); err != nil {
			return nil, err
		}
	}
	return &elb.DeregisterTargetsOutput{}, nil
}

// deregisterTarget starts draining a registration (or removes it at once when
// no load balancer uses the group or the delay is zero). It reports whether
// the target was registered.
func deregisterTarget(tx *store.Tx, sc store.Scope, tg *targetGroup, id string, port int32) (bool, error) {
	key := targetKey(*tg.TG.TargetGroupArn, id, port)
	t, err := targets.Get(tx, sc, key)
	if err != nil || t == nil {
		return false, err
	}
	if t.DeregisteredAt != nil {
		return true, nil
	}
	if tg.InUseSince == nil || tg.Attributes["deregistration_delay.timeout_seconds"] == "0" {
		_, err := targets.Delete(tx, sc, key)
		return true, err
	}
	t.DeregisteredAt = aws.Time(tx.Now)
	return true, putTarget(tx, sc, t)
}

// describe renders one registration's health.
func describeTarget(o Options, tg *targetGroup, t *target, now time.Time) (types.TargetHealthDescription, bool) {
	h, gone := healthAt(clockFor(o, tg, t), now)
	d := types.TargetHealthDescription{
		Target:       &types.TargetDescription{Id: aws.String(t.ID)},
		TargetHealth: h.sdk(),
		AdministrativeOverride: &types.AdministrativeOverride{
			State:       types.TargetAdministrativeOverrideStateEnumNoOverride,
			Reason:      types.TargetAdministrativeOverrideReasonEnumNoOverrideEngaged,
			Description: aws.String("No override is currently active on target"),
		},
	}
	if tg.TG.TargetType != types.TargetTypeEnumLambda {
		d.Target.Port = aws.Int32(t.Port)
		d.HealthCheckPort = aws.String(fmt.Sprint(t.Port))
		if p := aws.ToString(tg.TG.HealthCheckPort); p != "traffic-port" && p != "" {
			d.HealthCheckPort = aws.String(p)
		}
	}
	if t.AvailabilityZone != "" {
		d.Target.AvailabilityZone = aws.String(t.AvailabilityZone)
	}
	return d, gone
}

// notRegistered describes a target the group does not hold. AWS still gives
// its port (the group's when none was asked) and its health-check port, as
// moto's AWS-verified test_describe_unknown_targets records.
func notRegistered(tg *targetGroup, d types.TargetDescription) types.TargetHealthDescription {
	out := types.TargetHealthDescription{
		Target:       &types.TargetDescription{Id: d.Id, Port: d.Port, AvailabilityZone: d.AvailabilityZone},
		TargetHealth: health{State: types.TargetHealthStateEnumUnused, Reason: types.TargetHealthReasonEnumNotRegistered}.sdk(),
	}
	if tg.TG.TargetType != types.TargetTypeEnumLambda {
		if out.Target.Port == nil {
			out.Target.Port = tg.TG.Port
		}
		out.HealthCheckPort = aws.String(fmt.Sprint(aws.ToInt32(out.Target.Port)))
		if p := aws.ToString(tg.TG.HealthCheckPort); p != "traffic-port" && p != "" {
			out.HealthCheckPort = aws.String(p)
		}
	}
	return out
}

func (h *handlers) describeTargetHealth(c *api.Context, in *elb.DescribeTargetHealthInput) (*elb.DescribeTargetHealthOutput, error) {
	tg, err := getTargetGroup(c, aws.ToString(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	items, err := targets.List(c.Tx, c.Scope(), store.Query{Parent: *tg.TG.TargetGroupArn})
	if err != nil {
		return nil, err
	}
	anomaly := false
	for _, inc := range in.Include {
		anomaly = anomaly || inc == types.DescribeTargetHealthInputIncludeEnumAnomaly || inc == types.DescribeTargetHealthInputIncludeEnumAll
	}
	out := &elb.DescribeTargetHealthOutput{TargetHealthDescriptions: []types.TargetHealthDescription{}}
	add := func(d types.TargetHealthDescription) {
		if anomaly && (tg.TG.Protocol == types.ProtocolEnumHttp || tg.TG.Protocol == types.ProtocolEnumHttps) {
			d.AnomalyDetection = &types.AnomalyDetection{Result: types.AnomalyResultEnumNormal, MitigationInEffect: types.MitigationInEffectEnumNo}
		}
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, d)
	}
	if len(in.Targets) == 0 {
		for _, it := range items {
			if d, gone := describeTarget(h.opts, tg, it.Doc, c.Now()); !gone {
				add(d)
			}
		}
		return out, nil
	}
	for _, want := range in.Targets {
		if tg.TG.TargetType == types.TargetTypeEnumInstance && !instanceIDRE.MatchString(aws.ToString(want.Id)) {
			return nil, errInvalidTarget("The following targets are not valid instances: '%s'", aws.ToString(want.Id))
		}
		matched := false
		for _, it := range items {
			t := it.Doc
			if t.ID != aws.ToString(want.Id) || (want.Port != nil && *want.Port != t.Port) {
				continue
			}
			d, gone := describeTarget(h.opts, tg, t, c.Now())
			if gone {
				continue
			}
			matched = true
			add(d)
		}
		if !matched {
			add(notRegistered(tg, want))
		}
	}
	return out, nil
}
