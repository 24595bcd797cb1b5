// Package ecscore is ECS's model: task, service, deployment and task set
// states and their transitions, stop codes and reasons, the collections ECS
// documents live in with their index functions, ARN and id helpers, and the
// write functions. The ECS handlers, the cluster manager, Application Auto
// Scaling and Auto Scaling all read and write ECS documents through it, so
// that one definition of each rule exists.
//
// It may import store, protocol, services/api and services/core/*; never
// services/ecs, the cluster manager or another service.
package ecscore
