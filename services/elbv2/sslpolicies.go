package elbv2

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
)

// Cipher suites of the predefined security policies, in AWS's priority order.
var (
	tls13Ciphers     = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}
	tls13FIPSCiphers = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}
	ecdheGCM         = []string{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"}
	ecdheSHA2        = []string{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256",
		"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384"}
	ecdheAll = []string{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256",
		"ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
		"ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA"}
	rsaSHA2    = []string{"AES128-GCM-SHA256", "AES128-SHA256", "AES256-GCM-SHA384", "AES256-SHA256"}
	rsaAll     = []string{"AES128-GCM-SHA256", "AES128-SHA256", "AES128-SHA", "AES256-GCM-SHA384", "AES256-SHA256", "AES256-SHA"}
	classic    = concat(ecdheAll, rsaAll)
	tls12Ext   = []string{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA", "AES128-GCM-SHA256", "AES128-SHA256", "AES128-SHA", "AES256-GCM-SHA384", "AES256-SHA256", "AES256-SHA"}
	tls1to12   = []string{"TLSv1", "TLSv1.1", "TLSv1.2"}
	tls11to12  = []string{"TLSv1.1", "TLSv1.2"}
	tls12      = []string{"TLSv1.2"}
	tls12to13  = []string{"TLSv1.2", "TLSv1.3"}
	tls11to13  = []string{"TLSv1.1", "TLSv1.2", "TLSv1.3"}
	tls10to13  = []string{"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}
	tls13      = []string{"TLSv1.3"}
	bothTypes  = []string{"application", "network"}
	fipsCommon = concat(tls13FIPSCiphers, ecdheSHA2)
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// sslPolicy is one predefined security policy.
type sslPolicy struct {
	name      string
	protocols []string
	ciphers   []string
}

// sslPolicies is the catalogue of predefined security policies.
var sslPolicies = []sslPolicy{
	{"ELBSecurityPolicy-TLS13-1-2-2021-06", tls12to13, concat(tls13Ciphers, ecdheSHA2)},
	{"ELBSecurityPolicy-TLS13-1-2-Res-2021-06", tls12to13, concat(tls13Ciphers, ecdheGCM)},
	{"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", tls12to13, concat(tls13Ciphers, ecdheSHA2, rsaSHA2)},
	{"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", tls12to13, concat(tls13Ciphers, classic)},
	{"ELBSecurityPolicy-TLS13-1-1-2021-06", tls11to13, concat(tls13Ciphers, classic)},
	{"ELBSecurityPolicy-TLS13-1-0-2021-06", tls10to13, concat(tls13Ciphers, classic)},
	{"ELBSecurityPolicy-TLS13-1-3-2021-06", tls13, tls13Ciphers},
	{"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", tls13, tls13FIPSCiphers},
	{"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", tls12to13, concat(tls13FIPSCiphers, ecdheGCM)},
	{"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", tls12to13, fipsCommon},
	{"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", tls12to13, concat(fipsCommon, []string{"ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA"})},
	{"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04", tls12to13, concat(fipsCommon, rsaSHA2)},
	{"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", tls12to13, concat(tls13FIPSCiphers, classic)},
	{"ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", tls11to13, concat(tls13FIPSCiphers, classic)},
	{"ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", tls10to13, concat(tls13FIPSCiphers, classic)},
	{"ELBSecurityPolicy-2016-08", tls1to12, classic},
	{"ELBSecurityPolicy-TLS-1-0-2015-04", tls1to12, concat(classic, []string{"DES-CBC3-SHA"})},
	{"ELBSecurityPolicy-TLS-1-1-2017-01", tls11to12, classic},
	{"ELBSecurityPolicy-TLS-1-2-2017-01", tls12, concat(ecdheSHA2, rsaSHA2)},
	{"ELBSecurityPolicy-TLS-1-2-Ext-2018-06", tls12, tls12Ext},
	{"ELBSecurityPolicy-FS-2018-06", tls1to12, ecdheAll},
	{"ELBSecurityPolicy-FS-1-1-2019-08", tls11to12, ecdheAll},
	{"ELBSecurityPolicy-FS-1-2-2019-08", tls12, ecdheAll},
	{"ELBSecurityPolicy-FS-1-2-Res-2019-08", tls12, ecdheSHA2},
	{"ELBSecurityPolicy-FS-1-2-Res-2020-10", tls12, ecdheGCM},
	{"ELBSecurityPolicy-2015-05", tls1to12, classic},
}

func (p sslPolicy) sdk() types.SslPolicy {
	out := types.SslPolicy{Name: aws.String(p.name), SslProtocols: p.protocols, SupportedLoadBalancerTypes: bothTypes}
	for i, c := range p.ciphers {
		out.Ciphers = append(out.Ciphers, types.Cipher{Name: aws.String(c), Priority: aws.Int32(int32(i + 1))})
	}
	return out
}

func findSSLPolicy(name string) (sslPolicy, bool) {
	for _, p := range sslPolicies {
		if p.name == name {
			return p, true
		}
	}
	return sslPolicy{}, false
}

// checkSSLPolicy fails unless name is a policy that load balancers of type t support.
func checkSSLPolicy(name string, t types.LoadBalancerTypeEnum) error {
	if _, ok := findSSLPolicy(name); !ok || !slices.Contains(bothTypes, string(t)) {
		return errSSLPolicyNotFound([]string{name})
	}
	return nil
}

func (h *handlers) describeSSLPolicies(c *api.Context, in *elb.DescribeSSLPoliciesInput) (*elb.DescribeSSLPoliciesOutput, error) {
	if t := in.LoadBalancerType; t != "" && !slices.Contains(bothTypes, string(t)) {
		return &elb.DescribeSSLPoliciesOutput{SslPolicies: []types.SslPolicy{}}, nil
	}
	var found []types.SslPolicy
	if len(in.Names) > 0 {
		var missing []string
		for _, n := range in.Names {
			p, ok := findSSLPolicy(n)
			if !ok {
				missing = append(missing, n)
				continue
			}
			found = append(found, p.sdk())
		}
		if len(missing) > 0 {
			return nil, errSSLPolicyNotFound(missing)
		}
	} else {
		for _, p := range sslPolicies {
			found = append(found, p.sdk())
		}
	}
	pg, next, err := api.PaginateSlice(found, markerPaging(c, string(in.LoadBalancerType)+"|"+strings.Join(in.Names, ","), in.Marker, in.PageSize), nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeSSLPoliciesOutput{SslPolicies: pg, NextMarker: next}, nil
}
