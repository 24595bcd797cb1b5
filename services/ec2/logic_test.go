package ec2

import (
	"net/netip"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol"
)

func TestMatchFilters(t *testing.T) {
	f := fields{"vpc-id": {"vpc-1"}, "state": {"available"}}
	tags := []types.Tag{{Key: aws.String("Name"), Value: aws.String("web")}}
	known := func(n string) bool { return n == "vpc-id" || n == "state" }
	for _, tc := range []struct {
		name    string
		filters []types.Filter
		want    bool
		err     bool
	}{
		{"none", nil, true, false},
		{"or within a filter", []types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-2", "vpc-1"}}}, true, false},
		{"and across filters", []types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-1"}}, {Name: aws.String("state"), Values: []string{"pending"}}}, false, false},
		{"tag value", []types.Filter{{Name: aws.String("tag:Name"), Values: []string{"w*"}}}, true, false},
		{"tag key", []types.Filter{{Name: aws.String("tag-key"), Values: []string{"Owner"}}}, false, false},
		{"unknown", []types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}, false, true},
	} {
		got, err := matchFilters(tc.filters, f, tags, known)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("%s: %v %v", tc.name, got, err)
		}
	}
}

func TestCIDRHelpers(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	for _, tc := range []struct {
		s      string
		inside bool
	}{{"10.0.1.0/24", true}, {"10.0.0.0/16", true}, {"10.1.0.0/24", false}, {"10.0.0.0/8", false}} {
		if got := contains(vpc, netip.MustParsePrefix(tc.s)); got != tc.inside {
			t.Errorf("contains %s = %v", tc.s, got)
		}
	}
	if usableAddresses(netip.MustParsePrefix("10.0.0.0/24")) != 251 || usableAddresses(netip.MustParsePrefix("172.31.0.0/20")) != 4091 {
		t.Error("usable addresses")
	}
	if addrAt(netip.MustParsePrefix("10.0.1.0/24"), 4).String() != "10.0.1.4" {
		t.Error("addrAt")
	}
	for _, bad := range []string{"10.0.0.1/16", "nope", "::/0"} {
		if _, err := parseCIDR(bad, "cidrBlock"); err == nil {
			t.Errorf("parseCIDR(%q) accepted", bad)
		}
	}
}

func TestZoneIDs(t *testing.T) {
	for zone, want := range map[string]string{"us-east-1a": "use1-az1", "us-west-2d": "usw2-az4", "ap-northeast-1c": "apne1-az3", "eu-central-1b": "euc1-az2", "ap-southeast-2a": "apse2-az1"} {
		if got := ZoneID(zone); got != want {
			t.Errorf("ZoneID(%s) = %s", zone, got)
		}
	}
	if len(AvailabilityZones("us-east-1")) != 6 || len(AvailabilityZones("eu-west-1")) != 4 || len(AvailabilityZones("sa-east-1")) != 3 {
		t.Error("zone counts")
	}
}

func TestRulesAndPermissions(t *testing.T) {
	perms := []types.IpPermission{
		{IpProtocol: aws.String("6"), FromPort: aws.Int32(80), ToPort: aws.Int32(80), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}, {CidrIp: aws.String("10.0.0.0/8")}}},
		{IpProtocol: aws.String("all"), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String("sg-1")}}},
	}
	rules, err := rulesOf(perms, false, "123456789012")
	if err != nil || len(rules) != 3 || aws.ToString(rules[0].IpProtocol) != "tcp" || aws.ToInt32(rules[2].FromPort) != -1 ||
		aws.ToString(rules[2].ReferencedGroupInfo.UserId) != "123456789012" {
		t.Fatalf("rules %+v %v", rules, err)
	}
	ptrs := []*types.SecurityGroupRule{&rules[0], &rules[1], &rules[2]}
	back := permissionsOf(ptrs, false)
	if len(back) != 2 || len(back[0].IpRanges) != 2 || back[1].FromPort != nil || len(back[1].UserIdGroupPairs) != 1 {
		t.Fatalf("permissions %+v", back)
	}
	if !sameRule(&rules[0], &rules[0]) || sameRule(&rules[0], &rules[1]) {
		t.Error("sameRule")
	}
	if describeRule(&rules[0]) != "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" || describeRule(&rules[2]) != "peer: sg-1, ALL, ALLOW" {
		t.Errorf("describeRule %q %q", describeRule(&rules[0]), describeRule(&rules[2]))
	}
	for _, bad := range []types.IpPermission{
		{IpProtocol: aws.String("tcp"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
		{IpProtocol: aws.String("bogus")},
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(90), ToPort: aws.Int32(80)},
	} {
		if _, err := rulesOf([]types.IpPermission{bad}, false, "1"); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestValidationErrorWording(t *testing.T) {
	e := validationError([]protocol.Violation{{Path: "vpcId", Value: "null", Constraint: "Member must not be null"}})
	if e.Code != "MissingParameter" || e.Message != "The request must contain the parameter VpcId" {
		t.Errorf("%s: %s", e.Code, e.Message)
	}
	vs := withoutEnumChecks([]protocol.Violation{{Constraint: "Member must satisfy enum value set: [a]"}})
	if len(vs) != 0 {
		t.Error("enum violations kept")
	}
}

func TestPublicImagesHaveStableIDs(t *testing.T) {
	a, b := ImageID("us-east-1", PublicImages[0].Name), ImageID("us-east-1", PublicImages[0].Name)
	if a != b || !amiRE.MatchString(a) || a == ImageID("eu-west-1", PublicImages[0].Name) {
		t.Errorf("image ids %s %s", a, b)
	}
}
