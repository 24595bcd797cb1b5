package elbv2

import (
	"net"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/store"
)

// What the data plane (services/elbv2/dataplane) reads: every load balancer
// with its listeners and rules, every target group with its registrations,
// and where real health checks report. The documents stay here; the data
// plane holds copies it rebuilds after writes.

// localTarget reports Longshore's local extension: an ip target in
// 127.0.0.0/8 registered with AvailabilityZone "all", so that a process on
// this machine can stand behind a load balancer. AWS refuses loopback
// addresses; every other ip target rule is unchanged.
func localTarget(addr netip.Addr, zone string) bool {
	return zone == "all" && addr.Is4() && addr.IsLoopback()
}

// Reachable reports whether a target answers on an address this machine can
// reach whatever runs the tasks: ip targets in 127.0.0.0/8. Options.Dial
// adds the ECS tasks Docker runs; other targets (simulated tasks and
// instances) keep their simulated health.
func Reachable(targetType, id string) bool {
	if targetType != string(types.TargetTypeEnumIp) {
		return false
	}
	addr, err := netip.ParseAddr(id)
	return err == nil && addr.Is4() && addr.IsLoopback()
}

// Dial is where the data plane connects for a target on port (its traffic
// port or its health check port), and whether that address answers on this
// machine: ip targets in 127.0.0.0/8 at their own address, and targets the
// TaskAddress resolver knows (ECS tasks run by Docker) at their published
// port. Other ip targets are dialled as they are (nothing answers there);
// other instance targets at 127.0.0.1.
func (o Options) Dial(targetType types.TargetTypeEnum, id string, port int32) (addr string, real bool) {
	if Reachable(string(targetType), id) {
		return net.JoinHostPort(id, strconv.Itoa(int(port))), true
	}
	if o.TaskAddress != nil && (targetType == types.TargetTypeEnumIp || targetType == types.TargetTypeEnumInstance) {
		if a, ok := o.TaskAddress(id, port); ok {
			return a, true
		}
	}
	host := id
	if targetType != types.TargetTypeEnumIp {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(int(port))), false
}

// PlaneState is every load balancer and target group of every account and region.
type PlaneState struct {
	LoadBalancers []PlaneLoadBalancer
	TargetGroups  map[string]*PlaneTargetGroup // by ARN
}

// PlaneLoadBalancer is one load balancer as the data plane routes it.
type PlaneLoadBalancer struct {
	Scope      store.Scope
	Arn, Name  string
	DNSName    string
	Type       types.LoadBalancerTypeEnum
	Attributes map[string]string
	Listeners  []PlaneListener
}

// PlaneListener is one listener with its rules, by priority, the default rule last.
type PlaneListener struct {
	Arn          string
	Port         int32
	Protocol     types.ProtocolEnum
	Certificates []string // certificate ARNs, the default first
	Rules        []types.Rule
}

// PlaneTargetGroup is one target group with its current registrations.
type PlaneTargetGroup struct {
	Scope       store.Scope
	TG          types.TargetGroup
	Attributes  map[string]string
	InUse       bool
	Targets     []PlaneTarget
	HealthCheck HealthCheck
}

// HealthCheck is a target group's health check settings, durations already
// on Longshore's time scale.
type HealthCheck struct {
	Enabled                              bool
	Protocol                             types.ProtocolEnum
	Port                                 string // traffic-port or a number
	Path                                 string
	Matcher                              string // HTTP codes: "200", "200-299", "200,202"
	Interval, Timeout                    time.Duration
	HealthyThreshold, UnhealthyThreshold int
}

// PlaneTarget is one registration.
type PlaneTarget struct {
	ID       string
	Port     int32
	Draining bool
	// Probed reports that real health checks have recorded a state.
	Probed bool
	clock  healthClock
}

// Health is the registration's state and reason at now.
func (t PlaneTarget) Health(now time.Time) (state, reason string) {
	h, _ := healthAt(t.clock, now)
	return string(h.State), string(h.Reason)
}

