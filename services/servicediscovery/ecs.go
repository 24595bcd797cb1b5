package servicediscovery

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// What ECS uses of Cloud Map: the namespaces that Service Connect names, the
// services it creates in them and the registries services name, and the
// instances the cluster manager registers for tasks.

// The codes of the errors below for a namespace or service that does not
// exist; callers answer in their own dialect.
const (
	CodeNamespaceNotFound = "NamespaceNotFound"
	CodeServiceNotFound   = "ServiceNotFound"
)

// ResolveNamespace finds the namespace a reference names: an ARN or id must
// exist; a name is looked up by its HTTP name and, when create is set and
// none has it, an HTTP namespace of that name is created, as ECS does for a
// cluster's Service Connect defaults.
func ResolveNamespace(c *api.Context, ref string, create bool) (*Namespace, error) {
	if strings.HasPrefix(ref, "arn:") || strings.HasPrefix(ref, "ns-") {
		return loadNamespace(c, ref)
	}
	all, err := namespaces.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	for _, it := range all {
		if p := it.Doc.Properties; p != nil && p.HttpProperties != nil && aws.ToString(p.HttpProperties.HttpName) == ref {
			return it.Doc, nil
		}
	}
	if !create {
		return nil, errNamespaceNotFound()
	}
	_, ns, err := createNamespace(c, newNamespace{Name: ref, Type: types.NamespaceTypeHttp,
		Tags: []types.Tag{{Key: aws.String("AmazonECSManaged"), Value: aws.String("true")}}})
	return ns, err
}

// EnsureService returns the service of a name in a namespace, creating it
// (API-only discovery) when there is none: the Cloud Map service behind a
// Service Connect discovery name.
func EnsureService(c *api.Context, ns *Namespace, name string) (*Service, error) {
	existing, err := services.List(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(ns.Id), Name: name})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return existing[0].Doc, nil
	}
	in := &sd.CreateServiceInput{Name: aws.String(name), Type: types.ServiceTypeOptionHttp,
		HealthCheckCustomConfig: &types.HealthCheckCustomConfig{},
		Tags:                    []types.Tag{{Key: aws.String("AmazonECSManaged"), Value: aws.String("true")}}}
	return newService(c, ns, in)
}

// LookupService finds a service by ARN or id (ServiceNotFound when absent).
func LookupService(c *api.Context, ref string) (*Service, error) {
	return loadService(c, ref)
}

// RegisterTask registers (or refreshes) an instance of a service for a task.
// A service deleted meanwhile is skipped.
func RegisterTask(c *api.Context, serviceRef, instanceID string, attrs map[string]string) error {
	s, err := loadService(c, serviceRef)
	if apierror.CodeOf(err) == CodeServiceNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if cur, err := instances.Get(c.Tx, c.Scope(), instanceKey(aws.ToString(s.Id), instanceID)); err != nil || cur != nil {
		return err
	}
	_, err = register(c, s, instanceID, "", attrs)
	if apierror.CodeOf(err) == "InvalidInput" {
		// The service's DNS records need attributes the task lacks: AWS
		// reports it in the service's events; nothing is registered.
		return nil
	}
	return err
}

// DeregisterTask removes a task's instance from a service; one that is not
// there (or a service that is gone) is no error.
func DeregisterTask(c *api.Context, serviceRef, instanceID string) error {
	s, err := loadService(c, serviceRef)
	if apierror.CodeOf(err) == CodeServiceNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = deregister(c, s, instanceID)
	if apierror.CodeOf(err) == "InstanceNotFound" {
		return nil
	}
	return err
}

// ReleaseManagedService deletes a service that ECS created for Service
// Connect (tagged AmazonECSManaged) once no instance is left in it; other
// services, and services still holding instances, stay.
func ReleaseManagedService(c *api.Context, ref string) error {
	s, err := loadService(c, ref)
	if apierror.CodeOf(err) == CodeServiceNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	managed := false
	for _, t := range s.Tags {
		managed = managed || aws.ToString(t.Key) == "AmazonECSManaged" && aws.ToString(t.Value) == "true"
	}
	if !managed {
		return nil
	}
	found, err := instances.Exists(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(s.Id)})
	if err != nil || found {
		return err
	}
	_, err = services.Delete(c.Tx, c.Scope(), aws.ToString(s.Id))
	return err
}
