package ecs

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// The ECS collections. Documents are the SDK's own types, so handlers return
// them as they are stored; the hot ones are stored in their wire form. Index columns say what each kind is filtered by.
var (
	// Clusters: id = cluster ARN, Name = cluster name, Status = status.
	Clusters = store.Collection[types.Cluster]{Kind: "ecs/cluster", Codec: api.ModelCodec("ecs", "Cluster")}
	// TaskDefinitions: id = ARN, Name = family, Status = status, Attr = family.
	TaskDefinitions = store.Collection[types.TaskDefinition]{Kind: "ecs/task-definition", Codec: api.ModelCodec("ecs", "TaskDefinition")}
	// Families: id = family; the last revision number handed out (never reused).
	Families = store.Collection[Family]{Kind: "ecs/family"}
	// Services: id = service ARN, Parent = cluster ARN, Name = service name, Status = status.
	Services = store.Collection[types.Service]{Kind: "ecs/service", Codec: api.ModelCodec("ecs", "Service")}
	// Tasks: id = task ARN, Parent = cluster ARN, Name = group, Status = desired status,
	// Attr = container instance ARN ("" on Fargate).
	Tasks = store.Collection[types.Task]{Kind: "ecs/task", Codec: api.ModelCodec("ecs", "Task")}
	// ContainerInstances: id = ARN, Parent = cluster ARN, Status = status, Attr = EC2 instance id.
	ContainerInstances = store.Collection[types.ContainerInstance]{Kind: "ecs/container-instance", Codec: api.ModelCodec("ecs", "ContainerInstance")}
	// CapacityProviders: id = name, Status = status.
	CapacityProviders = store.Collection[types.CapacityProvider]{Kind: "ecs/capacity-provider", Codec: api.ModelCodec("ecs", "CapacityProvider")}
	// ServiceDeployments: id = ARN, Parent = service ARN, Status = status.
	ServiceDeployments = store.Collection[types.ServiceDeployment]{Kind: "ecs/service-deployment", Codec: api.ModelCodec("ecs", "ServiceDeployment")}
	// ServiceRevisions: id = ARN, Parent = service ARN.
	ServiceRevisions = store.Collection[types.ServiceRevision]{Kind: "ecs/service-revision", Codec: api.ModelCodec("ecs", "ServiceRevision")}
	// Tags: id = resource ARN; the resource's tags, for every taggable kind.
	Tags = store.Collection[[]types.Tag]{Kind: "ecs/tags"}
)

// Family records the last revision of a task definition family.
type Family struct {
	Name         string
	LastRevision int32
}

// ARN builds an ECS ARN in the caller's account and region: ARN(c, "cluster", name).
func ARN(c *api.Context, resource string, parts ...string) string {
	return "arn:aws:ecs:" + c.Region + ":" + c.Account() + ":" + resource + "/" + strings.Join(parts, "/")
}

// nameFromARN returns the last path element of an ARN, or the reference itself.
func nameFromARN(ref string) string {
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

// ServiceARN resolves a service reference within a cluster.
func ServiceARN(c *api.Context, clusterArn, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return ARN(c, "service", nameFromARN(clusterArn), ref)
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

// TaskDefinitionARN builds the ARN of family:revision.
func TaskDefinitionARN(c *api.Context, family string, revision int32) string {
	return "arn:aws:ecs:" + c.Region + ":" + c.Account() + ":task-definition/" + family + ":" + strconv.Itoa(int(revision))
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
	items, err := TaskDefinitions.List(c.Tx, c.Scope(), store.Query{Name: name, Status: string(types.TaskDefinitionStatusActive), Desc: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, notFound
	}
	return items[0].Doc, nil
}

// TaskARN builds a task ARN in a cluster.
func TaskARN(c *api.Context, clusterArn, id string) string {
	return ARN(c, "task", nameFromARN(clusterArn), id)
}

// ContainerInstanceARN builds a container instance ARN in a cluster.
func ContainerInstanceARN(c *api.Context, clusterArn, id string) string {
	return ARN(c, "container-instance", nameFromARN(clusterArn), id)
}

// TaskIndex is how a task is indexed in the store.
func TaskIndex(t *types.Task) store.Index {
	return store.Index{Parent: aws.ToString(t.ClusterArn), Name: aws.ToString(t.Group),
		Status: aws.ToString(t.DesiredStatus), Attr: aws.ToString(t.ContainerInstanceArn)}
}

// ServiceIndex is how a service is indexed in the store.
func ServiceIndex(s *types.Service) store.Index {
	return store.Index{Parent: aws.ToString(s.ClusterArn), Name: aws.ToString(s.ServiceName), Status: aws.ToString(s.Status)}
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
func TaskDefinitionIndex(td *types.TaskDefinition) store.Index {
	return store.Index{Name: aws.ToString(td.Family), Status: string(td.Status), Attr: aws.ToString(td.Family)}
}

// missing is ECS's failure for a reference it does not know.
func missing(arn string) types.Failure {
	return types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")}
}

// describeByARN loads each ARN from a collection; an unknown one becomes a
// MISSING failure rather than an error, as ECS's Describe calls answer.
func describeByARN[T any](c *api.Context, coll store.Collection[T], arns []string) ([]T, []types.Failure, error) {
	found, failures := []T{}, []types.Failure{}
	for _, arn := range arns {
		doc, err := coll.Get(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, nil, err
		}
		if doc == nil {
			failures = append(failures, missing(arn))
			continue
		}
		found = append(found, *doc)
	}
	return found, failures, nil
}
