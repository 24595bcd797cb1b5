package dataplane

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func TestMatcher(t *testing.T) {
	cases := []struct {
		matcher string
		code    int
		want    bool
	}{
		{"", 200, true}, {"", 204, false}, {"200-299", 204, true}, {"200-299", 302, false},
		{"200,302", 302, true}, {"200, 404", 404, true}, {"499", 500, false},
	}
	for _, c := range cases {
		if got := matches(c.matcher, c.code); got != c.want {
			t.Errorf("matches(%q, %d) = %v, want %v", c.matcher, c.code, got, c.want)
		}
	}
}

func TestConditions(t *testing.T) {
	cond := func(field string, f func(*types.RuleCondition)) types.RuleCondition {
		c := types.RuleCondition{Field: aws.String(field)}
		f(&c)
		return c
	}
	client := netip.MustParseAddr("10.1.2.3")
	cases := []struct {
		name string
		c    types.RuleCondition
		url  string
		set  func(h map[string]string)
		want bool
	}{
		{"host legacy values", cond("host-header", func(c *types.RuleCondition) { c.Values = []string{"*.EXAMPLE.com"} }), "http://www.example.com:8080/", nil, true},
		{"path legacy values", cond("path-pattern", func(c *types.RuleCondition) { c.Values = []string{"/a/*"} }), "http://h/a/b?x=1", nil, true},
		{"path regex", cond("path-pattern", func(c *types.RuleCondition) {
			c.PathPatternConfig = &types.PathPatternConditionConfig{RegexValues: []string{"^/v[0-9]+/"}}
		}), "http://h/v2/x", nil, true},
		{"query any key", cond("query-string", func(c *types.RuleCondition) {
			c.QueryStringConfig = &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Value: aws.String("on")}}}
		}), "http://h/?debug=ON", nil, true},
		{"query wrong key", cond("query-string", func(c *types.RuleCondition) {
			c.QueryStringConfig = &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Key: aws.String("k"), Value: aws.String("on")}}}
		}), "http://h/?debug=on", nil, false},
		{"query escaped", cond("query-string", func(c *types.RuleCondition) {
			c.QueryStringConfig = &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Key: aws.String("a b"), Value: aws.String("c&d")}}}
		}), "http://h/?x=1&a+b=c%26d", nil, true},
		{"query malformed", cond("query-string", func(c *types.RuleCondition) {
			c.QueryStringConfig = &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Value: aws.String("on")}}}
		}), "http://h/?debug=on&bad=%zz", nil, false},
		{"source ip", cond("source-ip", func(c *types.RuleCondition) {
			c.SourceIpConfig = &types.SourceIpConditionConfig{Values: []string{"10.0.0.0/8"}}
		}), "http://h/", nil, true},
		{"source ip outside", cond("source-ip", func(c *types.RuleCondition) {
			c.SourceIpConfig = &types.SourceIpConditionConfig{Values: []string{"192.168.0.0/16"}}
		}), "http://h/", nil, false},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", c.url, nil)
		if got := compileCondition(c.c)(r, client); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
