package ec2

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

// holding stores the default network, then n documents that put makes,
// straight through the store.
func holding(put func(c *api.Context, i int) error) func(tb testing.TB, st *store.Store, n int) {
	return func(tb testing.TB, st *store.Store, n int) {
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			if err := EnsureDefaults(tx, benchScope.Account, benchScope.Region); err != nil {
				return err
			}
			c := contextFor(tx, benchScope.Account, benchScope.Region)
			for i := 0; i < n; i++ {
				if err := put(c, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func nameTag(name string) []types.Tag {
	return []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}
}

var holdSubnets = holding(func(c *api.Context, i int) error {
	return subnetKind.put(c, &types.Subnet{SubnetId: aws.String(fmt.Sprintf("subnet-%017x", i)), VpcId: aws.String("vpc-x"),
		CidrBlock: aws.String(fmt.Sprintf("10.%d.%d.0/24", i/256%256, i%256)), State: types.SubnetStateAvailable, Tags: nameTag(fmt.Sprint("s", i))})
})

var holdVpcs = holding(func(c *api.Context, i int) error {
	return vpcKind.put(c, &types.Vpc{VpcId: aws.String(fmt.Sprintf("vpc-%017x", i)), CidrBlock: aws.String("10.0.0.0/16"),
		State: types.VpcStateAvailable, Tags: nameTag(fmt.Sprint("v", i))})
})

var holdRouteTables = holding(func(c *api.Context, i int) error {
	return putRouteTable(c, &types.RouteTable{RouteTableId: aws.String(fmt.Sprintf("rtb-%017x", i)), VpcId: aws.String("vpc-x"),
		Routes: []types.Route{{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local")}}})
})

var holdInterfaces = holding(func(c *api.Context, i int) error {
	return eniKind.put(c, &types.NetworkInterface{NetworkInterfaceId: aws.String(fmt.Sprintf("eni-%017x", i)), SubnetId: aws.String("subnet-x"),
		VpcId: aws.String("vpc-x"), Status: types.NetworkInterfaceStatusInUse, PrivateIpAddress: aws.String("10.0.0.1")})
})

// holdTemplates stores n launch templates of one version each.
var holdTemplates = holding(func(c *api.Context, i int) error {
	id := fmt.Sprintf("lt-%017x", i)
	lt := &types.LaunchTemplate{LaunchTemplateId: aws.String(id), LaunchTemplateName: aws.String(fmt.Sprint("t", i)),
		DefaultVersionNumber: aws.Int64(1), LatestVersionNumber: aws.Int64(1), CreateTime: aws.Time(time.Unix(0, 0))}
	if err := templateKind.put(c, lt); err != nil {
		return err
	}
	return putVersion(c, &types.LaunchTemplateVersion{LaunchTemplateId: aws.String(id), LaunchTemplateName: lt.LaunchTemplateName,
		VersionNumber: aws.Int64(1), LaunchTemplateData: &types.ResponseLaunchTemplateData{ImageId: aws.String("ami-1"), InstanceType: types.InstanceTypeT3Micro}})
})

// holdVersions stores one launch template of n versions.
var holdVersions = holding(func(c *api.Context, i int) error {
	id := "lt-00000000000000001"
	lt := &types.LaunchTemplate{LaunchTemplateId: aws.String(id), LaunchTemplateName: aws.String("t"),
		DefaultVersionNumber: aws.Int64(1), LatestVersionNumber: aws.Int64(int64(i + 1)), CreateTime: aws.Time(time.Unix(0, 0))}
	if err := templateKind.put(c, lt); err != nil {
		return err
	}
	return putVersion(c, &types.LaunchTemplateVersion{LaunchTemplateId: aws.String(id), LaunchTemplateName: lt.LaunchTemplateName,
		VersionNumber: aws.Int64(int64(i + 1)), LaunchTemplateData: &types.ResponseLaunchTemplateData{ImageId: aws.String("ami-1")}})
})

var holdKeyPairs = holding(func(c *api.Context, i int) error {
	return keyKind.put(c, &keyPair{types.KeyPairInfo{KeyPairId: aws.String(fmt.Sprintf("key-%017x", i)), KeyName: aws.String(fmt.Sprintf("k%06d", i)),
		KeyType: types.KeyTypeRsa, KeyFingerprint: aws.String("f")}})
})

var holdNatGateways = holding(func(c *api.Context, i int) error {
	return natKind.put(c, &types.NatGateway{NatGatewayId: aws.String(fmt.Sprintf("nat-%017x", i)), SubnetId: aws.String("subnet-x"),
		VpcId: aws.String("vpc-x"), State: types.NatGatewayStateAvailable, CreateTime: aws.Time(time.Unix(0, 0))})
})

// holdInstances stores n running instances with a root volume each, one
// in ten a t3.
var holdInstances = holding(func(c *api.Context, i int) error {
	itype := types.InstanceTypeM5Large
	if i%10 == 0 {
		itype = types.InstanceTypeT3Micro
	}
	return instanceKind.put(c, &Instance{Instance: types.Instance{InstanceId: aws.String(fmt.Sprintf("i-%017x", i)), InstanceType: itype,
		State: stateOf(types.InstanceStateNameRunning), Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")},
		ImageId: aws.String("ami-0123456789"), BlockDeviceMappings: []types.InstanceBlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"),
			Ebs: &types.EbsInstanceBlockDevice{VolumeId: aws.String(fmt.Sprintf("vol-%017x", i)), Status: types.AttachmentStatusAttached}}}},
		ReservationID: fmt.Sprintf("r-%017x", i), StateSince: time.Unix(0, 0)})
})

var describeSubnetsCase = apitest.PageCase{Name: "DescribeSubnets", Hold: holdSubnets, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeSubnets, &sdk.DescribeSubnetsInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.Subnets), out.NextToken
}, Want: 100}

func BenchmarkDescribeSubnetsPage(b *testing.B) { describeSubnetsCase.Bench(b) }

var describeVpcsCase = apitest.PageCase{Name: "DescribeVpcs", Hold: holdVpcs, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeVpcs, &sdk.DescribeVpcsInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.Vpcs), out.NextToken
}, Want: 100}

func BenchmarkDescribeVpcsPage(b *testing.B) { describeVpcsCase.Bench(b) }

var describeRouteTablesCase = apitest.PageCase{Name: "DescribeRouteTables", Hold: holdRouteTables, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeRouteTables, &sdk.DescribeRouteTablesInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.RouteTables), out.NextToken
}, Want: 100}

