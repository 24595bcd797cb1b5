package elbv2

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// AWS's per-rule limits on condition values and wildcards.
const (
	maxConditionValues = 5
	maxWildcards       = 5
	// The API reference gives each condition string at most 128 characters
	// and an HTTP header name at most 40 (HostHeaderConditionConfig,
	// PathPatternConditionConfig, HttpHeaderConditionConfig, QueryStringKeyValuePair).
	maxConditionValueLen = 128
	maxHeaderNameLen     = 40
)

var httpMethodRE = regexp.MustCompile(`^[A-Z_-]{1,40}$`)

// normalizeConditions validates rule conditions and returns them as AWS reports them.
func normalizeConditions(in []types.RuleCondition) ([]types.RuleCondition, error) {
	if len(in) == 0 {
		return nil, errValidation("A rule must have at least one condition")
	}
	out := make([]types.RuleCondition, len(in))
	values, wildcards := 0, 0
	seen := map[string]bool{}
	for i, cond := range in {
		field := aws.ToString(cond.Field)
		if seen[field] && field != "http-header" && field != "query-string" {
			return nil, errValidation("A rule can have only one '%s' condition", field)
		}
		seen[field] = true
		var vals []string
		var err error
		switch field {
		case "host-header":
			vals, err = pickValues(field, cond.Values, cond.HostHeaderConfig != nil, func() []string { return cond.HostHeaderConfig.Values })
			if err == nil {
				cond.Values = vals
				cond.HostHeaderConfig = &types.HostHeaderConditionConfig{Values: vals, RegexValues: hostRegex(cond.HostHeaderConfig)}
			}
		case "path-pattern":
			vals, err = pickValues(field, cond.Values, cond.PathPatternConfig != nil, func() []string { return cond.PathPatternConfig.Values })
			if err == nil {
				cond.Values = vals
				cond.PathPatternConfig = &types.PathPatternConditionConfig{Values: vals, RegexValues: pathRegex(cond.PathPatternConfig)}
			}
		case "http-header":
			if cond.HttpHeaderConfig == nil || aws.ToString(cond.HttpHeaderConfig.HttpHeaderName) == "" {
				return nil, errValidation("An http-header condition must have an HttpHeaderConfig with a header name")
			}
			if name := aws.ToString(cond.HttpHeaderConfig.HttpHeaderName); len(name) > maxHeaderNameLen {
				return nil, errValidation("The HTTP header name '%s' exceeds the maximum length of %d characters", name, maxHeaderNameLen)
			}
			vals = cond.HttpHeaderConfig.Values
		case "http-request-method":
			if cond.HttpRequestMethodConfig == nil {
				return nil, errValidation("An http-request-method condition must have an HttpRequestMethodConfig")
			}
			vals = cond.HttpRequestMethodConfig.Values
			for _, m := range vals {
				if !httpMethodRE.MatchString(m) {
					return nil, errValidation("HTTP request method '%s' is not valid", m)
				}
			}
		case "query-string":
			if cond.QueryStringConfig == nil {
				return nil, errValidation("A query-string condition must have a QueryStringConfig")
			}
			for _, kv := range cond.QueryStringConfig.Values {
				if kv.Value == nil {
					return nil, errValidation("Each query-string condition value must have a value")
				}
				for _, part := range []string{aws.ToString(kv.Key), *kv.Value} {
					if len(part) > maxConditionValueLen {
						return nil, errValidation("The query-string condition value '%s' exceeds the maximum length of %d characters", part, maxConditionValueLen)
					}
				}
				vals = append(vals, aws.ToString(kv.Key)+"="+*kv.Value)
			}
		case "source-ip":
			if cond.SourceIpConfig == nil {
				return nil, errValidation("A source-ip condition must have a SourceIpConfig")
			}
			vals = cond.SourceIpConfig.Values
			for _, v := range vals {
				if _, err := netip.ParsePrefix(v); err != nil {
					return nil, errValidation("The source IP address '%s' is not a valid CIDR block", v)
				}
			}
		default:
			return nil, errValidation("Condition field '%s' is not valid: use host-header, path-pattern, http-header, http-request-method, query-string or source-ip", field)
		}
		if err != nil {
			return nil, err
		}
		if len(vals) == 0 && len(cond.RegexValues) == 0 && !hasRegex(cond) {
			return nil, errValidation("A '%s' condition must have at least one value", field)
		}
		if field != "query-string" {
			for _, v := range append(slices.Clone(vals), regexValues(cond)...) {
				if len(v) > maxConditionValueLen {
					return nil, errValidation("The '%s' condition value '%s' exceeds the maximum length of %d characters", field, v, maxConditionValueLen)
				}
			}
		}
		values += len(vals)
		for _, v := range vals {
			wildcards += strings.Count(v, "*") + strings.Count(v, "?")
		}
		out[i] = cond
	}
	if values > maxConditionValues {
		return nil, errValidation("A rule can only have '%d' condition values", maxConditionValues)
	}
	if wildcards > maxWildcards {
		return nil, errValidation("A rule can only have '%d' wildcards", maxWildcards)
	}
	return out, nil
}

