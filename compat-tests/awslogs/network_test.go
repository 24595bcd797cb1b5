package awslogs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// network places a task in the default VPC's first default subnet.
func (e env) network(t *testing.T) *types.NetworkConfiguration {
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: harness.DefaultSubnets(t, e.ls.Config)[:1], SecurityGroups: []string{harness.DefaultSecurityGroup(t, e.ls.Config)}}}
}
