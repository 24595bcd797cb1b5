package ec2_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func tcp(port int32, cidr string) types.IpPermission {
	return types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port), IpRanges: []types.IpRange{{CidrIp: aws.String(cidr)}}}
}

func TestSecurityGroupRules(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.3.0.0/16")
	g := harness.Must(c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"),
		Description: aws.String("web servers"), VpcId: aws.String(vpc), TagSpecifications: nameTag(types.ResourceTypeSecurityGroup, "web")}))(t)
	gid := aws.ToString(g.GroupId)
	if !strings.HasPrefix(gid, "sg-") || aws.ToString(g.SecurityGroupArn) != "arn:aws:ec2:us-east-1:000000000000:security-group/"+gid {
		t.Fatalf("group %s %s", gid, aws.ToString(g.SecurityGroupArn))
	}
	if err := ec2.NewSecurityGroupExistsWaiter(c).Wait(harness.Ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{gid}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("x"), VpcId: aws.String(vpc)})
	if ae := harness.AssertAPIError(t, err, "InvalidGroup.Duplicate"); ae.ErrorMessage() != "The security group 'web' already exists for VPC '"+vpc+"'" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	_, err = c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("default"), Description: aws.String("x"), VpcId: aws.String(vpc)})
	harness.AssertAPIError(t, err, "InvalidParameterValue")

	auth := harness.Must(c.AuthorizeSecurityGroupIngress(harness.Ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(gid), IpPermissions: []types.IpPermission{tcp(443, "0.0.0.0/0"), tcp(22, "10.0.0.0/8"),
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(8080), ToPort: aws.Int32(8080), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(gid)}}}}}))(t)
	if !aws.ToBool(auth.Return) || len(auth.SecurityGroupRules) != 3 || !strings.HasPrefix(aws.ToString(auth.SecurityGroupRules[0].SecurityGroupRuleId), "sgr-") {
		t.Fatalf("authorize %+v", auth)
	}
	_, err = c.AuthorizeSecurityGroupIngress(harness.Ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(gid), IpPermissions: []types.IpPermission{tcp(443, "0.0.0.0/0")}})
	if ae := harness.AssertAPIError(t, err, "InvalidPermission.Duplicate"); !strings.Contains(ae.ErrorMessage(), "peer: 0.0.0.0/0, TCP, from port: 443, to port: 443, ALLOW") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// The legacy flat parameters work too.
	harness.Must(c.AuthorizeSecurityGroupIngress(harness.Ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(gid), IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), CidrIp: aws.String("10.3.0.0/16")}))(t)

	desc := harness.Must(c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{gid}}))(t)
	sg := desc.SecurityGroups[0]
	if len(sg.IpPermissions) != 4 || len(sg.IpPermissionsEgress) != 1 || aws.ToString(sg.VpcId) != vpc || tagValue(sg.Tags, "Name") != "web" {
		t.Fatalf("described %+v", sg)
	}
	byProto := harness.Must(c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{filter("ip-permission.from-port", "22"), filter("ip-permission.cidr", "10.0.0.0/8")}}))(t)
	if len(byProto.SecurityGroups) != 1 {
		t.Errorf("ip-permission filters matched %d", len(byProto.SecurityGroups))
	}
	rules := harness.Must(c.DescribeSecurityGroupRules(harness.Ctx, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []types.Filter{filter("group-id", gid)}}))(t)
	if len(rules.SecurityGroupRules) != 5 {
		t.Fatalf("rules %d", len(rules.SecurityGroupRules))
	}
	var egressRule string
	for _, r := range rules.SecurityGroupRules {
		if aws.ToBool(r.IsEgress) {
			egressRule = aws.ToString(r.SecurityGroupRuleId)
			if aws.ToString(r.IpProtocol) != "-1" || aws.ToInt32(r.FromPort) != -1 || aws.ToString(r.CidrIpv4) != "0.0.0.0/0" {
				t.Errorf("default egress rule %+v", r)
			}
		}
	}
	// Terraform's way: revoke the default egress, authorize its own.
	rev := harness.Must(c.RevokeSecurityGroupEgress(harness.Ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(gid),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))(t)
	if len(rev.RevokedSecurityGroupRules) != 1 || aws.ToString(rev.RevokedSecurityGroupRules[0].SecurityGroupRuleId) != egressRule {
		t.Errorf("revoked %+v", rev.RevokedSecurityGroupRules)
	}
	_, err = c.RevokeSecurityGroupEgress(harness.Ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(gid),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	harness.AssertAPIError(t, err, "InvalidPermission.NotFound")
	harness.Must(c.AuthorizeSecurityGroupEgress(harness.Ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(gid),
		IpPermissions: []types.IpPermission{tcp(443, "0.0.0.0/0")}}))(t)
	// Revoke by rule id, and modify a rule.
	ssh := ""
	for _, r := range auth.SecurityGroupRules {
		if aws.ToInt32(r.FromPort) == 22 {
			ssh = aws.ToString(r.SecurityGroupRuleId)
		}
	}
	harness.Must(c.ModifySecurityGroupRules(harness.Ctx, &ec2.ModifySecurityGroupRulesInput{GroupId: aws.String(gid),
		SecurityGroupRules: []types.SecurityGroupRuleUpdate{{SecurityGroupRuleId: aws.String(ssh), SecurityGroupRule: &types.SecurityGroupRuleRequest{
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(2222), ToPort: aws.Int32(2222), CidrIpv4: aws.String("10.0.0.0/8"), Description: aws.String("ssh")}}}}))(t)
	one := harness.Must(c.DescribeSecurityGroupRules(harness.Ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{ssh}}))(t)
	if aws.ToInt32(one.SecurityGroupRules[0].FromPort) != 2222 || aws.ToString(one.SecurityGroupRules[0].Description) != "ssh" {
		t.Errorf("modified rule %+v", one.SecurityGroupRules[0])
	}
	harness.Must(c.RevokeSecurityGroupIngress(harness.Ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(gid), SecurityGroupRuleIds: []string{ssh}}))(t)
	_, err = c.RevokeSecurityGroupIngress(harness.Ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(gid), SecurityGroupRuleIds: []string{ssh}})
	harness.AssertAPIError(t, err, "InvalidSecurityGroupRuleId.NotFound")

	// A group referenced by another group's rule cannot be deleted.
	other := harness.Must(c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("db"), Description: aws.String("db"), VpcId: aws.String(vpc)}))(t)
	harness.Must(c.AuthorizeSecurityGroupIngress(harness.Ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: other.GroupId,
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(gid)}}}}}))(t)
	_, err = c.DeleteSecurityGroup(harness.Ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(gid)})
	harness.AssertAPIError(t, err, "DependencyViolation")
	harness.Must(c.DeleteSecurityGroup(harness.Ctx, &ec2.DeleteSecurityGroupInput{GroupId: other.GroupId}))(t)
	harness.Must(c.DeleteSecurityGroup(harness.Ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(gid)}))(t)
	_, err = c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{gid}})
	if ae := harness.AssertAPIError(t, err, "InvalidGroup.NotFound"); ae.ErrorMessage() != "The security group '"+gid+"' does not exist" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// The default group cannot be deleted.
	def := harness.Must(c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{filter("vpc-id", vpc)}}))(t)
	_, err = c.DeleteSecurityGroup(harness.Ctx, &ec2.DeleteSecurityGroupInput{GroupId: def.SecurityGroups[0].GroupId})
	harness.AssertAPIError(t, err, "CannotDelete")
	// Without a VPC id, a group goes to the default VPC and can be named.
	harness.Must(c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("classic"), Description: aws.String("d")}))(t)
	named := harness.Must(c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"classic"}}))(t)
	if len(named.SecurityGroups) != 1 {
		t.Errorf("by name %d", len(named.SecurityGroups))
	}
}
