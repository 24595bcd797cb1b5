package servicediscovery

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

// defaultSOATTL is the SOA record TTL of a DNS namespace created without one.
const defaultSOATTL = 15

// newNamespace describes a namespace to create.
type newNamespace struct {
	Name, Description, CreatorRequestID, Vpc string
	Type                                     types.NamespaceType
	SOATTL                                   *int64
	Tags                                     []types.Tag
}

// createNamespace creates a namespace and records its CREATE_NAMESPACE
// operation. A name already taken by a namespace of the same type (and VPC)
// is refused, except for a retry with the same creator request id, which
// gets the first request's operation.
func createNamespace(c *api.Context, n newNamespace) (string, *Namespace, error) {
	if err := checkTags(n.Tags); err != nil {
		return "", nil, err
	}
	existing, err := namespaces.List(c.Tx, c.Scope(), store.Query{Name: n.Name})
	if err != nil {
		return "", nil, err
	}
	for _, it := range existing {
		ns := it.Doc
		if ns.Type != n.Type || ns.VpcID != n.Vpc {
			continue
		}
		if n.CreatorRequestID != "" && aws.ToString(ns.CreatorRequestId) == n.CreatorRequestID {
			ops, err := operations.List(c.Tx, c.Scope(), store.Query{Attr: string(types.OperationTypeCreateNamespace)})
			if err != nil {
				return "", nil, err
			}
			for _, op := range ops {
				if op.Doc.Targets[string(types.OperationTargetTypeNamespace)] == aws.ToString(ns.Id) {
					return op.ID, ns, nil
				}
			}
		}
		return "", nil, apierror.New("NamespaceAlreadyExists", "Namespace with name %s already exists.", n.Name)
	}
	id := newID("ns-")
	if n.Type == types.NamespaceTypeDnsPrivate {
		if _, err := ec2.LookupVpc(c.Tx, c.Account(), c.Region, n.Vpc); err != nil {
			if apierror.CodeOf(err) == "" {
				return "", nil, err
			}
			// Route 53 refuses the hosted zone, and the operation fails with its words.
			opID, err := recordOperation(c, types.OperationTypeCreateNamespace,
				map[string]string{string(types.OperationTargetTypeNamespace): id}, types.OperationStatusFail, "CANNOT_CREATE_HOSTED_ZONE",
				"The VPC: "+n.Vpc+" in region "+c.Region+" that you provided is not authorized to make the association. (Service: AmazonRoute53; Status Code: 400; Error Code: InvalidVPCId; Request ID: "+api.UUID()+"; Proxy: null)")
			return opID, nil, err
		}
	}
	now := c.Now()
	ns := &Namespace{Namespace: types.Namespace{
		Id: aws.String(id), Arn: aws.String(namespaceARN(c, id)), Name: aws.String(n.Name), Type: n.Type,
		ResourceOwner: aws.String(c.Account()), CreateDate: &now,
		Properties: &types.NamespaceProperties{HttpProperties: &types.HttpProperties{HttpName: aws.String(n.Name)}},
	}, Tags: n.Tags, VpcID: n.Vpc}
	if n.Description != "" {
		ns.Description = aws.String(n.Description)
	}
	if n.CreatorRequestID != "" {
		ns.CreatorRequestId = aws.String(n.CreatorRequestID)
	}
	if n.Type != types.NamespaceTypeHttp {
		ttl := int64(defaultSOATTL)
		if n.SOATTL != nil {
			ttl = *n.SOATTL
		}
		ns.Properties.DnsProperties = &types.DnsProperties{HostedZoneId: aws.String("Z" + api.RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20)),
			SOA: &types.SOA{TTL: aws.Int64(ttl)}}
	}
	if err := putNamespace(c, ns); err != nil {
		return "", nil, err
	}
	opID, err := recordOperation(c, types.OperationTypeCreateNamespace, map[string]string{string(types.OperationTargetTypeNamespace): id}, types.OperationStatusSuccess, "", "")
	return opID, ns, err
}

func putNamespace(c *api.Context, ns *Namespace) error {
	return namespaces.Put(c.Tx, c.Scope(), aws.ToString(ns.Id), namespaceIndex(ns), ns)
}

// namespaceIndex is a namespace's index columns: its name in Name, its type
// in Status and Attr (the attr index pages the namespaces of a type;
// namespaces stored before kept it in Status alone, 0026).
func namespaceIndex(ns *Namespace) store.Index {
	return store.Index{Name: aws.ToString(ns.Name), Status: string(ns.Type), Attr: string(ns.Type)}
}

