package ecscore

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// The ECS collections. Documents are the SDK's own types, so handlers return
// them as they are stored; the hot ones are stored in their wire form. Index
// columns say what each kind is filtered by. Kinds and formats are those of
// existing databases: do not change them.
var (
	// Clusters: id = cluster ARN, Name = cluster name, Status = status.
	Clusters = store.Collection[types.Cluster]{Kind: "ecs/cluster", Codec: api.ModelCodec("ecs", "Cluster")}
	// TaskDefinitions: id = ARN, Status = status, Attr = status, family and revision (TaskDefinitionKey).
	TaskDefinitions = store.Collection[types.TaskDefinition]{Kind: "ecs/task-definition", Codec: api.ModelCodec("ecs", "TaskDefinition")}
	// TaskDefinitionRecords are the rows of TaskDefinitions with their tags,
	// which a task definition keeps in its own row (not in Tags). Whatever
	// writes a task definition writes its record, keeping its tags.
	TaskDefinitionRecords = store.Collection[TaskDefinitionRecord]{Kind: TaskDefinitions.Kind, Codec: newRecordCodec()}
	// Families: id = family, Attr = family; one per family that has had a
	// revision. Its last revision is read from TaskDefinitions' order keys.
	Families = store.Collection[TaskDefinitionFamily]{Kind: "ecs/family"}
	// Services: id = service ARN, Parent = cluster ARN, Name = service name, Status = status.
	// A service's task sets live in the service document.
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
	// DeploymentLinks: id = deployment id ("ecs-svc/…"), Parent = service ARN;
	// which service deployment and revision a service's deployment belongs to.
	DeploymentLinks = store.Collection[DeploymentLink]{Kind: "ecs/deployment-link"}
	// TaskProtections: id = task ARN; a task's scale-in protection.
	TaskProtections = store.Collection[types.ProtectedTask]{Kind: "ecs/task-protection"}
	// Tags: id = resource ARN; the resource's tags, for every taggable kind
	// but task definitions (TaskDefinitionRecords).
	Tags = store.Collection[[]types.Tag]{Kind: "ecs/tags"}
)

// TaskDefinitionFamily records a task definition family. (Rows stored
// before revisions were read from the order keys also hold a LastRevision,
// which nothing reads.)
type TaskDefinitionFamily struct {
	Name string
}

// DeploymentLink ties a service's deployment (Service.Deployments) to the
// ServiceDeployment and ServiceRevision recorded for it, so that the cluster
// manager can finish the service deployment when the rollout completes.
type DeploymentLink struct {
	DeploymentID         string
	ServiceDeploymentArn string
	ServiceRevisionArn   string
}
