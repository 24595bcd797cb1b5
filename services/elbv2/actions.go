package elbv2

import (
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxTargetGroupsPerAction is AWS's limit of target groups in one forward action.
const maxTargetGroupsPerAction = 5

var fixedResponseContentTypes = []string{"text/plain", "text/css", "text/html", "application/javascript", "application/json"}

var terminalActions = []types.ActionTypeEnum{types.ActionTypeEnumForward, types.ActionTypeEnumRedirect, types.ActionTypeEnumFixedResponse}

// forwardTargets lists the target groups that actions forward to.
func forwardTargets(actions []types.Action) []string {
	var out []string
	for _, a := range actions {
		if a.Type != types.ActionTypeEnumForward {
			continue
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				out = append(out, aws.ToString(t.TargetGroupArn))
			}
		} else if a.TargetGroupArn != nil {
			out = append(out, *a.TargetGroupArn)
		}
	}
	return out
}

// compatibleTargetProtocols are the target group protocols each listener protocol can forward to.
var compatibleTargetProtocols = map[types.ProtocolEnum][]types.ProtocolEnum{
	types.ProtocolEnumHttp:    {types.ProtocolEnumHttp, types.ProtocolEnumHttps},
	types.ProtocolEnumHttps:   {types.ProtocolEnumHttp, types.ProtocolEnumHttps},
	types.ProtocolEnumTcp:     {types.ProtocolEnumTcp, types.ProtocolEnumTcpUdp},
	types.ProtocolEnumTls:     {types.ProtocolEnumTcp, types.ProtocolEnumTls},
	types.ProtocolEnumUdp:     {types.ProtocolEnumUdp, types.ProtocolEnumTcpUdp},
	types.ProtocolEnumTcpUdp:  {types.ProtocolEnumTcpUdp},
	types.ProtocolEnumQuic:    {types.ProtocolEnumQuic, types.ProtocolEnumTcpQuic},
	types.ProtocolEnumTcpQuic: {types.ProtocolEnumTcpQuic},
	"":                        {types.ProtocolEnumGeneve},
}

// actionContext is where actions are being set.
type actionContext struct {
	lb       *loadBalancer
	protocol types.ProtocolEnum // the listener's protocol ("" for gateway listeners)
	// stored marks actions read back from the store (secrets already dropped).
	stored bool
}

// normalizeActions validates actions for a listener and returns them as AWS
// stores them: ordered, with forward actions in both their forms, redirect and
// authentication defaults filled in.
func normalizeActions(c *api.Context, ac actionContext, in []types.Action) ([]types.Action, error) {
	return normalizeActionsIn(c.Tx, c.Scope(), ac, in)
}

