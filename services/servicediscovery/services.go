package servicediscovery

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxServiceAttributes is how many attributes a service holds at most.
const maxServiceAttributes = 30

// newService creates a service in a namespace (checked by the caller).
func newService(c *api.Context, ns *Namespace, in *sd.CreateServiceInput) (*Service, error) {
	name := aws.ToString(in.Name)
	nsID := aws.ToString(ns.Id)
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if in.HealthCheckConfig != nil && in.HealthCheckCustomConfig != nil {
		return nil, invalidInput("You can specify either HealthCheckConfig or HealthCheckCustomConfig, not both.")
	}
	typ := types.ServiceTypeHttp
	switch {
	case ns.Type == types.NamespaceTypeHttp && in.DnsConfig != nil:
		return nil, invalidInput("DnsConfig is not supported for services in an HTTP namespace.")
	case ns.Type != types.NamespaceTypeHttp && in.Type == types.ServiceTypeOptionHttp && in.DnsConfig != nil:
		return nil, invalidInput("DnsConfig is not supported for services of type HTTP.")
	case ns.Type != types.NamespaceTypeHttp && in.DnsConfig != nil:
		typ = types.ServiceTypeDnsHttp
		if len(in.DnsConfig.DnsRecords) == 0 {
			return nil, invalidInput("DnsConfig must contain at least one DNS record.")
		}
	}
	if in.HealthCheckConfig != nil && ns.Type != types.NamespaceTypeDnsPublic && ns.Type != types.NamespaceTypeHttp {
		return nil, invalidInput("HealthCheckConfig is not supported for services in a private DNS namespace.")
	}
	existing, err := services.List(c.Tx, c.Scope(), store.Query{Parent: nsID, Name: name})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		old := existing[0].Doc
		if rid := aws.ToString(in.CreatorRequestId); rid != "" && rid == aws.ToString(old.CreatorRequestId) {
			return old, nil
		}
		return nil, apierror.New("ServiceAlreadyExists", "Service already exists: %s", aws.ToString(old.Id))
	}
	id := newID("srv-")
	now := c.Now()
	svc := &Service{Service: types.Service{
		Id: aws.String(id), Arn: aws.String(serviceARN(c, id)), Name: aws.String(name), NamespaceId: aws.String(nsID),
		Description: in.Description, DnsConfig: in.DnsConfig, Type: typ, HealthCheckConfig: in.HealthCheckConfig,
		HealthCheckCustomConfig: in.HealthCheckCustomConfig, CreateDate: &now, CreatorRequestId: in.CreatorRequestId,
		ResourceOwner: aws.String(c.Account()), CreatedByAccount: aws.String(c.Account()),
	}, Tags: in.Tags}
	if svc.DnsConfig != nil && svc.DnsConfig.RoutingPolicy == "" {
		svc.DnsConfig.RoutingPolicy = types.RoutingPolicyMultivalue
	}
	if hc := svc.HealthCheckConfig; hc != nil && hc.FailureThreshold == nil {
		hc.FailureThreshold = aws.Int32(3)
	}
	return svc, putService(c, svc)
}

func putService(c *api.Context, s *Service) error {
	return services.Put(c.Tx, c.Scope(), aws.ToString(s.Id), store.Index{Parent: aws.ToString(s.NamespaceId), Name: aws.ToString(s.Name)}, s)
}

func createService(c *api.Context, in *sd.CreateServiceInput) (*sd.CreateServiceOutput, error) {
	ref := aws.ToString(in.NamespaceId)
	if ref == "" && in.DnsConfig != nil {
		ref = aws.ToString(in.DnsConfig.NamespaceId)
	}
	if ref == "" {
		return nil, invalidInput("NamespaceId is required.")
	}
	ns, err := loadNamespace(c, ref)
	if err != nil {
		return nil, err
	}
	svc, err := newService(c, ns, in)
	if err != nil {
		return nil, err
	}
	out, err := describeService(c, svc)
	if err != nil {
		return nil, err
	}
	return &sd.CreateServiceOutput{Service: out}, nil
}

// loadService finds a service by id or ARN.
func loadService(c *api.Context, ref string) (*Service, error) {
	id := idOf(ref, "service")
	if id == "" {
		return nil, errServiceNotFound()
	}
	s, err := services.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errServiceNotFound()
	}
	return s, nil
}

// describeService is a service with its instance count.
func describeService(c *api.Context, s *Service) (*types.Service, error) {
	n, err := instances.Count(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(s.Id)})
	out := s.Service
	out.InstanceCount = aws.Int32(int32(n))
	return &out, err
}

func getService(c *api.Context, in *sd.GetServiceInput) (*sd.GetServiceOutput, error) {
	s, err := loadService(c, aws.ToString(in.Id))
	if err != nil {
		return nil, err
	}
	out, err := describeService(c, s)
	if err != nil {
		return nil, err
	}
	return &sd.GetServiceOutput{Service: out}, nil
}

