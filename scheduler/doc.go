// Package scheduler is the cluster manager: it keeps every ECS service at its
// desired task count, places tasks, moves them through their lifecycle and
// rolls deployments. It works on the store alone and is woken by writes.
//
// A pass (Runner.Pass) runs in one write transaction and, per cluster:
//
//  1. lifecycle: Advance moves each task through PROVISIONING … RUNNING and
//     DEACTIVATING … STOPPED as simulated time passes (Timings), following
//     the longshore.* Docker labels (BehaviorOf); STOPPED tasks are forgotten
//     after the retention period;
//  2. accounting: the instances' remaining resources and task counts are
//     recomputed from their tasks;
//  3. reconcile: Reconcile, a pure function of (service, tasks, instances,
//     now), decides which tasks to start and stop, with a DeploymentStrategy
//     (Rolling, or TrafficShift, chosen in strategyFor) and the circuit breaker;
//  4. apply: new tasks are placed (package placement) and built with
//     ecs.NewTask; counts, deployments and events are written back.
//
// A rolling deployment also fails when one of its deployment alarms is in
// ALARM (read through Config.AlarmState; a deployment that replaces another
// bakes, IN_PROGRESS, for the alarms' evaluation time once steady, still
// watched) or when StopServiceDeployment asks
// (ROLLBACK or ABORT); a failure with rollback goes back to the last
// COMPLETED deployment, whatever caused it. A task launched through an Auto
// Scaling group capacity provider with managed scaling that fits nowhere yet
// is created anyway and waits, PROVISIONING, until an instance with room
// registers (placeWaiting), as on ECS.
//
// Passes are level-triggered and idempotent: nothing is remembered between
// them except decoded documents (a cache keyed by their stored JSON) and when
// the next pass is due, so a restart on the same database resumes as is.
package scheduler
