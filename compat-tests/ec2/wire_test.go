package ec2_test

import (
	"strings"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

// What SDKs never send still gets EC2's own answers, in EC2's envelope.
func TestWireErrors(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Query(t, ls, "ec2", "Action=CreateSubnet&Version=2016-11-15&CidrBlock=10.0.0.0/24")
	if r.Status != 400 || !strings.HasPrefix(r.Body, "<Response><Errors><Error><Code>MissingParameter</Code><Message>The request must contain the parameter VpcId</Message>") {
		t.Errorf("missing parameter: %d %s", r.Status, r.Body)
	}
	r = harness.Query(t, ls, "ec2", "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-0123456789abcdef0")
	if r.Status != 400 || !strings.Contains(r.Body, "<Code>InvalidVpcID.NotFound</Code><Message>The vpc ID 'vpc-0123456789abcdef0' does not exist</Message>") {
		t.Errorf("not found: %d %s", r.Status, r.Body)
	}
	// An operation Longshore does not implement says so.
	r = harness.Query(t, ls, "ec2", "Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1a&Size=8")
	if r.Status != 501 || !strings.Contains(r.Body, "<Code>NotImplemented</Code>") {
		t.Errorf("not implemented: %d %s", r.Status, r.Body)
	}
	// Filters arrive as Filter.N.Name / Filter.N.Value.M.
	r = harness.Query(t, ls, "ec2", "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default&Filter.1.Value.1=true")
	if r.Status != 200 || !strings.Contains(r.Body, "<cidrBlock>172.31.0.0/16</cidrBlock>") || !strings.Contains(r.Body, "<vpcSet><item>") {
		t.Errorf("describe: %d %s", r.Status, r.Body)
	}
	// Enum values EC2 does not know yet are passed to the handler, as EC2 does.
	r = harness.Query(t, ls, "ec2", "Action=DescribeInstanceTypes&Version=2016-11-15&InstanceType.1=z9.tiny")
	if r.Status != 400 || !strings.Contains(r.Body, "<Code>InvalidInstanceType</Code>") {
		t.Errorf("instance type: %d %s", r.Status, r.Body)
	}
	h := harness.Raw(t, ls, "GET", "/_longshore/health", nil, "")
	if !strings.Contains(h.Body, `"ec2"`) || !strings.Contains(h.Body, `"ssm"`) {
		t.Errorf("health: %s", h.Body)
	}
}
