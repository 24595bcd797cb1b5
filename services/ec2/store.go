package ec2

import (
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/store"
)

// The stored documents are the SDK's own types, as Describe calls return them.
var (
	vpcs        = store.Collection[types.Vpc]{Kind: "ec2/vpc"}
	vpcAttrs    = store.Collection[vpcAttributes]{Kind: "ec2/vpc-attributes"}
	subnets     = store.Collection[types.Subnet]{Kind: "ec2/subnet"}                // Parent = VPC
	groups      = store.Collection[types.SecurityGroup]{Kind: "ec2/security-group"} // Parent = VPC, Name = group name
	groupRules  = store.Collection[types.SecurityGroupRule]{Kind: "ec2/security-group-rule"}
	igws        = store.Collection[types.InternetGateway]{Kind: "ec2/internet-gateway"}
	natGateways = store.Collection[types.NatGateway]{Kind: "ec2/nat-gateway"}
	addresses   = store.Collection[types.Address]{Kind: "ec2/address"}
	routeTables = store.Collection[types.RouteTable]{Kind: "ec2/route-table"} // Parent = VPC
	networkACLs = store.Collection[types.NetworkAcl]{Kind: "ec2/network-acl"} // Parent = VPC
	dhcpOptions = store.Collection[types.DhcpOptions]{Kind: "ec2/dhcp-options"}
	endpoints   = store.Collection[types.VpcEndpoint]{Kind: "ec2/vpc-endpoint"}
	interfaces  = store.Collection[types.NetworkInterface]{Kind: "ec2/network-interface"} // Parent = subnet
	ipUses      = store.Collection[ipUse]{Kind: "ec2/ip"}                                 // id = VPC|address, Parent = subnet
	keyPairs    = store.Collection[keyPair]{Kind: "ec2/key-pair"}                         // Name = key name
	templates   = store.Collection[types.LaunchTemplate]{Kind: "ec2/launch-template"}     // Name = template name
	versions    = store.Collection[types.LaunchTemplateVersion]{Kind: "ec2/launch-template-version"}
	instances   = store.Collection[Instance]{Kind: "ec2/instance"} // Status and Attr = state name, Name = root volume id
	defaultsSet = store.Collection[defaultNetwork]{Kind: "ec2/default-network"}
)

// vpcAttributes are the VPC attributes that types.Vpc does not carry.
type vpcAttributes struct {
	EnableDNSSupport, EnableDNSHostnames, EnableNetworkAddressUsageMetrics bool
}

// ipUse marks a private address of a VPC as taken.
type ipUse struct {
	Address string
	Owner   string // the network interface
}

// keyPair is a key pair with the private key material EC2 shows only once.
type keyPair struct {
	types.KeyPairInfo
}

// defaultNetwork records the ids of an account and region's default VPC.
type defaultNetwork struct {
	VpcID         string
	SecurityGroup string
	DhcpOptions   string
}

// all lists every document of a collection matching q.
func all[T any](coll store.Collection[T], tx *store.Tx, sc store.Scope, q store.Query) ([]*T, error) {
	items, err := coll.List(tx, sc, q)
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(items))
	for i, it := range items {
		out[i] = it.Doc
	}
	return out, nil
}

// storeQueryAll selects every document of a collection.
var storeQueryAll = store.Query{}