func BenchmarkDescribeRouteTablesPage(b *testing.B) { describeRouteTablesCase.Bench(b) }

var describeNetworkInterfacesCase = apitest.PageCase{Name: "DescribeNetworkInterfaces", Hold: holdInterfaces, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeNetworkInterfaces, &sdk.DescribeNetworkInterfacesInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.NetworkInterfaces), out.NextToken
}, Want: 100}

func BenchmarkDescribeNetworkInterfacesPage(b *testing.B) { describeNetworkInterfacesCase.Bench(b) }

var describeLaunchTemplatesCase = apitest.PageCase{Name: "DescribeLaunchTemplates", Hold: holdTemplates, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeLaunchTemplates, &sdk.DescribeLaunchTemplatesInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.LaunchTemplates), out.NextToken
}, Want: 100}

func BenchmarkDescribeLaunchTemplatesPage(b *testing.B) { describeLaunchTemplatesCase.Bench(b) }

// Every template's versions, without naming one.
var describeLaunchTemplateVersionsCase = apitest.PageCase{Name: "DescribeLaunchTemplateVersions", Hold: holdTemplates, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeLaunchTemplateVersions, &sdk.DescribeLaunchTemplateVersionsInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.LaunchTemplateVersions), out.NextToken
}, Want: 100}

