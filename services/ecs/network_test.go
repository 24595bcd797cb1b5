package ecs

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ec2"
)

func defaultSubnetOf(t *testing.T, c *api.Context, zone string) string {
	t.Helper()
	s, err := ec2.DefaultSubnet(c.Tx, c.Account(), c.Region, zone)
	if err != nil || s == nil {
		t.Fatalf("default subnet of %s: %v", zone, err)
	}
	return aws.ToString(s.SubnetId)
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
			{"stand-ins only", types.AwsVpcConfiguration{Subnets: []string{"subnet-1", "subnet-0a1b2c3d"}, SecurityGroups: []string{"sg-1"}}, "", ""},
			{"known default subnet", types.AwsVpcConfiguration{Subnets: []string{known}}, defVpc, ""},
			{"known and stand-in in the default VPC", types.AwsVpcConfiguration{Subnets: []string{known, "subnet-1"}}, defVpc, ""},
			{"known group", types.AwsVpcConfiguration{Subnets: []string{known}, SecurityGroups: []string{defGroup}}, defVpc, ""},
			{"unknown group", types.AwsVpcConfiguration{Subnets: []string{known}, SecurityGroups: []string{"sg-0123456789abcdef0"}}, "",
				"Error retrieving security group information for [sg-0123456789abcdef0]: "},
		}
		for _, tt := range tests {
			n, err := resolveAwsvpcNetwork(c, &tt.cfg)
			if tt.wantErr != "" {
				if code, _ := ec2Code(err); code != "InvalidParameterException" || !strings.HasPrefix(ec2Message(err), tt.wantErr) ||
					!strings.HasSuffix(ec2Message(err), "(ErrorCode: InvalidGroup.NotFound)") {
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

// A stand-in and the default subnet of its zone share one address space.
func TestStandInAndDefaultSubnetShareAddresses(t *testing.T) {
	withContext(t, func(c *api.Context) {
		zone, _ := SubnetPlacement(c.Region, "subnet-1")
		def := defaultSubnetOf(t, c, zone)
		seen := map[string]string{}
		var ifs []*taskInterface
		for i, subnet := range []string{"subnet-1", def, "subnet-1", def} {
			cfg := &types.AwsVpcConfiguration{Subnets: []string{subnet}}
			ni, err := createTaskInterface(c, cfg, subnet, ecscore.NewUUID(), "task")
			if err != nil {
				t.Fatal(err)
			}
			if prev, dup := seen[ni.PrivateIP]; dup {
				t.Errorf("interface %d reuses %s of %s", i, ni.PrivateIP, prev)
			}
			seen[ni.PrivateIP] = subnet
			if ni.Zone != zone {
				t.Errorf("interface %d in zone %s, want %s", i, ni.Zone, zone)
			}
			ifs = append(ifs, ni)
		}
		for _, ni := range ifs {
			if err := releaseTaskInterface(c, ni.ID, "subnet-1", ni.PrivateIP); err != nil {
				t.Fatal(err)
			}
			// Released interfaces are gone from EC2.
			if err := ec2.DeleteInterface(c.Tx, c.Account(), c.Region, ni.ID); err == nil {
				t.Errorf("ENI %s still in EC2", ni.ID)
			}
		}
	})
}
