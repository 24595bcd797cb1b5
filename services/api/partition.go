package api

import "strings"

// partitions lists AWS's partitions other than "aws": the region prefix that
// places a region in it, its name in ARNs and its DNS suffix (botocore's
// endpoints.json and the AWS SDKs' partitions.json).
var partitions = []struct{ prefix, name, dns string }{
	{"cn-", "aws-cn", "amazonaws.com.cn"},
	{"us-gov-", "aws-us-gov", "amazonaws.com"},
	{"us-isob-", "aws-iso-b", "sc2s.sgov.gov"},
	{"us-iso-", "aws-iso", "c2s.ic.gov"},
	{"eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"},
	{"us-isof-", "aws-iso-f", "csp.hci.ic.gov"},
}

// Partition is the ARN partition of a region: aws-cn for the China regions,
// aws-us-gov for GovCloud, aws-iso and aws-iso-b (and -e, -f) for the
// isolated regions, aws elsewhere.
func Partition(region string) string {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.name
		}
	}
	return "aws"
}

// DNSSuffix is the DNS suffix of a region's endpoints and load balancers:
// amazonaws.com, amazonaws.com.cn in China, c2s.ic.gov and sc2s.sgov.gov in
// the ISO regions.
func DNSSuffix(region string) string {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.dns
		}
	}
	return "amazonaws.com"
}

// Partition is the ARN partition of the request's region.
func (c *Context) Partition() string { return Partition(c.Region) }

// ARNPrefix is "arn:PARTITION:" for the request's region.
func (c *Context) ARNPrefix() string { return "arn:" + c.Partition() + ":" }

// InPartition rewrites an ARN's partition: a principal's ARN, made without a
// region, takes the partition of the request that names it.
func InPartition(arn, partition string) string {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return arn
	}
	p, tail, ok := strings.Cut(rest, ":")
	if !ok || p == partition {
		return arn
	}
	return "arn:" + partition + ":" + tail
}

// HasDNSSuffix reports whether a host name ends in the DNS suffix of some
// partition ("….elb.amazonaws.com.cn", "….elb.c2s.ic.gov").
func HasDNSSuffix(host string) bool {
	if strings.HasSuffix(host, ".amazonaws.com") {
		return true
	}
	for _, p := range partitions {
		if strings.HasSuffix(host, "."+p.dns) {
			return true
		}
	}
	return false
}
