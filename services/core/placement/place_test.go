package placement

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func inst(arn, zone string, cpu, mem int64, order int) *Instance {
	return &Instance{ARN: arn, Status: "ACTIVE", AgentConnected: true, CPU: cpu, Memory: mem, ENIs: 2,
		Attributes: map[string]string{"ecs.availability-zone": zone}, Ports: map[int32]bool{22: true},
		Groups: map[string]int{}, Order: order}
}

func TestFiltersRecordReasons(t *testing.T) {
	cases := []struct {
		name   string
		d      Demand
		in     *Instance
		reason string
	}{
		{"cpu", Demand{CPU: 2048, Memory: 10}, inst("a", "z1", 1024, 1000, 0), ReasonCPU},
		{"memory", Demand{CPU: 10, Memory: 2000}, inst("a", "z1", 1024, 1000, 0), ReasonMemory},
		{"static port", Demand{StaticPorts: []int32{22}}, inst("a", "z1", 1024, 1000, 0), ReasonPorts},
		{"eni", Demand{ENI: true}, func() *Instance { i := inst("a", "z1", 1024, 1000, 0); i.ENIs = 0; return i }(), ReasonENI},
		{"agent", Demand{}, func() *Instance { i := inst("a", "z1", 1024, 1000, 0); i.AgentConnected = false; return i }(), ReasonAgent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, fs, err := Place(tc.d, []*Instance{tc.in}, Options{})
			if err != nil || a != nil {
				t.Fatalf("want no placement, got %v %v", a, err)
			}
			if len(fs) != 1 || fs[0].Reason != tc.reason || fs[0].Arn != "a" {
				t.Fatalf("failures = %+v, want %s", fs, tc.reason)
			}
		})
	}
}

func TestNoActiveInstances(t *testing.T) {
	i := inst("a", "z1", 1024, 1000, 0)
	i.Status = "DRAINING"
	if _, _, err := Place(Demand{}, []*Instance{i}, Options{}); !errors.Is(err, ErrNoInstances) {
		t.Fatalf("err = %v, want ErrNoInstances", err)
	}
}

func TestDrainingGetsNothing(t *testing.T) {
	d := inst("d", "z1", 4096, 8000, 0)
	d.Status = "DRAINING"
	a, _, err := Place(Demand{CPU: 1}, []*Instance{d, inst("b", "z1", 1024, 1000, 1)}, Options{})
	if err != nil || a == nil || a.Instance.ARN != "b" {
		t.Fatalf("got %+v %v, want b", a, err)
	}
}

func TestDynamicPortsAndResourcesAreTaken(t *testing.T) {
	i := inst("a", "z1", 1024, 1000, 0)
	d := Demand{CPU: 256, Memory: 256, StaticPorts: []int32{80}, DynamicPorts: 2, Group: "g"}
	a, _, err := Place(d, []*Instance{i}, Options{})
	if err != nil || a == nil {
		t.Fatal(a, err)
	}
	if want := []int32{80, 32768, 32769}; len(a.HostPorts) != 3 || a.HostPorts[0] != want[0] || a.HostPorts[1] != want[1] || a.HostPorts[2] != want[2] {
		t.Fatalf("ports = %v, want %v", a.HostPorts, want)
	}
	if i.CPU != 768 || i.Memory != 744 || i.Groups["g"] != 1 || i.PendingTasks != 1 {
		t.Fatalf("instance after placement: %+v", i)
	}
	// The static port is now taken: a second copy does not fit.
	if a, fs, _ := Place(d, []*Instance{i}, Options{}); a != nil || fs[0].Reason != ReasonPorts {
		t.Fatalf("second placement: %v %+v", a, fs)
	}
}

func TestDistinctInstance(t *testing.T) {
	is := []*Instance{inst("a", "z1", 4096, 8000, 0), inst("b", "z1", 4096, 8000, 1)}
	opts := Options{Constraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeDistinctInstance}}}
	d := Demand{CPU: 1, Group: "service:web"}
	var got []string
	for range 3 {
		a, fs, err := Place(d, is, opts)
		if err != nil {
			t.Fatal(err)
		}
		if a == nil {
			if len(fs) != 2 || fs[0].Reason != ReasonDistinct {
				t.Fatalf("failures %+v", fs)
			}
			got = append(got, "-")
			continue
		}
		got = append(got, a.Instance.ARN)
	}
	if got[0] != "a" || got[1] != "b" || got[2] != "-" {
		t.Fatalf("placements %v", got)
	}
}

