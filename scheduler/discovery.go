package scheduler

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/services/servicediscovery"
)

// registration is one Cloud Map service a task of an ECS service registers in.
type registration struct {
	Service string // Cloud Map service ARN
	Port    int32  // the port registered as AWS_INSTANCE_PORT; 0 for none
}

// discovery registers a service's task in Cloud Map once it runs, and
// deregisters it as soon as it begins to stop: for each of the service's
// registries and each Service Connect service of the task's deployment. The
// instance id is the task id, as ECS uses.
func (p *clusterPass) discovery(t *types.Task, changed bool) error {
	if !changed || !strings.HasPrefix(aws.ToString(t.Group), "service:") {
		return nil
	}
	svc, err := p.serviceOfTask(t)
	if err != nil || svc == nil {
		return err
	}
	td := p.tds[aws.ToString(t.TaskDefinitionArn)]
	regs := registrationsOf(svc, t, td)
	if len(regs) == 0 {
		return nil
	}
	id := TaskID(aws.ToString(t.TaskArn))
	running := aws.ToString(t.LastStatus) == ecscore.TaskRunning && aws.ToString(t.DesiredStatus) == ecscore.TaskRunning
	for _, r := range regs {
		if running {
			err = servicediscovery.RegisterTask(p.c, r.Service, id, p.instanceAttributes(svc, t, td, r.Port))
		} else if aws.ToString(t.DesiredStatus) == ecscore.TaskStopped {
			err = servicediscovery.DeregisterTask(p.c, r.Service, id)
		}
		if err != nil {
			return err
		}
	}
	// The last task of a deleted service takes the Cloud Map services ECS
	// made for it along.
	if !running && aws.ToString(svc.Status) != ecscore.ServiceActive {
		return ecs.ReleaseServiceConnect(p.c, svc)
	}
	return nil
}

// registrationsOf lists the Cloud Map services a task registers in: the
// service's registries (a task set's, for its tasks) (with their container port, or the port of the
// container named) and the Service Connect services of the task's
// deployment (with the port of the port mapping they name).
func registrationsOf(svc *types.Service, t *types.Task, td *types.TaskDefinition) []registration {
	var out []registration
	registries := svc.ServiceRegistries
	if usesTaskSets(svc) {
		registries = nil
		if ts := taskSetOf(svc, aws.ToString(t.StartedBy)); ts != nil {
			registries = ts.ServiceRegistries
		}
	}
	for _, r := range registries {
		port := aws.ToInt32(r.Port)
		if port == 0 && r.ContainerPort != nil {
			port = HostPort(t, aws.ToString(r.ContainerName), aws.ToInt32(r.ContainerPort))
			if ENIAddress(t) != "" {
				port = aws.ToInt32(r.ContainerPort)
			}
		}
		out = append(out, registration{Service: aws.ToString(r.RegistryArn), Port: port})
	}
	dep := deploymentOf(svc, aws.ToString(t.StartedBy))
	if dep == nil || dep.ServiceConnectConfiguration == nil || !dep.ServiceConnectConfiguration.Enabled {
		return out
	}
	for i, s := range dep.ServiceConnectConfiguration.Services {
		if i >= len(dep.ServiceConnectResources) {
			break
		}
		out = append(out, registration{Service: aws.ToString(dep.ServiceConnectResources[i].DiscoveryArn), Port: namedPort(td, aws.ToString(s.PortName))})
	}
	return out
}

// deploymentOf is the deployment a task was started by (the PRIMARY one when
// it names none the service still has).
func deploymentOf(svc *types.Service, id string) *types.Deployment {
	var primary *types.Deployment
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		if aws.ToString(d.Id) == id {
			return d
		}
		if aws.ToString(d.Status) == ecscore.DeploymentPrimary {
			primary = d
		}
	}
	return primary
}

// namedPort is the container port of the task definition's port mapping of a name.
func namedPort(td *types.TaskDefinition, name string) int32 {
	if td == nil {
		return 0
	}
	for _, cd := range td.ContainerDefinitions {
		for _, pm := range cd.PortMappings {
			if aws.ToString(pm.Name) == name {
				return aws.ToInt32(pm.ContainerPort)
			}
		}
	}
	return 0
}

// instanceAttributes are the attributes ECS registers a task with: its
// address and port, its zone and region, and the cluster, service and task
// definition family it belongs to.
func (p *clusterPass) instanceAttributes(svc *types.Service, t *types.Task, td *types.TaskDefinition, port int32) map[string]string {
	attrs := map[string]string{
		servicediscovery.AttrInitHealth: "HEALTHY",
		"ECS_CLUSTER_NAME":              aws.ToString(p.cluster.ClusterName),
		"ECS_SERVICE_NAME":              aws.ToString(svc.ServiceName),
		"REGION":                        p.c.Region,
	}
	if addr := taskAddress(t); addr != "" {
		attrs[servicediscovery.AttrIPv4] = addr
	}
	if port > 0 {
		attrs[servicediscovery.AttrPort] = strconv.Itoa(int(port))
	}
	if z := aws.ToString(t.AvailabilityZone); z != "" {
		attrs["AVAILABILITY_ZONE"] = z
	}
	if td != nil {
		attrs["ECS_TASK_DEFINITION_FAMILY"] = aws.ToString(td.Family)
	}
	// CreateTaskSet's externalId: "If the task set is associated with a
	// service discovery registry, the tasks in this task set will have the
	// ECS_TASK_SET_EXTERNAL_ID Cloud Map attribute set to the provided value."
	if ts := taskSetOf(svc, aws.ToString(t.StartedBy)); ts != nil && usesTaskSets(svc) && aws.ToString(ts.ExternalId) != "" {
		attrs["ECS_TASK_SET_EXTERNAL_ID"] = aws.ToString(ts.ExternalId)
	}
	return attrs
}

// taskAddress is the private IPv4 address a task is reached at: its ENI's,
// or a container's network interface's.
func taskAddress(t *types.Task) string {
	if a := ENIAddress(t); a != "" {
		return a
	}
	for _, c := range t.Containers {
		for _, ni := range c.NetworkInterfaces {
			if a := aws.ToString(ni.PrivateIpv4Address); a != "" {
				return a
			}
		}
	}
	return ""
}
