package ecs

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

func describeServices(c *api.Context, in *ecs.DescribeServicesInput) (*ecs.DescribeServicesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Services) == 0 {
		return nil, errInvalid("Services cannot be empty.")
	}
	if len(in.Services) > 10 {
		return nil, errInvalid("Too many services specified. Maximum is 10.")
	}
	withTags := false
	for _, f := range in.Include {
		withTags = withTags || f == types.ServiceFieldTags
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	out := &ecs.DescribeServicesOutput{Services: []types.Service{}, Failures: []types.Failure{}}
	for _, ref := range in.Services {
		arn := ecscore.ServiceARN(c, clusterArn, ref)
		svc, err := ecscore.Services.Get(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, err
		}
		if svc == nil || aws.ToString(svc.ClusterArn) != clusterArn {
			out.Failures = append(out.Failures, missing(missingServiceARN(clusterArn, ref, arn)))
			continue
		}
		if withTags {
			if svc.Tags, err = ResourceTags(c, arn); err != nil {
				return nil, err
			}
		}
		out.Services = append(out.Services, *svc)
	}
	return out, nil
}

func listServices(c *api.Context, in *ecs.ListServicesInput) (*ecs.ListServicesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxResults, 10, 100)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	keep := func(s *types.Service) bool {
		if in.LaunchType != "" && s.LaunchType != in.LaunchType {
			return false
		}
		if in.SchedulingStrategy != "" && s.SchedulingStrategy != in.SchedulingStrategy {
			return false
		}
		if in.ResourceManagementType != "" {
			rmt := s.ResourceManagementType
			if rmt == "" {
				rmt = types.ResourceManagementTypeCustomer
			}
			return rmt == in.ResourceManagementType
		}
		return true
	}
	page, next, err := scanPage(c, ecscore.Services, store.Query{Parent: clusterArn, Status: ecscore.ServiceActive},
		"ecs:ListServices:"+clusterArn, in.NextToken, size, keep)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListServicesOutput{ServiceArns: []string{}, NextToken: next}
	for _, s := range page {
		out.ServiceArns = append(out.ServiceArns, aws.ToString(s.ServiceArn))
	}
	return out, nil
}

// listServicesByNamespace lists the ACTIVE services of the region whose
// Service Connect configuration uses the namespace (by name or ARN).
func listServicesByNamespace(c *api.Context, in *ecs.ListServicesByNamespaceInput) (*ecs.ListServicesByNamespaceOutput, error) {
	size, err := pageSize(in.MaxResults, 10, 100)
	if err != nil {
		return nil, err
	}
	ns := aws.ToString(in.Namespace)
	if ns == "" {
		return nil, errInvalid("Namespace cannot be empty.")
	}
	keep := func(s *types.Service) bool {
		sc := currentSettings(s).ServiceConnect
		return sc != nil && sameNamespace(aws.ToString(sc.Namespace), ns)
	}
	// Services are stored with their namespace's key in Attr: a page reads
	// only the services of that namespace.
	q := store.Query{Status: ecscore.ServiceActive, Attr: ecscore.NamespaceKey(ns)}
	page, next, err := scanPage(c, ecscore.Services, q, "ecs:ListServicesByNamespace:"+ns, in.NextToken, size, keep)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListServicesByNamespaceOutput{ServiceArns: []string{}, NextToken: next}
	for _, s := range page {
		out.ServiceArns = append(out.ServiceArns, aws.ToString(s.ServiceArn))
	}
	return out, nil
}

// sameNamespace compares Cloud Map namespace references: names, ids or ARNs.
func sameNamespace(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	return ecscore.NamespaceKey(a) == ecscore.NamespaceKey(b)
}

// missingServiceARN is the arn of a DescribeServices failure. For a service
// named without an ARN, AWS answers the short form, without the cluster
// ("arn:aws:ecs:eu-central-1:***:service/cyphrspace is MISSING", the real
// failure quoted in aws-actions/amazon-ecs-deploy-task-definition#369 and #312);
// an ARN it echoes in the long form.
func missingServiceARN(clusterArn, ref, long string) string {
	if strings.HasPrefix(ref, "arn:") {
		return long
	}
	i := strings.Index(clusterArn, ":cluster/")
	if i < 0 {
		return long
	}
	return clusterArn[:i] + ":service/" + ref
}
