package services

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/scheduler/dockerrt"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/services/ecs/control"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// schedulerTimings turns the configured delays and time scale into the
// cluster manager's timings; zero values keep the defaults.
func schedulerTimings(cfg Config) scheduler.Timings {
	t := scheduler.DefaultTimings()
	if cfg.TaskStartDelay > 0 {
		t.StartDelay = cfg.TaskStartDelay
	}
	if cfg.TaskStopDelay > 0 {
		t.StopDelay = cfg.TaskStopDelay
	}
	return t.Scaled(cfg.TimeScale)
}

// addClusterManager wires the cluster manager in: its loop as a starter and
// its control endpoints. elb is the ELBv2 service's options (its time scale).
func addClusterManager(set *Set, cfg Config, elb elbv2.Options) {
	var rt scheduler.TaskRuntime
	if cfg.Runtime == RuntimeDocker {
		d := dockerrt.New(dockerrt.Config{Store: cfg.Store, Logger: cfg.Logger, ExecutionRole: cfg.ExecutionRole})
		set.starters = append(set.starters, d.Run)
		set.serving = append(set.serving, d.Serve)
		set.Control = append(set.Control, d.PortsRoute())
		set.TaskAddress = d.Address
		rt = d
	}
	r := scheduler.New(scheduler.Config{Store: cfg.Store, Timings: schedulerTimings(cfg), Logger: cfg.Logger,
		ELB: elb, AlarmState: cloudWatchAlarms(cfg.TimeScale), Runtime: rt, ExecutionRole: cfg.ExecutionRole})
	set.starters = append(set.starters, r.Start)
	set.Control = append(set.Control, control.Routes(ECSControl(cfg.Store, cfg.Region, r))...)
}

// ECSControl is what the ECS control endpoints need of the cluster manager r.
func ECSControl(st *store.Store, region string, r *scheduler.Runner) control.Config {
	return control.Config{Store: st, Region: region, RecordHookResult: scheduler.RecordHookResult, Wake: r.Wake,
		LogStream: func(c *api.Context, t *types.Task, td *types.TaskDefinition, container string) (control.LogStream, error) {
			group, stream, in, err := scheduler.LogStream(c, t, td, container)
			return control.LogStream{Group: group, Stream: stream, In: in}, err
		},
	}
}

// cloudWatchAlarms lets the cluster manager watch deployment alarms without
// importing CloudWatch: an alarm's state, and how long it takes to go into
// ALARM (period × evaluation periods, on the configured time scale).
func cloudWatchAlarms(timeScale float64) scheduler.AlarmState {
	return func(tx *store.Tx, sc store.Scope, name string) (scheduler.Alarm, bool, error) {
		st, ok, err := cloudwatch.AlarmState(tx, sc, name)
		if err != nil || !ok {
			return scheduler.Alarm{}, ok, err
		}
		a := scheduler.Alarm{State: string(st)}
		r, err := cloudwatch.Alarms.Get(tx, sc, name)
		if err != nil {
			return a, true, err
		}
		if r != nil && r.Metric != nil {
			a.Evaluation = time.Duration(aws.ToInt32(r.Metric.Period)) * time.Duration(aws.ToInt32(r.Metric.EvaluationPeriods)) * time.Second
			if timeScale > 0 {
				a.Evaluation = time.Duration(float64(a.Evaluation) / timeScale)
			}
		}
		return a, true, nil
	}
}
