package ecscore

import (
	"crypto/rand"
	"math/big"
	"strconv"
	"strings"

	"github.com/longshore/longshore/services/api"
)

// ARN builds an ECS ARN in the caller's account and region: ARN(c, "cluster", name).
func ARN(c *api.Context, resource string, parts ...string) string {
	return c.ARNPrefix() + "ecs:" + c.Region + ":" + c.Account() + ":" + resource + "/" + strings.Join(parts, "/")
}

// NameFromARN returns the last path element of an ARN, or the reference itself.
func NameFromARN(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 && strings.HasPrefix(ref, "arn:") {
		return ref[i+1:]
	}
	return ref
}

// ClusterARN resolves a cluster reference (name or ARN; empty = "default").
func ClusterARN(c *api.Context, ref string) string {
	if ref == "" {
		ref = "default"
	}
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return ARN(c, "cluster", ref)
}

// ServiceARN resolves a service reference within a cluster.
func ServiceARN(c *api.Context, clusterArn, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return ARN(c, "service", NameFromARN(clusterArn), ref)
}

// TaskDefinitionARN builds the ARN of family:revision.
func TaskDefinitionARN(c *api.Context, family string, revision int32) string {
	return c.ARNPrefix() + "ecs:" + c.Region + ":" + c.Account() + ":task-definition/" + family + ":" + strconv.Itoa(int(revision))
}

// TaskARN builds a task ARN in a cluster.
func TaskARN(c *api.Context, clusterArn, id string) string {
	return ARN(c, "task", NameFromARN(clusterArn), id)
}

// ContainerInstanceARN builds a container instance ARN in a cluster.
func ContainerInstanceARN(c *api.Context, clusterArn, id string) string {
	return ARN(c, "container-instance", NameFromARN(clusterArn), id)
}

// TaskSetARN is arn:aws:ecs:REGION:ACCOUNT:task-set/CLUSTER/SERVICE/ID.
func TaskSetARN(c *api.Context, clusterArn, serviceName, id string) string {
	return ARN(c, "task-set", NameFromARN(clusterArn), serviceName, id)
}

// ServiceRevisionARN is arn:aws:ecs:REGION:ACCOUNT:service-revision/CLUSTER/SERVICE/ID.
func ServiceRevisionARN(c *api.Context, clusterArn, serviceName, id string) string {
	return ARN(c, "service-revision", NameFromARN(clusterArn), serviceName, id)
}

// ServiceDeploymentARN is arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/ID.
func ServiceDeploymentARN(c *api.Context, clusterArn, serviceName, id string) string {
	return ARN(c, "service-deployment", NameFromARN(clusterArn), serviceName, id)
}

// NewDeploymentID is a service deployment id: "ecs-svc/" and 19 digits.
func NewDeploymentID() string { return DeploymentIDPrefix + digits(19) }

// DeploymentIDPrefix starts every service deployment id; tasks a service
// starts carry their deployment id in startedBy.
const DeploymentIDPrefix = "ecs-svc/"

// digits returns n random decimal digits, the first one non-zero.
func digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		lo := int64(0)
		if i == 0 {
			lo = 1
		}
		d, _ := rand.Int(rand.Reader, big.NewInt(10-lo))
		b[i] = byte('0' + lo + d.Int64())
	}
	return string(b)
}

// NewRevisionID is a service revision id: 19 digits.
func NewRevisionID() string { return digits(19) }
