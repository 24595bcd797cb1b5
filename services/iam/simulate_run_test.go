package iam

import (
	"reflect"
	"testing"

	"github.com/longshore/longshore/services/iam/policy"
)

func TestSimulationMissingKeys(t *testing.T) {
	parse := func(doc string) policy.Policy {
		d, err := policy.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		return policy.Policy{Doc: d}
	}
	identity := parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"},` +
		`{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}`)
	boundary := parse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}`)
	cases := []struct {
		name string
		ctx  policy.Context
		want []string
	}{
		{"nothing supplied", policy.Context{}, []string{"aws:username", "aws:PrincipalTag/team", "aws:SourceIp"}},
		{"some supplied", policy.Context{"aws:username": {"a"}, "aws:sourceip": {"10.1.1.1"}}, []string{"aws:PrincipalTag/team"}},
		{"all supplied", policy.Context{"aws:username": {"a"}, "aws:principaltag/team": {"x"}, "aws:sourceip": {"10.1.1.1"}}, []string{}},
	}
	for _, tc := range cases {
		s := &simulation{sets: policy.PolicySets{Identity: []policy.Policy{identity}, Boundary: []policy.Policy{boundary}}, ctx: tc.ctx}
		if got := s.missingKeys(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: missing %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCallerPrincipal(t *testing.T) {
	cases := []struct {
		arn     string
		ok      bool
		account string
	}{
		{"arn:aws:iam::123456789012:user/alice", true, "123456789012"},
		{"arn:aws:iam::123456789012:user/dev/alice", true, "123456789012"},
		{"arn:aws:iam::123456789012:role/r", false, ""},
		{"arn:aws:sts::123456789012:assumed-role/r/s", false, ""},
		{"alice", false, ""},
	}
	for _, tc := range cases {
		p, err := callerPrincipal(tc.arn)
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v", tc.arn, err)
			continue
		}
		if tc.ok && (p.ARN != tc.arn || p.Account != tc.account) {
			t.Errorf("%s: principal %+v", tc.arn, p)
		}
	}
	if got := accountOfARN("arn:aws:iam::111122223333:root"); got != "111122223333" {
		t.Errorf("accountOfARN = %s", got)
	}
	if got := accountOfARN("111122223333"); got != "111122223333" {
		t.Errorf("accountOfARN of an account = %s", got)
	}
}

// Every AWS managed policy of the catalogue is a valid managed policy to the
// policy grammar, and AdministratorAccess allows anything.
func TestAWSManagedPoliciesParse(t *testing.T) {
	for _, a := range awsCatalogue {
		if err := policy.Validate(a.Document, policy.Managed); err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
		if a.Name != "AdministratorAccess" {
			continue
		}
		d, _ := policy.Parse(a.Document)
		if got := policy.Decide(policy.Request{Action: "ecs:CreateCluster", Resource: "*"}, policy.PolicySets{Identity: []policy.Policy{{Doc: d}}}); got != policy.Allowed {
			t.Errorf("AdministratorAccess: %s", got)
		}
	}
}
