package dockerrt

import (
	"bufio"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/errdefs"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/logs"
	"github.com/longshore/longshore/store"
)

// task is one ECS task's containers as the runtime runs them. The fields
// below mu-guarded are written by the task's goroutines and read by the
// pass under the runtime's lock.
type task struct {
	r           *Runtime
	arn, id     string
	scope       store.Scope
	fargate     bool
	role        string
	awsHost     string // the address AWS-side ports are on: the ENI's IP (awsvpc) or the container instance
	ec2         string // the EC2 instance of a task on a container instance
	instanceArn string
	specs       []*ctrSpec
	network     string
	metaTokens  map[string]string
	credsToken  string

	stopCh   chan struct{}
	stopOnce sync.Once
	removeCh chan struct{}
	rmOnce   sync.Once

	// Guarded by r.mu.
	failed        bool
	failReason    string
	failContainer string
	created       bool
	stopped       bool // every container has exited after a stop
	remove        bool
	ctrs          map[string]*ctr
	lines         map[string][]logs.Event
}

// ctr is a container as the runtime last saw it.
type ctr struct {
	Name, ID, Image, ImageID string
	Essential, HealthCheck   bool
	CreatedAt                time.Time
	Started                  bool
	StartedAt                time.Time
	Exited                   bool
	ExitCode                 int
	Reason                   string
	FinishedAt               time.Time
	Health                   string // Docker's: starting, healthy, unhealthy
	Ports                    []boundPort
}

type boundPort struct {
	ContainerPort, AWSHostPort int32
	Protocol                   string
	Real                       int
}

func newTask(r *Runtime, c *api.Context, t *types.Task, td *types.TaskDefinition) *task {
	arn := aws.ToString(t.TaskArn)
	tk := &task{r: r, arn: arn, id: scheduler.TaskID(arn), scope: c.Scope(), fargate: t.LaunchType == types.LaunchTypeFargate,
		stopCh: make(chan struct{}), removeCh: make(chan struct{}), ctrs: map[string]*ctr{}, lines: map[string][]logs.Event{}}
	tk.role = aws.ToString(td.TaskRoleArn)
	if t.Overrides != nil && t.Overrides.TaskRoleArn != nil {
		tk.role = aws.ToString(t.Overrides.TaskRoleArn)
	}
	tk.instanceArn = aws.ToString(t.ContainerInstanceArn)
	tk.ec2 = instanceOf(c, t)
	tk.awsHost = privateIP(t)
	if tk.awsHost == "" {
		tk.awsHost = tk.ec2
	}
	return tk
}

// privateIP is the address of an awsvpc task's ENI.
func privateIP(t *types.Task) string {
	for _, a := range t.Attachments {
		for _, d := range a.Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				return aws.ToString(d.Value)
			}
		}
	}
	return ""
}

// fail records why the task cannot run (reason "" for containers that are
// gone). Call with r.mu held.
func (tk *task) fail(container, reason string) {
	tk.failed, tk.failContainer, tk.failReason = true, container, reason
	tk.r.pokeLocked()
}

// failBeforeContainers is fail for a task that made no container: it has
// nothing to stop. Call with r.mu held.
func (tk *task) failBeforeContainers(container, reason string) {
	tk.stopped = true
	tk.fail(container, reason)
}

func (tk *task) setFailed(container, reason string) {
	tk.r.mu.Lock()
	defer tk.r.mu.Unlock()
	tk.fail(container, reason)
}

func (tk *task) requestStop() { tk.stopOnce.Do(func() { close(tk.stopCh) }) }

func (tk *task) stopRequested() bool {
	select {
	case <-tk.stopCh:
		return true
	default:
		return false
	}
}

func (tk *task) update(fn func()) {
	tk.r.mu.Lock()
	fn()
	tk.r.pokeLocked()
	tk.r.mu.Unlock()
}

// snapshot is what Observe reads of a task: the containers as last seen and
// the lines they printed since.
type snapshot struct {
	failed                    bool
	failReason, failContainer string
	created, stopped          bool
	ctrs                      map[string]ctr
	lines                     map[string][]logs.Event
}

func (tk *task) snapshotLocked() snapshot {
	s := snapshot{failed: tk.failed, failReason: tk.failReason, failContainer: tk.failContainer,
		created: tk.created, stopped: tk.stopped, ctrs: map[string]ctr{}, lines: tk.lines}
	for n, c := range tk.ctrs {
		s.ctrs[n] = *c
	}
	tk.lines = map[string][]logs.Event{}
	return s
}

// containerName is the Docker name of a task's container.
func (tk *task) containerName(name string) string {
	return "longshore-" + tk.id + "-" + nameUnsafe.ReplaceAllString(name, "_")
}

