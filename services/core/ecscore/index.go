package ecscore

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"strconv"
	"strings"

	"github.com/longshore/longshore/store"
)

// TaskIndex is how a task is indexed in the store.
func TaskIndex(t *types.Task) store.Index {
	return store.Index{Parent: aws.ToString(t.ClusterArn), Name: aws.ToString(t.Group),
		Status: aws.ToString(t.DesiredStatus), Attr: aws.ToString(t.ContainerInstanceArn)}
}

// ServiceIndex is how a service is indexed in the store. Attr is the
// Service Connect namespace it uses (ServiceNamespaceKey), so that a page of
// ListServicesByNamespace reads only that namespace's services.
func ServiceIndex(s *types.Service) store.Index {
	return store.Index{Parent: aws.ToString(s.ClusterArn), Name: aws.ToString(s.ServiceName), Status: aws.ToString(s.Status),
		Attr: ServiceNamespaceKey(s)}
}

// ServiceNamespaceKey is the Service Connect namespace of a service's
// PRIMARY deployment as NamespaceKey gives it, "" when it has none.
func ServiceNamespaceKey(s *types.Service) string {
	for _, d := range s.Deployments {
		if aws.ToString(d.Status) == DeploymentPrimary {
			if d.ServiceConnectConfiguration != nil {
				return NamespaceKey(aws.ToString(d.ServiceConnectConfiguration.Namespace))
			}
			return ""
		}
	}
	return ""
}

// NamespaceKey is what a Cloud Map namespace reference (a name, an id or an
// ARN) is compared by: its last path segment, the namespace id of an ARN.
// Migration 0021 computes the same in SQL for services stored before.
func NamespaceKey(ref string) string {
	return ref[strings.LastIndexByte(ref, '/')+1:]
}

// ClusterIndex is how a cluster is indexed in the store.
func ClusterIndex(cl *types.Cluster) store.Index {
	return store.Index{Name: aws.ToString(cl.ClusterName), Status: aws.ToString(cl.Status)}
}

// ContainerInstanceIndex is how a container instance is indexed in the store.
func ContainerInstanceIndex(clusterArn string, ci *types.ContainerInstance) store.Index {
	return store.Index{Parent: clusterArn, Status: aws.ToString(ci.Status), Attr: aws.ToString(ci.Ec2InstanceId)}
}

// TaskDefinitionIndex is how a task definition is indexed in the store.
// Attr is its status and its listing order (TaskDefinitionKey): one index
// holds each status's revisions by family, then revision, so a page of
// ListTaskDefinitions of any status, a family's latest ACTIVE revision and
// whether a family has a revision of a status each read only their own
// entries, however many revisions of other statuses are held. Name stays
// empty: a name entry would be one more index page for each registration's
// commit to write. (Rows written before that change still carry the family in
// name; nothing reads it.)
func TaskDefinitionIndex(td *types.TaskDefinition) store.Index {
	return store.Index{Status: string(td.Status), Attr: TaskDefinitionKey(td.Status, aws.ToString(td.Family), td.Revision)}
}

// TaskDefinitionKey is a revision's Attr: its status, then its place in
// ListTaskDefinitions (TaskDefinitionOrder). No status holds a space.
func TaskDefinitionKey(status types.TaskDefinitionStatus, family string, revision int32) string {
	return string(status) + " " + TaskDefinitionOrder(family, revision)
}

// StatusAttrPrefix is the start of the Attr of every revision of a status
// and, when family is not empty, of that family alone.
func StatusAttrPrefix(status types.TaskDefinitionStatus, family string) string {
	if family == "" {
		return string(status) + " "
	}
	return string(status) + " " + family + " "
}

// TaskDefinitionOrder is a task definition's place in ListTaskDefinitions:
// family, then revision. The space sorts below every character a family may
// hold, so "web" comes before "web2".
func TaskDefinitionOrder(family string, revision int32) string {
	r := strconv.FormatInt(int64(revision), 10)
	return family + " " + strings.Repeat("0", 10-len(r)) + r
}

// ServiceDeploymentIndex is how a service deployment is indexed in the store.
func ServiceDeploymentIndex(sd *types.ServiceDeployment) store.Index {
	return store.Index{Parent: aws.ToString(sd.ServiceArn), Status: string(sd.Status)}
}

// DeploymentLinkIndex is how a deployment link is indexed: under its service.
func DeploymentLinkIndex(serviceArn string) store.Index { return store.Index{Parent: serviceArn} }

// TaskTagIndex is how a task's tags are indexed: under its cluster.
func TaskTagIndex(clusterArn string) store.Index { return store.Index{Parent: clusterArn} }
