package ecs

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

func registerTasks(s *api.Service, h *handlers) {
	api.Handle(s, "RunTask", h.runTask)
	api.Handle(s, "StartTask", startTask)
	api.Handle(s, "StopTask", stopTask)
	api.Handle(s, "DescribeTasks", describeTasks)
	api.Handle(s, "ListTasks", listTasks)
}

// taskLaunch is what RunTask and StartTask share before building tasks.
type taskLaunch struct {
	cluster *types.Cluster
	td      *types.TaskDefinition
	tags    []types.Tag
}

func prepareTaskLaunch(c *api.Context, clusterRef, tdRef *string, tags []types.Tag, propagate types.PropagateTags, managed bool) (*taskLaunch, error) {
	cl, err := ecscore.GetCluster(c, clusterRef)
	if err != nil {
		return nil, err
	}
	td, err := ecscore.GetTaskDefinition(c, aws.ToString(tdRef))
	if err != nil {
		return nil, err
	}
	if err := ValidateTags(tags); err != nil {
		return nil, err
	}
	all, err := taskTags(c, tags, propagate, aws.ToString(td.TaskDefinitionArn), "", managed, aws.ToString(cl.ClusterName), "")
	if err != nil {
		return nil, err
	}
	return &taskLaunch{cluster: cl, td: td, tags: all}, nil
}

// taskTags is a new task's tags: its own, those propagated from the task
// definition or service, and ECS's managed tags when enabled.
func taskTags(c *api.Context, own []types.Tag, propagate types.PropagateTags, tdArn, serviceArn string, managed bool, clusterName, serviceName string) ([]types.Tag, error) {
	var out []types.Tag
	has := map[string]bool{}
	add := func(ts []types.Tag) {
		for _, t := range ts {
			if !has[aws.ToString(t.Key)] {
				has[aws.ToString(t.Key)] = true
				out = append(out, t)
			}
		}
	}
	add(own)
	var source string
	switch propagate {
	case types.PropagateTagsTaskDefinition:
		source = tdArn
	case types.PropagateTagsService:
		source = serviceArn
	}
	if source != "" {
		ts, err := ResourceTags(c, source)
		if err != nil {
			return nil, err
		}
		add(ts)
	}
	if managed {
		add([]types.Tag{{Key: aws.String("aws:ecs:clusterName"), Value: aws.String(clusterName)}})
		if serviceName != "" {
			add([]types.Tag{{Key: aws.String("aws:ecs:serviceName"), Value: aws.String(serviceName)}})
		}
	}
	return out, nil
}

