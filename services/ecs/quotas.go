package ecs

// Quotas are the ECS service quotas a server enforces.
type Quotas struct {
	// TasksPerRunTask is the most tasks one RunTask call starts.
	TasksPerRunTask int
	// TasksPerService is the highest desiredCount of a service.
	TasksPerService int
	// ServicesPerCluster is how many ACTIVE or DRAINING services a cluster holds.
	ServicesPerCluster int
	// TaskSetsPerService is how many task sets a service holds.
	TaskSetsPerService int
}

// DefaultQuotas are AWS's defaults.
func DefaultQuotas() Quotas {
	return Quotas{TasksPerRunTask: 10, TasksPerService: 5000, ServicesPerCluster: 5000, TaskSetsPerService: 5}
}
