package dockerrt

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ssm"
)

// resolveSecrets reads each container's secrets from SSM Parameter Store,
// as the agent does with the task's execution role. The first that cannot
// be read fails the task with the agent's reason.
func resolveSecrets(c *api.Context, t *types.Task, td *types.TaskDefinition) (map[string]map[string]string, string) {
	out := map[string]map[string]string{}
	for _, cd := range td.ContainerDefinitions {
		for _, s := range cd.Secrets {
			from := aws.ToString(s.ValueFrom)
			account, region := c.Scope().Account, c.Region
			if strings.HasPrefix(from, "arn:") {
				parts := strings.SplitN(from, ":", 6)
				if len(parts) < 6 || parts[2] != "ssm" {
					return nil, "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: secrets are read from SSM Parameter Store only in Longshore: " + from
				}
				region, account = parts[3], parts[4]
			}
			v, err := ssm.Resolve(c.Tx, account, region, from)
			if err != nil {
				return nil, "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: " + from
			}
			name := aws.ToString(cd.Name)
			if out[name] == nil {
				out[name] = map[string]string{}
			}
			out[name][aws.ToString(s.Name)] = v
		}
	}
	return out, ""
}