// ReadPlane reads every load balancer, listener, rule, target group and
// target of every account and region.
func ReadPlane(tx *store.Tx, o Options) (*PlaneState, error) {
	out := &PlaneState{TargetGroups: map[string]*PlaneTargetGroup{}}
	scopes, err := store.Scopes(tx, loadBalancers.Kind, targetGroups.Kind)
	if err != nil {
		return nil, err
	}
	for _, sc := range scopes {
		tgs, err := targetGroups.List(tx, sc, store.Query{})
		if err != nil {
			return nil, err
		}
		for _, it := range tgs {
			tg := it.Doc
			ptg := &PlaneTargetGroup{Scope: sc, TG: tg.TG, Attributes: tg.Attributes, InUse: tg.InUseSince != nil, HealthCheck: healthCheckOf(o, tg)}
			ts, err := targets.List(tx, sc, store.Query{Parent: it.ID})
			if err != nil {
				return nil, err
			}
			for _, t := range ts {
				k := clockFor(o, tg, t.Doc)
				if _, gone := healthAt(k, tx.Now); gone {
					continue
				}
				ptg.Targets = append(ptg.Targets, PlaneTarget{ID: t.Doc.ID, Port: t.Doc.Port, Draining: t.Doc.DeregisteredAt != nil,
					Probed: t.Doc.Probe != nil, clock: k})
			}
			out.TargetGroups[it.ID] = ptg
		}
		lbs, err := loadBalancers.List(tx, sc, store.Query{})
		if err != nil {
			return nil, err
		}
		for _, it := range lbs {
			lb := it.Doc
			plb := PlaneLoadBalancer{Scope: sc, Arn: it.ID, Name: aws.ToString(lb.LB.LoadBalancerName), DNSName: aws.ToString(lb.LB.DNSName),
				Type: lb.LB.Type, Attributes: lb.Attributes}
			ls, err := listeners.List(tx, sc, store.Query{Parent: it.ID})
			if err != nil {
				return nil, err
			}
			for _, l := range ls {
				pl := PlaneListener{Arn: l.ID, Port: aws.ToInt32(l.Doc.L.Port), Protocol: l.Doc.L.Protocol}
				for _, c := range append(slices.Clone(l.Doc.L.Certificates), l.Doc.Certificates...) {
					if arn := aws.ToString(c.CertificateArn); arn != "" && !slices.Contains(pl.Certificates, arn) {
						pl.Certificates = append(pl.Certificates, arn)
					}
				}
				rs, err := rules.List(tx, sc, store.Query{Parent: l.ID})
				if err != nil {
					return nil, err
				}
				for _, r := range rs {
					pl.Rules = append(pl.Rules, r.Doc.R)
				}
				sortRules(pl.Rules)
				plb.Listeners = append(plb.Listeners, pl)
			}
			sort.Slice(plb.Listeners, func(i, j int) bool { return plb.Listeners[i].Port < plb.Listeners[j].Port })
			out.LoadBalancers = append(out.LoadBalancers, plb)
		}
	}
	return out, nil
}

func healthCheckOf(o Options, tg *targetGroup) HealthCheck {
	t := tg.TG
	hc := HealthCheck{Enabled: aws.ToBool(t.HealthCheckEnabled), Protocol: t.HealthCheckProtocol, Port: aws.ToString(t.HealthCheckPort),
		Path:             aws.ToString(t.HealthCheckPath),
		Interval:         o.Scaled(time.Duration(aws.ToInt32(t.HealthCheckIntervalSeconds)) * time.Second),
		Timeout:          o.Scaled(time.Duration(aws.ToInt32(t.HealthCheckTimeoutSeconds)) * time.Second),
		HealthyThreshold: int(aws.ToInt32(t.HealthyThresholdCount)), UnhealthyThreshold: int(aws.ToInt32(t.UnhealthyThresholdCount))}
	if t.Matcher != nil {
		hc.Matcher = aws.ToString(t.Matcher.HttpCode)
	}
	return hc
}

// ProbeResult is what the data plane's health checks conclude about a target.
type ProbeResult struct {
	State       string // initial, healthy or unhealthy
	Reason      string // empty when healthy
	Description string // empty: the reason's standard description
}

// RecordProbe stores the outcome of a reachable target's real health checks;
// a target no longer registered is left alone.
func RecordProbe(tx *store.Tx, sc store.Scope, targetGroupArn, targetID string, port int32, r ProbeResult) error {
	t, err := targets.Get(tx, sc, targetKey(targetGroupArn, targetID, port))
	if err != nil || t == nil || t.DeregisteredAt != nil {
		return err
	}
	p := &healthOverride{State: types.TargetHealthStateEnum(r.State), Reason: types.TargetHealthReasonEnum(r.Reason), At: tx.Now, Description: r.Description}
	if q := t.Probe; q != nil && q.State == p.State && q.Reason == p.Reason && q.Description == p.Description {
		return nil
	}
	t.Probe = p
	return putTarget(tx, sc, t)
}

// TargetKey names a registration in the data plane's maps.
func TargetKey(targetGroupArn, targetID string, port int32) string {
	return targetGroupArn + "|" + targetID + "|" + strconv.Itoa(int(port))
}
