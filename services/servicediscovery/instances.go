package servicediscovery

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Attribute keys Cloud Map gives meaning to.
const (
	AttrIPv4       = "AWS_INSTANCE_IPV4"
	AttrIPv6       = "AWS_INSTANCE_IPV6"
	AttrPort       = "AWS_INSTANCE_PORT"
	AttrCNAME      = "AWS_INSTANCE_CNAME"
	AttrAlias      = "AWS_ALIAS_DNS_NAME"
	AttrInitHealth = "AWS_INIT_HEALTH_STATUS"
	AttrEC2        = "AWS_EC2_INSTANCE_ID"
)

func instanceKey(serviceID, instanceID string) string { return serviceID + "/" + instanceID }

// checkAttributes refuses attributes that the service's DNS records need and lack.
func checkAttributes(s *Service, attrs map[string]string) error {
	if v, ok := attrs[AttrInitHealth]; ok && v != "HEALTHY" && v != "UNHEALTHY" {
		return invalidInput("AWS_INIT_HEALTH_STATUS must be HEALTHY or UNHEALTHY.")
	}
	if s.DnsConfig == nil || attrs[AttrAlias] != "" {
		return nil
	}
	for _, r := range s.DnsConfig.DnsRecords {
		switch r.Type {
		case types.RecordTypeA:
			if attrs[AttrIPv4] == "" {
				return invalidInput("AWS_INSTANCE_IPV4 is required for a service with an A record.")
			}
		case types.RecordTypeAaaa:
			if attrs[AttrIPv6] == "" {
				return invalidInput("AWS_INSTANCE_IPV6 is required for a service with an AAAA record.")
			}
		case types.RecordTypeCname:
			if attrs[AttrCNAME] == "" {
				return invalidInput("AWS_INSTANCE_CNAME is required for a service with a CNAME record.")
			}
		case types.RecordTypeSrv:
			if attrs[AttrPort] == "" {
				return invalidInput("AWS_INSTANCE_PORT is required for a service with an SRV record.")
			}
		}
	}
	return nil
}

// initialHealth is an instance's health when it registers: what
// AWS_INIT_HEALTH_STATUS asks for under a custom health check (HEALTHY by
// default), HEALTHY under a Route 53 check, UNKNOWN without a check.
func initialHealth(s *Service, attrs map[string]string) types.HealthStatus {
	switch {
	case s.HealthCheckCustomConfig != nil:
		if attrs[AttrInitHealth] == "UNHEALTHY" {
			return types.HealthStatusUnhealthy
		}
		return types.HealthStatusHealthy
	case s.HealthCheckConfig != nil:
		return types.HealthStatusHealthy
	}
	return types.HealthStatusUnknown
}

// register registers (or re-registers) an instance of a service and records its operation.
func register(c *api.Context, s *Service, instanceID, creatorRequestID string, attrs map[string]string) (string, error) {
	if err := checkAttributes(s, attrs); err != nil {
		return "", err
	}
	sid := aws.ToString(s.Id)
	inst := &Instance{Instance: types.Instance{Id: aws.String(instanceID), Attributes: attrs, CreatedByAccount: aws.String(c.Account())},
		ServiceID: sid, Health: initialHealth(s, attrs)}
	if creatorRequestID != "" {
		inst.CreatorRequestId = aws.String(creatorRequestID)
	}
	if err := instances.Put(c.Tx, c.Scope(), instanceKey(sid, instanceID), store.Index{Parent: sid, Name: instanceID}, inst); err != nil {
		return "", err
	}
	s.Revision++
	if err := putService(c, s); err != nil {
		return "", err
	}
	return recordOperation(c, types.OperationTypeRegisterInstance,
		map[string]string{string(types.OperationTargetTypeService): sid, string(types.OperationTargetTypeInstance): instanceID}, types.OperationStatusSuccess, "", "")
}

// deregister removes an instance of a service and records its operation.
func deregister(c *api.Context, s *Service, instanceID string) (string, error) {
	sid := aws.ToString(s.Id)
	ok, err := instances.Delete(c.Tx, c.Scope(), instanceKey(sid, instanceID))
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errInstanceNotFound(instanceID)
	}
	s.Revision++
	if err := putService(c, s); err != nil {
		return "", err
	}
	return recordOperation(c, types.OperationTypeDeregisterInstance,
		map[string]string{string(types.OperationTargetTypeService): sid, string(types.OperationTargetTypeInstance): instanceID}, types.OperationStatusSuccess, "", "")
}

