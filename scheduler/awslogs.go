package scheduler

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/logs"
)

// Options of the awslogs log driver that the simulation acts on.
const (
	awslogsGroup       = "awslogs-group"
	awslogsRegion      = "awslogs-region"
	awslogsPrefix      = "awslogs-stream-prefix"
	awslogsCreateGroup = "awslogs-create-group"
)

// awslogsTarget is where one container writes through the awslogs driver.
type awslogsTarget struct {
	Container   string
	Group       string
	Region      string
	Prefix      string
	CreateGroup bool
}

// awslogsTargets lists the containers of a task definition that use the
// awslogs driver; region is the task's, for options that name none.
func awslogsTargets(td *types.TaskDefinition, region string) []awslogsTarget {
	if td == nil {
		return nil
	}
	var out []awslogsTarget
	for _, cd := range td.ContainerDefinitions {
		lc := cd.LogConfiguration
		if lc == nil || lc.LogDriver != types.LogDriverAwslogs {
			continue
		}
		t := awslogsTarget{Container: aws.ToString(cd.Name), Group: lc.Options[awslogsGroup],
			Region: lc.Options[awslogsRegion], Prefix: lc.Options[awslogsPrefix]}
		t.CreateGroup, _ = strconv.ParseBool(lc.Options[awslogsCreateGroup])
		if t.Region == "" {
			t.Region = region
		}
		out = append(out, t)
	}
	return out
}

// StreamName is the stream the awslogs driver writes a container to:
// PREFIX/CONTAINER/TASK-ID with a prefix, else the container's runtime ID
// (the ID Docker gives the container), as the driver names it.
func StreamName(prefix, container, taskID, runtimeID string) string {
	if prefix == "" {
		return runtimeID
	}
	return prefix + "/" + container + "/" + taskID
}

// stream is the target's stream for a task.
func (a awslogsTarget) stream(t *types.Task) string {
	runtimeID := ""
	if ct := taskContainer(t, a.Container); ct != nil {
		runtimeID = aws.ToString(ct.RuntimeId)
	}
	return StreamName(a.Prefix, a.Container, TaskID(aws.ToString(t.TaskArn)), runtimeID)
}

// in is c moved to the target's region, whose CloudWatch Logs the driver writes to.
func (a awslogsTarget) in(c *api.Context) *api.Context {
	if a.Region == c.Region {
		return c
	}
	moved := *c
	moved.Region = a.Region
	return &moved
}

func taskContainer(t *types.Task, name string) *types.Container {
	for i := range t.Containers {
		if aws.ToString(t.Containers[i].Name) == name {
			return &t.Containers[i]
		}
	}
	return nil
}

// newRuntimeID is the ID the container runtime gives a container: Docker's
// 64 hex digits on EC2, the task ID and a number on Fargate.
func newRuntimeID(t *types.Task) string {
	if t.LaunchType == types.LaunchTypeFargate {
		return fmt.Sprintf("%s-%010d", TaskID(aws.ToString(t.TaskArn)), rand.Uint32())
	}
	return api.HexID(64)
}

// Simulated container output, short and plainly not the application's.
func startedLine(ct *types.Container) string {
	return fmt.Sprintf("longshore: container %s started (image %s)", aws.ToString(ct.Name), aws.ToString(ct.Image))
}

func exitedLine(ct *types.Container) string {
	if ct.ExitCode == nil {
		return "" // never ran
	}
	return fmt.Sprintf("longshore: container %s exited with code %d", aws.ToString(ct.Name), *ct.ExitCode)
}

// Observe implements TaskRuntime: Advance with what the awslogs driver
// does for the task's containers: when they are created (PENDING to
// ACTIVATING) it creates their log streams, or fails the task when it
// cannot; it writes a line when they start and one with the exit code when
// they stop. Tasks between those moments cost nothing more than Advance.
func (s *Simulated) Observe(c *api.Context, t *types.Task, td *types.TaskDefinition, hold time.Time) (Outcome, error) {
	b := s.behavior(td)
	b.DeactivateUntil = hold
	now := c.Now()
	targets := func() []awslogsTarget { return awslogsTargets(td, c.Region) }
	changed := false
	if beforeContainersCreated(t) {
		if ts := targets(); len(ts) > 0 || s.ExecutionRole != nil && needsExecutionRole(td) {
			var err error
			if changed, err = s.createContainers(c, t, td, b, ts); err != nil {
				return Outcome{}, err
			}
		}
	}
	executing := containersExecuting(t)
	o := Advance(t, b, s.Timings, now)
	o.Changed = o.Changed || changed
	if o.Running {
		if err := writeLines(c, t, targets(), aws.ToTime(t.StartedAt), startedLine); err != nil {
			return o, err
		}
	}
	if executing && !containersExecuting(t) {
		if err := writeLines(c, t, targets(), aws.ToTime(t.ExecutionStoppedAt), exitedLine); err != nil {
			return o, err
		}
	}
	return o, nil
}

