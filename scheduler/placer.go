package scheduler

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/core/placement"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/store"
)

// placer runs placements with a random source and parsed memberOf
// expressions of its own.
type placer struct {
	mu    sync.Mutex
	rng   *rand.Rand
	exprs map[string]ecs.Expr
}

func newPlacer(seed uint64) *placer {
	return &placer{rng: rand.New(rand.NewPCG(seed, 0x5eed)), exprs: map[string]ecs.Expr{}}
}

// runPlacer serves RunTask and StartTask, whichever server they reach.
var runPlacer = newPlacer(uint64(time.Now().UnixNano()))

// place runs one placement.
func (pl *placer) place(d placement.Demand, cands []*placement.Instance, o placement.Options) (*placement.Assignment, []placement.Failure, error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	o.MemberOf, o.Rand = pl.memberOf, pl.rng
	return placement.Place(d, cands, o)
}

// memberOf evaluates a memberOf expression with the ECS cluster query language.
func (pl *placer) memberOf(expression string, in *placement.Instance) (bool, error) {
	e, ok := pl.exprs[expression]
	if !ok {
		var err error
		if e, err = ecs.ParseExpression(expression); err != nil {
			return false, err
		}
		pl.exprs[expression] = e
	}
	if in.Doc == nil {
		return false, nil
	}
	ci := *in.Doc // a copy: the cached document must not change unseen
	ci.RunningTasksCount = int32(in.RunningTasks)
	return e.Match(&ci, in.Tasks...), nil
}

// PlaceTasks is the placement RunTask and StartTask use (install it as
// ecs.Placer): it places req.Count tasks on the cluster's instances as the
// scheduler would, and returns a failure per rejected instance for the tasks
// that fit nowhere. Through an Auto Scaling group provider with managed
// scaling those tasks get an empty Placement instead: they wait, PROVISIONING.
func PlaceTasks(c *api.Context, req ecs.PlacementRequest) ([]ecs.Placement, []types.Failure, error) {
	sc := c.Scope()
	cis, err := ecscore.ContainerInstances.List(c.Tx, sc, store.Query{Parent: req.ClusterArn})
	if err != nil {
		return nil, nil, err
	}
	tasks, err := ecscore.Tasks.List(c.Tx, sc, store.Query{Parent: req.ClusterArn})
	if err != nil {
		return nil, nil, err
	}
	docs := make([]*types.ContainerInstance, 0, len(cis))
	for _, it := range cis {
		if req.CapacityProviderName != "" && aws.ToString(it.Doc.CapacityProviderName) != req.CapacityProviderName {
			continue
		}
		docs = append(docs, it.Doc)
	}
	tds := map[string]*types.TaskDefinition{}
	ts := make([]*types.Task, 0, len(tasks))
	for _, it := range tasks {
		ts = append(ts, it.Doc)
		arn := aws.ToString(it.Doc.TaskDefinitionArn)
		if _, ok := tds[arn]; !ok {
			if tds[arn], err = ecscore.TaskDefinitions.Get(c.Tx, sc, arn); err != nil {
				return nil, nil, err
			}
		}
	}
	instances, _, _ := accountInstances(docs, ts, tds)
	td := req.TaskDefinition
	demand := placement.DemandOf(td, req.Group)
	applyOverrides(&demand, req.Overrides)
	opts := placement.Options{Constraints: append(taskDefinitionConstraints(td), req.Constraints...),
		Strategies: req.Strategy, RequiresAttributes: td.RequiresAttributes}
	var out []ecs.Placement
	var failures []types.Failure
	// Through an Auto Scaling group capacity provider, the tasks that fit
	// nowhere yet are launched anyway and wait, PROVISIONING, for capacity.
	wait, err := ProviderWaits(c.Tx, sc, req.CapacityProviderName)
	if err != nil {
		return nil, nil, err
	}
	waiting := countWaiting(ts)
	for range req.Count {
		a, fs, err := runPlacer.place(demand, instances, opts)
		if wait && waiting < MaxWaitingTasks && (a == nil || errors.Is(err, placement.ErrNoInstances)) && !isConstraintError(err) {
			out = append(out, ecs.Placement{})
			waiting++
			continue
		}
		if errors.Is(err, placement.ErrNoInstances) {
			return nil, nil, apierror.New("InvalidParameterException", "No Container Instances were found in your cluster.")
		}
		if err != nil {
			return nil, nil, apierror.New("InvalidParameterException", "%s", err.Error())
		}
		if a == nil {
			for _, f := range fs {
				failures = append(failures, types.Failure{Arn: aws.String(f.Arn), Reason: aws.String(f.Reason)})
			}
			break
		}
		out = append(out, ecs.Placement{ContainerInstanceArn: a.Instance.ARN, AvailabilityZone: a.Instance.Attributes["ecs.availability-zone"]})
	}
	return out, failures, nil
}

// isConstraintError tells a placement that cannot run at all (a constraint
// that does not parse) from one that found no room.
func isConstraintError(err error) bool {
	return err != nil && !errors.Is(err, placement.ErrNoInstances)
}

// applyOverrides uses a RunTask's task-level cpu and memory overrides.
func applyOverrides(d *placement.Demand, o *types.TaskOverride) {
	if o == nil {
		return
	}
	if v, ok := atoi64(o.Cpu); ok {
		d.CPU = v
	}
	if v, ok := atoi64(o.Memory); ok {
		d.Memory = v
	}
}
