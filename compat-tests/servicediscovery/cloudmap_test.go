// Package servicediscovery_test checks AWS Cloud Map through the real SDK:
// namespaces, services, instances, operations, discovery and tags, and the
// registrations ECS makes for Service Connect and service registries.
package servicediscovery_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// Id formats from AWS's examples: namespace ns-e4anhexample0004, service
// srv-e4anhexample0004 (Cloud Map API reference, CreateService/GetNamespace
// examples), operation gv4g5meo7ndmeh4fqskygvk23d2fijwa-k9302yzd (aws CLI
// reference, servicediscovery get-operation example).
var (
	namespaceID = regexp.MustCompile(`^ns-[a-z0-9]{16}$`)
	serviceID   = regexp.MustCompile(`^srv-[a-z0-9]{16}$`)
	operationID = regexp.MustCompile(`^[a-z0-9]{32}-[a-z0-9]{8}$`)
)

// waitOperation polls an operation until it is done and returns it. Cloud
// Map reports SUBMITTED, then PENDING, then SUCCESS or FAIL (API reference,
// Operation.Status: "Valid Values: SUBMITTED | PENDING | SUCCESS | FAIL").
func waitOperation(t *testing.T, c *sd.Client, id string) *types.Operation {
	t.Helper()
	if !operationID.MatchString(id) {
		t.Errorf("operation id %q", id)
	}
	var op *types.Operation
	harness.Eventually(t, 20*time.Second, "operation "+id+" done", func() (bool, string) {
		out, err := c.GetOperation(harness.Ctx, &sd.GetOperationInput{OperationId: aws.String(id)})
		if err != nil {
			return false, err.Error()
		}
		op = out.Operation
		switch op.Status {
		case types.OperationStatusSubmitted, types.OperationStatusPending:
			return false, string(op.Status)
		}
		return true, string(op.Status)
	})
	return op
}

func createHTTPNamespace(t *testing.T, c *sd.Client, name string) *types.Namespace {
	t.Helper()
	out := harness.Must(c.CreateHttpNamespace(harness.Ctx, &sd.CreateHttpNamespaceInput{Name: aws.String(name)}))(t)
	op := waitOperation(t, c, aws.ToString(out.OperationId))
	if op.Status != types.OperationStatusSuccess || op.Type != types.OperationTypeCreateNamespace {
		t.Fatalf("create namespace: %s %s", op.Status, op.Type)
	}
	id := op.Targets[string(types.OperationTargetTypeNamespace)]
	return harness.Must(c.GetNamespace(harness.Ctx, &sd.GetNamespaceInput{Id: aws.String(id)}))(t).Namespace
}