func normalizeActionsIn(tx *store.Tx, sc store.Scope, ac actionContext, in []types.Action) ([]types.Action, error) {
	if len(in) == 0 {
		return nil, errValidation("At least one action must be specified")
	}
	if len(in) > 5 {
		return nil, apiErr("TooManyActions", "You've reached the limit on the number of actions per rule (5)")
	}
	out := make([]types.Action, len(in))
	seen := map[int32]bool{}
	for i, a := range in {
		if a.Order == nil {
			a.Order = aws.Int32(int32(i + 1))
		}
		if seen[*a.Order] {
			return nil, errValidation("Action order '%d' is used more than once", *a.Order)
		}
		seen[*a.Order] = true
		out[i] = a
	}
	sort.SliceStable(out, func(i, j int) bool { return *out[i].Order < *out[j].Order })
	lbType := ac.lb.LB.Type
	for i := range out {
		a := &out[i]
		last := i == len(out)-1
		if slices.Contains(terminalActions, a.Type) != last {
			return nil, errInvalidAction("The last action must be a forward, redirect or fixed-response action, and only the last action can be one")
		}
		if lbType != types.LoadBalancerTypeEnumApplication && a.Type != types.ActionTypeEnumForward {
			return nil, errInvalidAction("Action type '%s' is not supported by load balancers of type '%s'", a.Type, lbType)
		}
		var err error
		switch a.Type {
		case types.ActionTypeEnumForward:
			err = normalizeForward(tx, sc, ac, a)
		case types.ActionTypeEnumRedirect:
			err = normalizeRedirect(a)
		case types.ActionTypeEnumFixedResponse:
			if a.FixedResponseConfig == nil {
				return nil, errValidation("A fixed-response action must have a FixedResponseConfig")
			}
			// The API reference's FixedResponseActionConfig lists the content
			// types: text/plain, text/css, text/html, application/javascript, application/json.
			if ct := a.FixedResponseConfig.ContentType; ct != nil && !slices.Contains(fixedResponseContentTypes, *ct) {
				return nil, errValidation("Content type '%s' is not valid: use one of '%s'", *ct, strings.Join(fixedResponseContentTypes, ", "))
			}
		case types.ActionTypeEnumAuthenticateOidc, types.ActionTypeEnumAuthenticateCognito, types.ActionTypeEnumJwtValidation:
			err = normalizeAuthenticate(ac, a)
		default:
			err = errValidation("Action type '%s' is not valid", a.Type)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func normalizeForward(tx *store.Tx, sc store.Scope, ac actionContext, a *types.Action) error {
	fc := a.ForwardConfig
	switch {
	case fc == nil && a.TargetGroupArn == nil:
		return errValidation("A forward action must have a target group ARN or a forward configuration")
	case fc == nil:
		fc = &types.ForwardActionConfig{TargetGroups: []types.TargetGroupTuple{{TargetGroupArn: a.TargetGroupArn, Weight: aws.Int32(1)}}}
	case len(fc.TargetGroups) == 0:
		return errValidation("A forward configuration must have at least one target group")
	case a.TargetGroupArn != nil && (len(fc.TargetGroups) != 1 || aws.ToString(fc.TargetGroups[0].TargetGroupArn) != *a.TargetGroupArn):
		return errValidation("You cannot specify a target group ARN and a forward configuration with different target groups")
	}
	limit := maxTargetGroupsPerAction
	if ac.lb.LB.Type != types.LoadBalancerTypeEnumApplication {
		limit = 1
	}
	if len(fc.TargetGroups) > limit {
		return apiErr("TooManyTargetGroups", "You've reached the limit on the number of target groups per action (%d)", limit)
	}
	seen := map[string]bool{}
	var limited []string
	for i := range fc.TargetGroups {
		t := &fc.TargetGroups[i]
		arn := aws.ToString(t.TargetGroupArn)
		if seen[arn] {
			return errValidation("Target group '%s' is specified more than once in the forward configuration", arn)
		}
		seen[arn] = true
		if t.Weight == nil {
			t.Weight = aws.Int32(1)
		}
		tg, err := targetGroups.Get(tx, sc, arn)
		if err != nil {
			return err
		}
		if tg == nil {
			// AWS names the missing group: "TargetGroupNotFound: Target groups
			// 'arn:aws:elasticloadbalancing:...:targetgroup/...' not found".
			return apierror.New("TargetGroupNotFound", "Target groups '%s' not found", arn)
		}
		if err := compatible(ac, tg); err != nil {
			return err
		}
		lbArn := *ac.lb.LB.LoadBalancerArn
		if len(tg.TG.LoadBalancerArns) > 0 && !slices.Contains(tg.TG.LoadBalancerArns, lbArn) {
			limited = append(limited, arn)
		}
	}
	if len(limited) > 0 {
		return errAssociationLimit(limited)
	}
	if err := checkUniqueTargetGroups(tx, sc, *ac.lb.LB.LoadBalancerArn, fc.TargetGroups); err != nil {
		return err
	}
	st := fc.TargetGroupStickinessConfig
	if st == nil {
		st = &types.TargetGroupStickinessConfig{Enabled: aws.Bool(false)}
	}
	if aws.ToBool(st.Enabled) && st.DurationSeconds == nil {
		return errValidation("A stickiness duration must be specified when target group stickiness is enabled")
	}
	fc.TargetGroupStickinessConfig = st
	a.ForwardConfig = fc
	if len(fc.TargetGroups) == 1 {
		a.TargetGroupArn = fc.TargetGroups[0].TargetGroupArn
	} else {
		a.TargetGroupArn = nil
	}
	return nil
}

// checkUniqueTargetGroups enforces AWS's limit of target groups a load balancer forwards to.
func checkUniqueTargetGroups(tx *store.Tx, sc store.Scope, lbArn string, adding []types.TargetGroupTuple) error {
	items, err := rules.List(tx, sc, store.Query{Attr: lbArn})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, it := range items {
		for _, arn := range forwardTargets(it.Doc.R.Actions) {
			used[arn] = true
		}
	}
	for _, t := range adding {
		used[aws.ToString(t.TargetGroupArn)] = true
	}
	if limit := quota("target-groups-per-application-load-balancer"); len(used) > limit {
		return apiErr("TooManyUniqueTargetGroupsPerLoadBalancer", "You've reached the limit on the number of unique target groups per load balancer (%d)", limit)
	}
	return nil
}

// compatible checks that a listener can forward to a target group.
func compatible(ac actionContext, tg *targetGroup) error {
	arn := *tg.TG.TargetGroupArn
	if tg.TG.TargetType == types.TargetTypeEnumLambda {
		if ac.lb.LB.Type != types.LoadBalancerTypeEnumApplication {
			return errIncompatibleProtocols("The listener and the following target groups have incompatible protocols: %s", arn)
		}
		return nil
	}
	if tg.TG.TargetType == types.TargetTypeEnumAlb && ac.lb.LB.Type != types.LoadBalancerTypeEnumNetwork {
		return errInvalidConfig("Target group '%s' with target type 'alb' can only be used with Network Load Balancers", arn)
	}
	if !slices.Contains(compatibleTargetProtocols[ac.protocol], tg.TG.Protocol) {
		return errIncompatibleProtocols("The listener and the following target groups have incompatible protocols: %s", arn)
	}
	return nil
}

func normalizeRedirect(a *types.Action) error {
	rc := a.RedirectConfig
	if rc == nil {
		return errValidation("A redirect action must have a RedirectConfig")
	}
	def := func(p **string, v string) {
		if *p == nil {
			*p = aws.String(v)
		}
	}
	def(&rc.Protocol, "#{protocol}")
	def(&rc.Port, "#{port}")
	def(&rc.Host, "#{host}")
	def(&rc.Path, "/#{path}")
	def(&rc.Query, "#{query}")
	if *rc.Protocol == "#{protocol}" && *rc.Port == "#{port}" && *rc.Host == "#{host}" && *rc.Path == "/#{path}" && *rc.Query == "#{query}" {
		return errInvalidAction("The redirect configuration is not valid because it creates a loop.")
	}
	if p := *rc.Protocol; p != "#{protocol}" && p != "HTTP" && p != "HTTPS" {
		return errValidation("Redirect protocol '%s' is not valid: use HTTP, HTTPS or #{protocol}", p)
	}
	return nil
}

func normalizeAuthenticate(ac actionContext, a *types.Action) error {
	if ac.protocol != types.ProtocolEnumHttps {
		return errInvalidAction("Actions of type '%s' are supported only on HTTPS listeners.", a.Type)
	}
	defaults := func(cookie, scope **string, timeout **int64) {
		if *cookie == nil {
			*cookie = aws.String("AWSELBAuthSessionCookie")
		}
		if *scope == nil {
			*scope = aws.String("openid")
		}
		if *timeout == nil {
			*timeout = aws.Int64(604800)
		}
	}
	switch a.Type {
	case types.ActionTypeEnumAuthenticateOidc:
		o := a.AuthenticateOidcConfig
		if o == nil {
			return errValidation("An authenticate-oidc action must have an AuthenticateOidcConfig")
		}
		if o.ClientSecret == nil && !aws.ToBool(o.UseExistingClientSecret) && !ac.stored {
			return errValidation("A client secret must be specified for authenticate-oidc actions")
		}
		defaults(&o.SessionCookieName, &o.Scope, &o.SessionTimeout)
		if o.OnUnauthenticatedRequest == "" {
			o.OnUnauthenticatedRequest = types.AuthenticateOidcActionConditionalBehaviorEnumAuthenticate
		}
		// AWS never returns the client secret.
		o.ClientSecret, o.UseExistingClientSecret = nil, nil
	case types.ActionTypeEnumAuthenticateCognito:
		o := a.AuthenticateCognitoConfig
		if o == nil {
			return errValidation("An authenticate-cognito action must have an AuthenticateCognitoConfig")
		}
		defaults(&o.SessionCookieName, &o.Scope, &o.SessionTimeout)
		if o.OnUnauthenticatedRequest == "" {
			o.OnUnauthenticatedRequest = types.AuthenticateCognitoActionConditionalBehaviorEnumAuthenticate
		}
	case types.ActionTypeEnumJwtValidation:
		if a.JwtValidationConfig == nil {
			return errValidation("A jwt-validation action must have a JwtValidationConfig")
		}
	}
	return nil
}