func BenchmarkDescribeLaunchTemplateVersionsPage(b *testing.B) {
	describeLaunchTemplateVersionsCase.Bench(b)
}

// One template's versions.
var describeLaunchTemplateVersionsOfOneCase = apitest.PageCase{Name: "DescribeLaunchTemplateVersionsOfOne", Hold: holdVersions, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeLaunchTemplateVersions, &sdk.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("t"),
		MaxResults: aws.Int32(100), NextToken: token})
	return len(out.LaunchTemplateVersions), out.NextToken
}, Want: 100}

func BenchmarkDescribeLaunchTemplateVersionsOfOnePage(b *testing.B) {
	describeLaunchTemplateVersionsOfOneCase.Bench(b)
}

var describeVolumesCase = apitest.PageCase{Name: "DescribeVolumes", Hold: holdInstances, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeVolumes, &sdk.DescribeVolumesInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.Volumes), out.NextToken
}, Want: 100}

func BenchmarkDescribeVolumesPage(b *testing.B) { describeVolumesCase.Bench(b) }

// namedVolumes are twenty volumes spread over the first thousand instances.
var namedVolumes = func() []string {
	var ids []string
	for i := 0; i < 1000; i += 50 {
		ids = append(ids, fmt.Sprintf("vol-%017x", i))
	}
	return ids
}()

// Volumes named by id are read by id: a listing of twenty costs the same
// however many instances are held.
var describeVolumesByIDCase = apitest.PageCase{Name: "DescribeVolumesByID", Hold: holdInstances, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeVolumes, &sdk.DescribeVolumesInput{VolumeIds: namedVolumes})
	return len(out.Volumes), out.NextToken
}, Want: len(namedVolumes)}

func BenchmarkDescribeVolumesByIDPage(b *testing.B) { describeVolumesByIDCase.Bench(b) }

// One instance in ten is burstable: a page reads about ten times itself.
var describeInstanceCreditSpecificationsCase = apitest.PageCase{Name: "DescribeInstanceCreditSpecifications", Hold: holdInstances, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeInstanceCreditSpecifications, &sdk.DescribeInstanceCreditSpecificationsInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.InstanceCreditSpecifications), out.NextToken
}, Want: 100}

func BenchmarkDescribeInstanceCreditSpecificationsPage(b *testing.B) {
	describeInstanceCreditSpecificationsCase.Bench(b)
}

var describeNatGatewaysCase = apitest.PageCase{Name: "DescribeNatGateways", Hold: holdNatGateways, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	describe := func(c *api.Context, in *sdk.DescribeNatGatewaysInput) (*sdk.DescribeNatGatewaysOutput, error) {
		return describeNatGateways(c, in, time.Second)
	}
	out := ec2Call(tb, st, describe, &sdk.DescribeNatGatewaysInput{MaxResults: aws.Int32(100), NextToken: token})
	return len(out.NatGateways), out.NextToken
}, Want: 100}

func BenchmarkDescribeNatGatewaysPage(b *testing.B) { describeNatGatewaysCase.Bench(b) }

// DescribeKeyPairs has no paging: three named key pairs are the page.
var describeKeyPairsNamedCase = apitest.PageCase{Name: "DescribeKeyPairsNamed", Hold: holdKeyPairs, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeKeyPairs, &sdk.DescribeKeyPairsInput{KeyNames: []string{"k000500", "k000003", "k000900"}})
	return len(out.KeyPairs), nil
}, Want: 3}

func BenchmarkDescribeKeyPairsNamedPage(b *testing.B) { describeKeyPairsNamedCase.Bench(b) }

// holdRules stores n security group rules, a hundred to a group.
var holdRules = holding(func(c *api.Context, i int) error {
	return ruleKind.put(c, &types.SecurityGroupRule{SecurityGroupRuleId: aws.String(fmt.Sprintf("sgr-%017x", i)),
		GroupId: aws.String(fmt.Sprintf("sg-%06d", i/100)), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(int32(i % 100)), ToPort: aws.Int32(int32(i % 100))})
})