// pickValues takes a host-header or path-pattern condition's values from
// either the legacy Values or the condition's config, but not both.
func pickValues(field string, legacy []string, hasConfig bool, config func() []string) ([]string, error) {
	if len(legacy) > 0 && hasConfig && len(config()) > 0 {
		return nil, errValidation("You cannot specify both Values and a %s config for a '%s' condition", field, field)
	}
	if hasConfig {
		return config(), nil
	}
	// The legacy Values field holds a single host name or path pattern
	// (RuleCondition.Values in the API reference); several go in the config.
	if len(legacy) > 1 {
		return nil, errValidation("A '%s' condition can have only one value in the Values field; use %s to specify several", field, configName(field))
	}
	return legacy, nil
}

func configName(field string) string {
	if field == "host-header" {
		return "HostHeaderConfig"
	}
	return "PathPatternConfig"
}

func hostRegex(c *types.HostHeaderConditionConfig) []string {
	if c == nil {
		return nil
	}
	return c.RegexValues
}

func pathRegex(c *types.PathPatternConditionConfig) []string {
	if c == nil {
		return nil
	}
	return c.RegexValues
}

func regexValues(c types.RuleCondition) []string {
	out := slices.Clone(c.RegexValues)
	if c.HostHeaderConfig != nil {
		out = append(out, c.HostHeaderConfig.RegexValues...)
	}
	if c.PathPatternConfig != nil {
		out = append(out, c.PathPatternConfig.RegexValues...)
	}
	if c.HttpHeaderConfig != nil {
		out = append(out, c.HttpHeaderConfig.RegexValues...)
	}
	return out
}

func hasRegex(c types.RuleCondition) bool {
	return (c.HostHeaderConfig != nil && len(c.HostHeaderConfig.RegexValues) > 0) ||
		(c.PathPatternConfig != nil && len(c.PathPatternConfig.RegexValues) > 0) ||
		(c.HttpHeaderConfig != nil && len(c.HttpHeaderConfig.RegexValues) > 0)
}

// validateTransforms checks rule transforms: one of each type, with its config.
func validateTransforms(ts []types.RuleTransform) error {
	seen := map[types.TransformTypeEnum]bool{}
	for _, t := range ts {
		if seen[t.Type] {
			return errValidation("A rule can have only one '%s' transform", t.Type)
		}
		seen[t.Type] = true
		switch t.Type {
		case types.TransformTypeEnumHostHeaderRewrite:
			if t.HostHeaderRewriteConfig == nil {
				return errValidation("A host-header-rewrite transform must have a HostHeaderRewriteConfig")
			}
		case types.TransformTypeEnumUrlRewrite:
			if t.UrlRewriteConfig == nil {
				return errValidation("A url-rewrite transform must have a UrlRewriteConfig")
			}
		default:
			return errValidation("Transform type '%s' is not valid", t.Type)
		}
	}
	return nil
}
