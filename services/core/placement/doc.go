// Package placement chooses container instances for ECS tasks on the EC2
// launch type: filters that record why they rejected an instance (the reasons
// are RunTask's failures[].reason), then the placement strategies applied in
// order as tie-breakers. It knows the SDK's types only, so both the ECS API
// (RunTask, StartTask) and the scheduler can call it.
package placement
