package ec2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// kind describes a stored resource type: its collection, how its id and index
// columns are read from the document, and where its tags live.
type kind[T any] struct {
	coll         store.Collection[T]
	prefix       string // id prefix, e.g. "vpc"
	resourceType string // DescribeTags resource-type
	id           func(*T) string
	index        func(*T) store.Index
	tags         func(*T) *[]types.Tag
}

func (k kind[T]) put(c *api.Context, doc *T) error {
	ix := store.Index{}
	if k.index != nil {
		ix = k.index(doc)
	}
	return k.coll.Put(c.Tx, c.Scope(), k.id(doc), ix, doc)
}

func (k kind[T]) get(c *api.Context, id string) (*T, error) { return k.coll.Get(c.Tx, c.Scope(), id) }

func (k kind[T]) list(c *api.Context, q store.Query) ([]*T, error) {
	return all(k.coll, c.Tx, c.Scope(), q)
}

func (k kind[T]) delete(c *api.Context, id string) error {
	_, err := k.coll.Delete(c.Tx, c.Scope(), id)
	return err
}

// tagTarget is a kind seen by the tag operations.
type tagTarget struct {
	resourceType string
	getTags      func(c *api.Context, id string) ([]types.Tag, bool, error)
	setTags      func(c *api.Context, id string, tags []types.Tag) error
	// after reads up to n documents after position seq, in creation order.
	after func(c *api.Context, seq int64, n int) ([]tagged, error)
}

// tagged is one document's tags at its position in creation order.
type tagged struct {
	seq  int64
	id   string
	tags []types.Tag
}

// tagTargets maps id prefixes to the kinds that can be tagged.
var tagTargets = map[string]tagTarget{}

func (k kind[T]) taggable() kind[T] {
	tagTargets[k.prefix] = tagTarget{
		resourceType: k.resourceType,
		getTags: func(c *api.Context, id string) ([]types.Tag, bool, error) {
			doc, err := k.get(c, id)
			if err != nil || doc == nil {
				return nil, false, err
			}
			return *k.tags(doc), true, nil
		},
		setTags: func(c *api.Context, id string, tags []types.Tag) error {
			doc, err := k.get(c, id)
			if err != nil || doc == nil {
				return err
			}
			*k.tags(doc) = tags
			return k.put(c, doc)
		},
		after: func(c *api.Context, seq int64, n int) ([]tagged, error) {
			items, err := k.coll.List(c.Tx, c.Scope(), store.Query{AfterSeq: seq, Limit: n})
			out := make([]tagged, len(items))
			for i, it := range items {
				out[i] = tagged{seq: it.Seq, id: k.id(it.Doc), tags: *k.tags(it.Doc)}
			}
			return out, err
		},
	}
	return k
}

