package ecs

import "strconv"

// agentCapabilities are the capability attributes a current ECS agent on a
// Linux instance reports when it registers. Instances registered through the
// API without any capability attribute get them, so that task definitions'
// requiresAttributes can be placed on them as on a real agent's instance.
func agentCapabilities() []string {
	caps := []string{
		"com.amazonaws.ecs.capability.privileged-container",
		"com.amazonaws.ecs.capability.ecr-auth",
		"com.amazonaws.ecs.capability.task-iam-role",
		"com.amazonaws.ecs.capability.task-iam-role-network-host",
		"ecs.capability.execution-role-awslogs",
		"ecs.capability.execution-role-ecr-pull",
		"ecs.capability.docker-plugin.local",
		"ecs.capability.task-eni",
		"ecs.capability.task-cpu-mem-limit",
		"ecs.capability.increased-task-cpu-limit",
		"ecs.capability.container-health-check",
		"ecs.capability.container-ordering",
		"ecs.capability.full-sync",
		"ecs.capability.env-files.s3",
		"ecs.capability.efs",
		"ecs.capability.efsAuth",
		"ecs.capability.secrets.ssm.environment-variables",
		"ecs.capability.secrets.asm.environment-variables",
		"ecs.capability.secrets.ssm.bootstrap.log-driver",
		"ecs.capability.secrets.asm.bootstrap.log-driver",
		"ecs.capability.firelens.fluentd",
		"ecs.capability.firelens.fluentbit",
		"ecs.capability.firelens.options.config.file",
		"ecs.capability.firelens.options.config.s3",
		"ecs.capability.aws-appmesh",
		"ecs.capability.execute-command",
		"ecs.capability.service-connect-v1",
		"ecs.capability.network.container-port-range",
		"ecs.capability.container-restart-policy",
	}
	for _, driver := range []string{"json-file", "syslog", "awslogs", "none", "fluentd", "gelf", "journald", "splunk", "awsfirelens"} {
		caps = append(caps, "com.amazonaws.ecs.capability.logging-driver."+driver)
	}
	for minor := 17; minor <= 44; minor++ {
		caps = append(caps, "com.amazonaws.ecs.capability.docker-remote-api.1."+strconv.Itoa(minor))
	}
	return caps
}