func registerInstance(c *api.Context, in *sd.RegisterInstanceInput) (*sd.RegisterInstanceOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	id, err := register(c, s, aws.ToString(in.InstanceId), aws.ToString(in.CreatorRequestId), in.Attributes)
	if err != nil {
		return nil, err
	}
	return &sd.RegisterInstanceOutput{OperationId: aws.String(id)}, nil
}

func deregisterInstance(c *api.Context, in *sd.DeregisterInstanceInput) (*sd.DeregisterInstanceOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	id, err := deregister(c, s, aws.ToString(in.InstanceId))
	if err != nil {
		return nil, err
	}
	return &sd.DeregisterInstanceOutput{OperationId: aws.String(id)}, nil
}

func loadInstance(c *api.Context, s *Service, id string) (*Instance, error) {
	inst, err := instances.Get(c.Tx, c.Scope(), instanceKey(aws.ToString(s.Id), id))
	if err != nil {
		return nil, err
	}
	if inst == nil {
		return nil, errInstanceNotFound(id)
	}
	return inst, nil
}

func getInstance(c *api.Context, in *sd.GetInstanceInput) (*sd.GetInstanceOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	inst, err := loadInstance(c, s, aws.ToString(in.InstanceId))
	if err != nil {
		return nil, err
	}
	return &sd.GetInstanceOutput{Instance: &inst.Instance, ResourceOwner: s.ResourceOwner}, nil
}

func listInstances(c *api.Context, in *sd.ListInstancesInput) (*sd.ListInstancesOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	sid := aws.ToString(s.Id)
	page, next, err := api.Paginate(c.Tx, c.Scope(), instances, store.Query{Parent: sid},
		api.Paging{Listing: "servicediscovery:ListInstances:" + sid, Token: in.NextToken, Size: pageSize(in.MaxResults, 100), BadToken: badToken()}, nil)
	if err != nil {
		return nil, err
	}
	out := &sd.ListInstancesOutput{Instances: []types.InstanceSummary{}, NextToken: next, ResourceOwner: s.ResourceOwner}
	for _, inst := range page {
		out.Instances = append(out.Instances, types.InstanceSummary{Id: inst.Id, Attributes: inst.Attributes, CreatedByAccount: inst.CreatedByAccount})
	}
	return out, nil
}

func getInstancesHealthStatus(c *api.Context, in *sd.GetInstancesHealthStatusInput) (*sd.GetInstancesHealthStatusOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	sid := aws.ToString(s.Id)
	out := &sd.GetInstancesHealthStatusOutput{Status: map[string]types.HealthStatus{}}
	if len(in.Instances) > 0 {
		for _, id := range in.Instances {
			inst, err := loadInstance(c, s, id)
			if err != nil {
				return nil, err
			}
			out.Status[id] = inst.Health
		}
		return out, nil
	}
	page, next, err := api.Paginate(c.Tx, c.Scope(), instances, store.Query{Parent: sid},
		api.Paging{Listing: "servicediscovery:GetInstancesHealthStatus:" + sid, Token: in.NextToken, Size: pageSize(in.MaxResults, 100), BadToken: badToken()}, nil)
	if err != nil {
		return nil, err
	}
	for _, inst := range page {
		out.Status[aws.ToString(inst.Id)] = inst.Health
	}
	out.NextToken = next
	return out, nil
}

func updateInstanceCustomHealthStatus(c *api.Context, in *sd.UpdateInstanceCustomHealthStatusInput) (*sd.UpdateInstanceCustomHealthStatusOutput, error) {
	s, err := loadService(c, aws.ToString(in.ServiceId))
	if err != nil {
		return nil, err
	}
	inst, err := loadInstance(c, s, aws.ToString(in.InstanceId))
	if err != nil {
		return nil, err
	}
	if s.HealthCheckCustomConfig == nil {
		return nil, apierror.New("CustomHealthNotFound", "The health check for the instance that is specified by ServiceId and InstanceId is not a custom health check.")
	}
	h := types.HealthStatus(in.Status)
	if inst.Health == h {
		return &sd.UpdateInstanceCustomHealthStatusOutput{}, nil
	}
	inst.Health = h
	sid := aws.ToString(s.Id)
	if err := instances.Put(c.Tx, c.Scope(), instanceKey(sid, aws.ToString(inst.Id)), store.Index{Parent: sid, Name: aws.ToString(inst.Id)}, inst); err != nil {
		return nil, err
	}
	s.Revision++
	return &sd.UpdateInstanceCustomHealthStatusOutput{}, putService(c, s)
}

