package autoscaling

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// launchToken remembers a LaunchInstances call for its client token.
type launchToken struct {
	Request string
	Output  autoscaling.LaunchInstancesOutput
}

var launchTokens = store.Collection[launchToken]{Kind: "autoscaling/launch-token"}

func registerLaunchInstances(s *api.Service, h *handlers) {
	api.Handle(s, "LaunchInstances", h.launchInstances)
}

// launchInstances launches instances into a group at once, raising its
// desired capacity by those that started.
func (h *handlers) launchInstances(c *api.Context, in *autoscaling.LaunchInstancesInput) (*autoscaling.LaunchInstancesOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	n := aws.ToInt32(in.RequestedCapacity)
	request := fmt.Sprintf("%s|%d|%v|%v", name, n, in.AvailabilityZones, in.SubnetIds)
	key := name + "/" + aws.ToString(in.ClientToken)
	if prev, err := launchTokens.Get(c.Tx, c.Scope(), key); err != nil {
		return nil, err
	} else if prev != nil {
		if prev.Request != request {
			return nil, apierror.New("IdempotentParameterMismatch", "The client token %s was used with different parameters.", aws.ToString(in.ClientToken))
		}
		return &prev.Output, nil
	}
	g := &doc.Group
	desired := aws.ToInt32(g.DesiredCapacity)
	if n < 1 {
		return nil, errValidation("RequestedCapacity must be at least 1.")
	}
	if desired+n > aws.ToInt32(g.MaxSize) {
		return nil, errSizes(g, name, "launch", int(n))
	}
	for _, z := range in.AvailabilityZones {
		if !slices.Contains(g.AvailabilityZones, z) {
			return nil, errValidation("The Availability Zone %s is not one of the Availability Zones of Auto Scaling group %s.", z, name)
		}
	}
	subnets := splitSubnets(aws.ToString(g.VPCZoneIdentifier))
	for _, s := range in.SubnetIds {
		if !slices.Contains(subnets, s) {
			return nil, errValidation("The subnet %s is not one of the subnets of Auto Scaling group %s.", s, name)
		}
	}
	zones := map[string]string{}
	if h.EC2 != nil {
		for _, s := range subnets {
			z, err := h.EC2.SubnetZone(c, s)
			if err != nil {
				return nil, err
			}
			zones[s] = z
		}
	}
	members, err := groupMembers(c, name)
	if err != nil {
		return nil, err
	}
	var inGroup []*member
	for _, m := range members {
		if counted(m) {
			inGroup = append(inGroup, m)
		}
	}
	out := &autoscaling.LaunchInstancesOutput{AutoScalingGroupName: aws.String(name), ClientToken: in.ClientToken,
		Instances: []types.InstanceCollection{}, Errors: []types.LaunchInstancesError{}}
	have, launched := int32(len(inGroup)), int32(0)
	for range n {
		zone, subnet := nextPlacement(g, inGroup, zones)
		if len(in.SubnetIds) > 0 {
			subnet, zone = in.SubnetIds[0], zones[in.SubnetIds[0]]
		} else if len(in.AvailabilityZones) > 0 {
			zone = in.AvailabilityZones[0]
			subnet = ""
			for _, s := range subnets {
				if zones[s] == zone {
					subnet = s
					break
				}
			}
		}
		cause := "At " + stamp(c.Now()) + " a user request launched an instance directly into the group, increasing the capacity from " + itoa(have) + " to " + itoa(have+1) + "."
		m, err := launchOne(c, h.EC2, doc, zone, subnet, cause, false)
		var ae *apierror.Error
		if errors.As(err, &ae) {
			out.Errors = append(out.Errors, types.LaunchInstancesError{AvailabilityZone: aws.String(zone), SubnetId: nonEmpty(subnet),
				ErrorCode: aws.String(ae.Code), ErrorMessage: aws.String(ae.Message), MarketType: aws.String("on-demand")})
			continue
		}
		if err != nil {
			return nil, err
		}
		inGroup = append(inGroup, m)
		have++
		launched++
		addToCollection(out, m)
	}
	g.DesiredCapacity = aws.Int32(desired + launched)
	if err := putGroup(c, doc); err != nil {
		return nil, err
	}
	return out, launchTokens.Put(c.Tx, c.Scope(), key, store.Index{Parent: name}, &launchToken{Request: request, Output: *out})
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// addToCollection adds a launched instance to the output, one collection per zone, subnet and type.
func addToCollection(out *autoscaling.LaunchInstancesOutput, m *member) {
	for i := range out.Instances {
		ic := &out.Instances[i]
		if aws.ToString(ic.AvailabilityZone) == aws.ToString(m.AvailabilityZone) && aws.ToString(ic.SubnetId) == m.SubnetID &&
			aws.ToString(ic.InstanceType) == aws.ToString(m.InstanceType) {
			ic.InstanceIds = append(ic.InstanceIds, aws.ToString(m.InstanceId))
			return
		}
	}
	out.Instances = append(out.Instances, types.InstanceCollection{AvailabilityZone: m.AvailabilityZone, SubnetId: nonEmpty(m.SubnetID),
		InstanceType: m.InstanceType, MarketType: aws.String("on-demand"), InstanceIds: []string{aws.ToString(m.InstanceId)}})
}
