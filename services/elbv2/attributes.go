package elbv2

import (
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// attrRule checks one attribute value; it returns false for a bad value.
type attrRule func(string) bool

func isBool(v string) bool { return v == "true" || v == "false" }

func anyString(string) bool { return true }

func intRange(lo, hi int) attrRule {
	return func(v string) bool {
		n, err := strconv.Atoi(v)
		return err == nil && n >= lo && n <= hi
	}
}

func oneOf(vals ...string) attrRule {
	return func(v string) bool { return slices.Contains(vals, v) }
}

func offOr(r attrRule) attrRule {
	return func(v string) bool { return v == "off" || r(v) }
}

// attrSpec is an attribute's default and its rule.
type attrSpec struct {
	def  string
	rule attrRule
}

func logAttrs(prefix string, into map[string]attrSpec) {
	into[prefix+".s3.enabled"] = attrSpec{"false", isBool}
	into[prefix+".s3.bucket"] = attrSpec{"", anyString}
	into[prefix+".s3.prefix"] = attrSpec{"", anyString}
}

// loadBalancerAttrSpecs are the attributes of a load balancer type, with AWS's defaults.
func loadBalancerAttrSpecs(t types.LoadBalancerTypeEnum, scheme types.LoadBalancerSchemeEnum) map[string]attrSpec {
	m := map[string]attrSpec{"deletion_protection.enabled": {"false", isBool}}
	switch t {
	case types.LoadBalancerTypeEnumGateway:
		m["load_balancing.cross_zone.enabled"] = attrSpec{"false", isBool}
	case types.LoadBalancerTypeEnumNetwork:
		logAttrs("access_logs", m)
		m["load_balancing.cross_zone.enabled"] = attrSpec{"false", isBool}
		m["dns_record.client_routing_policy"] = attrSpec{"any_availability_zone", oneOf("availability_zone_affinity", "partial_availability_zone_affinity", "any_availability_zone")}
		m["zonal_shift.config.enabled"] = attrSpec{"false", isBool}
		m["ipv6.deny_all_igw_traffic"] = attrSpec{boolString(scheme == types.LoadBalancerSchemeEnumInternal), isBool}
		m["secondary_ips.auto_assigned.per_subnet"] = attrSpec{"0", intRange(0, 7)}
	default:
		logAttrs("access_logs", m)
		logAttrs("connection_logs", m)
		logAttrs("health_check_logs", m)
		m["client_keep_alive.seconds"] = attrSpec{"3600", intRange(60, 604800)}
		m["idle_timeout.timeout_seconds"] = attrSpec{"60", intRange(1, 4000)}
		m["load_balancing.cross_zone.enabled"] = attrSpec{"true", oneOf("true")}
		m["routing.http.desync_mitigation_mode"] = attrSpec{"defensive", oneOf("monitor", "defensive", "strictest")}
		m["routing.http.drop_invalid_header_fields.enabled"] = attrSpec{"false", isBool}
		m["routing.http.preserve_host_header.enabled"] = attrSpec{"false", isBool}
		m["routing.http.x_amzn_tls_version_and_cipher_suite.enabled"] = attrSpec{"false", isBool}
		m["routing.http.xff_client_port.enabled"] = attrSpec{"false", isBool}
		m["routing.http.xff_header_processing.mode"] = attrSpec{"append", oneOf("append", "preserve", "remove")}
		m["routing.http2.enabled"] = attrSpec{"true", isBool}
		m["waf.fail_open.enabled"] = attrSpec{"false", isBool}
		m["zonal_shift.config.enabled"] = attrSpec{"false", isBool}
	}
	return m
}

func healthPolicyAttrs(m map[string]attrSpec) {
	for _, p := range []string{"target_group_health.dns_failover", "target_group_health.unhealthy_state_routing"} {
		m[p+".minimum_healthy_targets.count"] = attrSpec{"1", offOr(intRange(1, 1000000))}
		m[p+".minimum_healthy_targets.percentage"] = attrSpec{"off", offOr(intRange(1, 100))}
	}
}

// targetGroupAttrSpecs are the attributes of a target group, by target type and protocol.
func targetGroupAttrSpecs(tg *types.TargetGroup) map[string]attrSpec {
	m := map[string]attrSpec{}
	if tg.TargetType == types.TargetTypeEnumLambda {
		m["lambda.multi_value_headers.enabled"] = attrSpec{"false", isBool}
		return m
	}
	m["deregistration_delay.timeout_seconds"] = attrSpec{"300", intRange(0, 3600)}
	m["stickiness.enabled"] = attrSpec{"false", isBool}
	m["load_balancing.cross_zone.enabled"] = attrSpec{"use_load_balancer_configuration", oneOf("true", "false", "use_load_balancer_configuration")}
	healthPolicyAttrs(m)
	switch tg.Protocol {
	case types.ProtocolEnumHttp, types.ProtocolEnumHttps:
		m["stickiness.type"] = attrSpec{"lb_cookie", oneOf("lb_cookie", "app_cookie")}
		m["stickiness.lb_cookie.duration_seconds"] = attrSpec{"86400", intRange(1, 604800)}
		m["stickiness.app_cookie.cookie_name"] = attrSpec{"", anyString}
		m["stickiness.app_cookie.duration_seconds"] = attrSpec{"86400", intRange(1, 604800)}
		m["load_balancing.algorithm.type"] = attrSpec{"round_robin", oneOf("round_robin", "least_outstanding_requests", "weighted_random")}
		m["load_balancing.algorithm.anomaly_mitigation"] = attrSpec{"off", oneOf("on", "off")}
		m["slow_start.duration_seconds"] = attrSpec{"0", func(v string) bool { return v == "0" || intRange(30, 900)(v) }}
	case types.ProtocolEnumGeneve:
		m["stickiness.type"] = attrSpec{"source_ip_dest_ip_proto", oneOf("source_ip_dest_ip", "source_ip_dest_ip_proto")}
		m["target_failover.on_deregistration"] = attrSpec{"no_rebalance", oneOf("rebalance", "no_rebalance")}
		m["target_failover.on_unhealthy"] = attrSpec{"no_rebalance", oneOf("rebalance", "no_rebalance")}
	default:
		m["stickiness.type"] = attrSpec{"source_ip", oneOf("source_ip")}
		m["deregistration_delay.connection_termination.enabled"] = attrSpec{"false", isBool}
		// Client IP preservation is on for instance targets and for ip targets over TCP and UDP.
		preserve := tg.TargetType == types.TargetTypeEnumInstance || (tg.TargetType == types.TargetTypeEnumIp && tg.Protocol != types.ProtocolEnumTls)
		m["preserve_client_ip.enabled"] = attrSpec{boolString(preserve), isBool}
		m["proxy_protocol_v2.enabled"] = attrSpec{"false", isBool}
		m["target_health_state.unhealthy.connection_termination.enabled"] = attrSpec{"true", isBool}
		m["target_health_state.unhealthy.draining_interval_seconds"] = attrSpec{"0", intRange(0, 360000)}
	}
	return m
}

// listenerAttrSpecs are the attributes of a listener, by protocol.
func listenerAttrSpecs(p types.ProtocolEnum) map[string]attrSpec {
	m := map[string]attrSpec{}
	switch p {
	case types.ProtocolEnumTcp, "":
		m["tcp.idle_timeout.seconds"] = attrSpec{"350", intRange(60, 6000)}
	case types.ProtocolEnumHttp, types.ProtocolEnumHttps:
		m["routing.http.response.server.enabled"] = attrSpec{"true", isBool}
		for _, h := range []string{"strict_transport_security", "access_control_allow_origin", "access_control_allow_methods",
			"access_control_allow_headers", "access_control_allow_credentials", "access_control_expose_headers",
			"access_control_max_age", "content_security_policy", "x_content_type_options", "x_frame_options"} {
			m["routing.http.response."+h+".header_value"] = attrSpec{"", anyString}
		}
		if p == types.ProtocolEnumHttps {
			for key, def := range map[string]string{
				"x_amzn_mtls_clientcert_serial_number": "X-Amzn-Mtls-Clientcert-Serial-Number",
				"x_amzn_mtls_clientcert_issuer":        "X-Amzn-Mtls-Clientcert-Issuer",
				"x_amzn_mtls_clientcert_subject":       "X-Amzn-Mtls-Clientcert-Subject",
				"x_amzn_mtls_clientcert_validity":      "X-Amzn-Mtls-Clientcert-Validity",
				"x_amzn_mtls_clientcert_leaf":          "X-Amzn-Mtls-Clientcert-Leaf",
				"x_amzn_mtls_clientcert":               "X-Amzn-Mtls-Clientcert",
				"x_amzn_tls_version":                   "X-Amzn-Tls-Version",
				"x_amzn_tls_cipher_suite":              "X-Amzn-Tls-Cipher-Suite",
			} {
				m["routing.http.request."+key+".header_name"] = attrSpec{def, anyString}
			}
		}
	}
	return m
}

func defaults(specs map[string]attrSpec) map[string]string {
	out := make(map[string]string, len(specs))
	for k, s := range specs {
		out[k] = s.def
	}
	return out
}

func defaultLoadBalancerAttributes(t types.LoadBalancerTypeEnum, scheme types.LoadBalancerSchemeEnum) map[string]string {
	return defaults(loadBalancerAttrSpecs(t, scheme))
}

// applyAttributes validates changes against specs and returns the updated set.
// noun names the resource in messages ("Load balancer", "Target group", "Listener").
func applyAttributes(noun string, specs map[string]attrSpec, have map[string]string, keys, values []*string) (map[string]string, error) {
	out := maps.Clone(have)
	if out == nil {
		out = map[string]string{}
	}
	for i := range keys {
		k, v := aws.ToString(keys[i]), aws.ToString(values[i])
		spec, ok := specs[k]
		if !ok {
			return nil, errValidation("%s attribute key '%s' is not recognized", noun, k)
		}
		if !spec.rule(v) {
			return nil, errValidation("%s attribute '%s' value '%s' is not valid", noun, k, v)
		}
		out[k] = v
	}
	for k := range out {
		if _, ok := specs[k]; !ok {
			delete(out, k)
		}
	}
	for k, s := range specs {
		if _, ok := out[k]; !ok {
			out[k] = s.def
		}
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
