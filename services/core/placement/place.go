package placement

import (
	"errors"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The reasons ECS gives in RunTask's failures[] for an instance that cannot take a task.
const (
	ReasonCPU       = "RESOURCE:CPU"
	ReasonMemory    = "RESOURCE:MEMORY"
	ReasonPorts     = "RESOURCE:PORTS"
	ReasonENI       = "RESOURCE:ENI"
	ReasonMemberOf  = "MemberOf constraint"
	ReasonDistinct  = "DistinctInstance placement constraint"
	ReasonAgent     = "AGENT"
	ReasonAttribute = "ATTRIBUTE"
)

// ErrNoInstances means the cluster has no ACTIVE container instance at all.
var ErrNoInstances = errors.New("No Container Instances were found in your cluster.")

// MemberOfFunc evaluates a cluster query language expression against an instance.
type MemberOfFunc func(expression string, in *Instance) (bool, error)

// Options are the task's constraints and strategies and what evaluates them.
type Options struct {
	Constraints []types.PlacementConstraint
	Strategies  []types.PlacementStrategy
	// RequiresAttributes are the task definition's requiresAttributes.
	RequiresAttributes []types.Attribute
	// MemberOf evaluates memberOf expressions; nil refuses them.
	MemberOf MemberOfFunc
	// Rand drives the random strategy; seed it for reproducible placements.
	Rand *rand.Rand
}

// fitsPool recycles the candidate lists, which are as long as the cluster.
var fitsPool = sync.Pool{New: func() any { return new([]*Instance) }}

// filter is one feasibility check; it returns the failure reason or "".
type filter func(d Demand, in *Instance) (string, error)

// Place picks an instance for one task of demand d and records the task on it.
// When nothing fits, it returns no assignment and one failure per instance
// that was considered, with the first reason that rejected it.
func Place(d Demand, instances []*Instance, o Options) (*Assignment, []Failure, error) {
	filters, err := o.filters()
	if err != nil {
		return nil, nil, err
	}
	buf := fitsPool.Get().(*[]*Instance)
	defer func() { *buf = (*buf)[:0]; fitsPool.Put(buf) }()
	fits := (*buf)[:0]
	considered := 0
	for _, in := range instances {
		if in.Status != "ACTIVE" {
			continue // DRAINING and INACTIVE instances get no new tasks
		}
		considered++
		reason, err := rejection(filters, d, in)
		if err != nil {
			return nil, nil, err
		}
		if reason == "" {
			fits = append(fits, in)
		}
	}
	*buf = fits
	if considered == 0 {
		return nil, nil, ErrNoInstances
	}
	if len(fits) == 0 {
		// Only now are the reasons worth keeping: most placements fit somewhere.
		var failures []Failure
		for _, in := range instances {
			if in.Status == "ACTIVE" {
				reason, _ := rejection(filters, d, in)
				failures = append(failures, Failure{Arn: in.ARN, Reason: reason})
			}
		}
		return nil, failures, nil
	}
	best := o.rank(d, fits, instances)
	ports := append([]int32(nil), d.StaticPorts...)
	for range d.DynamicPorts {
		ports = append(ports, best.DynamicPort())
	}
	best.Take(d, ports)
	return &Assignment{Instance: best, HostPorts: ports}, nil, nil
}

// rejection runs the filters in order and returns the first reason, or "".
func rejection(filters []filter, d Demand, in *Instance) (string, error) {
	for _, f := range filters {
		r, err := f(d, in)
		if err != nil || r != "" {
			return r, err
		}
	}
	return "", nil
}

// filters builds the checks in the order their reasons take precedence:
// agent, attributes and constraints first, then resources.
func (o Options) filters() ([]filter, error) {
	fs := []filter{checkAgent, o.checkAttributes}
	for _, c := range o.Constraints {
		switch c.Type {
		case types.PlacementConstraintTypeDistinctInstance:
			fs = append(fs, checkDistinct)
		case types.PlacementConstraintTypeMemberOf:
			expr := aws.ToString(c.Expression)
			if o.MemberOf == nil {
				return nil, errors.New("memberOf constraints are not supported")
			}
			fs = append(fs, func(_ Demand, in *Instance) (string, error) {
				ok, err := o.MemberOf(expr, in)
				if err != nil || ok {
					return "", err
				}
				return ReasonMemberOf, nil
			})
		}
	}
	return append(fs, checkCPU, checkMemory, checkPorts, checkENI), nil
}

func checkAgent(_ Demand, in *Instance) (string, error) {
	if !in.AgentConnected {
		return ReasonAgent, nil
	}
	return "", nil
}

func (o Options) checkAttributes(_ Demand, in *Instance) (string, error) {
	for _, a := range o.RequiresAttributes {
		v, ok := in.Attributes[aws.ToString(a.Name)]
		if !ok || (a.Value != nil && v != *a.Value) {
			return ReasonAttribute, nil
		}
	}
	return "", nil
}

func checkDistinct(d Demand, in *Instance) (string, error) {
	if in.Groups[d.Group] > 0 {
		return ReasonDistinct, nil
	}
	return "", nil
}

func checkCPU(d Demand, in *Instance) (string, error) {
	if d.CPU > in.CPU {
		return ReasonCPU, nil
	}
	return "", nil
}

func checkMemory(d Demand, in *Instance) (string, error) {
	if d.Memory > in.Memory {
		return ReasonMemory, nil
	}
	return "", nil
}

func checkPorts(d Demand, in *Instance) (string, error) {
	for _, p := range d.StaticPorts {
		if in.Ports[p] {
			return ReasonPorts, nil
		}
	}
	if d.DynamicPorts > 0 {
		free := 0
		for p := int32(DynamicPortFirst); p <= DynamicPortLast && free < d.DynamicPorts; p++ {
			if !in.Ports[p] {
				free++
			}
		}
		if free < d.DynamicPorts {
			return ReasonPorts, nil
		}
	}
	return "", nil
}

func checkENI(d Demand, in *Instance) (string, error) {
	if d.ENI && in.ENIs <= 0 {
		return ReasonENI, nil
	}
	return "", nil
}

// DynamicPort takes the lowest free port of the dynamic range (0 when none is left).
func (in *Instance) DynamicPort() int32 {
	for p := int32(DynamicPortFirst); p <= DynamicPortLast; p++ {
		if !in.Ports[p] {
			in.Ports[p] = true
			if in.Dynamic != nil {
				in.Dynamic[p] = true
			}
			return p
		}
	}
	return 0
}

// rank applies the strategies in order, each keeping only the candidates it
// likes best, so that a later strategy only breaks the earlier ones' ties.
// Remaining ties go to the instance registered first.
func (o Options) rank(d Demand, fits, all []*Instance) *Instance {
	cands := fits
	for _, s := range o.Strategies {
		if len(cands) == 1 {
			break
		}
		switch s.Type {
		case types.PlacementStrategyTypeBinpack:
			cands = keepMin(cands, func(in *Instance) int64 {
				if strings.EqualFold(aws.ToString(s.Field), "cpu") {
					return in.CPU
				}
				return in.Memory
			})
		case types.PlacementStrategyTypeSpread:
			cands = spread(d, aws.ToString(s.Field), cands, all)
		case types.PlacementStrategyTypeRandom:
			if o.Rand != nil {
				cands = []*Instance{cands[o.Rand.IntN(len(cands))]}
			}
		}
	}
	best := cands[0]
	for _, in := range cands[1:] {
		if in.Order < best.Order {
			best = in
		}
	}
	return best
}

// keepMin keeps the candidates with the lowest score, filtering cands in
// place (a kept candidate is never written past the one being read).
func keepMin(cands []*Instance, score func(*Instance) int64) []*Instance {
	out := cands[:0]
	var min int64
	for _, in := range cands {
		s := score(in)
		switch {
		case len(out) == 0 || s < min:
			out, min = append(out[:0], in), s
		case s == min:
			out = append(out, in)
		}
	}
	return out
}

// spread keeps the candidates whose value of field carries the fewest tasks
// of the group, counting over every instance of the cluster.
func spread(d Demand, field string, cands, all []*Instance) []*Instance {
	field = strings.TrimPrefix(field, "attribute:")
	counts := map[string]int{}
	for _, in := range all {
		if v, ok := in.Attribute(field); ok {
			counts[v] += in.Groups[d.Group]
		}
	}
	n := 0
	for _, in := range cands {
		if _, ok := in.Attribute(field); ok {
			n++
		}
	}
	if n == 0 {
		return cands
	}
	with := cands[:0]
	for _, in := range cands {
		if _, ok := in.Attribute(field); ok {
			with = append(with, in)
		}
	}
	return keepMin(with, func(in *Instance) int64 {
		v, _ := in.Attribute(field)
		return int64(counts[v])
	})
}

// Fits reports whether in can take a task of demand d under o without placing
// it: the same checks as Place, for callers that plan capacity (Auto
// Scaling's managed scaling) on instances that may not exist yet.
func Fits(d Demand, in *Instance, o Options) (bool, error) {
	if in.Status != "ACTIVE" {
		return false, nil
	}
	filters, err := o.filters()
	if err != nil {
		return false, err
	}
	reason, err := rejection(filters, d, in)
	return reason == "", err
}