// The kinds of EC2 resources Longshore keeps.
var (
	vpcKind = kind[types.Vpc]{coll: vpcs, prefix: "vpc", resourceType: "vpc",
		id:   func(v *types.Vpc) string { return aws.ToString(v.VpcId) },
		tags: func(v *types.Vpc) *[]types.Tag { return &v.Tags }}.taggable()
	subnetKind = kind[types.Subnet]{coll: subnets, prefix: "subnet", resourceType: "subnet",
		id:    func(v *types.Subnet) string { return aws.ToString(v.SubnetId) },
		index: func(v *types.Subnet) store.Index { return store.Index{Parent: aws.ToString(v.VpcId)} },
		tags:  func(v *types.Subnet) *[]types.Tag { return &v.Tags }}.taggable()
	groupKind = kind[types.SecurityGroup]{coll: groups, prefix: "sg", resourceType: "security-group",
		id: func(v *types.SecurityGroup) string { return aws.ToString(v.GroupId) },
		index: func(v *types.SecurityGroup) store.Index {
			return store.Index{Parent: aws.ToString(v.VpcId), Name: aws.ToString(v.GroupName)}
		},
		tags: func(v *types.SecurityGroup) *[]types.Tag { return &v.Tags }}.taggable()
	ruleKind = kind[types.SecurityGroupRule]{coll: groupRules, prefix: "sgr", resourceType: "security-group-rule",
		id:    func(v *types.SecurityGroupRule) string { return aws.ToString(v.SecurityGroupRuleId) },
		index: func(v *types.SecurityGroupRule) store.Index { return store.Index{Parent: aws.ToString(v.GroupId)} },
		tags:  func(v *types.SecurityGroupRule) *[]types.Tag { return &v.Tags }}.taggable()
	igwKind = kind[types.InternetGateway]{coll: igws, prefix: "igw", resourceType: "internet-gateway",
		id: func(v *types.InternetGateway) string { return aws.ToString(v.InternetGatewayId) },
		index: func(v *types.InternetGateway) store.Index {
			if len(v.Attachments) > 0 {
				return store.Index{Parent: aws.ToString(v.Attachments[0].VpcId)}
			}
			return store.Index{}
		},
		tags: func(v *types.InternetGateway) *[]types.Tag { return &v.Tags }}.taggable()
	natKind = kind[types.NatGateway]{coll: natGateways, prefix: "nat", resourceType: "natgateway",
		id:    func(v *types.NatGateway) string { return aws.ToString(v.NatGatewayId) },
		index: func(v *types.NatGateway) store.Index { return store.Index{Parent: aws.ToString(v.VpcId)} },
		tags:  func(v *types.NatGateway) *[]types.Tag { return &v.Tags }}.taggable()
	addressKind = kind[types.Address]{coll: addresses, prefix: "eipalloc", resourceType: "elastic-ip",
		id:   func(v *types.Address) string { return aws.ToString(v.AllocationId) },
		tags: func(v *types.Address) *[]types.Tag { return &v.Tags }}.taggable()
	routeTableKind = kind[types.RouteTable]{coll: routeTables, prefix: "rtb", resourceType: "route-table",
		id:    func(v *types.RouteTable) string { return aws.ToString(v.RouteTableId) },
		index: func(v *types.RouteTable) store.Index { return store.Index{Parent: aws.ToString(v.VpcId)} },
		tags:  func(v *types.RouteTable) *[]types.Tag { return &v.Tags }}.taggable()
	aclKind = kind[types.NetworkAcl]{coll: networkACLs, prefix: "acl", resourceType: "network-acl",
		id:    func(v *types.NetworkAcl) string { return aws.ToString(v.NetworkAclId) },
		index: func(v *types.NetworkAcl) store.Index { return store.Index{Parent: aws.ToString(v.VpcId)} },
		tags:  func(v *types.NetworkAcl) *[]types.Tag { return &v.Tags }}.taggable()
	dhcpKind = kind[types.DhcpOptions]{coll: dhcpOptions, prefix: "dopt", resourceType: "dhcp-options",
		id:   func(v *types.DhcpOptions) string { return aws.ToString(v.DhcpOptionsId) },
		tags: func(v *types.DhcpOptions) *[]types.Tag { return &v.Tags }}.taggable()
	endpointKind = kind[types.VpcEndpoint]{coll: endpoints, prefix: "vpce", resourceType: "vpc-endpoint",
		id:    func(v *types.VpcEndpoint) string { return aws.ToString(v.VpcEndpointId) },
		index: func(v *types.VpcEndpoint) store.Index { return store.Index{Parent: aws.ToString(v.VpcId)} },
		tags:  func(v *types.VpcEndpoint) *[]types.Tag { return &v.Tags }}.taggable()
	eniKind = kind[types.NetworkInterface]{coll: interfaces, prefix: "eni", resourceType: "network-interface",
		id:    func(v *types.NetworkInterface) string { return aws.ToString(v.NetworkInterfaceId) },
		index: func(v *types.NetworkInterface) store.Index { return store.Index{Parent: aws.ToString(v.SubnetId)} },
		tags:  func(v *types.NetworkInterface) *[]types.Tag { return &v.TagSet }}.taggable()
	keyKind = kind[keyPair]{coll: keyPairs, prefix: "key", resourceType: "key-pair",
		id:    func(v *keyPair) string { return aws.ToString(v.KeyPairId) },
		index: func(v *keyPair) store.Index { return store.Index{Name: aws.ToString(v.KeyName)} },
		tags:  func(v *keyPair) *[]types.Tag { return &v.Tags }}.taggable()
	templateKind = kind[types.LaunchTemplate]{coll: templates, prefix: "lt", resourceType: "launch-template",
		id: func(v *types.LaunchTemplate) string { return aws.ToString(v.LaunchTemplateId) },
		index: func(v *types.LaunchTemplate) store.Index {
			return store.Index{Name: aws.ToString(v.LaunchTemplateName)}
		},
		tags: func(v *types.LaunchTemplate) *[]types.Tag { return &v.Tags }}.taggable()
	instanceKind = kind[Instance]{coll: instances, prefix: "i", resourceType: "instance",
		id: func(v *Instance) string { return aws.ToString(v.InstanceId) },
		index: func(v *Instance) store.Index {
			// Attr holds the state too: the attr index finds the few instances
			// in a state that time changes without reading the rest (0016).
			// Name holds the root volume's id while there is one, so that a
			// volume named by id is found through the name index (0023).
			return store.Index{Status: string(v.State.Name), Attr: string(v.State.Name), Parent: aws.ToString(v.SubnetId), Name: rootVolumeID(v)}
		},
		tags: func(v *Instance) *[]types.Tag { return &v.Tags }}.taggable()
)

// idPrefix is the part of an EC2 id before its first dash.
func idPrefix(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}