// discovered finds the service a discovery names: the namespace by its HTTP
// name, the service by its name in it.
func discovered(c *api.Context, nsName, svcName string) (*Namespace, *Service, error) {
	var ns *Namespace
	all, err := namespaces.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, nil, err
	}
	for _, it := range all {
		if p := it.Doc.Properties; p != nil && p.HttpProperties != nil && aws.ToString(p.HttpProperties.HttpName) == nsName {
			ns = it.Doc
			break
		}
	}
	if ns == nil {
		return nil, nil, errNamespaceNotFound()
	}
	svcs, err := services.List(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(ns.Id), Name: svcName})
	if err != nil {
		return nil, nil, err
	}
	if len(svcs) == 0 {
		return nil, nil, errServiceNotFound()
	}
	return ns, svcs[0].Doc, nil
}

func matchesAll(attrs, want map[string]string) bool {
	for k, v := range want {
		if attrs[k] != v {
			return false
		}
	}
	return true
}

func discoverInstances(c *api.Context, in *sd.DiscoverInstancesInput) (*sd.DiscoverInstancesOutput, error) {
	ns, s, err := discovered(c, aws.ToString(in.NamespaceName), aws.ToString(in.ServiceName))
	if err != nil {
		return nil, err
	}
	items, err := instances.List(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(s.Id)})
	if err != nil {
		return nil, err
	}
	var matched []*Instance
	for _, it := range items {
		if matchesAll(it.Doc.Attributes, in.QueryParameters) {
			matched = append(matched, it.Doc)
		}
	}
	if len(in.OptionalParameters) > 0 {
		var opt []*Instance
		for _, inst := range matched {
			if matchesAll(inst.Attributes, in.OptionalParameters) {
				opt = append(opt, inst)
			}
		}
		if len(opt) > 0 {
			matched = opt
		}
	}
	// The health filter applies only to services with a health check.
	if s.HealthCheckConfig != nil || s.HealthCheckCustomConfig != nil {
		filter := in.HealthStatus
		if filter == "" {
			filter = types.HealthStatusFilterHealthy
		}
		matched = byHealth(matched, filter)
	}
	limit := pageSize(in.MaxResults, 100)
	out := &sd.DiscoverInstancesOutput{Instances: []types.HttpInstanceSummary{}, InstancesRevision: aws.Int64(s.Revision)}
	for _, inst := range matched {
		if len(out.Instances) == limit {
			break
		}
		out.Instances = append(out.Instances, types.HttpInstanceSummary{InstanceId: inst.Id, NamespaceName: ns.Properties.HttpProperties.HttpName,
			ServiceName: s.Name, HealthStatus: inst.Health, Attributes: inst.Attributes})
	}
	return out, nil
}

// byHealth keeps the instances a health filter asks for.
func byHealth(list []*Instance, filter types.HealthStatusFilter) []*Instance {
	if filter == types.HealthStatusFilterAll {
		return list
	}
	want := types.HealthStatusHealthy
	if filter == types.HealthStatusFilterUnhealthy {
		want = types.HealthStatusUnhealthy
	}
	var out []*Instance
	for _, inst := range list {
		if inst.Health == want {
			out = append(out, inst)
		}
	}
	if len(out) == 0 && filter == types.HealthStatusFilterHealthyOrElseAll {
		return list
	}
	return out
}

func discoverInstancesRevision(c *api.Context, in *sd.DiscoverInstancesRevisionInput) (*sd.DiscoverInstancesRevisionOutput, error) {
	_, s, err := discovered(c, aws.ToString(in.NamespaceName), aws.ToString(in.ServiceName))
	if err != nil {
		return nil, err
	}
	return &sd.DiscoverInstancesRevisionOutput{InstancesRevision: aws.Int64(s.Revision)}, nil
}
