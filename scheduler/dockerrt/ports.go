package dockerrt

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

// Binding is one container port as AWS reports it and where it really is.
// awsvpc tasks' ports are on the ENI's private IP; bridge and host tasks'
// are on their EC2 instance, and since every simulated instance shares this
// machine, each AWS-side host port (dynamic ones included) is published on
// a distinct real port.
type Binding struct {
	TaskArn       string `json:"taskArn"`
	Container     string `json:"container"`
	Protocol      string `json:"protocol"`
	ContainerPort int32  `json:"containerPort"`
	// AWSHost is the private IP (awsvpc) or the container instance ARN and
	// EC2 instance ID (bridge, host) the port is reported on.
	AWSHost              string `json:"awsHost"`
	EC2InstanceID        string `json:"ec2InstanceId,omitempty"`
	ContainerInstanceArn string `json:"containerInstanceArn,omitempty"`
	AWSHostPort          int32  `json:"awsHostPort"`
	// HostAddress is where to connect on this machine.
	HostAddress string `json:"hostAddress"`
}

// Bindings lists every published port of the tasks the runtime runs.
func (r *Runtime) Bindings() []Binding {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Binding
	for _, tk := range r.tasks {
		for _, c := range tk.ctrs {
			if !c.Started || c.Exited {
				continue
			}
			for _, p := range c.Ports {
				if p.Real == 0 {
					continue
				}
				out = append(out, Binding{TaskArn: tk.arn, Container: c.Name, Protocol: p.Protocol, ContainerPort: p.ContainerPort,
					AWSHost: tk.awsHost, EC2InstanceID: tk.ec2, ContainerInstanceArn: tk.instanceArn, AWSHostPort: p.AWSHostPort,
					HostAddress: hostAddr(p.Real)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].TaskArn != out[j].TaskArn {
			return out[i].TaskArn < out[j].TaskArn
		}
		return out[i].AWSHostPort < out[j].AWSHostPort
	})
	return out
}

// Address is where traffic for an AWS-side address goes on this machine:
// host is a task's private IP (awsvpc), or the EC2 instance ID or container
// instance ARN of a bridge or host task; port is the AWS-side port (the
// container port for awsvpc, the host port otherwise). The ELBv2 data plane
// resolves targets through it.
func (r *Runtime) Address(host string, port int32) (string, bool) {
	for _, b := range r.Bindings() {
		if (b.AWSHost == host || (host != "" && (b.EC2InstanceID == host || b.ContainerInstanceArn == host))) && b.AWSHostPort == port {
			return b.HostAddress, true
		}
	}
	return "", false
}

// PortsRoute is GET /_longshore/ecs/ports: every published port of the
// tasks Docker runs.
func (r *Runtime) PortsRoute() api.ControlRoute {
	return api.ControlRoute{Method: "GET", Path: "/ecs/ports", Handle: func(context.Context, []byte) (any, error) {
		b := r.Bindings()
		if b == nil {
			b = []Binding{}
		}
		return map[string]any{"bindings": b}, nil
	}}
}

// instanceOf is the EC2 instance ID behind a task's container instance.
func instanceOf(c *api.Context, t *types.Task) string {
	arn := aws.ToString(t.ContainerInstanceArn)
	if arn == "" || c == nil || c.Tx == nil {
		return ""
	}
	ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), arn)
	if err != nil || ci == nil {
		return ""
	}
	return aws.ToString(ci.Ec2InstanceId)
}
