package sts

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
)

// TaskRoleCredentials issues the credentials ECS hands a task's containers:
// its task role, assumed on the task's behalf with the task ID as the session
// name, so that calls made with them come from
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/TASK-ID. The role must exist in
// account (roleArn may also be a bare role name).
func TaskRoleCredentials(c *api.Context, account, roleArn, taskID string, d time.Duration) (*types.Credentials, error) {
	if m := roleArnRE.FindStringSubmatch(roleArn); m != nil {
		account = m[1]
	} else {
		roleArn = "arn:aws:iam::" + account + ":role/" + roleArn
	}
	role, err := iam.GetRoleByARN(c.Tx, account, roleArn)
	if err != nil {
		return nil, err
	}
	roleName, roleID := aws.ToString(role.RoleName), aws.ToString(role.RoleId)
	arn := "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + taskID
	return issue(c, account, arn, roleID+":"+taskID, d)
}
