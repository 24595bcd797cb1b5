package autoscaling

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// subnetZones maps a group's subnets to their zones.
func (e *Engine) subnetZones(c *api.Context, g *types.AutoScalingGroup) (map[string]string, error) {
	out := map[string]string{}
	if e.EC2 == nil {
		return out, nil
	}
	for _, s := range splitSubnets(aws.ToString(g.VPCZoneIdentifier)) {
		z, err := e.EC2.SubnetZone(c, s)
		if err != nil {
			return nil, err
		}
		out[s] = z
	}
	return out, nil
}

// instanceType is the type a group launches: the first override of a
// mixed instances policy (prioritized), else the template's.
func instanceType(g *types.AutoScalingGroup, t *Template) string {
	if m := g.MixedInstancesPolicy; m != nil && m.LaunchTemplate != nil {
		for _, o := range m.LaunchTemplate.Overrides {
			if o.InstanceType != nil {
				return *o.InstanceType
			}
		}
	}
	return t.InstanceType
}

// launch starts one instance of a group in a zone (and subnet). A launch
// that EC2 refuses is a failed activity, and the group waits before trying
// again; it then returns nil.
func (e *Engine) launch(c *api.Context, doc *groupDoc, zone, subnet, cause string, warm bool) (*member, error) {
	m, err := launchOne(c, e.EC2, doc, zone, subnet, cause, warm)
	var ae *apierror.Error
	if !errors.As(err, &ae) {
		return m, err
	}
	name := aws.ToString(doc.Group.AutoScalingGroupName)
	a := newActivity(c, doc, "Launching a new EC2 instance.  Status Reason: "+ae.Message+". Launching EC2 instance failed.", cause, nil)
	a.StatusCode, a.StatusMessage, a.Progress, a.EndTime = types.ScalingActivityStatusCodeFailed, aws.String(ae.Message+". Launching EC2 instance failed."), aws.Int32(100), aws.Time(c.Now())
	e.launchBlocked[c.Scope().Account+"/"+c.Region+"/"+name] = c.Now().Add(e.scaled(e.Timings.LaunchRetry))
	return nil, putActivity(c, a)
}

// launchOne starts one instance of a group and records its launch activity;
// EC2's refusal comes back as its *apierror.Error.
func launchOne(c *api.Context, ec Compute, doc *groupDoc, zone, subnet, cause string, warm bool) (*member, error) {
	g := &doc.Group
	name := aws.ToString(g.AutoScalingGroupName)
	if ec == nil {
		return nil, apierror.New("ValidationError", "EC2 is not available")
	}
	t, err := groupTemplate(c, ec, g)
	if err != nil {
		return nil, err
	}
	itype := instanceType(g, t)
	// Auto Scaling marks its instances with their group, a tag only AWS may set.
	tags := map[string]string{"aws:autoscaling:groupName": name}
	for _, tag := range g.Tags {
		if aws.ToBool(tag.PropagateAtLaunch) {
			tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
	}
	run, err := ec.Run(c, RunRequest{Template: t, InstanceType: itype, SubnetID: subnet, AvailabilityZone: zone, Tags: tags})
	if err != nil {
		return nil, err
	}
	id := run.ID
	m := &member{
		Instance: types.Instance{
			InstanceId: aws.String(id), AvailabilityZone: aws.String(zone), HealthStatus: aws.String("Healthy"),
			LifecycleState: types.LifecycleStatePending, ProtectedFromScaleIn: aws.Bool(aws.ToBool(g.NewInstancesProtectedFromScaleIn)),
			InstanceType: aws.String(itype), ImageId: aws.String(run.ImageID),
		},
		Group: name, LaunchedAt: c.Now(), StateSince: c.Now(), SubnetID: subnet, UserData: t.UserData, Warm: warm, Architecture: run.Architecture,
	}
	if t.Config {
		m.LaunchConfigurationName = aws.String(t.Name)
	} else {
		m.LaunchTemplate = &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(t.ID), LaunchTemplateName: aws.String(t.Name), Version: aws.String(t.Version)}
	}
	if g.MixedInstancesPolicy != nil {
		m.WeightedCapacity = aws.String("1")
	}
	description := "Launching a new EC2 instance: " + id
	if warm {
		m.LifecycleState = types.LifecycleStateWarmedPending
		m.ProtectedFromScaleIn = aws.Bool(false)
		description = "Launching a new EC2 instance into warm pool: " + id
	}
	a, err := startActivity(c, doc, description, cause, m)
	if err != nil {
		return nil, err
	}
	m.ActivityID = aws.ToString(a.ActivityId)
	return m, putMember(c, m)
}