func (h *handlers) runTask(c *api.Context, in *ecs.RunTaskInput) (*ecs.RunTaskOutput, error) {
	count := 1
	if in.Count != nil {
		count = int(*in.Count)
	}
	if in.PropagateTags == types.PropagateTagsService {
		return nil, errInvalid("The SERVICE option for propagateTags is only valid for services. Use TASK_DEFINITION or NONE.")
	}
	if count < 1 || count > h.Quotas.TasksPerRunTask {
		return nil, errInvalid("Count must be between 1 and %d.", h.Quotas.TasksPerRunTask)
	}
	token := aws.ToString(in.ClientToken)
	hash := ""
	if token != "" {
		req := *in
		req.ClientToken = nil
		hash = requestHash(&req)
		arns, err := replayed(c, "RunTask", token, hash)
		if err != nil {
			return nil, err
		}
		if arns != nil {
			return replayRunTask(c, arns)
		}
	}
	in.NetworkConfiguration = normalizeNetwork(in.NetworkConfiguration)
	tl, err := prepareTaskLaunch(c, in.Cluster, in.TaskDefinition, in.Tags, in.PropagateTags, in.EnableECSManagedTags)
	if err != nil {
		return nil, err
	}
	launch, err := ValidateLaunch(c, LaunchRequest{Cluster: tl.cluster, TaskDefinition: tl.td, LaunchType: in.LaunchType,
		CapacityProviderStrategy: in.CapacityProviderStrategy, PlatformVersion: aws.ToString(in.PlatformVersion),
		NetworkConfiguration: in.NetworkConfiguration})
	if err != nil {
		return nil, err
	}
	if err := validatePlacement(in.PlacementConstraints, in.PlacementStrategy, launch.LaunchType); err != nil {
		return nil, err
	}
	if len(aws.ToString(in.StartedBy)) > 128 {
		return nil, errInvalid("startedBy must be 128 characters or fewer.")
	}
	clusterArn := aws.ToString(tl.cluster.ClusterArn)
	group := aws.ToString(in.Group)
	if group == "" {
		group = "family:" + aws.ToString(tl.td.Family)
	}

	out := &ecs.RunTaskOutput{Tasks: []types.Task{}, Failures: []types.Failure{}}
	placements := make([]Placement, count)
	if launch.LaunchType != types.LaunchTypeFargate {
		n, err := ecscore.ContainerInstances.Count(c.Tx, c.Scope(), store.Query{Parent: clusterArn, Status: "ACTIVE"})
		if err != nil {
			return nil, err
		}
		// With a capacity provider strategy, tasks may wait for the provider's
		// instances (the placer decides); only a bare EC2 launch needs one now.
		if n == 0 && len(launch.Strategy) == 0 {
			return nil, errInvalid("No Container Instances were found in your cluster.")
		}
		if h.Place != nil {
			ps, failures, err := h.Place(c, PlacementRequest{ClusterArn: clusterArn, TaskDefinition: tl.td, Overrides: in.Overrides,
				Count: count, Group: group, Constraints: in.PlacementConstraints, Strategy: in.PlacementStrategy,
				CapacityProviderName: PickCapacityProvider(launch.Strategy, 0)})
			if err != nil {
				return nil, err
			}
			placements = ps
			out.Failures = append(out.Failures, failures...)
		}
	}
	var subnets []string
	if in.NetworkConfiguration != nil && in.NetworkConfiguration.AwsvpcConfiguration != nil {
		subnets = in.NetworkConfiguration.AwsvpcConfiguration.Subnets
	}
	for i, p := range placements {
		spec := TaskSpec{ClusterArn: clusterArn, TaskDefinition: tl.td, LaunchType: launch.LaunchType,
			CapacityProviderName: PickCapacityProvider(launch.Strategy, i), PlatformVersion: aws.ToString(in.PlatformVersion),
			Group: group, StartedBy: aws.ToString(in.StartedBy), Overrides: in.Overrides,
			NetworkConfiguration: in.NetworkConfiguration, ContainerInstanceArn: p.ContainerInstanceArn,
			AvailabilityZone: p.AvailabilityZone, EnableExecuteCommand: in.EnableExecuteCommand, Tags: tl.tags}
		if len(subnets) > 0 {
			spec.Subnet = subnets[i%len(subnets)]
		}
		t, err := NewTask(c, spec)
		if err != nil {
			return nil, err
		}
		out.Tasks = append(out.Tasks, *t)
	}
	arns := []string{}
	for _, t := range out.Tasks {
		arns = append(arns, aws.ToString(t.TaskArn))
	}
	if err := remember(c, "RunTask", token, hash, arns); err != nil {
		return nil, err
	}
	TaskTagLists(out.Tasks)
	return out, nil
}

// replayRunTask answers a retried RunTask with the tasks the first call started.
func replayRunTask(c *api.Context, arns []string) (*ecs.RunTaskOutput, error) {
	out := &ecs.RunTaskOutput{Tasks: []types.Task{}, Failures: []types.Failure{}}
	for _, arn := range arns {
		t, err := ecscore.Tasks.Get(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, err
		}
		if t != nil {
			out.Tasks = append(out.Tasks, *t)
		}
	}
	TaskTagLists(out.Tasks)
	return out, nil
}

