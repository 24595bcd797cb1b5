// Package dockerrt runs ECS tasks as real Docker containers: the cluster
// manager's TaskRuntime (scheduler.TaskRuntime) for --runtime docker. It
// talks to the Docker Engine API (DOCKER_HOST, or the local socket), never
// pulls, and labels every container it starts so that it touches no other.
//
// Each task gets a goroutine that checks its images, creates its containers,
// starts them in dependsOn order, follows their output and exit, and stops
// them (SIGTERM, then SIGKILL after stopTimeout). The cluster manager's pass
// reads what the goroutines saw (Observe) and writes it into the task: the
// Docker work never runs inside a store transaction.
package dockerrt

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/logs"
	"github.com/longshore/longshore/store"
)

// Config is how the Docker runtime runs.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	// Host is the Docker Engine address; empty takes DOCKER_HOST (or the
	// local socket).
	Host string
	// ExecutionRole checks what the agent does with a task's execution
	// role before its containers are created (IAM enforcement); nil checks
	// nothing.
	ExecutionRole scheduler.RoleCheck
}

// Runtime is the Docker task runtime.
type Runtime struct {
	st       *store.Store
	log      *slog.Logger
	execRole scheduler.RoleCheck
	cli      *client.Client
	err      error // why the engine cannot be used (nil when it can)

	instance string // the database's owner ID, on every container's longshore.instance label
	server   string
	maxCPUs  float64

	mu      sync.Mutex
	tasks   map[string]*task               // by task ARN
	adopt   map[string][]container.Summary // containers found at start, by task ARN, until a task claims them
	seen    map[string]bool                // tasks observed since the last full pass
	tokens  map[string]tokenRef            // metadata and credential tokens
	pokeFn  func()
	pokeDue bool
	api     http.Handler
	ep      *endpoint
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

type tokenRef struct {
	task      *task
	container string // "" for a credentials token
}

// New makes the runtime; Run connects it to the engine.
func New(cfg Config) *Runtime {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	r := &Runtime{st: cfg.Store, log: cfg.Logger, execRole: cfg.ExecutionRole, server: fmt.Sprintf("%s/%d", host, os.Getpid()),
		tasks: map[string]*task{}, adopt: map[string][]container.Summary{}, seen: map[string]bool{}, tokens: map[string]tokenRef{}}
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if cfg.Host != "" {
		opts = append(opts, client.WithHost(cfg.Host))
	}
	r.cli, r.err = client.NewClientWithOpts(opts...)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

// Ping reports whether a Docker Engine answers at the runtime's address.
func (r *Runtime) Ping(ctx context.Context) error {
	if r.err != nil {
		return r.err
	}
	_, err := r.cli.Ping(ctx)
	return err
}

// Serve hands the runtime Longshore's API handler, which containers reach
// as AWS_ENDPOINT_URL.
func (r *Runtime) Serve(h http.Handler) {
	r.mu.Lock()
	r.api = h
	r.mu.Unlock()
}

// Watch implements scheduler.WatchedRuntime.
func (r *Runtime) Watch(poke func()) {
	r.mu.Lock()
	r.pokeFn = poke
	r.mu.Unlock()
}

// poke asks for a pass, at most every 100 ms.
func (r *Runtime) poke() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pokeLocked()
}

func (r *Runtime) pokeLocked() {
	if r.pokeFn == nil || r.pokeDue {
		return
	}
	r.pokeDue = true
	time.AfterFunc(100*time.Millisecond, func() {
		r.mu.Lock()
		r.pokeDue = false
		fn := r.pokeFn
		r.mu.Unlock()
		fn()
	})
}

var instanceIDs = store.Collection[string]{Kind: "dockerrt/instance"}

// Run connects to the engine: it learns (or makes) the database's owner
// ID, prepares the task network and the containers' endpoint, and lists the
// containers a previous run left, which tasks still owned adopt and the
// first full pass removes otherwise. The returned function removes every
// container the runtime owns (a clean shutdown).
func (r *Runtime) Run(ctx context.Context) func() {
	if err := r.start(ctx); err != nil {
		r.mu.Lock()
		if r.err == nil {
			r.err = err
		}
		r.mu.Unlock()
		r.log.Error("docker runtime unavailable: tasks will fail to start", "error", err)
	}
	return r.shutdown
}

func (r *Runtime) start(ctx context.Context) error {
	if r.err != nil {
		return r.err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := r.cli.Ping(pctx); err != nil {
		return err
	}
	if info, err := r.cli.Info(pctx); err == nil && info.NCPU > 0 {
		r.maxCPUs = float64(info.NCPU)
	}
	if err := r.st.Write(ctx, func(tx *store.Tx) error {
		id, err := instanceIDs.Get(tx, store.Scope{}, "id")
		if err != nil {
			return err
		}
		if id == nil {
			b := make([]byte, 8)
			rand.Read(b)
			s := hex.EncodeToString(b)
			id = &s
			if err := instanceIDs.Put(tx, store.Scope{}, "id", store.Index{}, id); err != nil {
				return err
			}
		}
		r.instance = *id
		return nil
	}); err != nil {
		return err
	}
	ep, err := r.openEndpoint(pctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.ep = ep
	r.mu.Unlock()
	list, err := r.owned(pctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	for _, c := range list {
		arn := c.Labels[labelTaskARN]
		r.adopt[arn] = append(r.adopt[arn], c)
	}
	r.mu.Unlock()
	r.log.Info("docker runtime ready", "instance", r.instance, "endpoint", ep.url, "adoptable", len(list))
	return nil
}

// owned lists the containers labelled as this database's.
func (r *Runtime) owned(ctx context.Context) ([]container.Summary, error) {
	return r.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", labelInstance+"="+r.instance))})
}

// shutdown stops every task's goroutine and removes the containers the runtime owns.
func (r *Runtime) shutdown() {
	r.cancel()
	r.wg.Wait()
	if r.instance != "" && r.err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if list, err := r.owned(ctx); err == nil {
			for _, c := range list {
				r.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
			}
		}
	}
	r.mu.Lock()
	ep := r.ep
	r.mu.Unlock()
	if ep != nil {
		ep.close()
	}
}

// PassDone implements scheduler.WatchedRuntime: tasks the pass did not
// observe are gone from the store (deleted, or the store was reset), and
// containers left by an earlier run that no task claimed are orphans: both
// are removed.
func (r *Runtime) PassDone(c *api.Context) error {
	if r.instance != "" {
		// A reset empties the store: keep the owner ID for the next start.
		if id, err := instanceIDs.Get(c.Tx, store.Scope{}, "id"); err != nil {
			return err
		} else if id == nil {
			if err := instanceIDs.Put(c.Tx, store.Scope{}, "id", store.Index{}, &r.instance); err != nil {
				return err
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for arn, tk := range r.tasks {
		if !r.seen[arn] {
			r.dropLocked(tk)
		}
	}
	var orphans []string
	for arn, list := range r.adopt {
		for _, c := range list {
			orphans = append(orphans, c.ID)
		}
		delete(r.adopt, arn)
	}
	clear(r.seen)
	if len(orphans) > 0 {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for _, id := range orphans {
				r.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
			}
		}()
	}
	return nil
}

// dropLocked forgets a task and removes its containers.
func (r *Runtime) dropLocked(tk *task) {
	delete(r.tasks, tk.arn)
	for tok, ref := range r.tokens {
		if ref.task == tk {
			delete(r.tokens, tok)
		}
	}
	tk.remove = true
	tk.requestStop()
	tk.release()
}

// Start implements scheduler.TaskRuntime: the first call for a task
// resolves its secrets and starts its goroutine.
func (r *Runtime) Start(c *api.Context, t *types.Task, td *types.TaskDefinition) error {
	arn := aws.ToString(t.TaskArn)
	r.mu.Lock()
	_, known := r.tasks[arn]
	r.mu.Unlock()
	if known || td == nil || scheduler.WaitingForCapacity(t) {
		return nil
	}
	switch aws.ToString(t.LastStatus) {
	case "", ecscore.TaskProvisioning, ecscore.TaskPending:
	default:
		return r.reattach(c, t, td)
	}
	tk := newTask(r, c, t, td)
	// The agent reads the secrets and creates the log streams with the
	// execution role before any container exists.
	failedContainer, failure := scheduler.ExecutionRoleRefusal(c, r.execRole, t, td)
	var secrets map[string]map[string]string
	if failure == "" {
		secrets, failure = resolveSecrets(c, t, td)
	}
	if t.LaunchType == types.LaunchTypeFargate {
		failedContainer = "" // Fargate's containers carry no reason of their own
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if list := r.adopt[arn]; len(list) > 0 {
		// Left by a run that stopped before the task was RUNNING: start anew.
		delete(r.adopt, arn)
		go r.removeAll(list)
	}
	r.tasks[arn] = tk
	if failure != "" {
		tk.failBeforeContainers(failedContainer, failure)
		return nil
	}
	if err := r.errLocked(); err != nil {
		tk.failBeforeContainers("", "CannotStartContainerError: "+err.Error())
		return nil
	}
	env := r.taskEnvLocked(tk, t)
	env.Secrets = secrets
	labels := map[string]string{labelInstance: r.instance, labelServer: r.server, labelTaskARN: arn,
		labelCluster: aws.ToString(t.ClusterArn), labelFamily: aws.ToString(td.Family),
		labelRevision: fmt.Sprint(td.Revision)}
	specs, err := buildSpecs(t, td, env, labels, r.maxCPUs)
	if err != nil {
		tk.fail("", "CannotCreateContainerError: "+err.Error())
		return nil
	}
	for _, s := range specs {
		// Adoption after a restart finds the containers' tokens here.
		s.Config.Labels[labelMetaToken] = tk.metaTokens[s.Name]
		if tk.credsToken != "" {
			s.Config.Labels[labelCredsToken] = tk.credsToken
		}
	}
	tk.specs = specs
	tk.network = r.ep.network
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		tk.run()
	}()
	return nil
}

func (r *Runtime) errLocked() error {
	if r.err != nil {
		return r.err
	}
	if r.ep == nil {
		return errors.New("Cannot connect to the Docker daemon: the runtime has not started")
	}
	return nil
}

// reattach takes over the containers a previous run left for a task that
// was already past PENDING. A task whose containers are gone stops, as its
// essential containers would have.
func (r *Runtime) reattach(c *api.Context, t *types.Task, td *types.TaskDefinition) error {
	arn := aws.ToString(t.TaskArn)
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.adopt[arn]
	delete(r.adopt, arn)
	tk := newTask(r, c, t, td)
	r.tasks[arn] = tk
	if len(list) == 0 || r.errLocked() != nil {
		tk.fail("", "")
		return nil
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		tk.adopt(list)
	}()
	return nil
}

func (r *Runtime) removeAll(list []container.Summary) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, c := range list {
		r.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	}
}

// taskEnvLocked is what ECS adds to every container's environment, with the
// tokens behind the metadata and credentials addresses.
func (r *Runtime) taskEnvLocked(tk *task, t *types.Task) taskEnv {
	env := taskEnv{Region: tk.scope.Region, ExecEnv: "AWS_ECS_EC2"}
	if t.LaunchType == types.LaunchTypeFargate {
		env.ExecEnv = "AWS_ECS_FARGATE"
	}
	if r.ep == nil {
		return env
	}
	env.Endpoint = r.ep.url
	tk.metaTokens = map[string]string{}
	env.MetadataURI = func(container string) string {
		tok := tk.id + "-" + randomHex(8)
		tk.metaTokens[container] = tok
		r.tokens[tok] = tokenRef{task: tk, container: container}
		return r.ep.url + "/v4/" + tok
	}
	if tk.role != "" {
		tok := randomUUID()
		tk.credsToken = tok
		r.tokens[tok] = tokenRef{task: tk}
		if r.ep.relative {
			env.CredsEnv = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/" + tok
		} else {
			env.CredsEnv = "AWS_CONTAINER_CREDENTIALS_FULL_URI=" + r.ep.url + "/v2/credentials/" + tok
		}
	}
	return env
}

// Stop implements scheduler.TaskRuntime. A stopping task's containers are
// stopped by Observe when it leaves DEACTIVATING (after its targets drained).
func (r *Runtime) Stop(*api.Context, *types.Task) error { return nil }

// Observe implements scheduler.TaskRuntime.
func (r *Runtime) Observe(c *api.Context, t *types.Task, td *types.TaskDefinition, hold time.Time) (scheduler.Outcome, error) {
	arn := aws.ToString(t.TaskArn)
	r.mu.Lock()
	r.seen[arn] = true
	tk := r.tasks[arn]
	if tk == nil && aws.ToString(t.LastStatus) != ecscore.TaskStopped && !scheduler.WaitingForCapacity(t) && !ecscore.Live(t) {
		// Stopped before the runtime ran it, or left by an earlier run.
		if list := r.adopt[arn]; len(list) > 0 {
			delete(r.adopt, arn)
			go r.removeAll(list)
		}
	}
	var snap snapshot
	if tk != nil {
		snap = tk.snapshotLocked()
	}
	r.mu.Unlock()
	o, err := advance(c, t, td, tk, snap, hold)
	if err != nil {
		return o, err
	}
	if o.Stopped && tk != nil {
		r.mu.Lock()
		r.dropLocked(tk)
		r.mu.Unlock()
	}
	return o, nil
}

// appendLines writes what the containers printed since the last pass.
func appendLines(c *api.Context, t *types.Task, td *types.TaskDefinition, lines map[string][]logs.Event) error {
	for name, evs := range lines {
		if len(evs) == 0 {
			continue
		}
		if _, err := scheduler.AppendLogLines(c, t, td, name, evs); err != nil {
			return err
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUUID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// hostIP is the address a published port is reached at from this machine.
func hostAddr(port int) string { return net.JoinHostPort("127.0.0.1", fmt.Sprint(port)) }

var _ = strings.TrimSpace