// containersExecuting reports whether a task's containers may still run
// (they all stop on the way to DEPROVISIONING).
func containersExecuting(t *types.Task) bool {
	last := aws.ToString(t.LastStatus)
	return last != ecscore.TaskDeprovisioning && last != ecscore.TaskStopped
}

// createContainers takes a task through its due changes up to the moment
// its containers are created (its change out of PENDING), and there does the
// driver's part first. It reports whether the task changed.
func (s *Simulated) createContainers(c *api.Context, t *types.Task, td *types.TaskDefinition, b Behavior, targets []awslogsTarget) (bool, error) {
	changed := false
	for beforeContainersCreated(t) {
		at, apply := nextChange(t, b, s.Timings)
		if apply == nil || at.After(c.Now()) {
			break
		}
		if aws.ToString(t.LastStatus) == ecscore.TaskPending {
			if name, reason := ExecutionRoleRefusal(c, s.ExecutionRole, t, td); reason != "" {
				failLogger(t, taskContainer(t, name), reason, at)
				return true, nil
			}
			return true, openStreams(c, t, td, targets, at)
		}
		apply(at, &Outcome{}) // PROVISIONING to PENDING: nothing for the outcome
		t.Version++
		changed = true
	}
	return changed, nil
}

// beforeContainersCreated reports whether a task wanted running has not yet created its containers.
func beforeContainersCreated(t *types.Task) bool {
	switch aws.ToString(t.LastStatus) {
	case "", ecscore.TaskProvisioning, ecscore.TaskPending:
		return ecscore.Live(t)
	}
	return false
}

// openStreams creates each container's log stream (and the group when asked
// to) as the driver does when the container is created. The first that
// fails stops the task with the agent's reason.
func openStreams(c *api.Context, t *types.Task, td *types.TaskDefinition, targets []awslogsTarget, at time.Time) error {
	for _, a := range targets {
		ct := taskContainer(t, a.Container)
		if ct == nil {
			continue
		}
		if ct.RuntimeId == nil {
			ct.RuntimeId = aws.String(newRuntimeID(t))
		}
		refusal, err := openStream(a.in(c), a.Group, a.stream(t), a.CreateGroup)
		if err != nil {
			return err
		}
		if refusal != nil {
			failLogger(t, ct, refusal.reason(t.LaunchType == types.LaunchTypeFargate), at)
			return nil
		}
	}
	return nil
}

// loggerRefusal is CloudWatch Logs refusing a call the driver makes.
type loggerRefusal struct {
	what, call string // "stream", "CreateLogStream"
	err        *apierror.Error
}

// openStream creates one stream; a refusal from CloudWatch Logs comes back
// as a loggerRefusal, anything else as an error.
func openStream(c *api.Context, group, stream string, createGroup bool) (*loggerRefusal, error) {
	if createGroup {
		e := validGroupName(group)
		if e == nil {
			_, err := createLogGroup().Call(c, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)})
			if e, err = refused(err, "ResourceAlreadyExistsException"); err != nil {
				return nil, err
			}
		}
		if e != nil {
			return &loggerRefusal{"group", "CreateLogGroup", e}, nil
		}
	}
	e := validGroupName(group)
	if e == nil {
		e = validStreamName(stream)
	}
	if e == nil {
		var err error
		if e, err = refused(logs.CreateStream(c, group, stream), "ResourceAlreadyExistsException"); err != nil {
			return nil, err
		}
	}
	if e != nil {
		return &loggerRefusal{"stream", "CreateLogStream", e}, nil
	}
	return nil, nil
}

// refused splits err into an API refusal (other than the code tolerated) and a failure.
func refused(err error, tolerated string) (*apierror.Error, error) {
	var e *apierror.Error
	switch {
	case err == nil:
		return nil, nil
	case !errors.As(err, &e):
		return nil, err
	case e.Code == tolerated:
		return nil, nil
	}
	return e, nil
}

