package scheduler

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ecs/control"
)

// ControlRoutes are the ECS control endpoints wired to r, as the composition
// root wires them.
func (r *Runner) ControlRoutes(region string) []api.ControlRoute {
	return control.Routes(control.Config{Store: r.store, Region: region, RecordHookResult: RecordHookResult, Wake: r.Wake,
		LogStream: func(c *api.Context, t *types.Task, td *types.TaskDefinition, container string) (control.LogStream, error) {
			group, stream, in, err := LogStream(c, t, td, container)
			return control.LogStream{Group: group, Stream: stream, In: in}, err
		},
	})
}
