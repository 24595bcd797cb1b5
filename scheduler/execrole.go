package scheduler

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
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

// ExecutionRoleRefusal is what the agent meets when it acts with a task's
// execution role before creating its containers: the first SSM secret the
// role may not read (ssm:GetParameters), else the first awslogs stream it
// may not create (logs:CreateLogStream). It returns the container concerned
// and the task's stopped reason, or "" when the role may do all. Both
// runtimes apply it (with IAM enforcement; a nil check allows everything).
func ExecutionRoleRefusal(c *api.Context, check RoleCheck, t *types.Task, td *types.TaskDefinition) (container, reason string) {
	if check == nil || td == nil || td.ExecutionRoleArn == nil {
		return "", ""
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
			if msg := check(c, role, session, "ssm:GetParameters", arn); msg != "" {
				return aws.ToString(cd.Name), "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
					"unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: " + msg +
					" status code: 400, request id: " + api.UUID()
			}
		}
	}
	for _, a := range awslogsTargets(td, c.Region) {
		in := a.in(c)
		arn := in.ARNPrefix() + "logs:" + in.Region + ":" + in.Account() + ":log-group:" + a.Group + ":log-stream:" + a.stream(t)
		if msg := check(in, role, session, "logs:CreateLogStream", arn); msg != "" {
			r := &loggerRefusal{"stream", "CreateLogStream", apierror.New("AccessDeniedException", "%s", msg)}
			return a.Container, r.reason(t.LaunchType == types.LaunchTypeFargate)
		}
	}
	return "", ""
}