var nameUnsafe = regexp.MustCompile(`[^a-zA-Z0-9_.-]`)

// run is the task's goroutine: images, containers, starts, watching, stop.
func (tk *task) run() {
	ctx := tk.r.ctx
	cli := tk.r.cli
	defer tk.finish()
	for _, s := range tk.specs {
		if _, err := cli.ImageInspect(ctx, s.Image); err != nil {
			if errdefs.IsNotFound(err) {
				tk.setFailed(s.Name, pullReason(s.Image, tk.fargate))
			} else {
				tk.setFailed(s.Name, "CannotPullContainerError: "+err.Error())
			}
			return
		}
	}
	if tk.stopRequested() {
		return
	}
	for _, s := range tk.specs {
		s.Host.NetworkMode = container.NetworkMode(tk.network)
		// Not cancelled by a shutdown: a create the daemon finishes must be
		// known, so that the shutdown removes the container.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		resp, err := cli.ContainerCreate(cctx, s.Config, s.Host, &network.NetworkingConfig{}, nil, tk.containerName(s.Name))
		cancel()
		if err != nil {
			tk.setFailed(s.Name, "CannotCreateContainerError: Error response from daemon: "+daemonMessage(err))
			return
		}
		c := &ctr{Name: s.Name, ID: resp.ID, Image: s.Image, Essential: s.Essential, HealthCheck: s.HealthCheck, CreatedAt: time.Now()}
		if in, err := cli.ImageInspect(ctx, s.Image); err == nil {
			c.ImageID = in.ID
		}
		tk.update(func() { tk.ctrs[s.Name] = c })
	}
	tk.update(func() { tk.created = true })
	if !tk.startAll(ctx) {
		return
	}
	tk.watchHealth(ctx)
}

// startAll starts the containers as their dependsOn conditions allow; false
// when the task cannot go on.
func (tk *task) startAll(ctx context.Context) bool {
	started := map[string]bool{}
	for {
		if tk.stopRequested() {
			return false
		}
		tk.r.mu.Lock()
		states := map[string]ctr{}
		for n, c := range tk.ctrs {
			states[n] = *c
		}
		tk.r.mu.Unlock()
		pending := 0
		for _, s := range tk.specs {
			if started[s.Name] {
				continue
			}
			ok, never := dependenciesMet(s, states)
			if never != "" {
				tk.setFailed(s.Name, "CannotStartContainerError: dependency "+never+" of container "+s.Name+" failed its condition")
				return false
			}
			if !ok {
				pending++
				continue
			}
			started[s.Name] = true
			if err := tk.startOne(ctx, s); err != nil {
				tk.setFailed(s.Name, "CannotStartContainerError: Error response from daemon: "+daemonMessage(err))
				return false
			}
		}
		if pending == 0 {
			return true
		}
		select {
		case <-tk.stopCh:
			return false
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// dependenciesMet reports whether a container's dependsOn conditions hold,
// or names the dependency that can no longer meet its condition.
func dependenciesMet(s *ctrSpec, states map[string]ctr) (bool, string) {
	for _, d := range s.DependsOn {
		st, ok := states[d.Container]
		if !ok {
			return false, d.Container
		}
		switch d.Condition {
		case types.ContainerConditionStart:
			if !st.Started {
				return false, ""
			}
		case types.ContainerConditionComplete:
			if !st.Exited {
				return false, ""
			}
		case types.ContainerConditionSuccess:
			if st.Exited && st.ExitCode != 0 {
				return false, d.Container
			}
			if !st.Exited {
				return false, ""
			}
		case types.ContainerConditionHealthy:
			if st.Health == "unhealthy" || st.Exited {
				return false, d.Container
			}
			if st.Health != "healthy" {
				return false, ""
			}
		}
	}
	return true, ""
}

// startOne starts a container and follows its output and exit.
func (tk *task) startOne(ctx context.Context, s *ctrSpec) error {
	tk.r.mu.Lock()
	c := tk.ctrs[s.Name]
	id := c.ID
	tk.r.mu.Unlock()
	if err := tk.r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return err
	}
	ports := tk.boundPorts(ctx, id, s.Ports)
	tk.update(func() {
		c.Started, c.StartedAt, c.Ports = true, time.Now(), ports
		if c.HealthCheck {
			c.Health = "starting"
		}
	})
	tk.follow(ctx, c, time.Time{})
	return nil
}

// boundPorts reads which real ports Docker published the container's ports on.
func (tk *task) boundPorts(ctx context.Context, id string, specs []portSpec) []boundPort {
	if len(specs) == 0 {
		return nil
	}
	in, err := tk.r.cli.ContainerInspect(ctx, id)
	if err != nil || in.NetworkSettings == nil {
		return nil
	}
	var out []boundPort
	for _, p := range specs {
		for port, bs := range in.NetworkSettings.Ports {
			if port.Int() != int(p.ContainerPort) || port.Proto() != p.Protocol || len(bs) == 0 {
				continue
			}
			real := 0
			for _, b := range bs {
				if n := atoi(b.HostPort); n > 0 {
					real = n
					break
				}
			}
			out = append(out, boundPort{ContainerPort: p.ContainerPort, AWSHostPort: p.AWSHostPort, Protocol: p.Protocol, Real: real})
		}
	}
	return out
}

// follow copies a container's output into the task's pending lines and
// records its exit once the output has ended.
func (tk *task) follow(ctx context.Context, c *ctr, since time.Time) {
	cli := tk.r.cli
	logsDone := make(chan struct{})
	tk.r.wg.Add(2)
	go func() {
		defer tk.r.wg.Done()
		defer close(logsDone)
		opts := container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: true, Timestamps: true}
		if !since.IsZero() {
			opts.Since = since.Format(time.RFC3339Nano)
		}
		rc, err := cli.ContainerLogs(ctx, c.ID, opts)
		if err != nil {
			return
		}
		defer rc.Close()
		pr, pw := io.Pipe()
		go func() {
			_, err := stdcopy.StdCopy(pw, pw, rc)
			pw.CloseWithError(err)
		}()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 256<<10) // the awslogs driver splits at 256 KiB
		for sc.Scan() {
			ts, msg := splitTimestamp(sc.Text())
			tk.update(func() {
				if len(tk.lines[c.Name]) < maxPendingLines {
					tk.lines[c.Name] = append(tk.lines[c.Name], logs.Event{Timestamp: ts.UnixMilli(), Message: msg})
				}
			})
		}
	}()
	go func() {
		defer tk.r.wg.Done()
		waitC, errC := cli.ContainerWait(ctx, c.ID, container.WaitConditionNotRunning)
		code, reason := -1, ""
		select {
		case w := <-waitC:
			code = int(w.StatusCode)
		case <-errC:
		case <-ctx.Done():
			return
		}
		if in, err := cli.ContainerInspect(ctx, c.ID); err == nil && in.State != nil {
			code = in.State.ExitCode
			if in.State.OOMKilled {
				reason = "OutOfMemoryError: Container killed due to memory usage"
			}
		}
		select {
		case <-logsDone:
		case <-time.After(3 * time.Second):
		}
		tk.update(func() {
			c.Exited, c.ExitCode, c.Reason, c.FinishedAt = true, code, reason, time.Now()
		})
	}()
}