// One group's rules among every other group's: the group-id filter lists through the Parent index.
var describeSecurityGroupRulesOfGroupCase = apitest.PageCase{Name: "DescribeSecurityGroupRulesOfGroup", Hold: holdRules, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ec2Call(tb, st, describeSecurityGroupRules, &sdk.DescribeSecurityGroupRulesInput{MaxResults: aws.Int32(20), NextToken: token,
		Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{"sg-000007"}}}})
	return len(out.SecurityGroupRules), out.NextToken
}, Want: 20}

func BenchmarkDescribeSecurityGroupRulesOfGroupPage(b *testing.B) {
	describeSecurityGroupRulesOfGroupCase.Bench(b)
}

// A filter on the Parent column with one literal value reads through the
// index and pages as the scan does; a wildcard or several values scan.
func TestParentFilterPages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdRules(t, st, 500)
	walk := func(filters ...types.Filter) string {
		var got []string
		in := &sdk.DescribeSecurityGroupRulesInput{MaxResults: aws.Int32(7), Filters: filters}
		for pages := 0; pages < 100; pages++ {
			out := ec2Call(t, st, describeSecurityGroupRules, in)
			for _, r := range out.SecurityGroupRules {
				got = append(got, *r.SecurityGroupRuleId)
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		return fmt.Sprintf("%d %s %s", len(got), got[0], got[len(got)-1])
	}
	groupID := func(v ...string) types.Filter { return types.Filter{Name: aws.String("group-id"), Values: v} }
	if got := walk(groupID("sg-000003")); got != "100 sgr-0000000000000012c sgr-0000000000000018f" {
		t.Errorf("one group: %s", got)
	}
	if got := walk(groupID("sg-00000?")); got != "500 sgr-00000000000000000 sgr-000000000000001f3" {
		t.Errorf("a wildcard: %s", got)
	}
	if got := walk(groupID("sg-000001", "sg-000003")); got != "200 sgr-00000000000000064 sgr-0000000000000018f" {
		t.Errorf("two groups: %s", got)
	}
	if got := walk(groupID("sg-000001"), types.Filter{Name: aws.String("security-group-rule-id"), Values: []string{"sgr-0000000000000006*"}}); got != "12 sgr-00000000000000064 sgr-0000000000000006f" {
		t.Errorf("one group and a rule id: %s", got)
	}
}

// Instance status pages the running instances through the state index, and
// every instance when all are asked for.
func TestDescribeInstanceStatusPages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		c := contextFor(tx, benchScope.Account, benchScope.Region)
		for i, s := range []types.InstanceStateName{"running", "stopped", "running", "stopped", "running", "pending"} {
			inst := &Instance{Instance: types.Instance{InstanceId: aws.String(fmt.Sprint("i-", i)), State: stateOf(s), Placement: &types.Placement{}},
				StateSince: now.Add(-time.Hour)}
			if err := instanceKind.put(c, inst); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	walk := func(all bool) string {
		var got []string
		in := &sdk.DescribeInstanceStatusInput{MaxResults: aws.Int32(5), IncludeAllInstances: aws.Bool(all)}
		for pages := 0; pages < 10; pages++ {
			out := ec2Call(t, st, describeInstanceStatus, in)
			for _, s := range out.InstanceStatuses {
				got = append(got, *s.InstanceId)
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		return fmt.Sprint(got)
	}
	// i-5 was pending long enough to run.
	if got := walk(false); got != "[i-0 i-2 i-4 i-5]" {
		t.Errorf("running: %s", got)
	}
	if got := walk(true); got != "[i-0 i-1 i-2 i-3 i-4 i-5]" {
		t.Errorf("all: %s", got)
	}
}