func createHTTPNamespace(c *api.Context, in *sd.CreateHttpNamespaceInput) (*sd.CreateHttpNamespaceOutput, error) {
	id, _, err := createNamespace(c, newNamespace{Name: aws.ToString(in.Name), Description: aws.ToString(in.Description),
		CreatorRequestID: aws.ToString(in.CreatorRequestId), Type: types.NamespaceTypeHttp, Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	return &sd.CreateHttpNamespaceOutput{OperationId: aws.String(id)}, nil
}

func createPrivateDNSNamespace(c *api.Context, in *sd.CreatePrivateDnsNamespaceInput) (*sd.CreatePrivateDnsNamespaceOutput, error) {
	n := newNamespace{Name: strings.TrimSuffix(aws.ToString(in.Name), "."), Description: aws.ToString(in.Description),
		CreatorRequestID: aws.ToString(in.CreatorRequestId), Type: types.NamespaceTypeDnsPrivate, Vpc: aws.ToString(in.Vpc), Tags: in.Tags}
	if p := in.Properties; p != nil && p.DnsProperties != nil && p.DnsProperties.SOA != nil {
		n.SOATTL = p.DnsProperties.SOA.TTL
	}
	id, _, err := createNamespace(c, n)
	if err != nil {
		return nil, err
	}
	return &sd.CreatePrivateDnsNamespaceOutput{OperationId: aws.String(id)}, nil
}

func createPublicDNSNamespace(c *api.Context, in *sd.CreatePublicDnsNamespaceInput) (*sd.CreatePublicDnsNamespaceOutput, error) {
	n := newNamespace{Name: strings.TrimSuffix(aws.ToString(in.Name), "."), Description: aws.ToString(in.Description),
		CreatorRequestID: aws.ToString(in.CreatorRequestId), Type: types.NamespaceTypeDnsPublic, Tags: in.Tags}
	if p := in.Properties; p != nil && p.DnsProperties != nil && p.DnsProperties.SOA != nil {
		n.SOATTL = p.DnsProperties.SOA.TTL
	}
	id, _, err := createNamespace(c, n)
	if err != nil {
		return nil, err
	}
	return &sd.CreatePublicDnsNamespaceOutput{OperationId: aws.String(id)}, nil
}

// loadNamespace finds a namespace by id or ARN.
func loadNamespace(c *api.Context, ref string) (*Namespace, error) {
	id := idOf(ref, "namespace")
	if id == "" {
		return nil, errNamespaceNotFound()
	}
	ns, err := namespaces.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return nil, err
	}
	if ns == nil {
		return nil, errNamespaceNotFound()
	}
	return ns, nil
}

// withCount is a namespace as described: its service count filled in.
func withCount(c *api.Context, ns *Namespace) (types.Namespace, error) {
	n, err := services.Count(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(ns.Id)})
	out := ns.Namespace
	out.ServiceCount = aws.Int32(int32(n))
	return out, err
}

func getNamespace(c *api.Context, in *sd.GetNamespaceInput) (*sd.GetNamespaceOutput, error) {
	ns, err := loadNamespace(c, aws.ToString(in.Id))
	if err != nil {
		return nil, err
	}
	out, err := withCount(c, ns)
	if err != nil {
		return nil, err
	}
	return &sd.GetNamespaceOutput{Namespace: &out}, nil
}

// matchFilter applies a filter's condition (EQ by default) to a value.
func matchFilter(cond types.FilterCondition, values []string, v string) (bool, error) {
	switch cond {
	case "", types.FilterConditionEq:
		if len(values) != 1 {
			return false, invalidInput("The EQ condition requires exactly one value.")
		}
		return v == values[0], nil
	case types.FilterConditionIn:
		for _, x := range values {
			if v == x {
				return true, nil
			}
		}
		return false, nil
	case types.FilterConditionBeginsWith:
		if len(values) != 1 {
			return false, invalidInput("The BEGINS_WITH condition requires exactly one value.")
		}
		return strings.HasPrefix(v, values[0]), nil
	}
	return false, invalidInput("The condition %s is not supported for this filter.", cond)
}

func listNamespaces(c *api.Context, in *sd.ListNamespacesInput) (*sd.ListNamespacesOutput, error) {
	for _, f := range in.Filters {
		// Check every filter's condition once, up front.
		if _, err := matchFilter(f.Condition, f.Values, ""); err != nil {
			return nil, err
		}
		if f.Name == types.NamespaceFilterNameType && f.Condition == types.FilterConditionBeginsWith {
			return nil, invalidInput("The BEGINS_WITH condition is not supported for the TYPE filter.")
		}
	}
	keep := func(ns *Namespace) bool {
		for _, f := range in.Filters {
			var v string
			switch f.Name {
			case types.NamespaceFilterNameType:
				v = string(ns.Type)
			case types.NamespaceFilterNameName:
				v = aws.ToString(ns.Name)
			case types.NamespaceFilterNameHttpName:
				v = aws.ToString(ns.Properties.HttpProperties.HttpName)
			case types.NamespaceFilterNameResourceOwner:
				v = aws.ToString(ns.ResourceOwner)
			}
			if ok, _ := matchFilter(f.Condition, f.Values, v); !ok {
				return false
			}
		}
		return true
	}
	// A NAME filter (EQ or IN) reads those names' namespaces alone through
	// the name index, else a TYPE filter those types' through the attr
	// index, merged in creation order.
	qs := []store.Query{{}}
	for _, f := range in.Filters {
		if f.Name == types.NamespaceFilterNameType && len(f.Values) > 0 {
			qs = api.ValueQueries(f.Values, func(v string) store.Query { return store.Query{Attr: v} })
		}
	}
	for _, f := range in.Filters {
		if f.Name == types.NamespaceFilterNameName && f.Condition != types.FilterConditionBeginsWith && len(f.Values) > 0 {
			qs = api.ValueQueries(f.Values, func(v string) store.Query { return store.Query{Name: v} })
		}
	}
	page, next, err := api.PaginateAny(c.Tx, c.Scope(), namespaces, qs,
		api.Paging{Listing: "servicediscovery:ListNamespaces", Token: in.NextToken, Size: pageSize(in.MaxResults, 100), BadToken: badToken()}, keep)
	if err != nil {
		return nil, err
	}
	out := &sd.ListNamespacesOutput{Namespaces: []types.NamespaceSummary{}, NextToken: next}
	for _, ns := range page {
		n, err := withCount(c, ns)
		if err != nil {
			return nil, err
		}
		out.Namespaces = append(out.Namespaces, types.NamespaceSummary{Id: n.Id, Arn: n.Arn, Name: n.Name, Type: n.Type,
			Description: n.Description, ServiceCount: n.ServiceCount, Properties: n.Properties, CreateDate: n.CreateDate,
			ResourceOwner: n.ResourceOwner})
	}
	return out, nil
}

