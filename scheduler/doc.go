// Package scheduler is the cluster manager: it keeps every ECS service at its
// desired task count, places tasks, moves them through their lifecycle and
// rolls deployments. It works on the store alone and is woken by writes.
//
// A pass (Runner.Pass) runs in one write transaction and, per cluster:
//
//  1. lifecycle: the TaskRuntime (Config.Runtime; by default Simulated, which
//     moves each task through PROVISIONING … RUNNING and DEACTIVATING …
//     STOPPED as simulated time passes (Timings), following the longshore.*
//     Docker labels (BehaviorOf)) starts, stops and observes each task; a
//     stopping task's load balancer targets are deregistered (drainTargets)
//     and hold it until drained; STOPPED tasks are forgotten after the
//     retention period;
//  2. accounting: the instances' remaining resources and task counts are
//     recomputed from their tasks;
//  3. per service, observe, decide, apply: observe reads what the decision
//     needs (target health, deployment alarms, service deployments,
//     traffic-shift records, hook results, listener weights); Decide, a pure
//     function of (service, tasks, observed, now), returns the Plan: tasks to
//     start and stop with their reasons, targets to register, listener
//     weights to shift, alarm-, stop-, hook- and health-driven rollbacks,
//     service events and the documents to write. Reconcile is its task part,
//     with a DeploymentStrategy (Rolling, or TrafficShift, chosen in strategyFor) and
//     the circuit breaker;
//  4. apply carries the plan out and decides nothing: new tasks are placed
//     (package placement) and built with ecs.NewTask; counts, deployments,
//     targets, weights and events are written back.
//
// A rolling deployment also fails when one of its deployment alarms is in
// ALARM (read through Config.AlarmState before the step; a deployment that replaces another
// bakes, IN_PROGRESS, for the alarms' evaluation time once steady, still
// watched) or when StopServiceDeployment asks
// (ROLLBACK or ABORT); a failure with rollback goes back to the last
// COMPLETED deployment, whatever caused it. A task launched through an Auto
// Scaling group capacity provider with managed scaling that fits nowhere yet
// is created anyway and waits, PROVISIONING, until an instance with room
// registers (placeWaiting), as on ECS.
//
// A service whose deployments are managed from outside (the EXTERNAL and
// CODE_DEPLOY deployment controllers) runs task sets instead
// (reconcileTaskSets): each keeps its computedDesiredCount of tasks with its
// own task definition, launch and network settings, load balancers and
// registries, their startedBy its id; a DRAINING task set stops its tasks and
// leaves the service once none is left.
//
// Passes are level-triggered and idempotent: nothing is remembered between
// them except decoded documents (a cache keyed by their stored JSON) and when
// the next pass is due, so a restart on the same database resumes as is.
package scheduler