func TestNamespacesServicesAndInstances(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls.Config)

	ns := createHTTPNamespace(t, c, "shop")
	nsID := aws.ToString(ns.Id)
	if !namespaceID.MatchString(nsID) || ns.Type != types.NamespaceTypeHttp || aws.ToInt32(ns.ServiceCount) != 0 {
		t.Fatalf("namespace %+v", ns)
	}
	if want := "arn:aws:servicediscovery:us-east-1:000000000000:namespace/" + nsID; aws.ToString(ns.Arn) != want {
		t.Errorf("arn %s, want %s", aws.ToString(ns.Arn), want)
	}
	if aws.ToString(ns.Properties.HttpProperties.HttpName) != "shop" {
		t.Errorf("http name %+v", ns.Properties.HttpProperties)
	}
	_, err := c.CreateHttpNamespace(harness.Ctx, &sd.CreateHttpNamespaceInput{Name: aws.String("shop")})
	harness.AssertAPIError(t, err, "NamespaceAlreadyExists")

	// "NamespaceNotFound: Namespace not found" (AWS's answer quoted in
	// kubernetes-sigs/external-dns#5180).
	_, err = c.GetNamespace(harness.Ctx, &sd.GetNamespaceInput{Id: aws.String("ns-0000000000000000")})
	harness.AssertError(t, err, "NamespaceNotFound", 400, "Namespace not found")

	svc := harness.Must(c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("cart"), NamespaceId: aws.String(nsID),
		HealthCheckCustomConfig: &types.HealthCheckCustomConfig{}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}))(t).Service
	sid := aws.ToString(svc.Id)
	if !serviceID.MatchString(sid) || svc.Type != types.ServiceTypeHttp || aws.ToString(svc.Arn) != "arn:aws:servicediscovery:us-east-1:000000000000:service/"+sid {
		t.Fatalf("service %+v", svc)
	}
	_, err = c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("cart"), NamespaceId: aws.String(nsID)})
	harness.AssertAPIError(t, err, "ServiceAlreadyExists")
	_, err = c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("x"), NamespaceId: aws.String("ns-0000000000000000")})
	harness.AssertAPIError(t, err, "NamespaceNotFound")

	for i, health := range []string{"HEALTHY", "UNHEALTHY", "HEALTHY"} {
		out := harness.Must(c.RegisterInstance(harness.Ctx, &sd.RegisterInstanceInput{ServiceId: aws.String(sid), InstanceId: aws.String(fmt.Sprintf("i-%d", i)),
			Attributes: map[string]string{"AWS_INSTANCE_IPV4": fmt.Sprintf("10.0.0.%d", i+1), "AWS_INSTANCE_PORT": "8080",
				"AWS_INIT_HEALTH_STATUS": health, "color": []string{"red", "blue", "red"}[i]}}))(t)
		if op := waitOperation(t, c, aws.ToString(out.OperationId)); op.Type != types.OperationTypeRegisterInstance ||
			op.Targets["INSTANCE"] != fmt.Sprintf("i-%d", i) || op.Targets["SERVICE"] != sid {
			t.Errorf("register operation %+v", op)
		}
	}
	got := harness.Must(c.GetService(harness.Ctx, &sd.GetServiceInput{Id: aws.String(sid)}))(t).Service
	if aws.ToInt32(got.InstanceCount) != 3 {
		t.Errorf("instance count %d", aws.ToInt32(got.InstanceCount))
	}
	ns = harness.Must(c.GetNamespace(harness.Ctx, &sd.GetNamespaceInput{Id: aws.String(nsID)}))(t).Namespace
	if aws.ToInt32(ns.ServiceCount) != 1 {
		t.Errorf("service count %d", aws.ToInt32(ns.ServiceCount))
	}

	// DiscoverInstances returns healthy instances by default; the filter
	// applies to services with a health check (API reference, DiscoverInstances HealthStatus).
	discover := func(h types.HealthStatusFilter, q map[string]string) []string {
		out := harness.Must(c.DiscoverInstances(harness.Ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("shop"), ServiceName: aws.String("cart"),
			HealthStatus: h, QueryParameters: q}))(t)
		var ids []string
		for _, i := range out.Instances {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
		return ids
	}
	if ids := discover("", nil); fmt.Sprint(ids) != "[i-0 i-2]" {
		t.Errorf("healthy %v", ids)
	}
	if ids := discover(types.HealthStatusFilterUnhealthy, nil); fmt.Sprint(ids) != "[i-1]" {
		t.Errorf("unhealthy %v", ids)
	}
	if ids := discover(types.HealthStatusFilterAll, map[string]string{"color": "red"}); fmt.Sprint(ids) != "[i-0 i-2]" {
		t.Errorf("red %v", ids)
	}
	rev := harness.Must(c.DiscoverInstancesRevision(harness.Ctx, &sd.DiscoverInstancesRevisionInput{NamespaceName: aws.String("shop"), ServiceName: aws.String("cart")}))(t).InstancesRevision
	harness.Must(c.UpdateInstanceCustomHealthStatus(harness.Ctx, &sd.UpdateInstanceCustomHealthStatusInput{ServiceId: aws.String(sid), InstanceId: aws.String("i-0"), Status: types.CustomHealthStatusUnhealthy}))(t)
	harness.Must(c.UpdateInstanceCustomHealthStatus(harness.Ctx, &sd.UpdateInstanceCustomHealthStatusInput{ServiceId: aws.String(sid), InstanceId: aws.String("i-2"), Status: types.CustomHealthStatusUnhealthy}))(t)
	if ids := discover(types.HealthStatusFilterHealthyOrElseAll, nil); len(ids) != 3 {
		t.Errorf("failing open %v", ids)
	}
	rev2 := harness.Must(c.DiscoverInstancesRevision(harness.Ctx, &sd.DiscoverInstancesRevisionInput{NamespaceName: aws.String("shop"), ServiceName: aws.String("cart")}))(t).InstancesRevision
	if aws.ToInt64(rev2) <= aws.ToInt64(rev) {
		t.Errorf("revision %d then %d", aws.ToInt64(rev), aws.ToInt64(rev2))
	}
	hs := harness.Must(c.GetInstancesHealthStatus(harness.Ctx, &sd.GetInstancesHealthStatusInput{ServiceId: aws.String(sid)}))(t).Status
	if hs["i-0"] != types.HealthStatusUnhealthy || hs["i-1"] != types.HealthStatusUnhealthy || len(hs) != 3 {
		t.Errorf("health %v", hs)
	}
	_, err = c.DiscoverInstances(harness.Ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("shop"), ServiceName: aws.String("none")})
	harness.AssertAPIError(t, err, "ServiceNotFound")
	_, err = c.GetInstance(harness.Ctx, &sd.GetInstanceInput{ServiceId: aws.String(sid), InstanceId: aws.String("i-9")})
	harness.AssertAPIError(t, err, "InstanceNotFound")
	inst := harness.Must(c.GetInstance(harness.Ctx, &sd.GetInstanceInput{ServiceId: aws.String(sid), InstanceId: aws.String("i-1")}))(t).Instance
	if inst.Attributes["AWS_INSTANCE_IPV4"] != "10.0.0.2" {
		t.Errorf("instance %+v", inst)
	}

	// A service without a custom health check has none to update.
	plain := harness.Must(c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("plain"), NamespaceId: aws.String(nsID)}))(t).Service
	harness.Must(c.RegisterInstance(harness.Ctx, &sd.RegisterInstanceInput{ServiceId: plain.Id, InstanceId: aws.String("p"), Attributes: map[string]string{"k": "v"}}))(t)
	_, err = c.UpdateInstanceCustomHealthStatus(harness.Ctx, &sd.UpdateInstanceCustomHealthStatusInput{ServiceId: plain.Id, InstanceId: aws.String("p"), Status: types.CustomHealthStatusHealthy})
	harness.AssertAPIError(t, err, "CustomHealthNotFound")

	// Attributes, tags, listings.
	harness.Must(c.UpdateServiceAttributes(harness.Ctx, &sd.UpdateServiceAttributesInput{ServiceId: aws.String(sid), Attributes: map[string]string{"tier": "web", "x": "y"}}))(t)
	harness.Must(c.DeleteServiceAttributes(harness.Ctx, &sd.DeleteServiceAttributesInput{ServiceId: aws.String(sid), Attributes: []string{"x"}}))(t)
	attrs := harness.Must(c.GetServiceAttributes(harness.Ctx, &sd.GetServiceAttributesInput{ServiceId: aws.String(sid)}))(t).ServiceAttributes
	if fmt.Sprint(attrs.Attributes) != "map[tier:web]" || aws.ToString(attrs.ServiceArn) != aws.ToString(svc.Arn) {
		t.Errorf("attributes %+v", attrs)
	}
	harness.Must(c.TagResource(harness.Ctx, &sd.TagResourceInput{ResourceARN: ns.Arn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}))(t)
	if tags := harness.Must(c.ListTagsForResource(harness.Ctx, &sd.ListTagsForResourceInput{ResourceARN: ns.Arn}))(t).Tags; len(tags) != 1 || aws.ToString(tags[0].Key) != "env" {
		t.Errorf("tags %+v", tags)
	}
	harness.Must(c.UntagResource(harness.Ctx, &sd.UntagResourceInput{ResourceARN: svc.Arn, TagKeys: []string{"team"}}))(t)
	if tags := harness.Must(c.ListTagsForResource(harness.Ctx, &sd.ListTagsForResourceInput{ResourceARN: svc.Arn}))(t).Tags; len(tags) != 0 {
		t.Errorf("tags after untag %+v", tags)
	}
	_, err = c.ListTagsForResource(harness.Ctx, &sd.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-0000000000000000")})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
	list := harness.Must(c.ListServices(harness.Ctx, &sd.ListServicesInput{Filters: []types.ServiceFilter{{Name: types.ServiceFilterNameNamespaceId, Values: []string{nsID}}}}))(t)
	if len(list.Services) != 2 {
		t.Errorf("services %d", len(list.Services))
	}
	insts := harness.Must(c.ListInstances(harness.Ctx, &sd.ListInstancesInput{ServiceId: aws.String(sid), MaxResults: aws.Int32(2)}))(t)
	if len(insts.Instances) != 2 || insts.NextToken == nil {
		t.Errorf("first page %d %v", len(insts.Instances), insts.NextToken)
	}

	// ListOperations filters by type, service and status.
	ops := harness.Must(c.ListOperations(harness.Ctx, &sd.ListOperationsInput{Filters: []types.OperationFilter{
		{Name: types.OperationFilterNameType, Values: []string{"REGISTER_INSTANCE"}},
		{Name: types.OperationFilterNameServiceId, Values: []string{sid}},
		{Name: types.OperationFilterNameStatus, Condition: types.FilterConditionIn, Values: []string{"SUCCESS", "PENDING", "SUBMITTED"}},
	}}))(t).Operations
	if len(ops) != 3 {
		t.Errorf("register operations %d", len(ops))
	}
	now := time.Now()
	ops = harness.Must(c.ListOperations(harness.Ctx, &sd.ListOperationsInput{Filters: []types.OperationFilter{
		{Name: types.OperationFilterNameUpdateDate, Condition: types.FilterConditionBetween,
			Values: []string{strconv.FormatInt(now.Add(-time.Hour).Unix(), 10), strconv.FormatInt(now.Add(time.Hour).Unix(), 10)}},
	}}))(t).Operations
	if len(ops) < 5 {
		t.Errorf("operations in the last hour: %d", len(ops))
	}
	_, err = c.GetOperation(harness.Ctx, &sd.GetOperationInput{OperationId: aws.String("nope")})
	harness.AssertAPIError(t, err, "OperationNotFound")

	// A namespace with services, a service with instances, refuse deletion.
	_, err = c.DeleteNamespace(harness.Ctx, &sd.DeleteNamespaceInput{Id: aws.String(nsID)})
	harness.AssertAPIError(t, err, "ResourceInUse")
	// "ResourceInUse: Service contains registered instances; delete the
	// instances before deleting the service" (hashicorp/terraform-provider-aws#4853).
	_, err = c.DeleteService(harness.Ctx, &sd.DeleteServiceInput{Id: aws.String(sid)})
	harness.AssertError(t, err, "ResourceInUse", 400, "Service contains registered instances; delete the instances before deleting the service")
	for _, id := range []string{"i-0", "i-1", "i-2"} {
		out := harness.Must(c.DeregisterInstance(harness.Ctx, &sd.DeregisterInstanceInput{ServiceId: aws.String(sid), InstanceId: aws.String(id)}))(t)
		if op := waitOperation(t, c, aws.ToString(out.OperationId)); op.Type != types.OperationTypeDeregisterInstance {
			t.Errorf("deregister %+v", op)
		}
	}
	_, err = c.DeregisterInstance(harness.Ctx, &sd.DeregisterInstanceInput{ServiceId: aws.String(sid), InstanceId: aws.String("i-0")})
	harness.AssertAPIError(t, err, "InstanceNotFound")
	harness.Must(c.DeregisterInstance(harness.Ctx, &sd.DeregisterInstanceInput{ServiceId: plain.Id, InstanceId: aws.String("p")}))(t)
	harness.Must(c.DeleteService(harness.Ctx, &sd.DeleteServiceInput{Id: aws.String(sid)}))(t)
	harness.Must(c.DeleteService(harness.Ctx, &sd.DeleteServiceInput{Id: plain.Id}))(t)
	_, err = c.GetService(harness.Ctx, &sd.GetServiceInput{Id: aws.String(sid)})
	harness.AssertAPIError(t, err, "ServiceNotFound")
	del := harness.Must(c.DeleteNamespace(harness.Ctx, &sd.DeleteNamespaceInput{Id: aws.String(nsID)}))(t)
	if op := waitOperation(t, c, aws.ToString(del.OperationId)); op.Status != types.OperationStatusSuccess || op.Type != types.OperationTypeDeleteNamespace {
		t.Errorf("delete %+v", op)
	}
	if n := harness.Must(c.ListNamespaces(harness.Ctx, &sd.ListNamespacesInput{}))(t).Namespaces; len(n) != 0 {
		t.Errorf("namespaces left %d", len(n))
	}
}