func startTask(c *api.Context, in *ecs.StartTaskInput) (*ecs.StartTaskOutput, error) {
	if len(in.ContainerInstances) == 0 {
		return nil, errInvalid("Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > 10 {
		return nil, errInvalid("Too many container instances specified. Maximum is 10.")
	}
	tl, err := prepareTaskLaunch(c, in.Cluster, in.TaskDefinition, in.Tags, in.PropagateTags, in.EnableECSManagedTags)
	if err != nil {
		return nil, err
	}
	launch, err := ValidateLaunch(c, LaunchRequest{TaskDefinition: tl.td, LaunchType: types.LaunchTypeEc2,
		NetworkConfiguration: in.NetworkConfiguration})
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(tl.cluster.ClusterArn)
	out := &ecs.StartTaskOutput{Tasks: []types.Task{}, Failures: []types.Failure{}}
	for i, ref := range in.ContainerInstances {
		arn := ref
		if !strings.HasPrefix(ref, "arn:") {
			arn = ecscore.ContainerInstanceARN(c, clusterArn, ref)
		}
		ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, err
		}
		if ci == nil || !strings.HasPrefix(arn, c.ARNPrefix()+"ecs:"+c.Region+":"+c.Account()+":container-instance/"+aws.ToString(tl.cluster.ClusterName)+"/") {
			out.Failures = append(out.Failures, missing(ref))
			continue
		}
		if aws.ToString(ci.Status) != "ACTIVE" {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("INACTIVE")})
			continue
		}
		spec := TaskSpec{ClusterArn: clusterArn, TaskDefinition: tl.td, LaunchType: launch.LaunchType,
			Group: aws.ToString(in.Group), StartedBy: aws.ToString(in.StartedBy), Overrides: in.Overrides,
			NetworkConfiguration: in.NetworkConfiguration, ContainerInstanceArn: arn,
			EnableExecuteCommand: in.EnableExecuteCommand, Tags: tl.tags}
		if nc := in.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil && len(nc.AwsvpcConfiguration.Subnets) > 0 {
			spec.Subnet = nc.AwsvpcConfiguration.Subnets[i%len(nc.AwsvpcConfiguration.Subnets)]
		}
		t, err := NewTask(c, spec)
		if err != nil {
			return nil, err
		}
		out.Tasks = append(out.Tasks, *t)
	}
	TaskTagLists(out.Tasks)
	return out, nil
}

// resolveTaskArn turns a task id or ARN into the task's ARN in a cluster.
func resolveTaskArn(c *api.Context, clusterArn, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return ecscore.TaskARN(c, clusterArn, ref)
}

// GetTask loads a task of a cluster by id or ARN; nil when there is none.
func GetTask(c *api.Context, clusterArn, ref string) (*types.Task, error) {
	arn := resolveTaskArn(c, clusterArn, ref)
	t, err := ecscore.Tasks.Get(c.Tx, c.Scope(), arn)
	if err != nil || t == nil {
		return nil, err
	}
	if aws.ToString(t.ClusterArn) != clusterArn {
		return nil, nil
	}
	return t, nil
}

func errTaskNotFound() error { return errInvalid("The referenced task was not found.") }

func stopTask(c *api.Context, in *ecs.StopTaskInput) (*ecs.StopTaskOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(aws.ToString(in.Reason)) > 1024 {
		return nil, errInvalid("Reason must be 1024 characters or fewer.")
	}
	t, err := GetTask(c, aws.ToString(cl.ClusterArn), aws.ToString(in.Task))
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTaskNotFound()
	}
	if aws.ToString(t.DesiredStatus) != ecscore.TaskStopped {
		reason := aws.ToString(in.Reason)
		if reason == "" {
			reason = ecscore.ReasonUserStopped
		}
		ecscore.RequestStop(t, types.TaskStopCodeUserInitiated, reason, c.Now())
		if err := ecscore.PutTask(c.Tx, c.Scope(), t); err != nil {
			return nil, err
		}
	}
	if t.Tags == nil {
		t.Tags = []types.Tag{}
	}
	return &ecs.StopTaskOutput{Task: t}, nil
}

func describeTasks(c *api.Context, in *ecs.DescribeTasksInput) (*ecs.DescribeTasksOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 {
		return nil, errInvalid("Tasks cannot be empty.")
	}
	if len(in.Tasks) > 100 {
		return nil, errInvalid("taskIds can have at most 100 items.")
	}
	withTags := false
	for _, f := range in.Include {
		withTags = withTags || f == types.TaskFieldTags
	}
	out := &ecs.DescribeTasksOutput{Tasks: []types.Task{}, Failures: []types.Failure{}}
	for _, ref := range in.Tasks {
		t, err := GetTask(c, aws.ToString(cl.ClusterArn), ref)
		if err != nil {
			return nil, err
		}
		if t == nil {
			out.Failures = append(out.Failures, missing(resolveTaskArn(c, aws.ToString(cl.ClusterArn), ref)))
			continue
		}
		if withTags {
			if t.Tags, err = ResourceTags(c, aws.ToString(t.TaskArn)); err != nil {
				return nil, err
			}
		}
		out.Tasks = append(out.Tasks, *t)
	}
	TaskTagLists(out.Tasks)
	return out, nil
}

