package autoscaling

import (
	"slices"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/placement"
)

// Bin is the room one container instance offers tasks.
type Bin struct {
	CPU, Memory int64
	ENIs        int
	Ports       map[int32]bool
	// Groups are the task groups on the instance, for distinctInstance.
	Groups map[string]bool
	// Distinct are the groups whose tasks want an instance each (distinctInstance).
	Distinct map[string]bool
}

// instance is the bin as placement sees it: an ACTIVE instance whose agent
// is connected, with the bin's room left.
func (b Bin) instance() *placement.Instance {
	in := &placement.Instance{Status: "ACTIVE", AgentConnected: true, CPU: b.CPU, Memory: b.Memory, ENIs: b.ENIs,
		Ports: map[int32]bool{}, Groups: map[string]int{}}
	for p, used := range b.Ports {
		if used {
			in.Ports[p] = true
		}
	}
	for g, on := range b.Groups {
		if on {
			in.Groups[g] = 1
		}
	}
	return in
}

// slot is an instance being filled, with the groups placed one task per instance.
type slot struct {
	in       *placement.Instance
	distinct map[string]bool
}

// take places d on the slot if placement says it fits there.
func (s slot) take(d placement.Demand) bool {
	var o placement.Options
	if s.distinct[d.Group] {
		o.Constraints = []ecstypes.PlacementConstraint{{Type: ecstypes.PlacementConstraintTypeDistinctInstance}}
	}
	if ok, _ := placement.Fits(d, s.in, o); !ok {
		return false
	}
	s.in.Take(d, d.StaticPorts)
	return true
}

// ReservationInput is what ECS looks at to size a capacity provider's group.
type ReservationInput struct {
	// Running is N: the group's instances (launched and not terminating).
	Running int
	// Busy counts registered instances that run at least one task (daemon tasks aside).
	Busy int
	// Booting counts launched instances whose agent has not registered yet.
	Booting int
	// Free is the room left on registered instances, busy ones first.
	Free []Bin
	// FreeBusy tells, per Free bin, whether that instance is already busy.
	FreeBusy []bool
	// Waiting are the tasks that wait for capacity.
	Waiting []placement.Demand
	// New is the room of a new instance of the group's type.
	New Bin
}

// InstancesNeeded is M: the instances the provider's tasks need. Waiting
// tasks first fill the room left on registered instances (an idle instance
// that takes one becomes busy); the rest are packed, largest first, onto
// new instances, which the booting ones stand for. Tasks that fit no
// instance of the type are left out.
func InstancesNeeded(in ReservationInput) int {
	busy := in.Busy
	free := make([]slot, len(in.Free))
	for i, b := range in.Free {
		free[i] = slot{b.instance(), b.Distinct}
	}
	wasBusy := slices.Clone(in.FreeBusy)
	waiting := slices.Clone(in.Waiting)
	slices.SortStableFunc(waiting, func(a, b placement.Demand) int {
		if a.CPU+a.Memory != b.CPU+b.Memory {
			if a.CPU+a.Memory > b.CPU+b.Memory {
				return -1
			}
			return 1
		}
		return 0
	})
	var bins []slot
	for _, d := range waiting {
		placed := false
		for i := range free {
			if free[i].take(d) {
				if i < len(wasBusy) && !wasBusy[i] {
					wasBusy[i] = true
					busy++
				}
				placed = true
				break
			}
		}
		if placed {
			continue
		}
		for i := range bins {
			if bins[i].take(d) {
				placed = true
				break
			}
		}
		if placed {
			continue
		}
		fresh := in.New
		fresh.Ports, fresh.Groups = nil, nil
		if s := (slot{fresh.instance(), fresh.Distinct}); s.take(d) {
			bins = append(bins, s)
		}
	}
	return busy + max(len(bins), in.Booting)
}

// Reservation is CapacityProviderReservation: M/N × 100, 200 when tasks
// wait on an empty group and 100 when there is nothing at all.
func Reservation(m, n int) float64 {
	switch {
	case n == 0 && m > 0:
		return 200
	case n == 0:
		return 100
	}
	return float64(m) * 100 / float64(n)
}

// ScalingSettings are a provider's managed scaling and its group's bounds.
type ScalingSettings struct {
	TargetCapacity         int32
	MinimumScalingStepSize int32
	MaximumScalingStepSize int32
	GroupMin, GroupMax     int32
}

// WantedCapacity is the group size that brings the reservation to the
// target: ceil(M × 100 / targetCapacity).
func WantedCapacity(m int, target int32) int32 {
	if m <= 0 {
		return 0
	}
	if target <= 0 {
		target = 100
	}
	return int32((int64(m)*100 + int64(target) - 1) / int64(target))
}

// NextCapacity is the desired capacity managed scaling moves the group to
// from n instances: out by at least the minimum and at most the maximum
// step size, in by at most the maximum step size, within the group's bounds.
func NextCapacity(m, n int, s ScalingSettings) int32 {
	want := WantedCapacity(m, s.TargetCapacity)
	cur := int32(n)
	next := cur
	switch {
	case want > cur:
		step := max(min(want-cur, max(s.MaximumScalingStepSize, 1)), max(s.MinimumScalingStepSize, 1))
		next = cur + step
	case want < cur:
		next = cur - min(cur-want, max(s.MaximumScalingStepSize, 1))
	}
	return max(min(next, s.GroupMax), s.GroupMin)
}
