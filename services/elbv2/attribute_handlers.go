package elbv2

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
)

func (h *handlers) registerAttributes(s *api.Service) {
	api.Handle(s, "DescribeLoadBalancerAttributes", h.describeLoadBalancerAttributes)
	api.Handle(s, "ModifyLoadBalancerAttributes", h.modifyLoadBalancerAttributes)
	api.Handle(s, "DescribeTargetGroupAttributes", h.describeTargetGroupAttributes)
	api.Handle(s, "ModifyTargetGroupAttributes", h.modifyTargetGroupAttributes)
	api.Handle(s, "DescribeListenerAttributes", h.describeListenerAttributes)
	api.Handle(s, "ModifyListenerAttributes", h.modifyListenerAttributes)
}

func lbAttributeList(m map[string]string) []types.LoadBalancerAttribute {
	out := []types.LoadBalancerAttribute{}
	for _, k := range sortedKeys(m) {
		out = append(out, types.LoadBalancerAttribute{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func tgAttributeList(m map[string]string) []types.TargetGroupAttribute {
	out := []types.TargetGroupAttribute{}
	for _, k := range sortedKeys(m) {
		out = append(out, types.TargetGroupAttribute{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func listenerAttributeList(m map[string]string) []types.ListenerAttribute {
	out := []types.ListenerAttribute{}
	for _, k := range sortedKeys(m) {
		out = append(out, types.ListenerAttribute{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func (h *handlers) describeLoadBalancerAttributes(c *api.Context, in *elb.DescribeLoadBalancerAttributesInput) (*elb.DescribeLoadBalancerAttributesOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	return &elb.DescribeLoadBalancerAttributesOutput{Attributes: lbAttributeList(lb.Attributes)}, nil
}

func (h *handlers) modifyLoadBalancerAttributes(c *api.Context, in *elb.ModifyLoadBalancerAttributesInput) (*elb.ModifyLoadBalancerAttributesOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	keys, values := make([]*string, len(in.Attributes)), make([]*string, len(in.Attributes))
	for i, a := range in.Attributes {
		keys[i], values[i] = a.Key, a.Value
	}
	attrs, err := applyAttributes("Load balancer", loadBalancerAttrSpecs(lb.LB.Type, lb.LB.Scheme), lb.Attributes, keys, values)
	if err != nil {
		return nil, err
	}
	for _, p := range []string{"access_logs", "connection_logs", "health_check_logs"} {
		if attrs[p+".s3.enabled"] == "true" && attrs[p+".s3.bucket"] == "" {
			return nil, errInvalidConfig("The value of '%s.s3.bucket' cannot be empty when '%s.s3.enabled' is true", p, p)
		}
	}
	lb.Attributes = attrs
	if err := putLoadBalancer(c.Tx, c.Scope(), lb); err != nil {
		return nil, err
	}
	return &elb.ModifyLoadBalancerAttributesOutput{Attributes: lbAttributeList(attrs)}, nil
}

func (h *handlers) describeTargetGroupAttributes(c *api.Context, in *elb.DescribeTargetGroupAttributesInput) (*elb.DescribeTargetGroupAttributesOutput, error) {
	tg, err := getTargetGroup(c, aws.ToString(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	return &elb.DescribeTargetGroupAttributesOutput{Attributes: tgAttributeList(tg.Attributes)}, nil
}

func (h *handlers) modifyTargetGroupAttributes(c *api.Context, in *elb.ModifyTargetGroupAttributesInput) (*elb.ModifyTargetGroupAttributesOutput, error) {
	tg, err := getTargetGroup(c, aws.ToString(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	keys, values := make([]*string, len(in.Attributes)), make([]*string, len(in.Attributes))
	for i, a := range in.Attributes {
		keys[i], values[i] = a.Key, a.Value
	}
	if err := checkStickinessType(&tg.TG, in.Attributes); err != nil {
		return nil, err
	}
	attrs, err := applyAttributes("Target group", targetGroupAttrSpecs(&tg.TG), tg.Attributes, keys, values)
	if err != nil {
		return nil, err
	}
	if attrs["stickiness.enabled"] == "true" && attrs["stickiness.type"] == "app_cookie" && attrs["stickiness.app_cookie.cookie_name"] == "" {
		return nil, errInvalidConfig("The attribute 'stickiness.app_cookie.cookie_name' must be specified when 'stickiness.type' is 'app_cookie'")
	}
	tg.Attributes = attrs
	if err := putTargetGroup(c.Tx, c.Scope(), tg); err != nil {
		return nil, err
	}
	return &elb.ModifyTargetGroupAttributesOutput{Attributes: tgAttributeList(attrs)}, nil
}

func (h *handlers) describeListenerAttributes(c *api.Context, in *elb.DescribeListenerAttributesInput) (*elb.DescribeListenerAttributesOutput, error) {
	l, err := getListener(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	return &elb.DescribeListenerAttributesOutput{Attributes: listenerAttributeList(l.Attributes)}, nil
}

func (h *handlers) modifyListenerAttributes(c *api.Context, in *elb.ModifyListenerAttributesInput) (*elb.ModifyListenerAttributesOutput, error) {
	l, err := getListener(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	keys, values := make([]*string, len(in.Attributes)), make([]*string, len(in.Attributes))
	for i, a := range in.Attributes {
		keys[i], values[i] = a.Key, a.Value
	}
	attrs, err := applyAttributes("Listener", listenerAttrSpecs(l.L.Protocol), l.Attributes, keys, values)
	if err != nil {
		return nil, err
	}
	l.Attributes = attrs
	if err := putListener(c.Tx, c.Scope(), l); err != nil {
		return nil, err
	}
	return &elb.ModifyListenerAttributesOutput{Attributes: listenerAttributeList(attrs)}, nil
}

// stickinessTypes are the stickiness types that Elastic Load Balancing knows.
var stickinessTypes = []string{"lb_cookie", "app_cookie", "source_ip", "source_ip_dest_ip", "source_ip_dest_ip_proto"}

// checkStickinessType refuses a known stickiness type that the target group's
// protocol does not support as AWS does: InvalidConfigurationRequest,
// "Stickiness type 'lb_cookie' is not supported for target groups with the TCP
// protocol". An unknown type stays a ValidationError of applyAttributes.
func checkStickinessType(tg *types.TargetGroup, in []types.TargetGroupAttribute) error {
	spec, ok := targetGroupAttrSpecs(tg)["stickiness.type"]
	if !ok {
		return nil
	}
	for _, a := range in {
		v := aws.ToString(a.Value)
		if aws.ToString(a.Key) == "stickiness.type" && slices.Contains(stickinessTypes, v) && !spec.rule(v) {
			return errInvalidConfig("Stickiness type '%s' is not supported for target groups with the %s protocol", v, tg.Protocol)
		}
	}
	return nil
}
