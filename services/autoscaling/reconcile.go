package autoscaling

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
)

// group runs one pass over one group: its instances' lifecycles, then its
// capacity.
func (e *Engine) group(c *api.Context, doc *groupDoc) error {
	name := aws.ToString(doc.Group.AutoScalingGroupName)
	members, err := groupMembers(c, name)
	if err != nil {
		return err
	}
	alive := members[:0]
	for _, m := range members {
		ok, err := e.advance(c, doc, m)
		if err != nil {
			return err
		}
		if ok {
			alive = append(alive, m)
		}
	}
	if doc.Deleting {
		if len(alive) == 0 {
			return purgeGroup(c, name)
		}
		return nil
	}
	if err := e.elbHealth(c, doc, alive); err != nil {
		return err
	}
	if err := e.refresh(c, doc, alive); err != nil {
		return err
	}
	if err := e.converge(c, doc, alive); err != nil {
		return err
	}
	if err := e.warmPool(c, doc); err != nil {
		return err
	}
	return e.publishGroupMetrics(c, doc, alive)
}

// converge launches or terminates instances until the group holds its desired capacity.
func (e *Engine) converge(c *api.Context, doc *groupDoc, members []*member) error {
	g := &doc.Group
	var inGroup []*member
	for _, m := range members {
		if counted(m) {
			inGroup = append(inGroup, m)
		}
	}
	have, want := int32(len(inGroup)), aws.ToInt32(g.DesiredCapacity)
	switch {
	case have < want && !suspended(g, "Launch"):
		return e.scaleOut(c, doc, inGroup, members, have, want)
	case have > want && !suspended(g, "Terminate"):
		victims := pickForTermination(g, inGroup, int(have-want))
		for i, m := range victims {
			cause := causePrefix(doc) + "At " + stamp(c.Now()) + " an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from " +
				itoa(have-int32(i)) + " to " + itoa(have-int32(i)-1) + ".  At " + stamp(c.Now()) + " instance " + aws.ToString(m.InstanceId) + " was selected for termination."
			if err := beginTermination(c, doc, m, cause, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// causePrefix is the reason the desired capacity last changed, to open an activity's cause.
func causePrefix(doc *groupDoc) string {
	if doc.Cause == "" {
		return ""
	}
	return doc.Cause + "  "
}

func (e *Engine) scaleOut(c *api.Context, doc *groupDoc, inGroup, all []*member, have, want int32) error {
	name := aws.ToString(doc.Group.AutoScalingGroupName)
	if until, ok := e.launchBlocked[c.Scope().Account+"/"+c.Region+"/"+name]; ok && c.Now().Before(until) {
		return nil
	}
	// Warm instances go into service first.
	for _, m := range all {
		if have >= want {
			return nil
		}
		if !m.Warm || !isWarmReady(m) {
			continue
		}
		cause := causePrefix(doc) + "At " + stamp(c.Now()) + " an instance was moved from the warm pool in response to a difference between desired and actual capacity, increasing the capacity from " + itoa(have) + " to " + itoa(have+1) + "."
		a, err := startActivity(c, doc, "Launching a new EC2 instance from warm pool: "+aws.ToString(m.InstanceId), cause, m)
		if err != nil {
			return err
		}
		m.Warm = false
		m.LifecycleState, m.StateSince, m.LaunchedAt = types.LifecycleStatePending, c.Now(), c.Now()
		m.ActivityID = aws.ToString(a.ActivityId)
		m.ProtectedFromScaleIn = aws.Bool(aws.ToBool(doc.Group.NewInstancesProtectedFromScaleIn))
		if err := putMember(c, m); err != nil {
			return err
		}
		inGroup = append(inGroup, m)
		have++
	}
	for have < want {
		zones, err := e.subnetZones(c, &doc.Group)
		if err != nil {
			return err
		}
		zone, subnet := nextPlacement(&doc.Group, inGroup, zones)
		cause := causePrefix(doc) + "At " + stamp(c.Now()) + " an instance was started in response to a difference between desired and actual capacity, increasing the capacity from " + itoa(have) + " to " + itoa(want) + "."
		m, err := e.launch(c, doc, zone, subnet, cause, false)
		if err != nil {
			return err
		}
		if m == nil {
			return nil
		}
		inGroup = append(inGroup, m)
		have++
	}
	return nil
}

func isWarmReady(m *member) bool {
	switch m.LifecycleState {
	case types.LifecycleStateWarmedStopped, types.LifecycleStateWarmedRunning, types.LifecycleStateWarmedHibernated:
		return true
	}
	return false
}

// nextPlacement balances zones: the group zone holding the fewest of its
// instances (the first such in order), and a subnet of the group in it.
func nextPlacement(g *types.AutoScalingGroup, inGroup []*member, subnetZones map[string]string) (string, string) {
	count := map[string]int{}
	for _, m := range inGroup {
		count[aws.ToString(m.AvailabilityZone)]++
	}
	zones := g.AvailabilityZones
	best := ""
	for _, z := range zones {
		if best == "" || count[z] < count[best] {
			best = z
		}
	}
	subnet := ""
	if subnets := splitSubnets(aws.ToString(g.VPCZoneIdentifier)); len(subnets) > 0 {
		bySubnet := map[string]int{}
		for _, m := range inGroup {
			bySubnet[m.SubnetID]++
		}
		for _, s := range subnets {
			if subnetZones[s] != best && subnetZones[s] != "" {
				continue
			}
			if subnet == "" || bySubnet[s] < bySubnet[subnet] {
				subnet = s
			}
		}
	}
	return best, subnet
}

// pickForTermination chooses n instances to terminate with the group's
// termination policies: never protected ones; with Default, from the zone
// holding the most instances, those on an older launch template first, then
// the oldest.
func pickForTermination(g *types.AutoScalingGroup, inGroup []*member, n int) []*member {
	cands := slices.DeleteFunc(slices.Clone(inGroup), func(m *member) bool { return aws.ToBool(m.ProtectedFromScaleIn) })
	var out []*member
	perZone := map[string]int{}
	for _, m := range inGroup {
		perZone[aws.ToString(m.AvailabilityZone)]++
	}
	current := currentTemplateID(g)
	policy := "Default"
	if len(g.TerminationPolicies) > 0 {
		policy = g.TerminationPolicies[0]
	}
	for len(out) < n && len(cands) > 0 {
		slices.SortStableFunc(cands, func(a, b *member) int {
			za, zb := perZone[aws.ToString(a.AvailabilityZone)], perZone[aws.ToString(b.AvailabilityZone)]
			if za != zb {
				return zb - za
			}
			if policy == "NewestInstance" {
				return b.LaunchedAt.Compare(a.LaunchedAt)
			}
			if policy != "OldestInstance" {
				oa, ob := templateID(a) != current, templateID(b) != current
				if oa != ob {
					if oa {
						return -1
					}
					return 1
				}
			}
			return a.LaunchedAt.Compare(b.LaunchedAt)
		})
		pick := cands[0]
		out = append(out, pick)
		perZone[aws.ToString(pick.AvailabilityZone)]--
		cands = cands[1:]
	}
	return out
}

func templateID(m *member) string {
	if m.LaunchConfigurationName != nil {
		return aws.ToString(m.LaunchConfigurationName)
	}
	if m.LaunchTemplate == nil {
		return ""
	}
	return aws.ToString(m.LaunchTemplate.LaunchTemplateId)
}

func currentTemplateID(g *types.AutoScalingGroup) string {
	if g.LaunchConfigurationName != nil {
		return aws.ToString(g.LaunchConfigurationName)
	}
	spec := templateSpec(g)
	if spec == nil {
		return ""
	}
	return aws.ToString(spec.LaunchTemplateId)
}

// templateSpec is the launch template a group launches from.
func templateSpec(g *types.AutoScalingGroup) *types.LaunchTemplateSpecification {
	if g.LaunchTemplate != nil {
		return g.LaunchTemplate
	}
	if m := g.MixedInstancesPolicy; m != nil && m.LaunchTemplate != nil {
		return m.LaunchTemplate.LaunchTemplateSpecification
	}
	return nil
}
