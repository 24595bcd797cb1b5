package dataplane

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
)

// compiledRule is a listener rule ready to match requests: conditions are
// ANDed, the values within one condition ORed.
type compiledRule struct {
	arn     string
	matches []func(*http.Request, netip.Addr) bool
	actions []types.Action
}

func compileRule(r types.Rule) compiledRule {
	cr := compiledRule{arn: aws.ToString(r.RuleArn), actions: r.Actions}
	for _, c := range r.Conditions {
		cr.matches = append(cr.matches, compileCondition(c))
	}
	return cr
}

func (cr compiledRule) match(r *http.Request, client netip.Addr) bool {
	for _, m := range cr.matches {
		if !m(r, client) {
			return false
		}
	}
	return true
}

// requestHost is the Host header without its port.
func requestHost(r *http.Request) string {
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

func compileCondition(c types.RuleCondition) func(*http.Request, netip.Addr) bool {
	never := func(*http.Request, netip.Addr) bool { return false }
	switch aws.ToString(c.Field) {
	case "host-header":
		vals, regex := c.Values, []string(nil)
		if c.HostHeaderConfig != nil {
			vals, regex = c.HostHeaderConfig.Values, c.HostHeaderConfig.RegexValues
		}
		m := anyOf(vals, regex, true)
		return func(r *http.Request, _ netip.Addr) bool { return m(requestHost(r)) }
	case "path-pattern":
		vals, regex := c.Values, []string(nil)
		if c.PathPatternConfig != nil {
			vals, regex = c.PathPatternConfig.Values, c.PathPatternConfig.RegexValues
		}
		m := anyOf(vals, regex, false)
		return func(r *http.Request, _ netip.Addr) bool { return m(r.URL.Path) }
	case "http-header":
		if c.HttpHeaderConfig == nil {
			return never
		}
		name := http.CanonicalHeaderKey(aws.ToString(c.HttpHeaderConfig.HttpHeaderName))
		m := anyOf(c.HttpHeaderConfig.Values, c.HttpHeaderConfig.RegexValues, true)
		return func(r *http.Request, _ netip.Addr) bool {
			for _, v := range r.Header.Values(name) {
				if m(v) {
					return true
				}
			}
			return false
		}
	case "http-request-method":
		if c.HttpRequestMethodConfig == nil {
			return never
		}
		methods := c.HttpRequestMethodConfig.Values
		return func(r *http.Request, _ netip.Addr) bool {
			for _, m := range methods {
				if r.Method == m {
					return true
				}
			}
			return false
		}
	case "query-string":
		if c.QueryStringConfig == nil {
			return never
		}
		type pair struct {
			key   func(string) bool // nil: any key
			value func(string) bool
		}
		var pairs []pair
		for _, kv := range c.QueryStringConfig.Values {
			p := pair{value: globMatcher(aws.ToString(kv.Value), true)}
			if kv.Key != nil {
				p.key = globMatcher(*kv.Key, true)
			}
			pairs = append(pairs, p)
		}
		return func(r *http.Request, _ netip.Addr) bool {
			// The query's pairs are read in place, without a map per request;
			// a malformed query matches nothing, as url.ParseQuery fails on it.
			matched := false
			for kv := range strings.SplitSeq(r.URL.RawQuery, "&") {
				if kv == "" {
					continue
				}
				if strings.Contains(kv, ";") {
					return false
				}
				k, v, _ := strings.Cut(kv, "=")
				k, err1 := url.QueryUnescape(k)
				v, err2 := url.QueryUnescape(v)
				if err1 != nil || err2 != nil {
					return false
				}
				for _, p := range pairs {
					if !matched && (p.key == nil || p.key(k)) && p.value(v) {
						matched = true
					}
				}
			}
			return matched
		}
	case "source-ip":
		if c.SourceIpConfig == nil {
			return never
		}
		var prefixes []netip.Prefix
		for _, v := range c.SourceIpConfig.Values {
			if pf, err := netip.ParsePrefix(v); err == nil {
				prefixes = append(prefixes, pf.Masked())
			}
		}
		return func(_ *http.Request, client netip.Addr) bool {
			client = client.Unmap()
			for _, pf := range prefixes {
				if pf.Contains(client) {
					return true
				}
			}
			return false
		}
	}
	return never
}

// anyOf matches a value against wildcard patterns (* and ?) and regular expressions.
func anyOf(globs, regexes []string, foldCase bool) func(string) bool {
	var ms []func(string) bool
	for _, g := range globs {
		ms = append(ms, globMatcher(g, foldCase))
	}
	for _, r := range regexes {
		if foldCase {
			r = "(?i)" + r
		}
		if re, err := regexp.Compile(r); err == nil {
			ms = append(ms, re.MatchString)
		}
	}
	return func(s string) bool {
		for _, m := range ms {
			if m(s) {
				return true
			}
		}
		return false
	}
}

// globMatcher matches ALB's wildcards: * any run of characters, ? one character.
func globMatcher(pattern string, foldCase bool) func(string) bool {
	if foldCase {
		pattern = strings.ToLower(pattern)
	}
	return func(s string) bool {
		if foldCase {
			s = strings.ToLower(s)
		}
		return api.Glob(pattern, s, false)
	}
}