// maxPendingLines bounds the lines a container keeps between two passes;
// past it lines are dropped, as the awslogs driver drops them when its
// buffer is full (non-blocking mode).
const maxPendingLines = 10000

// splitTimestamp splits Docker's RFC 3339 prefix off a log line.
func splitTimestamp(line string) (time.Time, string) {
	if ts, msg, ok := strings.Cut(line, " "); ok {
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			return t, msg
		}
	}
	return time.Now(), line
}

// watchHealth follows the health of containers with a health check until
// the task is asked to stop.
func (tk *task) watchHealth(ctx context.Context) {
	for {
		select {
		case <-tk.stopCh:
			return
		case <-ctx.Done():
			return
		case <-time.After(250 * time.Millisecond):
		}
		tk.r.mu.Lock()
		var checked []*ctr
		for _, c := range tk.ctrs {
			if c.HealthCheck && c.Started && !c.Exited {
				checked = append(checked, c)
			}
		}
		tk.r.mu.Unlock()
		for _, c := range checked {
			in, err := tk.r.cli.ContainerInspect(ctx, c.ID)
			if err != nil || in.State == nil || in.State.Health == nil {
				continue
			}
			h := in.State.Health.Status
			tk.r.mu.Lock()
			if c.Health != h {
				c.Health = h
				tk.r.pokeLocked()
			}
			tk.r.mu.Unlock()
		}
	}
}