func deleteNamespace(c *api.Context, in *sd.DeleteNamespaceInput) (*sd.DeleteNamespaceOutput, error) {
	ns, err := loadNamespace(c, aws.ToString(in.Id))
	if err != nil {
		return nil, err
	}
	id := aws.ToString(ns.Id)
	found, err := services.Exists(c.Tx, c.Scope(), store.Query{Parent: id})
	if err != nil {
		return nil, err
	}
	if found {
		return nil, apierror.New("ResourceInUse", "The namespace %s contains services and can't be deleted. Delete its services first.", id)
	}
	if _, err := namespaces.Delete(c.Tx, c.Scope(), id); err != nil {
		return nil, err
	}
	opID, err := recordOperation(c, types.OperationTypeDeleteNamespace, map[string]string{string(types.OperationTargetTypeNamespace): id}, types.OperationStatusSuccess, "", "")
	if err != nil {
		return nil, err
	}
	return &sd.DeleteNamespaceOutput{OperationId: aws.String(opID)}, nil
}

// updateNamespace applies a change to a namespace of the given type.
func updateNamespace(c *api.Context, ref string, typ types.NamespaceType, description *string, ttl *int64) (*string, error) {
	ns, err := loadNamespace(c, ref)
	if err != nil {
		return nil, err
	}
	if ns.Type != typ {
		return nil, invalidInput("Namespace %s is of type %s.", aws.ToString(ns.Id), ns.Type)
	}
	if description != nil {
		ns.Description = description
	}
	if ttl != nil && ns.Properties.DnsProperties != nil {
		ns.Properties.DnsProperties.SOA = &types.SOA{TTL: ttl}
	}
	if err := putNamespace(c, ns); err != nil {
		return nil, err
	}
	id, err := recordOperation(c, types.OperationTypeUpdateNamespace, map[string]string{string(types.OperationTargetTypeNamespace): aws.ToString(ns.Id)}, types.OperationStatusSuccess, "", "")
	return aws.String(id), err
}

func updateHTTPNamespace(c *api.Context, in *sd.UpdateHttpNamespaceInput) (*sd.UpdateHttpNamespaceOutput, error) {
	id, err := updateNamespace(c, aws.ToString(in.Id), types.NamespaceTypeHttp, in.Namespace.Description, nil)
	if err != nil {
		return nil, err
	}
	return &sd.UpdateHttpNamespaceOutput{OperationId: id}, nil
}

func updatePrivateDNSNamespace(c *api.Context, in *sd.UpdatePrivateDnsNamespaceInput) (*sd.UpdatePrivateDnsNamespaceOutput, error) {
	var ttl *int64
	if p := in.Namespace.Properties; p != nil && p.DnsProperties != nil && p.DnsProperties.SOA != nil {
		ttl = p.DnsProperties.SOA.TTL
	}
	id, err := updateNamespace(c, aws.ToString(in.Id), types.NamespaceTypeDnsPrivate, in.Namespace.Description, ttl)
	if err != nil {
		return nil, err
	}
	return &sd.UpdatePrivateDnsNamespaceOutput{OperationId: id}, nil
}

func updatePublicDNSNamespace(c *api.Context, in *sd.UpdatePublicDnsNamespaceInput) (*sd.UpdatePublicDnsNamespaceOutput, error) {
	var ttl *int64
	if p := in.Namespace.Properties; p != nil && p.DnsProperties != nil && p.DnsProperties.SOA != nil {
		ttl = p.DnsProperties.SOA.TTL
	}
	id, err := updateNamespace(c, aws.ToString(in.Id), types.NamespaceTypeDnsPublic, in.Namespace.Description, ttl)
	if err != nil {
		return nil, err
	}
	return &sd.UpdatePublicDnsNamespaceOutput{OperationId: id}, nil
}
