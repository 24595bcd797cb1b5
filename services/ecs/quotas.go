package ecs

// Quotas are the ECS service quotas Longshore enforces, AWS's defaults unless
// changed at start-up.
var Quotas = struct {
	// TasksPerRunTask is the most tasks one RunTask call starts.
	TasksPerRunTask int
	// TasksPerService is the highest desiredCount of a service.
	TasksPerService int
	// ServicesPerCluster is how many ACTIVE or DRAINING services a cluster holds.
	ServicesPerCluster int
	// TaskSetsPerService is how many task sets a service holds.
	TaskSetsPerService int
}{
	TasksPerRunTask:    10,
	TasksPerService:    5000,
	ServicesPerCluster: 5000,
	TaskSetsPerService: 5,
}