// finish waits for the stop request, stops the containers in the reverse
// of their start order (SIGTERM, then SIGKILL after stopTimeout), reports
// them stopped, and removes them once the task is forgotten.
func (tk *task) finish() {
	ctx := tk.r.ctx
	select {
	case <-tk.stopCh:
	case <-ctx.Done():
		return
	}
	select {
	case <-tk.removeCh: // forgotten (deleted, or the store reset): no grace
		tk.removeContainers()
		return
	default:
	}
	cli := tk.r.cli
	for i := len(tk.specs) - 1; i >= 0; i-- {
		s := tk.specs[i]
		tk.r.mu.Lock()
		c := tk.ctrs[s.Name]
		tk.r.mu.Unlock()
		if c == nil {
			continue
		}
		secs := int(s.StopTimeout / time.Second)
		cli.ContainerStop(ctx, c.ID, container.StopOptions{Timeout: &secs})
	}
	// The watchers record each exit once the container's output has ended.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tk.r.mu.Lock()
		done := true
		for _, c := range tk.ctrs {
			if c.Started && !c.Exited {
				done = false
			}
		}
		tk.r.mu.Unlock()
		if done {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	tk.update(func() { tk.stopped = true })
	select {
	case <-tk.removeCh:
	case <-ctx.Done():
		return
	}
	tk.removeContainers()
}

func (tk *task) removeContainers() {
	tk.r.mu.Lock()
	var ids []string
	for _, c := range tk.ctrs {
		ids = append(ids, c.ID)
	}
	tk.r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, id := range ids {
		tk.r.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
	}
}

// release lets the task's goroutine remove its containers.
func (tk *task) release() { tk.rmOnce.Do(func() { close(tk.removeCh) }) }

// adopt takes over containers an earlier run created for the task: it
// follows those still running (their output from now on) and records the
// exit of the others.
func (tk *task) adopt(list []container.Summary) {
	ctx := tk.r.ctx
	byName := map[string]container.Summary{}
	for _, s := range list {
		byName[s.Labels[labelContainer]] = s
	}
	for name, s := range byName {
		in, err := tk.r.cli.ContainerInspect(ctx, s.ID)
		if err != nil || in.State == nil {
			continue
		}
		c := &ctr{Name: name, ID: s.ID, Image: s.Image, ImageID: s.ImageID, Started: true, Essential: true}
		if v, ok := in.Config.Labels[labelEssential]; ok {
			c.Essential = v == "true"
		}
		c.HealthCheck = in.Config.Healthcheck != nil && len(in.Config.Healthcheck.Test) > 0 && in.Config.Healthcheck.Test[0] != "NONE"
		if in.State.Health != nil {
			c.Health = in.State.Health.Status
		}
		spec := &ctrSpec{Name: name, Image: c.Image, Essential: c.Essential, StopTimeout: defaultStopTimeout}
		if in.Config.StopTimeout != nil {
			spec.StopTimeout = time.Duration(*in.Config.StopTimeout) * time.Second
		}
		for port, bs := range in.NetworkSettings.Ports {
			for _, b := range bs {
				if n := atoi(b.HostPort); n > 0 {
					c.Ports = append(c.Ports, boundPort{ContainerPort: int32(port.Int()), AWSHostPort: int32(atoi(in.Config.Labels[labelPortPrefix+port.Port()])), Protocol: port.Proto(), Real: n})
					break
				}
			}
		}
		tk.specs = append(tk.specs, spec)
		tk.r.mu.Lock()
		if tok := in.Config.Labels[labelMetaToken]; tok != "" {
			tk.r.tokens[tok] = tokenRef{task: tk, container: name}
		}
		if tok := in.Config.Labels[labelCredsToken]; tok != "" && tk.role != "" {
			tk.r.tokens[tok] = tokenRef{task: tk}
		}
		tk.r.mu.Unlock()
		running := in.State.Running
		if !running {
			c.Exited, c.ExitCode = true, in.State.ExitCode
		}
		tk.update(func() { tk.ctrs[name] = c })
		if running {
			tk.follow(ctx, c, time.Now())
		}
	}
	tk.update(func() { tk.created = true })
	tk.watchHealth(ctx)
	tk.finish()
}

// pullReason is the stopped reason ECS gives when an image cannot be found:
// Fargate's agent fails to resolve the reference after its retries (as
// users report it, e.g. ActionIQ/terraform-aws-retool-ecs-fargate#20); on
// EC2, Docker refuses the pull (ECS developer guide, "CannotPullContainer
// task errors").
func pullReason(image string, fargate bool) string {
	ref := fullRef(image)
	if fargate {
		return "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref " +
			ref + ": " + ref + ": not found"
	}
	repo := image
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	return "CannotPullContainerError: Error response from daemon: pull access denied for " + repo +
		", repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
}

// fullRef is an image reference as the resolver spells it: registry,
// repository and tag.
func fullRef(image string) string {
	name, tag := image, "latest"
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		name, tag = image[:i], image[i+1:]
	}
	if strings.Contains(name, "@") {
		return name
	}
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		if !hasSlash {
			name = "library/" + name
		}
		name = "docker.io/" + name
	}
	return name + ":" + tag
}

// daemonMessage is the daemon's message without the client's wrapping.
func daemonMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "Error response from daemon: ")
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}
