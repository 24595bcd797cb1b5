package elbv2

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
)

func TestPage(t *testing.T) {
	c := &api.Context{Operation: "DescribeLoadBalancers", Region: "us-east-1", Caller: api.RootPrincipal("123456789012", "")}
	items := []int{1, 2, 3, 4, 5}
	var got []int
	var marker *string
	for pages := 0; ; pages++ {
		pg, next, err := api.PaginateSlice(items, markerPaging(c, "all", marker, aws.Int32(2)), nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, pg...)
		if next == nil {
			if pages != 2 {
				t.Errorf("%d pages", pages+1)
			}
			break
		}
		marker = next
	}
	if len(got) != 5 || got[4] != 5 {
		t.Errorf("items %v", got)
	}
	_, next, _ := api.PaginateSlice(items, markerPaging(c, "all", nil, aws.Int32(2)), nil)
	cases := []struct {
		name   string
		c      *api.Context
		scope  string
		marker *string
	}{
		{"forged", c, "all", aws.String("abc")},
		{"other listing", c, "names", next},
		{"other operation", &api.Context{Operation: "DescribeTargetGroups", Region: "us-east-1", Caller: c.Caller}, "all", next},
		{"other account", &api.Context{Operation: "DescribeLoadBalancers", Region: "us-east-1", Caller: api.RootPrincipal("000000000000", "")}, "all", next},
	}
	for _, tc := range cases {
		if _, _, err := api.PaginateSlice(items, markerPaging(tc.c, tc.scope, tc.marker, nil), nil); err == nil {
			t.Errorf("%s: marker accepted", tc.name)
		}
	}
}

func TestMergeTags(t *testing.T) {
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	got := mergeTags([]types.Tag{tag("a", "1"), tag("b", "2")}, []types.Tag{tag("b", "3"), tag("c", "4")})
	want := []string{"a=1", "b=3", "c=4"}
	if len(got) != len(want) {
		t.Fatalf("tags %v", got)
	}
	for i, w := range want {
		if *got[i].Key+"="+*got[i].Value != w {
			t.Errorf("tag %d = %s=%s, want %s", i, *got[i].Key, *got[i].Value, w)
		}
	}
	cases := []struct {
		tags    []types.Tag
		wantErr bool
	}{
		{[]types.Tag{tag("a", "1")}, false},
		{[]types.Tag{tag("a", "1"), tag("a", "2")}, true},
		{[]types.Tag{tag("aws:x", "1")}, true},
	}
	for _, tc := range cases {
		if err := validateNewTags(tc.tags); (err != nil) != tc.wantErr {
			t.Errorf("%v: err %v", tc.tags, err)
		}
	}
}
