// Package services assembles every AWS service Longshore speaks, with the
// credential resolvers, control endpoints and background work they bring.
package services

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"time"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/appautoscaling"
	"github.com/longshore/longshore/services/autoscaling"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/services/elbv2/dataplane"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/services/logs"
	"github.com/longshore/longshore/services/servicediscovery"
	"github.com/longshore/longshore/services/sqs"
	"github.com/longshore/longshore/services/ssm"
	"github.com/longshore/longshore/services/sts"
	"github.com/longshore/longshore/store"
)

// Config is what services are built from.
type Config struct {
	Store  *store.Store
	Region string
	Logger *slog.Logger
	// TaskStartDelay and TaskStopDelay time simulated tasks (0 = default);
	// TimeScale makes all simulated time that many times faster (0 or 1 = real time).
	TaskStartDelay, TaskStopDelay time.Duration
	TimeScale                     float64
	// ECSQuotas are the ECS service quotas enforced (zero: AWS's defaults).
	ECSQuotas ecs.Quotas
	// MaxAutoScalingGroups is the quota of Auto Scaling groups per account
	// and region (0: AWS's default).
	MaxAutoScalingGroups int
	// Runtime runs ECS tasks: RuntimeSimulated ("" too) or RuntimeDocker.
	Runtime string
	// ExecutionRole checks what the ECS agent does with tasks' execution
	// roles (IAM enforcement); nil checks nothing.
	ExecutionRole scheduler.RoleCheck
	// ELBv2ListenerPorts serves each load balancer listener on its own port
	// on 127.0.0.1 where free (default: an allocated port).
	ELBv2ListenerPorts bool
}

// The task runtimes: simulated tasks, or real Docker containers.
const (
	RuntimeSimulated = "simulated"
	RuntimeDocker    = "docker"
)

// ControlRoute is a JSON endpoint under /_longshore (Path is relative to it).
type ControlRoute = api.ControlRoute

// Set is every service with what it brings.
type Set struct {
	Services  []*api.Service
	Resolvers []api.CredentialResolver
	Control   []ControlRoute
	// HostRoute answers requests whose Host is not Longshore's API but a
	// load balancer's DNS name (the ELBv2 data plane); nil: none.
	HostRoute func(host string) (http.Handler, bool)
	starters  []func(context.Context) func()
	// TaskAddress, with the Docker runtime, resolves where an ECS task's
	// AWS-side address (private IP or EC2 instance, and port) is reached on
	// this machine; nil with simulated tasks.
	TaskAddress func(host string, port int32) (string, bool)
	serving     []func(http.Handler)
}

// taskAddress reads TaskAddress when called: the Docker runtime sets it in
// addClusterManager, after the ELBv2 options that carry this function are built.
func (s *Set) taskAddress(host string, port int32) (string, bool) {
	if s.TaskAddress == nil {
		return "", false
	}
	return s.TaskAddress(host, port)
}

// Serving hands the services Longshore's own HTTP handler, once built: the
// Docker runtime serves it to containers as their AWS endpoint.
func (s *Set) Serving(h http.Handler) {
	for _, fn := range s.serving {
		fn(h)
	}
}

// New builds the services and their background work, each with its
// dependencies handed in here: this is the one place where services meet,
// and nothing is shared with another Set.
func New(cfg Config) *Set {
	set := &Set{}
	stsSvc := sts.New()
	set.Services = append(set.Services, stsSvc.Service)
	set.Resolvers = append(set.Resolvers, stsSvc.Resolve)
	iamSvc := iam.New()
	set.Services = append(set.Services, iamSvc.Service)
	set.Resolvers = append(set.Resolvers, iamSvc.Resolve)

	elbOpts := elbv2.Options{TimeScale: cfg.TimeScale, TargetGroupServices: ecs.ServicesUsingTargetGroup, TaskAddress: set.taskAddress}
	ecsSvc := ecs.New(ecs.Deps{Place: scheduler.TaskPlacer(uint64(time.Now().UnixNano())), Quotas: cfg.ECSQuotas,
		CreateServiceLinkedRole: iamRoles{}.CreateServiceLinkedRole})
	aasSvc := appautoscaling.New(appautoscaling.Deps{CreateServiceLinkedRole: serviceLinkedRoleCreator(iamSvc.Service)})
	set.Services = append(set.Services, ecsSvc, aasSvc, elbv2.NewWith(elbOpts))
	set.Control = append(set.Control, ControlRoute(elbv2.TargetHealthRoute(cfg.Store, elbOpts)))
	addDataPlane(set, cfg, elbOpts)
	addClusterManager(set, cfg, elbOpts)
	addScaling(set, cfg)
	set.Services = append(set.Services, logs.New())

	compute := autoscaling.EC2Compute{}
	set.Services = append(set.Services, autoscaling.New(autoscaling.Deps{EC2: compute, MaxGroups: cfg.MaxAutoScalingGroups, Roles: iamRoles{}}))
	set.starters = append(set.starters, autoscaling.NewEngine(cfg.Store, cfg.Logger, cfg.TimeScale, compute, ecs.Agent{}).Start)
	set.Services = append(set.Services, ec2.New(ec2.Options{TimeScale: cfg.TimeScale}))
	set.Services = append(set.Services, ssm.New())
	set.Services = append(set.Services, servicediscovery.New())
	sqsSvc := sqs.New()
	set.Services = append(set.Services, sqsSvc.Service)
	set.starters = append(set.starters, sqsSvc.NewWorker(cfg.Store, cfg.Logger, cfg.TimeScale).Start)
	iamSvc.NoteKeyUses(set.Services)
	return set
}

// Start runs the services' background work until the returned function is called.
func (s *Set) Start(ctx context.Context) func() {
	var stops []func()
	for _, start := range s.starters {
		stops = append(stops, start(ctx))
	}
	return func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
}

// addDataPlane makes load balancers carry traffic: listener ports, the Host
// route on the main port, health checks, and GET /_longshore/elbv2/endpoints.
func addDataPlane(set *Set, cfg Config, elb elbv2.Options) {
	p := dataplane.New(dataplane.Config{Store: cfg.Store, Logger: cfg.Logger, ELB: elb, ListenerPorts: cfg.ELBv2ListenerPorts,
		Certificate: iamServerCertificate(cfg.Store)})
	set.HostRoute = p.HostRoute
	method, path, handle := p.EndpointsRoute()
	set.Control = append(set.Control, ControlRoute{Method: method, Path: path, Handle: handle})
	set.starters = append(set.starters, p.Start)
}

// iamServerCertificate lets HTTPS listeners present IAM server certificates.
func iamServerCertificate(st *store.Store) func(arn string) (tls.Certificate, bool, error) {
	return func(arn string) (tls.Certificate, bool, error) {
		var cert, chain, key string
		var ok bool
		err := st.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			cert, chain, key, ok, err = iam.ServerCertificateKeyPair(tx, arn)
			return err
		})
		if err != nil || !ok {
			return tls.Certificate{}, false, err
		}
		pair, err := tls.X509KeyPair([]byte(cert+"\n"+chain), []byte(key))
		return pair, err == nil, err
	}
}
