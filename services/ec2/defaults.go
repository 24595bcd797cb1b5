package ec2

import (
	"net/netip"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// DefaultVpcCIDR is the CIDR block of every default VPC.
const DefaultVpcCIDR = "172.31.0.0/16"

// contextFor is the handler context other services' calls run in.
func contextFor(tx *store.Tx, account, region string) *api.Context {
	return &api.Context{Region: region, Caller: api.RootPrincipal(account, ""), Tx: tx}
}

// EnsureDefaults creates an account and region's default network on first
// use, as a fresh AWS account has it: the default VPC 172.31.0.0/16 with one
// default /20 subnet per zone (public IPs on launch), its default security
// group, network ACL and main route table (local and 0.0.0.0/0 routes), an
// attached internet gateway, and the region's DHCP options.
func EnsureDefaults(tx *store.Tx, account, region string) error {
	sc := store.Scope{Account: account, Region: region}
	if d, err := defaultsSet.Get(tx, sc, "default"); err != nil || d != nil {
		return err
	}
	c := contextFor(tx, account, region)
	dopt, err := createDefaultDhcpOptions(c)
	if err != nil {
		return err
	}
	if err := defaultsSet.Put(tx, sc, "default", store.Index{}, &defaultNetwork{DhcpOptions: dopt}); err != nil {
		return err
	}
	vpc, err := createVpc(c, netip.MustParsePrefix(DefaultVpcCIDR), true, types.TenancyDefault, nil)
	if err != nil {
		return err
	}
	vpcID := aws.ToString(vpc.VpcId)
	for i, zone := range AvailabilityZones(region) {
		cidr := netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 31, byte(16 * i), 0}), 20)
		if _, err := createSubnet(c, vpcID, cidr, zone, true, nil); err != nil {
			return err
		}
	}
	igw := &types.InternetGateway{
		InternetGatewayId: aws.String(newID("igw")), OwnerId: aws.String(account),
		Attachments: []types.InternetGatewayAttachment{{VpcId: aws.String(vpcID), State: types.AttachmentStatus("available")}},
	}
	if err := igws.Put(tx, sc, *igw.InternetGatewayId, store.Index{Parent: vpcID}, igw); err != nil {
		return err
	}
	main, err := mainRouteTable(c, vpcID)
	if err != nil {
		return err
	}
	main.Routes = append(main.Routes, types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGatewayId,
		Origin: types.RouteOriginCreateRoute, State: types.RouteStateActive})
	if err := putRouteTable(c, main); err != nil {
		return err
	}
	sg, err := defaultGroup(c, vpcID)
	if err != nil {
		return err
	}
	return defaultsSet.Put(tx, sc, "default", store.Index{}, &defaultNetwork{VpcID: vpcID, SecurityGroup: aws.ToString(sg.GroupId), DhcpOptions: dopt})
}

// DefaultVpc returns the id of an account and region's default VPC ("" once deleted).
func DefaultVpc(tx *store.Tx, account, region string) (string, error) {
	if err := EnsureDefaults(tx, account, region); err != nil {
		return "", err
	}
	sc := store.Scope{Account: account, Region: region}
	d, err := defaultsSet.Get(tx, sc, "default")
	if err != nil || d == nil {
		return "", err
	}
	v, err := vpcs.Get(tx, sc, d.VpcID)
	if err != nil || v == nil {
		return "", err
	}
	return d.VpcID, nil
}

func createDefaultDhcpOptions(c *api.Context) (string, error) {
	domain := c.Region + ".compute.internal"
	if c.Region == "us-east-1" {
		domain = "ec2.internal"
	}
	d := &types.DhcpOptions{
		DhcpOptionsId: aws.String(newID("dopt")), OwnerId: aws.String(c.Account()),
		DhcpConfigurations: []types.DhcpConfiguration{
			{Key: aws.String("domain-name"), Values: []types.AttributeValue{{Value: aws.String(domain)}}},
			{Key: aws.String("domain-name-servers"), Values: []types.AttributeValue{{Value: aws.String("AmazonProvidedDNS")}}},
		},
	}
	return *d.DhcpOptionsId, dhcpOptions.Put(c.Tx, c.Scope(), *d.DhcpOptionsId, store.Index{}, d)
}

// accountDhcpOptions is the DHCP options set new VPCs get.
func accountDhcpOptions(c *api.Context) string {
	d, _ := defaultsSet.Get(c.Tx, c.Scope(), "default")
	if d == nil {
		return ""
	}
	return d.DhcpOptions
}

// clock is the time other services' calls see.
func clock(c *api.Context) time.Time {
	if c.Tx != nil && !c.Tx.Now.IsZero() {
		return c.Tx.Now
	}
	return time.Now().UTC()
}
