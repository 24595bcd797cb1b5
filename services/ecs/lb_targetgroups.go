package ecs

import (
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// validateTargetGroups checks a service's target groups as ECS does: each
// exists, is forwarded to by a load balancer, and has the target type the
// task definition's network mode needs (ip for awsvpc, instance otherwise).
// The alternate target groups of blue/green deployments are checked alike.
func validateTargetGroups(c *api.Context, td *types.TaskDefinition, lbs []types.LoadBalancer) error {
	for _, lb := range lbs {
		arns := []string{aws.ToString(lb.TargetGroupArn)}
		if ac := lb.AdvancedConfiguration; ac != nil && aws.ToString(ac.AlternateTargetGroupArn) != "" {
			arns = append(arns, aws.ToString(ac.AlternateTargetGroupArn))
		}
		for _, arn := range arns {
			if arn == "" {
				continue
			}
			if err := validateTargetGroup(c, td, arn); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateTargetGroup(c *api.Context, td *types.TaskDefinition, arn string) error {
	info, err := elbv2.DescribeTargetGroup(c.Tx, c.Scope(), arn, elbv2.Options{})
	var notFound *apierror.Error
	if errors.As(err, &notFound) {
		return errInvalid("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.")
	}
	if err != nil {
		return err
	}
	if len(info.LoadBalancerArns) == 0 {
		return errInvalid("The target group with targetGroupArn %s does not have an associated load balancer.", arn)
	}
	mode := td.NetworkMode
	if mode == "" {
		mode = types.NetworkModeBridge
	}
	want := "instance"
	if mode == types.NetworkModeAwsvpc {
		want = "ip"
	}
	if info.TargetType != want && !(want == "instance" && mode == types.NetworkModeNone) {
		return errInvalid("The provided target group %s has target type %s, which is incompatible with the %s network mode specified in the task definition.",
			arn, info.TargetType, mode)
	}
	return nil
}

// ServicesUsingTargetGroup lists the ARNs of the services (not INACTIVE)
// whose load balancers name a target group, alternate ones included.
func ServicesUsingTargetGroup(tx *store.Tx, sc store.Scope, targetGroupArn string) ([]string, error) {
	items, err := ecscore.Services.List(tx, sc, store.Query{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		svc := it.Doc
		if aws.ToString(svc.Status) == ecscore.ServiceInactive {
			continue
		}
		uses := func(lbs []types.LoadBalancer) bool {
			return slices.ContainsFunc(lbs, func(lb types.LoadBalancer) bool {
				return aws.ToString(lb.TargetGroupArn) == targetGroupArn ||
					(lb.AdvancedConfiguration != nil && aws.ToString(lb.AdvancedConfiguration.AlternateTargetGroupArn) == targetGroupArn)
			})
		}
		// A task set's tasks register in its own target groups.
		if uses(svc.LoadBalancers) || slices.ContainsFunc(svc.TaskSets, func(ts types.TaskSet) bool { return uses(ts.LoadBalancers) }) {
			out = append(out, aws.ToString(svc.ServiceArn))
		}
	}
	return out, nil
}
