package scheduler

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

// RoleCheck decides whether a session of a role may perform an action on a
// resource, as IAM enforcement does for callers; it returns AWS's
// AccessDenied message, or "" when the role may. The ECS agent acts with a
// task's execution role when it reads the task's secrets and creates its
// log streams.
type RoleCheck func(c *api.Context, roleArn, session, action, resource string) string

// needsExecutionRole reports whether a task definition has what the agent
// fetches with the execution role: awslogs streams or SSM secrets.
func needsExecutionRole(td *types.TaskDefinition) bool {
	if td == nil || td.ExecutionRoleArn == nil {
		return false
	}
	for _, cd := range td.ContainerDefinitions {
		if len(cd.Secrets) > 0 || cd.LogConfiguration != nil && cd.LogConfiguration.LogDriver == types.LogDriverAwslogs {
			return true
		}
	}
	return false
}

// checkSecrets reads the task's SSM secrets as the execution role: the first
// parameter it may not read stops the task with the agent's reason.
func (s *Simulated) checkSecrets(c *api.Context, t *types.Task, td *types.TaskDefinition, at time.Time) bool {
	if s.ExecutionRole == nil || td == nil || td.ExecutionRoleArn == nil {
		return true
	}
	role, session := aws.ToString(td.ExecutionRoleArn), TaskID(aws.ToString(t.TaskArn))
	for _, cd := range td.ContainerDefinitions {
		for _, sec := range cd.Secrets {
			from := aws.ToString(sec.ValueFrom)
			if strings.HasPrefix(from, "arn:") && strings.Contains(from, ":secretsmanager:") {
				continue // Secrets Manager is not a service Longshore speaks
			}
			arn := from
			if !strings.HasPrefix(arn, "arn:") {
				if !strings.HasPrefix(arn, "/") {
					arn = "/" + arn
				}
				arn = c.ARNPrefix() + "ssm:" + c.Region + ":" + c.Account() + ":parameter" + arn
			}
			if msg := s.ExecutionRole(c, role, session, "ssm:GetParameters", arn); msg != "" {
				reason := "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
					"unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: " + msg +
					" status code: 400, request id: " + api.UUID()
				if t.PullStoppedAt == nil {
					t.PullStoppedAt = aws.Time(at)
				}
				ct := taskContainer(t, aws.ToString(cd.Name))
				if ct != nil && t.LaunchType != types.LaunchTypeFargate {
					ct.Reason = aws.String(reason)
				}
				ecscore.RequestStop(t, types.TaskStopCodeTaskFailedToStart, reason, at)
				return false
			}
		}
	}
	return true
}

// logStreamDenied checks the execution role's logs:CreateLogStream on a
// container's stream, as the awslogs driver's first call.
func (s *Simulated) logStreamDenied(c *api.Context, t *types.Task, td *types.TaskDefinition, group, stream string) *loggerRefusal {
	if s.ExecutionRole == nil || td == nil || td.ExecutionRoleArn == nil {
		return nil
	}
	arn := c.ARNPrefix() + "logs:" + c.Region + ":" + c.Account() + ":log-group:" + group + ":log-stream:" + stream
	msg := s.ExecutionRole(c, aws.ToString(td.ExecutionRoleArn), TaskID(aws.ToString(t.TaskArn)), "logs:CreateLogStream", arn)
	if msg == "" {
		return nil
	}
	return &loggerRefusal{"stream", "CreateLogStream", apierror.New("AccessDeniedException", "%s", msg)}
}
