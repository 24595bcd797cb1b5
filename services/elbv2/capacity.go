package elbv2

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
)

// capacityReservation is a load balancer's minimum capacity (LCU reservation).
type capacityReservation struct {
	Units      *int32
	ModifiedAt *time.Time
	// ReadyAt is when a requested change is provisioned.
	ReadyAt time.Time
	// Decreases counts the decrease requests of the day of DecreaseDay.
	Decreases   int32
	DecreaseDay string
}

// capacityProvisioningTime is how long AWS takes to provision reserved capacity.
const capacityProvisioningTime = 60 * time.Second

// maxDailyDecreases is how many capacity decreases AWS accepts per day.
const maxDailyDecreases = 4

func (cr *capacityReservation) decreasesLeft(now time.Time) int32 {
	if cr.DecreaseDay != now.Format(time.DateOnly) {
		return maxDailyDecreases
	}
	return maxDailyDecreases - cr.Decreases
}

// state reports the reservation per zone at now.
func (lb *loadBalancer) capacityState(now time.Time) []types.ZonalCapacityReservationState {
	cr := lb.Capacity
	if cr.Units == nil {
		return nil
	}
	code := types.CapacityReservationStateEnumProvisioned
	if now.Before(cr.ReadyAt) {
		code = types.CapacityReservationStateEnumPending
	}
	per := float64(*cr.Units) / float64(len(lb.LB.AvailabilityZones))
	out := make([]types.ZonalCapacityReservationState, len(lb.LB.AvailabilityZones))
	for i, az := range lb.LB.AvailabilityZones {
		out[i] = types.ZonalCapacityReservationState{
			AvailabilityZone:       az.ZoneName,
			EffectiveCapacityUnits: aws.Float64(per),
			State:                  &types.CapacityReservationStatus{Code: code},
		}
	}
	return out
}

func (h *handlers) describeCapacityReservation(c *api.Context, in *elb.DescribeCapacityReservationInput) (*elb.DescribeCapacityReservationOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	out := &elb.DescribeCapacityReservationOutput{
		LastModifiedTime:          lb.Capacity.ModifiedAt,
		DecreaseRequestsRemaining: aws.Int32(lb.Capacity.decreasesLeft(c.Now())),
		CapacityReservationState:  lb.capacityState(c.Now()),
	}
	if lb.Capacity.Units != nil {
		out.MinimumLoadBalancerCapacity = &types.MinimumLoadBalancerCapacity{CapacityUnits: lb.Capacity.Units}
	}
	return out, nil
}

// capacityLimits are the smallest and largest reservations AWS accepts per load balancer type.
func capacityLimits(t types.LoadBalancerTypeEnum) (min, max int32) {
	if t == types.LoadBalancerTypeEnumNetwork {
		return 2750, 45000
	}
	return 100, 1500
}

func (h *handlers) modifyCapacityReservation(c *api.Context, in *elb.ModifyCapacityReservationInput) (*elb.ModifyCapacityReservationOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	reset := aws.ToBool(in.ResetCapacityReservation)
	if reset == (in.MinimumLoadBalancerCapacity != nil) {
		return nil, errValidation("Specify either MinimumLoadBalancerCapacity or ResetCapacityReservation")
	}
	if lb.LB.Type == types.LoadBalancerTypeEnumGateway {
		return nil, errOperationNotPermitted("Capacity reservations are not supported for load balancers with type 'gateway'")
	}
	now := c.Now()
	cr := &lb.Capacity
	if cr.Units != nil && now.Before(cr.ReadyAt) {
		return nil, apiErr("CapacityReservationPending", "A capacity reservation request for load balancer '%s' is still pending", *lb.LB.LoadBalancerArn)
	}
	var units *int32
	if !reset {
		if in.MinimumLoadBalancerCapacity.CapacityUnits == nil {
			return nil, errValidation("CapacityUnits must be specified")
		}
		u := *in.MinimumLoadBalancerCapacity.CapacityUnits
		lo, hi := capacityLimits(lb.LB.Type)
		if u < lo {
			return nil, errInvalidConfig("The minimum capacity units for this load balancer is %d", lo)
		}
		if u > hi {
			return nil, apiErr("CapacityUnitsLimitExceeded", "The requested capacity units exceed the limit of %d", hi)
		}
		units = aws.Int32(u)
	}
	decrease := cr.Units != nil && (units == nil || *units < *cr.Units)
	if decrease {
		if cr.decreasesLeft(now) <= 0 {
			return nil, apiErr("CapacityDecreaseRequestLimitExceeded", "You have reached the limit of %d capacity decrease requests per day", maxDailyDecreases)
		}
		if cr.DecreaseDay != now.Format(time.DateOnly) {
			cr.DecreaseDay, cr.Decreases = now.Format(time.DateOnly), 0
		}
		cr.Decreases++
	}
	cr.Units = units
	cr.ModifiedAt = aws.Time(now)
	cr.ReadyAt = now.Add(h.opts.Scaled(capacityProvisioningTime))
	if err := putLoadBalancer(c.Tx, c.Scope(), lb); err != nil {
		return nil, err
	}
	out := &elb.ModifyCapacityReservationOutput{
		LastModifiedTime:          cr.ModifiedAt,
		DecreaseRequestsRemaining: aws.Int32(cr.decreasesLeft(now)),
		CapacityReservationState:  lb.capacityState(now),
	}
	if units != nil {
		out.MinimumLoadBalancerCapacity = &types.MinimumLoadBalancerCapacity{CapacityUnits: units}
	}
	return out, nil
}
