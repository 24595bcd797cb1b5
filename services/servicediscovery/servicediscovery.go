// Package servicediscovery implements AWS Cloud Map: HTTP, private DNS and
// public DNS namespaces, their services and registered instances, the
// operations that record each asynchronous change, instance discovery with
// health filters, and tags. ECS registers the tasks of services that use
// Service Connect or service registries here.
package servicediscovery

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Namespace is a stored namespace with its tags.
type Namespace struct {
	types.Namespace
	Tags []types.Tag `json:",omitempty"`
	// VpcID is the VPC of a private DNS namespace.
	VpcID string `json:",omitempty"`
}

// Service is a stored Cloud Map service with its tags, attributes and the
// revision of its instances (bumped by every instance change).
type Service struct {
	types.Service
	Tags       []types.Tag       `json:",omitempty"`
	Attributes map[string]string `json:",omitempty"`
	Revision   int64
}

// Instance is a registered instance of a service with its health.
type Instance struct {
	types.Instance
	ServiceID string
	Health    types.HealthStatus
}

// operation is the record of an asynchronous request: its outcome is fixed
// when it is submitted, and the status it reports follows its age.
type operation struct {
	types.Operation
	// Outcome is SUCCESS or FAIL, reported once the operation is done.
	Outcome types.OperationStatus
}

var (
	// namespaces: id = namespace id, Name = name, Status = type.
	namespaces = store.Collection[Namespace]{Kind: "servicediscovery/namespace"}
	// services: id = service id, Parent = namespace id, Name = name.
	services = store.Collection[Service]{Kind: "servicediscovery/service"}
	// instances: id = service id + "/" + instance id, Parent = service id, Name = instance id.
	instances = store.Collection[Instance]{Kind: "servicediscovery/instance"}
	// operations: id = operation id, Attr = type.
	operations = store.Collection[operation]{Kind: "servicediscovery/operation"}
)

// Operation timing: an operation is SUBMITTED when it is accepted, PENDING
// while Cloud Map works, and done (SUCCESS or FAIL) after opDone.
const (
	opSubmitted = 100 * time.Millisecond
	opDone      = 400 * time.Millisecond
)

// New builds the Cloud Map service.
func New() *api.Service {
	s := api.NewService("servicediscovery")
	s.ValidationError = func(vs []protocol.Violation) *apierror.Error {
		return invalidInput("%s", protocol.ValidationMessage(vs))
	}
	api.Handle(s, "CreateHttpNamespace", createHTTPNamespace)
	api.Handle(s, "CreatePrivateDnsNamespace", createPrivateDNSNamespace)
	api.Handle(s, "CreatePublicDnsNamespace", createPublicDNSNamespace)
	api.Handle(s, "GetNamespace", getNamespace)
	api.Handle(s, "ListNamespaces", listNamespaces)
	api.Handle(s, "DeleteNamespace", deleteNamespace)
	api.Handle(s, "UpdateHttpNamespace", updateHTTPNamespace)
	api.Handle(s, "UpdatePrivateDnsNamespace", updatePrivateDNSNamespace)
	api.Handle(s, "UpdatePublicDnsNamespace", updatePublicDNSNamespace)

	api.Handle(s, "CreateService", createService)
	api.Handle(s, "GetService", getService)
	api.Handle(s, "ListServices", listServices)
	api.Handle(s, "DeleteService", deleteService)
	api.Handle(s, "UpdateService", updateService)
	api.Handle(s, "GetServiceAttributes", getServiceAttributes)
	api.Handle(s, "UpdateServiceAttributes", updateServiceAttributes)
	api.Handle(s, "DeleteServiceAttributes", deleteServiceAttributes)

	api.Handle(s, "RegisterInstance", registerInstance)
	api.Handle(s, "DeregisterInstance", deregisterInstance)
	api.Handle(s, "GetInstance", getInstance)
	api.Handle(s, "ListInstances", listInstances)
	api.Handle(s, "GetInstancesHealthStatus", getInstancesHealthStatus)
	api.Handle(s, "UpdateInstanceCustomHealthStatus", updateInstanceCustomHealthStatus)
	api.Handle(s, "DiscoverInstances", discoverInstances)
	api.Handle(s, "DiscoverInstancesRevision", discoverInstancesRevision)

	api.Handle(s, "GetOperation", getOperation)
	api.Handle(s, "ListOperations", listOperations)

	api.Handle(s, "TagResource", tagResource)
	api.Handle(s, "UntagResource", untagResource)
	api.Handle(s, "ListTagsForResource", listTagsForResource)
	return s
}

func invalidInput(format string, args ...any) *apierror.Error {
	return apierror.New("InvalidInput", format, args...)
}

func errNamespaceNotFound() *apierror.Error {
	return apierror.New("NamespaceNotFound", "Namespace not found")
}

func errServiceNotFound() *apierror.Error {
	return apierror.New("ServiceNotFound", "Service not found")
}

func errInstanceNotFound(id string) *apierror.Error {
	return apierror.New("InstanceNotFound", "Instance not found: %s", id)
}

// Cloud Map ids are a prefix and 16 lower-case letters and digits
// (ns-e4anhexample0004, srv-e4anhexample0004).
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

func newID(prefix string) string { return prefix + api.RandomString(idAlphabet, 16) }

// newOperationID has the form AWS's operation ids have: 32 and 8 lower-case
// letters and digits joined by a hyphen.
func newOperationID() string {
	return api.RandomString(idAlphabet, 32) + "-" + api.RandomString(idAlphabet, 8)
}

func namespaceARN(c *api.Context, id string) string {
	return c.ARNPrefix() + "servicediscovery:" + c.Region + ":" + c.Account() + ":namespace/" + id
}

func serviceARN(c *api.Context, id string) string {
	return c.ARNPrefix() + "servicediscovery:" + c.Region + ":" + c.Account() + ":service/" + id
}

// idOf accepts an id or an ARN of the given resource kind ("namespace",
// "service") and returns the id.
func idOf(ref, kind string) string {
	if strings.HasPrefix(ref, "arn:") {
		if i := strings.Index(ref, ":"+kind+"/"); i >= 0 {
			return ref[i+len(kind)+2:]
		}
		return ""
	}
	return ref
}

// recordOperation stores an operation on its targets and returns its id.
func recordOperation(c *api.Context, typ types.OperationType, targets map[string]string, outcome types.OperationStatus, code, message string) (string, error) {
	id := newOperationID()
	now := c.Now()
	op := &operation{Operation: types.Operation{Id: &id, OwnerAccount: ptr(c.Account()), Type: typ,
		CreateDate: &now, Targets: targets}, Outcome: outcome}
	if code != "" {
		op.ErrorCode, op.ErrorMessage = ptr(code), ptr(message)
	}
	return id, operations.Put(c.Tx, c.Scope(), id, store.Index{Attr: string(typ)}, op)
}

// status is what an operation reports at a time: SUBMITTED, PENDING, then its outcome.
func (op *operation) status(now time.Time) (types.OperationStatus, time.Time) {
	created := *op.CreateDate
	age := now.Sub(created)
	switch {
	case age < opSubmitted:
		return types.OperationStatusSubmitted, created
	case age < opDone:
		return types.OperationStatusPending, created.Add(opSubmitted)
	}
	return op.Outcome, created.Add(opDone)
}

func ptr[T any](v T) *T { return &v }

func badToken() error {
	return invalidInput("The value of NextToken is not valid.")
}

func pageSize(n *int32, def int) int {
	if n == nil || *n <= 0 {
		return def
	}
	return int(*n)
}
