package servicediscovery

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
)

func TestMatchFilter(t *testing.T) {
	cases := []struct {
		cond   types.FilterCondition
		values []string
		v      string
		want   bool
		err    bool
	}{
		{"", []string{"a"}, "a", true, false},
		{types.FilterConditionEq, []string{"a"}, "b", false, false},
		{types.FilterConditionEq, []string{"a", "b"}, "a", false, true},
		{types.FilterConditionIn, []string{"a", "b"}, "b", true, false},
		{types.FilterConditionBeginsWith, []string{"sh"}, "shop", true, false},
		{types.FilterConditionBetween, []string{"1", "2"}, "1", false, true},
	}
	for _, c := range cases {
		got, err := matchFilter(c.cond, c.values, c.v)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("%s %v %q: %v %v", c.cond, c.values, c.v, got, err)
		}
	}
}

func TestByHealth(t *testing.T) {
	h := &Instance{Health: types.HealthStatusHealthy}
	u := &Instance{Health: types.HealthStatusUnhealthy}
	cases := []struct {
		list   []*Instance
		filter types.HealthStatusFilter
		want   int
	}{
		{[]*Instance{h, u}, types.HealthStatusFilterHealthy, 1},
		{[]*Instance{h, u}, types.HealthStatusFilterUnhealthy, 1},
		{[]*Instance{h, u}, types.HealthStatusFilterAll, 2},
		{[]*Instance{u, u}, types.HealthStatusFilterHealthyOrElseAll, 2},
		{[]*Instance{u, u}, types.HealthStatusFilterHealthy, 0},
	}
	for _, c := range cases {
		if got := byHealth(c.list, c.filter); len(got) != c.want {
			t.Errorf("%s: %d, want %d", c.filter, len(got), c.want)
		}
	}
}

func TestOperationStatusFollowsAge(t *testing.T) {
	created := time.Unix(1000, 0)
	op := &operation{Operation: types.Operation{CreateDate: &created}, Outcome: types.OperationStatusFail}
	for _, c := range []struct {
		after time.Duration
		want  types.OperationStatus
	}{{0, types.OperationStatusSubmitted}, {opSubmitted, types.OperationStatusPending}, {opDone, types.OperationStatusFail}} {
		if st, _ := op.status(created.Add(c.after)); st != c.want {
			t.Errorf("after %s: %s, want %s", c.after, st, c.want)
		}
	}
}

func TestIDFormats(t *testing.T) {
	if id := newID("ns-"); len(id) != 19 {
		t.Errorf("namespace id %q", id)
	}
	if id := newOperationID(); len(id) != 41 || id[32] != '-' {
		t.Errorf("operation id %q", id)
	}
	if got := idOf("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc", "service"); got != "srv-abc" {
		t.Errorf("idOf %q", got)
	}
	if got := idOf("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc", "namespace"); got != "" {
		t.Errorf("idOf wrong kind %q", got)
	}
}
