package sts

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
)

// TaskRoleCredentials issues the credentials ECS hands a task's containers:
// its task role, assumed on the task's behalf with the task ID as the session
// name, so that calls made with them come from
// arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/TASK-ID. The role must exist
// in account (roleArn may also be a role name, or its path and name).
func TaskRoleCredentials(c *api.Context, account, roleArn, taskID string, d time.Duration) (*types.Credentials, error) {
	var role *iam.Role
	var err error
	if m := roleArnRE.FindStringSubmatch(roleArn); m != nil {
		account = m[1]
		role, err = iam.GetRoleByARN(c.Tx, account, roleArn)
	} else if strings.Contains(roleArn, "/") {
		// A path and name ("/app/web"): the role of that name under that path.
		role, err = iam.GetRoleByARN(c.Tx, account, c.ARNPrefix()+"iam::"+account+":role/"+strings.TrimPrefix(roleArn, "/"))
	} else {
		role, err = iam.GetRoleByName(c.Tx, account, roleArn)
	}
	if err != nil {
		return nil, err
	}
	roleName, roleID := aws.ToString(role.RoleName), aws.ToString(role.RoleId)
	// The session's ARN names the role without its path.
	arn := c.ARNPrefix() + "sts::" + account + ":assumed-role/" + roleName + "/" + taskID
	return issue(c, account, arn, roleID+":"+taskID, d)
}
