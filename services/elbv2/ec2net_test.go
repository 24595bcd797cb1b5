package elbv2

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

func TestResolveLBNetwork(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Region: "us-east-1", Caller: api.RootPrincipal("123456789012", ""), Tx: tx}
		a, _ := ec2.DefaultSubnet(tx, c.Account(), c.Region, "us-east-1a")
		b, _ := ec2.DefaultSubnet(tx, c.Account(), c.Region, "us-east-1b")
		defVpc, _ := ec2.DefaultVpc(tx, c.Account(), c.Region)
		m := func(ids ...string) []types.SubnetMapping {
			var out []types.SubnetMapping
			for _, id := range ids {
				out = append(out, types.SubnetMapping{SubnetId: aws.String(id)})
			}
			return out
		}
		tests := []struct {
			name     string
			mappings []types.SubnetMapping
			vpc      string
			zones    map[string]string
			code     string
		}{
			{"unknown subnets", m("subnet-1", "subnet-2"), "", nil, "SubnetNotFound"},
			{"known default subnets", m(*a.SubnetId, *b.SubnetId), defVpc,
				map[string]string{*a.SubnetId: "us-east-1a", *b.SubnetId: "us-east-1b"}, ""},
			{"known and unknown", m(*a.SubnetId, "subnet-2"), "", nil, "SubnetNotFound"},
			{"one zone twice", m(*a.SubnetId, *a.SubnetId), defVpc, map[string]string{*a.SubnetId: "us-east-1a"}, ""},
		}
		for _, tt := range tests {
			n, err := resolveLBNetwork(c, tt.mappings)
			if apierror.CodeOf(err) != tt.code || (tt.code == "" && err != nil) {
				t.Errorf("%s: err %v", tt.name, err)
				continue
			}
			if tt.code != "" {
				continue
			}
			if n.vpc != tt.vpc || len(n.zones) != len(tt.zones) {
				t.Errorf("%s: vpc %q zones %v", tt.name, n.vpc, n.zones)
			}
			for s, z := range tt.zones {
				if n.zones[s] != z {
					t.Errorf("%s: %s in %s, want %s", tt.name, s, n.zones[s], z)
				}
			}
		}
		n := &lbNetwork{vpc: defVpc}
		if err := n.checkGroups(c, []string{"sg-0123456789abcdef0"}); apierror.CodeOf(err) != "InvalidSecurityGroup" {
			t.Errorf("unknown group: %v", err)
		}
		g, _ := n.defaultGroup(c)
		if err := n.checkGroups(c, []string{g}); err != nil {
			t.Errorf("default group %s: %v", g, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
