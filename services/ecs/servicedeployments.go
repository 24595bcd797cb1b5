package ecs

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

func registerServiceDeployments(s *api.Service) {
	api.Handle(s, "ListServiceDeployments", listServiceDeployments)
	api.Handle(s, "DescribeServiceDeployments", describeServiceDeployments)
	api.Handle(s, "DescribeServiceRevisions", describeServiceRevisions)
	api.Handle(s, "StopServiceDeployment", stopServiceDeployment)
	api.Handle(s, "ContinueServiceDeployment", continueServiceDeployment)
}

func errServiceDeploymentNotFound() error {
	return apierror.New("ServiceDeploymentNotFoundException", "The service deployment does not exist.")
}

func listServiceDeployments(c *api.Context, in *ecs.ListServiceDeploymentsInput) (*ecs.ListServiceDeploymentsOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	svc, err := ecscore.GetService(c, aws.ToString(cl.ClusterArn), aws.ToString(in.Service))
	if err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxResults, 20, 100)
	if err != nil {
		return nil, err
	}
	var after, before *time.Time
	if in.CreatedAt != nil {
		after, before = in.CreatedAt.After, in.CreatedAt.Before
	}
	keep := func(sd *types.ServiceDeployment) bool {
		if len(in.Status) > 0 && !slices.Contains(in.Status, sd.Status) {
			return false
		}
		return timeIn(sd.CreatedAt, after, before)
	}
	serviceArn := aws.ToString(svc.ServiceArn)
	page, next, err := scanPage(c, ecscore.ServiceDeployments, store.Query{Parent: serviceArn, Desc: true},
		"ecs:ListServiceDeployments:"+serviceArn, in.NextToken, size, keep)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListServiceDeploymentsOutput{ServiceDeployments: []types.ServiceDeploymentBrief{}, NextToken: next}
	for _, sd := range page {
		brief := types.ServiceDeploymentBrief{
			ServiceDeploymentArn: sd.ServiceDeploymentArn, ServiceArn: sd.ServiceArn, ClusterArn: sd.ClusterArn,
			CreatedAt: sd.CreatedAt, StartedAt: sd.StartedAt, FinishedAt: sd.FinishedAt,
			Status: sd.Status, StatusReason: sd.StatusReason,
		}
		if sd.TargetServiceRevision != nil {
			brief.TargetServiceRevisionArn = sd.TargetServiceRevision.Arn
		}
		out.ServiceDeployments = append(out.ServiceDeployments, brief)
	}
	return out, nil
}

func checkArnList(arns []string, what string) error {
	if len(arns) == 0 {
		return errInvalid("%s cannot be empty.", what)
	}
	if len(arns) > 20 {
		return errInvalid("Too many %s specified. Maximum is 20.", what)
	}
	return nil
}

func describeServiceDeployments(c *api.Context, in *ecs.DescribeServiceDeploymentsInput) (*ecs.DescribeServiceDeploymentsOutput, error) {
	if err := checkArnList(in.ServiceDeploymentArns, "serviceDeploymentArns"); err != nil {
		return nil, err
	}
	sds, failures, err := describeByARN(c, ecscore.ServiceDeployments, in.ServiceDeploymentArns)
	if err != nil {
		return nil, err
	}
	return &ecs.DescribeServiceDeploymentsOutput{ServiceDeployments: sds, Failures: failures}, nil
}

func describeServiceRevisions(c *api.Context, in *ecs.DescribeServiceRevisionsInput) (*ecs.DescribeServiceRevisionsOutput, error) {
	if err := checkArnList(in.ServiceRevisionArns, "serviceRevisionArns"); err != nil {
		return nil, err
	}
	revs, failures, err := describeByARN(c, ecscore.ServiceRevisions, in.ServiceRevisionArns)
	if err != nil {
		return nil, err
	}
	return &ecs.DescribeServiceRevisionsOutput{ServiceRevisions: revs, Failures: failures}, nil
}

// stopServiceDeployment records the request; the cluster manager rolls the
// service back (ROLLBACK, the default) or stops where it is (ABORT).
func stopServiceDeployment(c *api.Context, in *ecs.StopServiceDeploymentInput) (*ecs.StopServiceDeploymentOutput, error) {
	arn := aws.ToString(in.ServiceDeploymentArn)
	sd, err := ecscore.ServiceDeployments.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if sd == nil {
		return nil, errServiceDeploymentNotFound()
	}
	if sd.Status != types.ServiceDeploymentStatusPending && sd.Status != types.ServiceDeploymentStatusInProgress {
		return nil, apierror.New("ConflictException", "The service deployment is in the %s state and can't be stopped.", sd.Status)
	}
	sd.Status = types.ServiceDeploymentStatusRollbackRequested
	if in.StopType == types.StopServiceDeploymentStopTypeAbort {
		sd.Status = types.ServiceDeploymentStatusStopRequested
	}
	sd.UpdatedAt = aws.Time(c.Now())
	if err := ecscore.PutServiceDeployment(c.Tx, c.Scope(), sd); err != nil {
		return nil, err
	}
	return &ecs.StopServiceDeploymentOutput{ServiceDeploymentArn: aws.String(arn)}, nil
}

// continueServiceDeployment answers a lifecycle hook that waits for action.
func continueServiceDeployment(c *api.Context, in *ecs.ContinueServiceDeploymentInput) (*ecs.ContinueServiceDeploymentOutput, error) {
	arn := aws.ToString(in.ServiceDeploymentArn)
	sd, err := ecscore.ServiceDeployments.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if sd == nil {
		return nil, errServiceDeploymentNotFound()
	}
	hook := aws.ToString(in.HookId)
	for i := range sd.LifecycleHookDetails {
		h := &sd.LifecycleHookDetails[i]
		if aws.ToString(h.HookId) != hook || h.Status != types.DeploymentLifecycleHookStatusAwaitingAction {
			continue
		}
		h.Status = types.DeploymentLifecycleHookStatusSucceeded
		if in.Action == types.DeploymentLifecycleHookActionRollback {
			h.Status = types.DeploymentLifecycleHookStatusFailed
			sd.Status = types.ServiceDeploymentStatusRollbackRequested
		}
		sd.UpdatedAt = aws.Time(c.Now())
		if err := ecscore.PutServiceDeployment(c.Tx, c.Scope(), sd); err != nil {
			return nil, err
		}
		return &ecs.ContinueServiceDeploymentOutput{ServiceDeploymentArn: aws.String(arn)}, nil
	}
	return nil, errInvalid("The service deployment has no lifecycle hook %s awaiting action.", hook)
}