func listTasks(c *api.Context, in *ecs.ListTasksInput) (*ecs.ListTasksOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	q := store.Query{Parent: clusterArn}
	desired := string(in.DesiredStatus)
	if desired == "" {
		desired = ecscore.TaskRunning
	}
	if desired == string(types.DesiredStatusPending) {
		// ECS accepts the filter but no task ever has PENDING as its desired status.
		// A token is still checked: paging nothing refuses one this listing did not issue.
		if _, _, err := api.PaginateSlice([]string{}, api.Paging{Listing: "ecs:ListTasks:" + clusterArn, Token: in.NextToken, BadToken: errBadNextToken(), PastEndOK: true}, nil); err != nil {
			return nil, err
		}
		return &ecs.ListTasksOutput{TaskArns: []string{}}, nil
	}
	q.Status = desired
	if name := aws.ToString(in.ServiceName); name != "" {
		svc, err := ecscore.GetService(c, clusterArn, name)
		if err != nil {
			return nil, err
		}
		q.Name = "service:" + aws.ToString(svc.ServiceName)
	}
	if name := aws.ToString(in.DaemonName); name != "" {
		q.Name = "daemon:" + name
	}
	if ref := aws.ToString(in.ContainerInstance); ref != "" {
		q.Attr = ref
		if !strings.HasPrefix(ref, "arn:") {
			q.Attr = ecscore.ContainerInstanceARN(c, clusterArn, ref)
		}
	}
	family, startedBy, launchType := aws.ToString(in.Family), aws.ToString(in.StartedBy), in.LaunchType
	// A service's or daemon's tasks are found through their group (the name
	// index) rather than among every task of the cluster; the cluster is
	// then checked on each, since a group names no cluster.
	inCluster := q.Name != ""
	if inCluster {
		q.Parent = ""
	}
	var keep func(t *types.Task) bool
	if family != "" || startedBy != "" || launchType != "" || inCluster {
		keep = func(t *types.Task) bool {
			if inCluster && aws.ToString(t.ClusterArn) != clusterArn {
				return false
			}
			if family != "" && taskFamily(aws.ToString(t.TaskDefinitionArn)) != family {
				return false
			}
			if startedBy != "" && aws.ToString(t.StartedBy) != startedBy {
				return false
			}
			return launchType == "" || t.LaunchType == launchType
		}
	}
	page, next, err := scanPage(c, ecscore.Tasks, q, "ecs:ListTasks:"+clusterArn, in.NextToken, size, keep)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListTasksOutput{TaskArns: []string{}, NextToken: next}
	for _, t := range page {
		out.TaskArns = append(out.TaskArns, aws.ToString(t.TaskArn))
	}
	return out, nil
}

// taskFamily is the family of a task definition ARN.
func taskFamily(tdArn string) string {
	name := tdArn[strings.LastIndexByte(tdArn, '/')+1:]
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[:i]
	}
	return name
}

// ServiceTaskTags are the tags a service's new task gets: the service's or
// task definition's tags as its propagateTags says, and ECS's managed tags
// (aws:ecs:clusterName, aws:ecs:serviceName) when enableECSManagedTags is on.
// The cluster manager puts them in TaskSpec.Tags.
func ServiceTaskTags(c *api.Context, svc *types.Service) ([]types.Tag, error) {
	return taskTags(c, nil, svc.PropagateTags, aws.ToString(svc.TaskDefinition), aws.ToString(svc.ServiceArn),
		svc.EnableECSManagedTags, ecscore.NameFromARN(aws.ToString(svc.ClusterArn)), aws.ToString(svc.ServiceName))
}

// TaskTagLists gives every task a tags list: ECS answers "tags": [] for a
// task without tags wherever it returns tasks (RunTask, StartTask, StopTask,
// DescribeTasks; the AWS CLI's awscli/examples/ecs run-task.rst,
// start-task.rst, stop-task.rst and describe-tasks.rst).
func TaskTagLists(tasks []types.Task) {
	for i := range tasks {
		if tasks[i].Tags == nil {
			tasks[i].Tags = []types.Tag{}
		}
	}
}
