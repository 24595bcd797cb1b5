package ecs

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
)

func defaultSubnet(t *testing.T, c *api.Context, zone string) *ec2types.Subnet {
	t.Helper()
	s, err := ec2.DefaultSubnet(c.Tx, c.Account(), c.Region, zone)
	if err != nil || s == nil {
		t.Fatalf("default subnet of %s: %v", zone, err)
	}
	return s
}

func defaultSubnetOf(t *testing.T, c *api.Context, zone string) string {
	t.Helper()
	return aws.ToString(defaultSubnet(t, c, zone).SubnetId)
}

func TestResolveAwsvpcNetwork(t *testing.T) {
	withContext(t, func(c *api.Context) {
		known := defaultSubnetOf(t, c, "us-east-1a")
		defVpc, _ := ec2.DefaultVpc(c.Tx, c.Account(), c.Region)
		defGroup, _ := ec2.DefaultSecurityGroup(c.Tx, c.Account(), c.Region, defVpc)
		tests := []struct {
			name    string
			cfg     types.AwsVpcConfiguration
			vpc     string
			wantErr string
		}{
			{"known default subnet", types.AwsVpcConfiguration{Subnets: []string{known}}, defVpc, ""},
			{"known group", types.AwsVpcConfiguration{Subnets: []string{known}, SecurityGroups: []string{defGroup}}, defVpc, ""},
			{"unknown subnet", types.AwsVpcConfiguration{Subnets: []string{"subnet-1", known}}, "",
				"Error retrieving subnet information for [subnet-1]: The subnet ID 'subnet-1' does not exist (ErrorCode: InvalidSubnetID.NotFound)"},
			{"unknown subnet after a known one", types.AwsVpcConfiguration{Subnets: []string{known, "subnet-0a1b2c3d"}}, "",
				"Error retrieving subnet information for [subnet-0a1b2c3d]: The subnet ID 'subnet-0a1b2c3d' does not exist (ErrorCode: InvalidSubnetID.NotFound)"},
			{"unknown group", types.AwsVpcConfiguration{Subnets: []string{known}, SecurityGroups: []string{"sg-0123456789abcdef0"}}, "",
				"Error retrieving security group information for [sg-0123456789abcdef0]: The security group 'sg-0123456789abcdef0' does not exist (ErrorCode: InvalidGroup.NotFound)"},
		}
		for _, tt := range tests {
			n, err := resolveAwsvpcNetwork(c, &tt.cfg)
			if tt.wantErr != "" {
				if apierror.CodeOf(err) != "InvalidParameterException" || apierror.As(err).Message != tt.wantErr {
					t.Errorf("%s: err %v", tt.name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if n.vpc != tt.vpc {
				t.Errorf("%s: vpc %q want %q", tt.name, n.vpc, tt.vpc)
			}
		}
	})
}

// Task ENIs are EC2's: addresses come from the subnet's allocator without
// duplicates, the zone is the subnet's, and releasing deletes the ENI.
func TestTaskInterfacesComeFromEC2(t *testing.T) {
	withContext(t, func(c *api.Context) {
		sub := defaultSubnet(t, c, "us-east-1c")
		id := aws.ToString(sub.SubnetId)
		seen := map[string]bool{}
		var ifs []*taskInterface
		for i := range 4 {
			cfg := &types.AwsVpcConfiguration{Subnets: []string{id}}
			ni, err := createTaskInterface(c, cfg, id, api.UUID())
			if err != nil {
				t.Fatal(err)
			}
			if seen[ni.PrivateIP] {
				t.Errorf("interface %d reuses %s", i, ni.PrivateIP)
			}
			seen[ni.PrivateIP] = true
			if ni.Zone != "us-east-1c" || !strings.HasPrefix(ni.PrivateIP, "172.31.32.") {
				t.Errorf("interface %d in zone %s at %s, want us-east-1c in 172.31.32.0/20", i, ni.Zone, ni.PrivateIP)
			}
			ifs = append(ifs, ni)
		}
		for _, ni := range ifs {
			if err := releaseTaskInterface(c, ni.ID); err != nil {
				t.Fatal(err)
			}
			// Released interfaces are gone from EC2.
			if err := ec2.DeleteInterface(c.Tx, c.Account(), c.Region, ni.ID); err == nil {
				t.Errorf("ENI %s still in EC2", ni.ID)
			}
			// Releasing twice is harmless.
			if err := releaseTaskInterface(c, ni.ID); err != nil {
				t.Errorf("second release: %v", err)
			}
		}
		if _, err := createTaskInterface(c, &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}, "subnet-1", api.UUID()); err == nil {
			t.Error("an ENI in a subnet EC2 does not know was created")
		}
	})
}
