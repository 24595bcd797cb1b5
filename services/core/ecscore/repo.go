package ecscore

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// ErrClusterNotFound is ECS's answer for an unknown cluster.
func ErrClusterNotFound() error {
	return apierror.New("ClusterNotFoundException", "Cluster not found.")
}

// GetCluster loads a cluster by reference; an unknown or INACTIVE one is ClusterNotFoundException.
func GetCluster(c *api.Context, ref *string) (*types.Cluster, error) {
	cl, err := Clusters.Get(c.Tx, c.Scope(), ClusterARN(c, aws.ToString(ref)))
	if err != nil {
		return nil, err
	}
	if cl == nil || aws.ToString(cl.Status) == "INACTIVE" {
		return nil, ErrClusterNotFound()
	}
	return cl, nil
}

// GetService loads a service; unknown services are ServiceNotFoundException.
func GetService(c *api.Context, clusterArn, ref string) (*types.Service, error) {
	svc, err := Services.Get(c.Tx, c.Scope(), ServiceARN(c, clusterArn, ref))
	if err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, apierror.New("ServiceNotFoundException", "Service not found.")
	}
	return svc, nil
}

// GetTaskDefinition resolves "family" (latest ACTIVE revision), "family:revision" or an ARN.
// An unknown one is ECS's ClientException "Unable to describe task definition.".
func GetTaskDefinition(c *api.Context, ref string) (*types.TaskDefinition, error) {
	notFound := apierror.New("ClientException", "Unable to describe task definition.")
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		i := strings.Index(ref, ":task-definition/")
		if i < 0 {
			return nil, notFound
		}
		name = ref[i+len(":task-definition/"):]
	}
	if family, rev, ok := strings.Cut(name, ":"); ok {
		n, err := strconv.Atoi(rev)
		if err != nil {
			return nil, notFound
		}
		td, err := TaskDefinitions.Get(c.Tx, c.Scope(), TaskDefinitionARN(c, family, int32(n)))
		if err != nil {
			return nil, err
		}
		if td == nil || td.Status == types.TaskDefinitionStatusDeleteInProgress {
			return nil, notFound
		}
		return td, nil
	}
	// The latest active revision: the last in the family's Attr order, which
	// is its order of registration.
	items, err := TaskDefinitions.List(c.Tx, c.Scope(), store.Query{AttrPrefix: StatusAttrPrefix(types.TaskDefinitionStatusActive, name),
		ByAttr: true, Desc: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, notFound
	}
	return items[0].Doc, nil
}

// The write functions below are the only way ECS documents are stored from
// outside services/ecs: each indexes the document as its kind requires.

// PutTask stores a task as it is.
func PutTask(tx *store.Tx, sc store.Scope, t *types.Task) error {
	return Tasks.Put(tx, sc, aws.ToString(t.TaskArn), TaskIndex(t), t)
}

// UpdateTask stores a changed task, bumping its version as ECS does on every change.
func UpdateTask(tx *store.Tx, sc store.Scope, t *types.Task) error {
	t.Version++
	return PutTask(tx, sc, t)
}

// PutService stores a service (with its deployments and task sets).
func PutService(tx *store.Tx, sc store.Scope, svc *types.Service) error {
	return Services.Put(tx, sc, aws.ToString(svc.ServiceArn), ServiceIndex(svc), svc)
}

// PutContainerInstance stores a container instance of a cluster.
func PutContainerInstance(tx *store.Tx, sc store.Scope, clusterArn string, ci *types.ContainerInstance) error {
	return ContainerInstances.Put(tx, sc, aws.ToString(ci.ContainerInstanceArn), ContainerInstanceIndex(clusterArn, ci), ci)
}

// PutCluster stores a cluster.
func PutCluster(tx *store.Tx, sc store.Scope, cl *types.Cluster) error {
	return Clusters.Put(tx, sc, aws.ToString(cl.ClusterArn), ClusterIndex(cl), cl)
}

// PutTaskDefinition stores a task definition revision with its tags.
func PutTaskDefinition(tx *store.Tx, sc store.Scope, rec *TaskDefinitionRecord) error {
	return TaskDefinitionRecords.Put(tx, sc, aws.ToString(rec.Def.TaskDefinitionArn), TaskDefinitionIndex(rec.Def), rec)
}

// PutServiceDeployment stores a service deployment.
func PutServiceDeployment(tx *store.Tx, sc store.Scope, sd *types.ServiceDeployment) error {
	return ServiceDeployments.Put(tx, sc, aws.ToString(sd.ServiceDeploymentArn), ServiceDeploymentIndex(sd), sd)
}

// PutDeploymentLink stores the link of a service's deployment.
func PutDeploymentLink(tx *store.Tx, sc store.Scope, serviceArn string, link *DeploymentLink) error {
	return DeploymentLinks.Put(tx, sc, link.DeploymentID, DeploymentLinkIndex(serviceArn), link)
}

// DeleteTags forgets a resource's tags.
func DeleteTags(tx *store.Tx, sc store.Scope, arn string) error {
	_, err := Tags.Delete(tx, sc, arn)
	return err
}

// DeleteTask forgets a task and its tags.
func DeleteTask(tx *store.Tx, sc store.Scope, arn string) error {
	if _, err := Tasks.Delete(tx, sc, arn); err != nil {
		return err
	}
	return DeleteTags(tx, sc, arn)
}
