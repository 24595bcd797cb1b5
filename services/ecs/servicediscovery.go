package ecs

import (
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/servicediscovery"
	"github.com/longshore/longshore/store"
)

// Service Connect and service registries live in Cloud Map: a cluster's
// default namespace is a real namespace (an HTTP namespace is created for a
// name that has none), a service's Service Connect services are Cloud Map
// services in its namespace, and the cluster manager registers the tasks.

func errNamespaceNotFound(ref string) error {
	return apierror.New("NamespaceNotFoundException", "Failed to retrieve namespace for %s", ref)
}

// serviceConnectDefaults resolves a cluster's default namespace: a name
// becomes the ARN of the Cloud Map namespace of that name, created as an
// HTTP namespace when there is none; an ARN must name an existing one.
func serviceConnectDefaults(c *api.Context, req *types.ClusterServiceConnectDefaultsRequest) (*types.ClusterServiceConnectDefaults, error) {
	ref := aws.ToString(req.Namespace)
	if ref == "" {
		return nil, nil
	}
	ns, err := servicediscovery.ResolveNamespace(c, ref, true)
	if apierror.CodeOf(err) == servicediscovery.CodeNamespaceNotFound {
		return nil, errNamespaceNotFound(ref)
	}
	if err != nil {
		return nil, err
	}
	return &types.ClusterServiceConnectDefaults{Namespace: ns.Arn}, nil
}

// serviceConnectResources finds (or creates) the Cloud Map services behind a
// service's Service Connect configuration: one per entry that serves a
// port, named by its discovery name (its port name when none is given), in
// the configuration's namespace or else the cluster's default one.
func serviceConnectResources(c *api.Context, clusterArn string, sc *types.ServiceConnectConfiguration) ([]types.ServiceConnectServiceResource, error) {
	if sc == nil || !sc.Enabled {
		return nil, nil
	}
	ref := aws.ToString(sc.Namespace)
	if ref == "" {
		cl, err := ecscore.GetCluster(c, aws.String(clusterArn))
		if err != nil {
			return nil, err
		}
		if cl.ServiceConnectDefaults == nil || aws.ToString(cl.ServiceConnectDefaults.Namespace) == "" {
			return nil, errInvalid("Service Connect namespace is not specified and the cluster has no default Service Connect namespace.")
		}
		ref = aws.ToString(cl.ServiceConnectDefaults.Namespace)
	}
	ns, err := servicediscovery.ResolveNamespace(c, ref, false)
	if apierror.CodeOf(err) == servicediscovery.CodeNamespaceNotFound {
		return nil, errNamespaceNotFound(ref)
	}
	if err != nil {
		return nil, err
	}
	out := []types.ServiceConnectServiceResource{}
	for _, s := range sc.Services {
		name := aws.ToString(s.DiscoveryName)
		if name == "" {
			name = aws.ToString(s.PortName)
		}
		svc, err := servicediscovery.EnsureService(c, ns, name)
		if err != nil {
			return nil, err
		}
		out = append(out, types.ServiceConnectServiceResource{DiscoveryName: aws.String(name), DiscoveryArn: svc.Arn})
	}
	return out, nil
}

// ReleaseServiceConnect deletes the Cloud Map services that ECS created for
// an inactive service's Service Connect configurations, unless another
// service of the region still uses them, so that the namespace can go.
func ReleaseServiceConnect(c *api.Context, svc *types.Service) error {
	arns := map[string]bool{}
	for _, d := range svc.Deployments {
		for _, r := range d.ServiceConnectResources {
			arns[aws.ToString(r.DiscoveryArn)] = true
		}
	}
	if len(arns) == 0 {
		return nil
	}
	others, err := ecscore.Services.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return err
	}
	for _, it := range others {
		o := it.Doc
		if aws.ToString(o.ServiceArn) == aws.ToString(svc.ServiceArn) || aws.ToString(o.Status) == ecscore.ServiceInactive {
			continue
		}
		for _, d := range o.Deployments {
			for _, r := range d.ServiceConnectResources {
				delete(arns, aws.ToString(r.DiscoveryArn))
			}
		}
	}
	for arn := range arns {
		if err := servicediscovery.ReleaseManagedService(c, arn); err != nil {
			return err
		}
	}
	return nil
}

// registryARN is the form of a Cloud Map service ARN a service registry names.
var registryARN = regexp.MustCompile(`^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:service/srv-[a-z0-9]+$`)

// validateServiceRegistries refuses registries ECS refuses: an ARN that is
// not a Cloud Map service's, a port together with a container name and
// port, or a port the registry's DNS records (no SRV record) do not need.
func validateServiceRegistries(c *api.Context, regs []types.ServiceRegistry) error {
	for _, r := range regs {
		ref := aws.ToString(r.RegistryArn)
		if !registryARN.MatchString(ref) {
			return errInvalidParameter("The format of the supplied service registry ARN is invalid: %s.", ref)
		}
		if r.Port != nil && (r.ContainerName != nil || r.ContainerPort != nil) {
			return errInvalidParameter("Specify a value for either 'port' or the 'containerName' and 'containerPort' combination, but not both. Remove one and retry.")
		}
		if r.Port == nil {
			continue
		}
		s, err := servicediscovery.LookupService(c, ref)
		if apierror.CodeOf(err) == servicediscovery.CodeServiceNotFound {
			continue
		}
		if err != nil {
			return err
		}
		srv := false
		if s.DnsConfig != nil {
			for _, rec := range s.DnsConfig.DnsRecords {
				srv = srv || rec.Type == "SRV"
			}
		}
		if !srv {
			return errInvalidParameter("A port was provided but is not required by the specified service registry")
		}
	}
	return nil
}
