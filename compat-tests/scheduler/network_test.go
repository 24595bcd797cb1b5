package scheduler_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/longshore/longshore/compat-tests/harness"
)

// defaultSubnets are the default VPC's default subnets of the endpoint an
// ECS client talks to, ordered by zone.
func defaultSubnets(t *testing.T, client *ecs.Client) []string {
	return harness.DefaultSubnets(t, harness.ClientConfig(client.Options().Region, client.Options().BaseEndpoint,
		client.Options().Credentials, client.Options().HTTPClient))
}

// defaultGroup is the default VPC's default security group there.
func defaultGroup(t *testing.T, client *ecs.Client) string {
	return harness.DefaultSecurityGroup(t, harness.ClientConfig(client.Options().Region, client.Options().BaseEndpoint,
		client.Options().Credentials, client.Options().HTTPClient))
}
