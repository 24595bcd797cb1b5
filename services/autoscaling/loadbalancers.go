package autoscaling

import (
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// A group's instances join its ELBv2 target groups (attached as target
// groups or as elbv2 traffic sources) once in service, and leave them when
// they start terminating. Classic Load Balancers do not exist in Longshore.

func registerLoadBalancers(s *api.Service) {
	api.Handle(s, "AttachLoadBalancerTargetGroups", attachTargetGroups)
	api.Handle(s, "DetachLoadBalancerTargetGroups", detachTargetGroups)
	api.Handle(s, "DescribeLoadBalancerTargetGroups", describeTargetGroups)
	api.Handle(s, "AttachTrafficSources", attachTrafficSources)
	api.Handle(s, "DetachTrafficSources", detachTrafficSources)
	api.Handle(s, "DescribeTrafficSources", describeTrafficSources)
	api.Handle(s, "DescribeLoadBalancers", describeLoadBalancers)
	api.Handle(s, "AttachLoadBalancers", attachLoadBalancers)
	api.Handle(s, "DetachLoadBalancers", detachLoadBalancers)
}

// checkTargetGroups refuses target groups that do not exist or do not take instances.
func checkTargetGroups(c *api.Context, arns []string) error {
	for _, arn := range arns {
		info, err := elbv2.DescribeTargetGroup(c.Tx, c.Scope(), arn, elbv2.Options{})
		var ae *apierror.Error
		if errors.As(err, &ae) || (err == nil && info.TargetType != "instance") {
			return errValidation("Provided Target Groups may not be valid. Please ensure they exist and try again.")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func checkLoadBalancerNames(names []string) error {
	if len(names) > 0 {
		return errValidation("Provided Load Balancers may not be valid. Please ensure they exist and try again.")
	}
	return nil
}

// trafficTargetGroups returns the target group ARNs of elbv2 traffic sources,
// refusing other types.
func trafficTargetGroups(sources []types.TrafficSourceIdentifier) ([]string, error) {
	var out []string
	for _, s := range sources {
		t := aws.ToString(s.Type)
		if t == "" {
			t = "elbv2"
		}
		if t != "elbv2" {
			return nil, errValidation("Traffic source type %s is not supported; Longshore attaches elbv2 target groups.", t)
		}
		out = append(out, aws.ToString(s.Identifier))
	}
	return out, nil
}

// groupTargetGroups is every target group a group's instances join.
func groupTargetGroups(g *types.AutoScalingGroup) []string {
	out := slices.Clone(g.TargetGroupARNs)
	for _, s := range g.TrafficSources {
		if id := aws.ToString(s.Identifier); !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func attachTargetGroups(c *api.Context, in *autoscaling.AttachLoadBalancerTargetGroupsInput) (*autoscaling.AttachLoadBalancerTargetGroupsOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	if err := checkTargetGroups(c, in.TargetGroupARNs); err != nil {
		return nil, err
	}
	for _, arn := range in.TargetGroupARNs {
		if !slices.Contains(doc.Group.TargetGroupARNs, arn) {
			doc.Group.TargetGroupARNs = append(doc.Group.TargetGroupARNs, arn)
		}
	}
	return &autoscaling.AttachLoadBalancerTargetGroupsOutput{}, putGroup(c, doc)
}

func detachTargetGroups(c *api.Context, in *autoscaling.DetachLoadBalancerTargetGroupsInput) (*autoscaling.DetachLoadBalancerTargetGroupsOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	doc.Group.TargetGroupARNs = slices.DeleteFunc(doc.Group.TargetGroupARNs, func(a string) bool { return slices.Contains(in.TargetGroupARNs, a) })
	if err := leaveDetached(c, doc); err != nil {
		return nil, err
	}
	return &autoscaling.DetachLoadBalancerTargetGroupsOutput{}, putGroup(c, doc)
}

func attachTrafficSources(c *api.Context, in *autoscaling.AttachTrafficSourcesInput) (*autoscaling.AttachTrafficSourcesOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	arns, err := trafficTargetGroups(in.TrafficSources)
	if err != nil {
		return nil, err
	}
	if err := checkTargetGroups(c, arns); err != nil {
		return nil, err
	}
	for _, arn := range arns {
		if !slices.ContainsFunc(doc.Group.TrafficSources, func(s types.TrafficSourceIdentifier) bool { return aws.ToString(s.Identifier) == arn }) {
			doc.Group.TrafficSources = append(doc.Group.TrafficSources, types.TrafficSourceIdentifier{Identifier: aws.String(arn), Type: aws.String("elbv2")})
		}
	}
	return &autoscaling.AttachTrafficSourcesOutput{}, putGroup(c, doc)
}

func detachTrafficSources(c *api.Context, in *autoscaling.DetachTrafficSourcesInput) (*autoscaling.DetachTrafficSourcesOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	doc.Group.TrafficSources = slices.DeleteFunc(doc.Group.TrafficSources, func(s types.TrafficSourceIdentifier) bool {
		return slices.ContainsFunc(in.TrafficSources, func(d types.TrafficSourceIdentifier) bool {
			return aws.ToString(d.Identifier) == aws.ToString(s.Identifier)
		})
	})
	if err := leaveDetached(c, doc); err != nil {
		return nil, err
	}
	return &autoscaling.DetachTrafficSourcesOutput{}, putGroup(c, doc)
}

// leaveDetached deregisters a group's instances from the target groups it no longer has.
func leaveDetached(c *api.Context, doc *groupDoc) error {
	keep := groupTargetGroups(&doc.Group)
	members, err := groupMembers(c, aws.ToString(doc.Group.AutoScalingGroupName))
	if err != nil {
		return err
	}
	for _, m := range members {
		var stay []string
		for _, arn := range m.TargetGroups {
			if slices.Contains(keep, arn) {
				stay = append(stay, arn)
			} else if err := deregisterTarget(c, arn, aws.ToString(m.InstanceId)); err != nil {
				return err
			}
		}
		if len(stay) != len(m.TargetGroups) {
			m.TargetGroups = stay
			if err := putMember(c, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// attachmentState is how Auto Scaling reports an attachment: InService once
// the group has instances in service, Added before.
func attachmentState(c *api.Context, group string) (string, error) {
	found, err := Members.Exists(c.Tx, c.Scope(), store.Query{Parent: group, Status: string(types.LifecycleStateInService)})
	if err != nil {
		return "", err
	}
	if found {
		return "InService", nil
	}
	return "Added", nil
}

// groupAttachments reads a group and the state its load balancing attachments are in.
func groupAttachments(c *api.Context, name string) (*groupDoc, string, error) {
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, "", err
	}
	state, err := attachmentState(c, name)
	if err != nil {
		return nil, "", err
	}
	return doc, state, nil
}

func describeTargetGroups(c *api.Context, in *autoscaling.DescribeLoadBalancerTargetGroupsInput) (*autoscaling.DescribeLoadBalancerTargetGroupsOutput, error) {
	doc, state, err := groupAttachments(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeLoadBalancerTargetGroupsOutput{LoadBalancerTargetGroups: []types.LoadBalancerTargetGroupState{}}
	for _, arn := range doc.Group.TargetGroupARNs {
		out.LoadBalancerTargetGroups = append(out.LoadBalancerTargetGroups, types.LoadBalancerTargetGroupState{LoadBalancerTargetGroupARN: aws.String(arn), State: aws.String(state)})
	}
	return out, nil
}

func describeTrafficSources(c *api.Context, in *autoscaling.DescribeTrafficSourcesInput) (*autoscaling.DescribeTrafficSourcesOutput, error) {
	doc, state, err := groupAttachments(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeTrafficSourcesOutput{TrafficSources: []types.TrafficSourceState{}}
	if t := aws.ToString(in.TrafficSourceType); t != "" && t != "elbv2" {
		return out, nil
	}
	for _, s := range doc.Group.TrafficSources {
		out.TrafficSources = append(out.TrafficSources, types.TrafficSourceState{Identifier: s.Identifier, TrafficSource: s.Identifier,
			Type: aws.String("elbv2"), State: aws.String(state)})
	}
	return out, nil
}

func describeLoadBalancers(c *api.Context, in *autoscaling.DescribeLoadBalancersInput) (*autoscaling.DescribeLoadBalancersOutput, error) {
	if _, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName)); err != nil {
		return nil, err
	}
	// No Classic Load Balancer can be attached in Longshore.
	return &autoscaling.DescribeLoadBalancersOutput{LoadBalancers: []types.LoadBalancerState{}}, nil
}

// joinTargetGroups registers an instance in service with the group's target groups.
func (e *Engine) joinTargetGroups(c *api.Context, doc *groupDoc, m *member) (bool, error) {
	if m.Warm || m.LifecycleState != types.LifecycleStateInService {
		return false, nil
	}
	changed := false
	for _, arn := range groupTargetGroups(&doc.Group) {
		if slices.Contains(m.TargetGroups, arn) {
			continue
		}
		info, err := elbv2.DescribeTargetGroup(c.Tx, c.Scope(), arn, elbv2.Options{TimeScale: e.TimeScale})
		var ae *apierror.Error
		if errors.As(err, &ae) {
			continue // the target group was deleted
		}
		if err != nil {
			return changed, err
		}
		if err := elbv2.RegisterTaskTarget(c.Tx, c.Scope(), arn, aws.ToString(m.InstanceId), info.Port, elbv2.Options{TimeScale: e.TimeScale}); err != nil {
			return changed, err
		}
		m.TargetGroups = append(m.TargetGroups, arn)
		changed = true
	}
	return changed, nil
}

// leaveTargetGroups deregisters a terminating instance from its target groups.
func leaveTargetGroups(c *api.Context, m *member) error {
	for _, arn := range m.TargetGroups {
		if err := deregisterTarget(c, arn, aws.ToString(m.InstanceId)); err != nil {
			return err
		}
	}
	m.TargetGroups = nil
	return nil
}

func deregisterTarget(c *api.Context, arn, instanceID string) error {
	info, err := elbv2.DescribeTargetGroup(c.Tx, c.Scope(), arn, elbv2.Options{})
	var ae *apierror.Error
	if errors.As(err, &ae) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = elbv2.DeregisterTaskTarget(c.Tx, c.Scope(), arn, instanceID, info.Port, elbv2.Options{})
	if errors.As(err, &ae) {
		return nil
	}
	return err
}

func attachLoadBalancers(c *api.Context, in *autoscaling.AttachLoadBalancersInput) (*autoscaling.AttachLoadBalancersOutput, error) {
	if _, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName)); err != nil {
		return nil, err
	}
	if err := checkLoadBalancerNames(in.LoadBalancerNames); err != nil {
		return nil, err
	}
	return &autoscaling.AttachLoadBalancersOutput{}, nil
}

func detachLoadBalancers(c *api.Context, in *autoscaling.DetachLoadBalancersInput) (*autoscaling.DetachLoadBalancersOutput, error) {
	if _, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName)); err != nil {
		return nil, err
	}
	// None can be attached, so there is nothing to detach.
	return &autoscaling.DetachLoadBalancersOutput{}, nil
}

// elbHealth is the ELB health check: with HealthCheckType ELB, an instance
// in service past its grace period that a target group reports unhealthy is
// marked Unhealthy and replaced.
func (e *Engine) elbHealth(c *api.Context, doc *groupDoc, members []*member) error {
	g := &doc.Group
	if !strings.Contains(aws.ToString(g.HealthCheckType), "ELB") || suspended(g, "HealthCheck") {
		return nil
	}
	grace := e.scaled(seconds(aws.ToInt32(g.HealthCheckGracePeriod)))
	for _, m := range members {
		if m.LifecycleState != types.LifecycleStateInService || c.Now().Before(m.LaunchedAt.Add(grace)) {
			continue
		}
		for _, arn := range m.TargetGroups {
			info, err := elbv2.DescribeTargetGroup(c.Tx, c.Scope(), arn, elbv2.Options{TimeScale: e.TimeScale})
			var ae *apierror.Error
			if errors.As(err, &ae) {
				continue
			}
			if err != nil {
				return err
			}
			st, err := elbv2.TargetHealth(c.Tx, c.Scope(), arn, aws.ToString(m.InstanceId), info.Port, elbv2.Options{TimeScale: e.TimeScale})
			if err != nil && !errors.As(err, &ae) {
				return err
			}
			if st == nil || st.State != "unhealthy" {
				continue
			}
			m.HealthStatus = aws.String("Unhealthy")
			if suspended(g, "ReplaceUnhealthy") {
				if err := putMember(c, m); err != nil {
					return err
				}
				break
			}
			cause := "At " + stamp(c.Now()) + " an instance was taken out of service in response to an ELB system health check failure."
			if err := beginTermination(c, doc, m, cause, false); err != nil {
				return err
			}
			break
		}
	}
	return nil
}
