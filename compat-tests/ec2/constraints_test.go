package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestSecurityGroupNamesAreASCII checks that a group name or description
// beyond ASCII, invalid UTF-8 included, or a name with a control character
// is refused and nothing is stored. Source: the EC2 API reference of
// CreateSecurityGroup (GroupName and GroupDescription: "Valid characters:
// a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*") and AWS's recorded
// answer, quoted in public Terraform write-ups: "InvalidParameterValue: Value
// (RDS PostgreSQL - ...) for parameter GroupDescription is invalid. Character
// sets beyond ASCII are not supported." The text for a control character is
// not established; the documented set of valid characters is quoted.
func TestSecurityGroupNamesAreASCII(t *testing.T) {
	c := client(t)
	for _, tc := range []struct{ name, desc, msg string }{
		{"caf\u00e9", "d", "Value (caf\u00e9) for parameter GroupName is invalid. Character sets beyond ASCII are not supported."},
		{"bad\xffname", "d", "Value (bad\ufffdname) for parameter GroupName is invalid. Character sets beyond ASCII are not supported."},
		{"web", "Tường lửa", "Value (Tường lửa) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported."},
		{"nul\x00name", "d", "Value (nul name) for parameter GroupName is invalid. Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"},
	} {
		_, err := c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(tc.name), Description: aws.String(tc.desc)})
		harness.AssertError(t, err, "InvalidParameterValue", 400, tc.msg)
	}
	out := harness.Must(c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{}))(t)
	for _, g := range out.SecurityGroups {
		if aws.ToString(g.GroupName) != "default" {
			t.Fatalf("refused group stored: %q", aws.ToString(g.GroupName))
		}
	}
}