func TestDNSNamespaces(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls.Config)
	vpc := harness.DefaultVPC(t, ls.Config)

	out := harness.Must(c.CreatePrivateDnsNamespace(harness.Ctx, &sd.CreatePrivateDnsNamespaceInput{Name: aws.String("corp.local"), Vpc: aws.String(vpc),
		Properties: &types.PrivateDnsNamespaceProperties{DnsProperties: &types.PrivateDnsPropertiesMutable{SOA: &types.SOA{TTL: aws.Int64(60)}}}}))(t)
	op := waitOperation(t, c, aws.ToString(out.OperationId))
	priv := harness.Must(c.GetNamespace(harness.Ctx, &sd.GetNamespaceInput{Id: aws.String(op.Targets["NAMESPACE"])}))(t).Namespace
	if priv.Type != types.NamespaceTypeDnsPrivate || aws.ToInt64(priv.Properties.DnsProperties.SOA.TTL) != 60 || aws.ToString(priv.Properties.DnsProperties.HostedZoneId) == "" {
		t.Fatalf("private namespace %+v", priv)
	}

	// Route 53 refuses a VPC it does not know, and the operation fails with
	// CANNOT_CREATE_HOSTED_ZONE (error quoted in aws/aws-app-mesh-examples#432).
	out = harness.Must(c.CreatePrivateDnsNamespace(harness.Ctx, &sd.CreatePrivateDnsNamespaceInput{Name: aws.String("bad.local"), Vpc: aws.String("vpc-0123456789abcdef0")}))(t)
	op = waitOperation(t, c, aws.ToString(out.OperationId))
	if op.Status != types.OperationStatusFail || aws.ToString(op.ErrorCode) != "CANNOT_CREATE_HOSTED_ZONE" {
		t.Errorf("unknown vpc: %s %s %s", op.Status, aws.ToString(op.ErrorCode), aws.ToString(op.ErrorMessage))
	}

	pub := harness.Must(c.CreatePublicDnsNamespace(harness.Ctx, &sd.CreatePublicDnsNamespaceInput{Name: aws.String("example.com")}))(t)
	waitOperation(t, c, aws.ToString(pub.OperationId))
	list := harness.Must(c.ListNamespaces(harness.Ctx, &sd.ListNamespacesInput{Filters: []types.NamespaceFilter{{Name: types.NamespaceFilterNameType, Values: []string{"DNS_PUBLIC", "DNS_PRIVATE"}, Condition: types.FilterConditionIn}}}))(t)
	if len(list.Namespaces) != 2 {
		t.Errorf("dns namespaces %d", len(list.Namespaces))
	}
	list = harness.Must(c.ListNamespaces(harness.Ctx, &sd.ListNamespacesInput{Filters: []types.NamespaceFilter{{Name: types.NamespaceFilterNameName, Values: []string{"corp"}, Condition: types.FilterConditionBeginsWith}}}))(t)
	if len(list.Namespaces) != 1 {
		t.Errorf("by name prefix %d", len(list.Namespaces))
	}

	// A DNS service with an A record needs the instance's IPv4 address.
	svc := harness.Must(c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("api"), NamespaceId: priv.Id,
		DnsConfig: &types.DnsConfig{DnsRecords: []types.DnsRecord{{Type: types.RecordTypeA, TTL: aws.Int64(10)}}}}))(t).Service
	if svc.Type != types.ServiceTypeDnsHttp || svc.DnsConfig.RoutingPolicy != types.RoutingPolicyMultivalue {
		t.Errorf("dns service %+v", svc)
	}
	_, err := c.RegisterInstance(harness.Ctx, &sd.RegisterInstanceInput{ServiceId: svc.Id, InstanceId: aws.String("a"), Attributes: map[string]string{"AWS_INSTANCE_PORT": "80"}})
	harness.AssertAPIError(t, err, "InvalidInput")
	upd := harness.Must(c.UpdateService(harness.Ctx, &sd.UpdateServiceInput{Id: svc.Id, Service: &types.ServiceChange{Description: aws.String("d"),
		DnsConfig: &types.DnsConfigChange{DnsRecords: []types.DnsRecord{{Type: types.RecordTypeA, TTL: aws.Int64(30)}}}}}))(t)
	if op := waitOperation(t, c, aws.ToString(upd.OperationId)); op.Type != types.OperationTypeUpdateService {
		t.Errorf("update service %+v", op)
	}
	un := harness.Must(c.UpdatePrivateDnsNamespace(harness.Ctx, &sd.UpdatePrivateDnsNamespaceInput{Id: priv.Id, Namespace: &types.PrivateDnsNamespaceChange{Description: aws.String("corp")}}))(t)
	if op := waitOperation(t, c, aws.ToString(un.OperationId)); op.Type != types.OperationTypeUpdateNamespace {
		t.Errorf("update namespace %+v", op)
	}
	_, err = c.UpdateHttpNamespace(harness.Ctx, &sd.UpdateHttpNamespaceInput{Id: priv.Id, Namespace: &types.HttpNamespaceChange{Description: aws.String("x")}})
	harness.AssertAPIError(t, err, "InvalidInput")
}

// Health reports every Cloud Map operation implemented.
func TestHealthReportsCloudMap(t *testing.T) {
	ls := harness.Start(t)
	var h struct {
		Services map[string]struct{ Operations, Implemented int } `json:"services"`
	}
	if err := json.Unmarshal([]byte(harness.Raw(t, ls, "GET", "/_longshore/health", nil, "").Body), &h); err != nil {
		t.Fatal(err)
	}
	if got := h.Services["servicediscovery"]; got.Operations != 30 || got.Implemented != 30 {
		t.Errorf("servicediscovery %d/%d, want 30/30", got.Implemented, got.Operations)
	}
}