// createLogGroup is CloudWatch Logs' CreateLogGroup, which the driver calls
// for awslogs-create-group.
var createLogGroup = sync.OnceValue(func() *api.Handler { return logs.New().Handlers["CreateLogGroup"] })

// CloudWatch Logs' name rules, which its API checks before anything else.
var groupNamePattern = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)

func validGroupName(name string) *apierror.Error {
	if len(name) > 512 || !groupNamePattern.MatchString(name) {
		return apierror.New("InvalidParameterException", "1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
	}
	return nil
}

func validStreamName(name string) *apierror.Error {
	if name == "" || len(name) > 512 || strings.ContainsAny(name, ":*") {
		return apierror.New("InvalidParameterException", "1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", name)
	}
	return nil
}

// reason is the stopped reason of a task whose driver was refused: the
// Fargate agent's ResourceInitializationError, or on EC2 Docker's answer to
// the agent. Both quote the aws-sdk-go-v2 error of the call.
func (r *loggerRefusal) reason(fargate bool) string {
	sdk := "operation error CloudWatch Logs: " + r.call + ", https response error StatusCode: 400, RequestID: " +
		api.UUID() + ", " + r.err.Code + ": " + r.err.Message
	if fargate {
		return "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log " +
			r.what + ": " + sdk + " : exit status 1"
	}
	return "CannotStartContainerError: Error response from daemon: failed to create task for container: failed to initialize logging driver: failed to create Cloudwatch log " +
		r.what + ": " + sdk
}

// failLogger stops a task whose container's log stream could not be
// created, or whose secrets could not be read. On EC2 the container carries
// the reason too, as Docker's refusal to start it.
func failLogger(t *types.Task, ct *types.Container, reason string, at time.Time) {
	if ct != nil && t.LaunchType != types.LaunchTypeFargate {
		ct.Reason = aws.String(reason)
	}
	if t.PullStoppedAt == nil {
		t.PullStoppedAt = aws.Time(at)
	}
	ecscore.RequestStop(t, types.TaskStopCodeTaskFailedToStart, reason, at)
}

// writeLines appends one line per container (line returns "" for none) at
// the given time. Lines to a stream that no longer exists are lost, as the
// driver loses them.
func writeLines(c *api.Context, t *types.Task, targets []awslogsTarget, at time.Time, line func(*types.Container) string) error {
	if at.IsZero() {
		at = c.Now()
	}
	for _, a := range targets {
		ct := taskContainer(t, a.Container)
		if ct == nil {
			continue
		}
		msg := line(ct)
		if msg == "" {
			continue
		}
		_, err := logs.Append(a.in(c), a.Group, a.stream(t), []logs.Event{{Timestamp: at.UnixMilli(), Message: msg}})
		if _, err := refused(err, ""); err != nil {
			return err
		}
	}
	return nil
}

// LogStream is where a container of a task writes through the awslogs
// driver now: its group and stream, and c moved to the driver's region. A
// container writes once created, from ACTIVATING until it stops; otherwise,
// or when it uses another driver, the error says why.
func LogStream(c *api.Context, t *types.Task, td *types.TaskDefinition, name string) (group, stream string, in *api.Context, err error) {
	arn := aws.ToString(t.TaskArn)
	ct := taskContainer(t, name)
	if ct == nil {
		return "", "", nil, badRequest("The task %s has no container named %q.", TaskID(arn), name)
	}
	var target *awslogsTarget
	for _, a := range awslogsTargets(td, c.Region) {
		if a.Container == name {
			target = &a
		}
	}
	if target == nil {
		return "", "", nil, badRequest("The container %s does not use the awslogs log driver.", name)
	}
	last := aws.ToString(t.LastStatus)
	if aws.ToString(ct.LastStatus) != ecscore.TaskRunning && !(last == ecscore.TaskActivating && ecscore.Live(t)) {
		if beforeContainersCreated(t) {
			return "", "", nil, badRequest("The container %s has not started yet (task %s is %s).", name, TaskID(arn), last)
		}
		return "", "", nil, badRequest("The container %s is not running (task %s is %s).", name, TaskID(arn), last)
	}
	return target.Group, target.stream(t), target.in(c), nil
}
