package elbv2

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
)

// accountLimits are the quotas DescribeAccountLimits reports, with AWS's defaults.
var accountLimits = []struct {
	name string
	max  int
}{
	{"application-load-balancers", 50},
	{"condition-values-per-alb-rule", 5},
	{"condition-wildcards-per-alb-rule", 5},
	{"gateway-load-balancers", 100},
	{"gateway-load-balancers-per-vpc", 100},
	{"geneve-target-groups", 100},
	{"listeners-per-application-load-balancer", 50},
	{"listeners-per-network-load-balancer", 50},
	{"network-load-balancers", 50},
	{"rules-per-application-load-balancer", 100},
	{"target-groups", 3000},
	{"target-groups-per-action-on-application-load-balancer", 5},
	{"target-groups-per-action-on-network-load-balancer", 1},
	{"target-groups-per-application-load-balancer", 100},
	{"targets-per-application-load-balancer", 1000},
	{"targets-per-availability-zone-per-gateway-load-balancer", 300},
	{"targets-per-availability-zone-per-network-load-balancer", 500},
	{"targets-per-network-load-balancer", 3000},
}

// otherQuotas are default quotas that DescribeAccountLimits does not report.
var otherQuotas = map[string]int{
	"certificates-per-application-load-balancer": 25,
	"trust-stores": 20,
}

// quota is the default value of a named quota.
func quota(name string) int {
	for _, l := range accountLimits {
		if l.name == name {
			return l.max
		}
	}
	if n, ok := otherQuotas[name]; ok {
		return n
	}
	// Every caller names a quota of the table; an unknown name limits nothing.
	return 1 << 30
}

func (h *handlers) registerCatalogue(s *api.Service) {
	api.Handle(s, "DescribeSSLPolicies", h.describeSSLPolicies)
	api.Handle(s, "DescribeAccountLimits", h.describeAccountLimits)
}

func (h *handlers) describeAccountLimits(c *api.Context, in *elb.DescribeAccountLimitsInput) (*elb.DescribeAccountLimitsOutput, error) {
	all := make([]types.Limit, len(accountLimits))
	for i, l := range accountLimits {
		all[i] = types.Limit{Name: aws.String(l.name), Max: aws.String(strconv.Itoa(l.max))}
	}
	pg, next, err := api.PaginateSlice(all, markerPaging(c, "", in.Marker, in.PageSize), nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeAccountLimitsOutput{Limits: pg, NextMarker: next}, nil
}
