// Package scheduler is the cluster manager: it keeps every ECS service at its
// desired task count, places tasks, moves them through their lifecycle and
// rolls deployments. It works on the store alone and is woken by writes.
package scheduler