func listServices(c *api.Context, in *sd.ListServicesInput) (*sd.ListServicesOutput, error) {
	for _, f := range in.Filters {
		if f.Condition == types.FilterConditionBeginsWith || f.Condition == types.FilterConditionBetween {
			return nil, invalidInput("The %s condition is not supported for the %s filter.", f.Condition, f.Name)
		}
		if _, err := matchFilter(f.Condition, f.Values, ""); err != nil {
			return nil, err
		}
	}
	keep := func(s *Service) bool {
		for _, f := range in.Filters {
			v := aws.ToString(s.ResourceOwner)
			if f.Name == types.ServiceFilterNameNamespaceId {
				v = aws.ToString(s.NamespaceId)
				for i, x := range f.Values {
					f.Values[i] = idOf(x, "namespace")
				}
			}
			if ok, _ := matchFilter(f.Condition, f.Values, v); !ok {
				return false
			}
		}
		return true
	}
	// A filter on namespaces reads those namespaces' services alone, each
	// namespace's through the parent index, merged in creation order.
	qs := []store.Query{{}}
	for _, f := range in.Filters {
		if f.Name == types.ServiceFilterNameNamespaceId && len(f.Values) > 0 {
			// An ARN of another kind names no namespace.
			ids := make([]string, len(f.Values))
			for i, v := range f.Values {
				ids[i] = idOf(v, "namespace")
			}
			qs = api.ValueQueries(ids, func(id string) store.Query { return store.Query{Parent: id} })
		}
	}
	page, next, err := api.PaginateAny(c.Tx, c.Scope(), services, qs,
		api.Paging{Listing: "servicediscovery:ListServices", Token: in.NextToken, Size: pageSize(in.MaxResults, 100), BadToken: badToken()}, keep)
	if err != nil {
		return nil, err
	}
	out := &sd.ListServicesOutput{Services: []types.ServiceSummary{}, NextToken: next}
	for _, s := range page {
		d, err := describeService(c, s)
		if err != nil {
			return nil, err
		}
		out.Services = append(out.Services, types.ServiceSummary{Id: d.Id, Arn: d.Arn, Name: d.Name, Type: d.Type,
			Description: d.Description, InstanceCount: d.InstanceCount, DnsConfig: d.DnsConfig, HealthCheckConfig: d.HealthCheckConfig,
			HealthCheckCustomConfig: d.HealthCheckCustomConfig, CreateDate: d.CreateDate, ResourceOwner: d.ResourceOwner,
			CreatedByAccount: d.CreatedByAccount})
	}
	return out, nil
}

func deleteService(c *api.Context, in *sd.DeleteServiceInput) (*sd.DeleteServiceOutput, error) {
	s, err := loadService(c, aws.ToString(in.Id))
	if err != nil {
		return nil, err
	}
	id := aws.ToString(s.Id)
	found, err := instances.Exists(c.Tx, c.Scope(), store.Query{Parent: id})
	if err != nil {
		return nil, err
	}
	if found {
		return nil, apierror.New("ResourceInUse", "Service contains registered instances; delete the instances before deleting the service")
	}
	_, err = services.Delete(c.Tx, c.Scope(), id)
	return &sd.DeleteServiceOutput{}, err
}

func updateService(c *api.Context, in *sd.UpdateServiceInput) (*sd.UpdateServiceOutput, error) {
	s, err := loadService(c, aws.ToString(in.Id))
	if err != nil {
		return nil, err
	}
	ch := in.Service
	if ch.Description != nil {
		s.Description = ch.Description
	}
	if ch.DnsConfig != nil {
		if s.DnsConfig == nil {
			return nil, invalidInput("The service %s has no DNS configuration to update.", aws.ToString(s.Id))
		}
		s.DnsConfig.DnsRecords = ch.DnsConfig.DnsRecords
	}
	if ch.HealthCheckConfig != nil {
		if s.HealthCheckCustomConfig != nil {
			return nil, invalidInput("You can't add HealthCheckConfig to a service that has HealthCheckCustomConfig.")
		}
		s.HealthCheckConfig = ch.HealthCheckConfig
	}
	if err := putService(c, s); err != nil {
		return nil, err
	}
	id, err := recordOperation(c, types.OperationTypeUpdateService, map[string]string{string(types.OperationTargetTypeService): aws.ToString(s.Id)}, types.OperationStatusSuccess, "", "")
	if err != nil {
		return nil, err
	}
	return &sd.UpdateServiceOutput{OperationId: aws.String(id)}, nil
}

func getServiceAttributes(c *api.Context, in *sd.GetServiceAttributesInput) (*sd.GetServiceAttributesOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for k, v := range s.Attributes {
		attrs[k] = v
	}
	return &sd.GetServiceAttributesOutput{ServiceAttributes: &types.ServiceAttributes{ServiceArn: s.Arn, ResourceOwner: s.ResourceOwner, Attributes: attrs}}, nil
}

func updateServiceAttributes(c *api.Context, in *sd.UpdateServiceAttributesInput) (*sd.UpdateServiceAttributesOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	if s.Attributes == nil {
		s.Attributes = map[string]string{}
	}
	for k, v := range in.Attributes {
		s.Attributes[k] = v
	}
	if len(s.Attributes) > maxServiceAttributes {
		return nil, apierror.New("ServiceAttributesLimitExceededException", "The attribute can't be added to the service because you've exceeded the quota for the number of attributes you can add to a service.")
	}
	return &sd.UpdateServiceAttributesOutput{}, putService(c, s)
}

func deleteServiceAttributes(c *api.Context, in *sd.DeleteServiceAttributesInput) (*sd.DeleteServiceAttributesOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	for _, k := range in.Attributes {
		delete(s.Attributes, k)
	}
	return &sd.DeleteServiceAttributesOutput{}, putService(c, s)
}