func TestMemberOf(t *testing.T) {
	is := []*Instance{inst("a", "us-east-1a", 4096, 8000, 0), inst("b", "us-east-1b", 4096, 8000, 1)}
	opts := Options{
		Constraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("zone-b")}},
		MemberOf: func(expr string, in *Instance) (bool, error) {
			return in.Attributes["ecs.availability-zone"] == "us-east-1b", nil
		},
	}
	a, _, err := Place(Demand{CPU: 1}, is, opts)
	if err != nil || a.Instance.ARN != "b" {
		t.Fatalf("got %v %v", a, err)
	}
	opts.MemberOf = func(string, *Instance) (bool, error) { return false, nil }
	a, fs, _ := Place(Demand{CPU: 1}, is, opts)
	if a != nil || len(fs) != 2 || fs[0].Reason != ReasonMemberOf {
		t.Fatalf("got %v %+v", a, fs)
	}
}

func TestSpreadByZoneThenBinpack(t *testing.T) {
	is := []*Instance{
		inst("a1", "us-east-1a", 4096, 8000, 0), inst("a2", "us-east-1a", 4096, 4000, 1),
		inst("b1", "us-east-1b", 4096, 8000, 2), inst("c1", "us-east-1c", 4096, 8000, 3),
	}
	opts := Options{Strategies: []types.PlacementStrategy{
		{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")},
		{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")},
	}}
	zones := map[string]int{}
	var first string
	for i := range 6 {
		a, _, err := Place(Demand{CPU: 10, Memory: 100, Group: "service:web"}, is, opts)
		if err != nil || a == nil {
			t.Fatal(a, err)
		}
		if i == 0 {
			first = a.Instance.ARN
		}
		zones[a.Instance.Attributes["ecs.availability-zone"]]++
	}
	if zones["us-east-1a"] != 2 || zones["us-east-1b"] != 2 || zones["us-east-1c"] != 2 {
		t.Fatalf("zones = %v, want 2 each", zones)
	}
	// In zone a, binpack on memory prefers the instance with less memory left.
	if first != "a2" {
		t.Fatalf("first placement on %s, want a2", first)
	}
}

func TestBinpackCPU(t *testing.T) {
	is := []*Instance{inst("big", "z", 4096, 8000, 0), inst("small", "z", 1024, 8000, 1)}
	opts := Options{Strategies: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("cpu")}}}
	a, _, _ := Place(Demand{CPU: 512}, is, opts)
	if a.Instance.ARN != "small" {
		t.Fatalf("binpack chose %s", a.Instance.ARN)
	}
}

func TestRandomIsSeeded(t *testing.T) {
	run := func() []string {
		var is []*Instance
		for i, n := range []string{"a", "b", "c", "d", "e"} {
			is = append(is, inst(n, "z", 100000, 100000, i))
		}
		opts := Options{Strategies: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}}, Rand: rand.New(rand.NewPCG(7, 7))}
		var out []string
		for range 10 {
			a, _, _ := Place(Demand{CPU: 1}, is, opts)
			out = append(out, a.Instance.ARN)
		}
		return out
	}
	x, y := run(), run()
	distinct := map[string]bool{}
	for i := range x {
		if x[i] != y[i] {
			t.Fatalf("same seed, different placements: %v %v", x, y)
		}
		distinct[x[i]] = true
	}
	if len(distinct) < 2 {
		t.Fatalf("random placed everything on %v", x)
	}
}

func TestDemandOf(t *testing.T) {
	td := &types.TaskDefinition{NetworkMode: types.NetworkModeBridge, ContainerDefinitions: []types.ContainerDefinition{
		{Cpu: 256, Memory: aws.Int32(512), PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}, {ContainerPort: aws.Int32(443), HostPort: aws.Int32(8443)}}},
		{Cpu: 128, MemoryReservation: aws.Int32(128)},
	}}
	d := DemandOf(td, "g")
	if d.CPU != 384 || d.Memory != 640 || d.DynamicPorts != 1 || len(d.StaticPorts) != 1 || d.StaticPorts[0] != 8443 || d.ENI {
		t.Fatalf("demand %+v", d)
	}
	td.Cpu, td.Memory, td.NetworkMode = aws.String("1024"), aws.String("2048"), types.NetworkModeAwsvpc
	d = DemandOf(td, "g")
	if d.CPU != 1024 || d.Memory != 2048 || !d.ENI || d.DynamicPorts != 0 || len(d.StaticPorts) != 0 {
		t.Fatalf("awsvpc demand %+v", d)
	}
}
