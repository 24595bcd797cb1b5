package elbv2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// partition is the ARN partition of a region.
func partition(region string) string { return api.Partition(region) }

func arnBase(sc store.Scope) string {
	return "arn:" + partition(sc.Region) + ":elasticloadbalancing:" + sc.Region + ":" + sc.Account + ":"
}

// lbTypeSegment is the ARN segment naming a load balancer's type.
func lbTypeSegment(t types.LoadBalancerTypeEnum) string {
	switch t {
	case types.LoadBalancerTypeEnumNetwork:
		return "net"
	case types.LoadBalancerTypeEnumGateway:
		return "gwy"
	}
	return "app"
}

// newID is the 16-hex-digit id at the end of every ELBv2 ARN.
func newID() string { return api.HexID(16) }

func newLoadBalancerArn(sc store.Scope, t types.LoadBalancerTypeEnum, name string) string {
	return arnBase(sc) + "loadbalancer/" + lbTypeSegment(t) + "/" + name + "/" + newID()
}

func newTargetGroupArn(sc store.Scope, name string) string {
	return arnBase(sc) + "targetgroup/" + name + "/" + newID()
}

// newListenerArn is listener/app/NAME/LBID/ID under the load balancer's ARN.
func newListenerArn(lbArn string) string {
	return strings.Replace(lbArn, ":loadbalancer/", ":listener/", 1) + "/" + newID()
}

// newRuleArn is listener-rule/app/NAME/LBID/LISTENERID/ID under the listener's ARN.
func newRuleArn(listenerArn string) string {
	return strings.Replace(listenerArn, ":listener/", ":listener-rule/", 1) + "/" + newID()
}

func newTrustStoreArn(sc store.Scope, name string) string {
	return arnBase(sc) + "truststore/" + name + "/" + newID()
}

// resourceKind is the resource type of an ELBv2 ARN ("loadbalancer",
// "targetgroup", "listener", "listener-rule", "truststore"), or "".
func resourceKind(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "elasticloadbalancing" {
		return ""
	}
	kind, _, _ := strings.Cut(parts[5], "/")
	return kind
}

// lbIDOf is the last segment of a load balancer ARN.
func lastSegment(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
