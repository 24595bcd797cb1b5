package lb_test

import (
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// network places tasks in the default VPC's first two default subnets with
// its default security group.
func (e *env) network() *ecstypes.NetworkConfiguration {
	return &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
		Subnets: harness.DefaultSubnets(e.t, e.ls.Config)[:2], SecurityGroups: []string{harness.DefaultSecurityGroup(e.t, e.ls.Config)}}}
}
