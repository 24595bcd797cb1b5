package elbv2

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// defaultSSLPolicy is the security policy of HTTPS and TLS listeners created without one through the API.
const defaultSSLPolicy = "ELBSecurityPolicy-2016-08"

var (
	certificateArnRE = regexp.MustCompile(`^arn:aws[a-z-]*:(?:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+|iam::\d{12}:server-certificate/.+)$`)
	alpnPolicies     = []string{"HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred", "None"}
)

// listenerProtocols are the protocols each load balancer type listens on.
var listenerProtocols = map[types.LoadBalancerTypeEnum][]types.ProtocolEnum{
	types.LoadBalancerTypeEnumApplication: {types.ProtocolEnumHttp, types.ProtocolEnumHttps},
	types.LoadBalancerTypeEnumNetwork: {types.ProtocolEnumTcp, types.ProtocolEnumTls, types.ProtocolEnumUdp, types.ProtocolEnumTcpUdp,
		types.ProtocolEnumQuic, types.ProtocolEnumTcpQuic},
}

// listenerProtocolsListed is how ELB lists a type's listener protocols when
// it refuses another: "Listener protocol 'TCP' must be one of 'HTTPS, HTTP'"
// (an application load balancer, hashicorp/terraform#18126) and "Listener
// protocol 'HTTP' must be one of 'TLS, TCP, TCP_UDP, UDP'" (a network load
// balancer, pulumi/pulumi-aws#1193); QUIC and TCP_QUIC, added since, follow.
var listenerProtocolsListed = map[types.LoadBalancerTypeEnum]string{
	types.LoadBalancerTypeEnumApplication: "HTTPS, HTTP",
	types.LoadBalancerTypeEnumNetwork:     "TLS, TCP, TCP_UDP, UDP, QUIC, TCP_QUIC",
}

func secure(p types.ProtocolEnum) bool {
	return p == types.ProtocolEnumHttps || p == types.ProtocolEnumTls
}

func (h *handlers) registerListeners(s *api.Service) {
	api.Handle(s, "CreateListener", h.createListener)
	api.Handle(s, "DescribeListeners", h.describeListeners)
	api.Handle(s, "ModifyListener", h.modifyListener)
	api.Handle(s, "DeleteListener", h.deleteListener)
	api.Handle(s, "AddListenerCertificates", h.addListenerCertificates)
	api.Handle(s, "RemoveListenerCertificates", h.removeListenerCertificates)
	api.Handle(s, "DescribeListenerCertificates", h.describeListenerCertificates)
}

// listenerSettings are what CreateListener and ModifyListener share.
type listenerSettings struct {
	Protocol     types.ProtocolEnum
	Port         *int32
	Certificates []types.Certificate
	SslPolicy    *string
	AlpnPolicy   []string
	Mutual       *types.MutualAuthenticationAttributes
}

func validateCertificate(cert types.Certificate) error {
	arn := aws.ToString(cert.CertificateArn)
	if !certificateArnRE.MatchString(arn) {
		return errCertificateNotFound(arn)
	}
	return nil
}

// applyListenerSettings validates settings for a listener of lb and writes them into l.
func applyListenerSettings(c *api.Context, lb *loadBalancer, l *listener, s listenerSettings, creating bool) error {
	t := lb.LB.Type
	if t == types.LoadBalancerTypeEnumGateway {
		if s.Protocol != "" || s.Port != nil {
			return errValidation("Protocol and port cannot be specified for listeners of Gateway Load Balancers")
		}
	} else {
		if creating && s.Protocol == "" {
			return errValidation("A listener protocol must be specified")
		}
		if creating && s.Port == nil {
			return errValidation("A listener port must be specified")
		}
		if s.Protocol != "" {
			if !slices.Contains(listenerProtocols[t], s.Protocol) {
				return errValidation("Listener protocol '%s' must be one of '%s'", s.Protocol, listenerProtocolsListed[t])
			}
			udpLike := slices.Contains([]types.ProtocolEnum{types.ProtocolEnumUdp, types.ProtocolEnumTcpUdp, types.ProtocolEnumQuic, types.ProtocolEnumTcpQuic}, s.Protocol)
			if udpLike && lb.LB.IpAddressType == types.IpAddressTypeDualstack && lb.LB.EnablePrefixForIpv6SourceNat != types.EnablePrefixForIpv6SourceNatEnumOn {
				return errUnsupportedProtocol("Protocol '%s' is not supported for dual-stack load balancers without prefixes for IPv6 source NAT", s.Protocol)
			}
			l.L.Protocol = s.Protocol
		}
		if s.Port != nil {
			l.L.Port = s.Port
		}
	}
	p := l.L.Protocol
	if len(s.Certificates) > 0 {
		if !secure(p) {
			return errValidation("A certificate cannot be specified for %s listeners.", p)
		}
		if len(s.Certificates) > 1 {
			return errValidation("You can specify only one default certificate for a listener")
		}
		if err := validateCertificate(s.Certificates[0]); err != nil {
			return err
		}
		l.L.Certificates = []types.Certificate{{CertificateArn: s.Certificates[0].CertificateArn}}
	}
	if s.SslPolicy != nil {
		if !secure(p) {
			return errValidation("An SSL policy cannot be specified for %s listeners.", p)
		}
		if err := checkSSLPolicy(*s.SslPolicy, t); err != nil {
			return err
		}
		l.L.SslPolicy = s.SslPolicy
	}
	if len(s.AlpnPolicy) > 0 {
		if p != types.ProtocolEnumTls {
			return errValidation("An ALPN policy can only be specified for TLS listeners")
		}
		if len(s.AlpnPolicy) > 1 || !slices.Contains(alpnPolicies, s.AlpnPolicy[0]) {
			return apiErr("ALPNPolicyNotFound", "ALPN policy '%s' not found", s.AlpnPolicy[0])
		}
		l.L.AlpnPolicy = s.AlpnPolicy
	}
	if s.Mutual != nil {
		if p != types.ProtocolEnumHttps {
			return errValidation("Mutual authentication can only be configured for HTTPS listeners")
		}
		m, err := normalizeMutual(c, s.Mutual)
		if err != nil {
			return err
		}
		l.L.MutualAuthentication = m
	}
	if secure(p) {
		if len(l.L.Certificates) == 0 {
			return errValidation("A certificate must be specified for %s listeners", p)
		}
		if l.L.SslPolicy == nil {
			l.L.SslPolicy = aws.String(defaultSSLPolicy)
		}
		if p == types.ProtocolEnumHttps && l.L.MutualAuthentication == nil {
			l.L.MutualAuthentication = &types.MutualAuthenticationAttributes{Mode: aws.String("off")}
		}
	} else {
		l.L.Certificates, l.Certificates, l.L.SslPolicy, l.L.MutualAuthentication = nil, nil, nil, nil
	}
	if p != types.ProtocolEnumTls {
		l.L.AlpnPolicy = nil
	}
	return nil
}

func normalizeMutual(c *api.Context, in *types.MutualAuthenticationAttributes) (*types.MutualAuthenticationAttributes, error) {
	m := *in
	mode := aws.ToString(m.Mode)
	switch mode {
	case "off", "passthrough":
		return &types.MutualAuthenticationAttributes{Mode: aws.String(mode)}, nil
	case "verify":
	default:
		return nil, errValidation("Mutual authentication mode '%s' is not valid: use off, passthrough or verify", mode)
	}
	arn := aws.ToString(m.TrustStoreArn)
	if arn == "" {
		return nil, errValidation("A trust store must be specified for mutual authentication in verify mode")
	}
	ts, err := trustStores.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		return nil, errTrustStoreNotFound()
	}
	if ts.TS.Status != types.TrustStoreStatusActive {
		return nil, apiErr("TrustStoreNotReady", "Trust store '%s' is not ready", arn)
	}
	if m.IgnoreClientCertificateExpiry == nil {
		m.IgnoreClientCertificateExpiry = aws.Bool(false)
	}
	if m.AdvertiseTrustStoreCaNames == "" {
		m.AdvertiseTrustStoreCaNames = types.AdvertiseTrustStoreCaNamesEnumOff
	}
	m.TrustStoreAssociationStatus = types.TrustStoreAssociationStatusEnumActive
	return &m, nil
}

// sameListener finds a listener of the load balancer with the same port and settings as l.
func sameListener(c *api.Context, l *listener) (*types.Listener, error) {
	items, err := listeners.List(c.Tx, c.Scope(), store.Query{Parent: *l.L.LoadBalancerArn})
	if err != nil {
		return nil, err
	}
	want := l.L
	for _, it := range items {
		have := it.Doc.L
		want.ListenerArn = have.ListenerArn
		a, _ := json.Marshal(have)
		b, _ := json.Marshal(want)
		if bytes.Equal(a, b) {
			return &have, nil
		}
	}
	return nil, nil
}

// checkPortFree fails when another listener of the load balancer uses port.
func checkPortFree(c *api.Context, lbArn string, port *int32, self string) error {
	if port == nil {
		return nil
	}
	ls, err := listeners.List(c.Tx, c.Scope(), store.Query{Parent: lbArn})
	if err != nil {
		return err
	}
	for _, it := range ls {
		if it.ID != self && aws.ToInt32(it.Doc.L.Port) == *port {
			return errDuplicateListener(lbArn)
		}
	}
	return nil
}

func (h *handlers) createListener(c *api.Context, in *elb.CreateListenerInput) (*elb.CreateListenerOutput, error) {
	lbArn := aws.ToString(in.LoadBalancerArn)
	lb, err := getLoadBalancer(c, lbArn)
	if err != nil {
		return nil, err
	}
	l := &listener{L: types.Listener{LoadBalancerArn: aws.String(lbArn)}}
	err = applyListenerSettings(c, lb, l, listenerSettings{Protocol: in.Protocol, Port: in.Port, Certificates: in.Certificates,
		SslPolicy: in.SslPolicy, AlpnPolicy: in.AlpnPolicy, Mutual: in.MutualAuthentication}, true)
	if err != nil {
		return nil, err
	}
	actions, err := normalizeActions(c, actionContext{lb: lb, protocol: l.L.Protocol}, in.DefaultActions)
	if err != nil {
		return nil, err
	}
	l.L.DefaultActions = actions
	// The same request again returns the listener it created, as AWS does.
	if same, err := sameListener(c, l); err != nil || same != nil {
		if err != nil {
			return nil, err
		}
		return &elb.CreateListenerOutput{Listeners: []types.Listener{*same}}, nil
	}
	if lb.LB.Type == types.LoadBalancerTypeEnumGateway {
		found, err := listeners.Exists(c.Tx, c.Scope(), store.Query{Parent: lbArn})
		if err != nil {
			return nil, err
		}
		if found {
			return nil, errDuplicateListener(lbArn)
		}
	}
	if err := checkPortFree(c, lbArn, l.L.Port, ""); err != nil {
		return nil, err
	}
	n, err := listeners.Count(c.Tx, c.Scope(), store.Query{Parent: lbArn})
	if err != nil {
		return nil, err
	}
	if limit := quota("listeners-per-application-load-balancer"); n >= limit {
		return nil, apiErr("TooManyListeners", "You've reached the limit on the number of listeners per load balancer (%d)", limit)
	}
	if err := validateNewTags(in.Tags); err != nil {
		return nil, err
	}
	sc := c.Scope()
	l.L.ListenerArn = aws.String(newListenerArn(lbArn))
	l.Attributes = defaults(listenerAttrSpecs(l.L.Protocol))
	def := &rule{
		R: types.Rule{RuleArn: aws.String(newRuleArn(*l.L.ListenerArn)), Priority: aws.String("default"), IsDefault: aws.Bool(true),
			Conditions: []types.RuleCondition{}, Actions: actions},
		ListenerArn: *l.L.ListenerArn, LoadBalancerArn: lbArn,
	}
	l.DefaultRuleArn = *def.R.RuleArn
	if err := putListener(c.Tx, sc, l); err != nil {
		return nil, err
	}
	if err := putRule(c.Tx, sc, def); err != nil {
		return nil, err
	}
	if err := putTags(c.Tx, sc, *l.L.ListenerArn, in.Tags); err != nil {
		return nil, err
	}
	if err := syncTargetGroupUse(c.Tx, sc, c.Now()); err != nil {
		return nil, err
	}
	return &elb.CreateListenerOutput{Listeners: []types.Listener{l.L}}, nil
}

func (h *handlers) describeListeners(c *api.Context, in *elb.DescribeListenersInput) (*elb.DescribeListenersOutput, error) {
	p := markerPaging(c, aws.ToString(in.LoadBalancerArn), in.Marker, in.PageSize)
	var found []types.Listener
	switch {
	case len(in.ListenerArns) > 0:
		for _, arn := range in.ListenerArns {
			l, err := getListener(c, arn)
			if err != nil {
				return nil, err
			}
			if in.LoadBalancerArn != nil && *in.LoadBalancerArn != *l.L.LoadBalancerArn {
				return nil, errListenerNotFound()
			}
			found = append(found, l.L)
		}
	case in.LoadBalancerArn != nil:
		if _, err := getLoadBalancer(c, *in.LoadBalancerArn); err != nil {
			return nil, err
		}
		// A page reads only itself, from the marker's position.
		pg, next, err := api.Paginate(c.Tx, c.Scope(), listeners, store.Query{Parent: *in.LoadBalancerArn}, p, nil)
		if err != nil {
			return nil, err
		}
		out := &elb.DescribeListenersOutput{Listeners: make([]types.Listener, len(pg)), NextMarker: next}
		for i, l := range pg {
			out.Listeners[i] = l.L
		}
		return out, nil
	default:
		return nil, errValidation("You must specify either listener ARNs or a load balancer ARN")
	}
	pg, next, err := api.PaginateSlice(found, p, nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeListenersOutput{Listeners: pg, NextMarker: next}, nil
}

func (h *handlers) modifyListener(c *api.Context, in *elb.ModifyListenerInput) (*elb.ModifyListenerOutput, error) {
	l, err := getListener(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	lb, err := getLoadBalancer(c, *l.L.LoadBalancerArn)
	if err != nil {
		return nil, err
	}
	oldProtocol := l.L.Protocol
	err = applyListenerSettings(c, lb, l, listenerSettings{Protocol: in.Protocol, Port: in.Port, Certificates: in.Certificates,
		SslPolicy: in.SslPolicy, AlpnPolicy: in.AlpnPolicy, Mutual: in.MutualAuthentication}, false)
	if err != nil {
		return nil, err
	}
	if err := checkPortFree(c, *lb.LB.LoadBalancerArn, in.Port, *l.L.ListenerArn); err != nil {
		var ae *apierror.Error
		if errors.As(err, &ae) && ae.Code == "DuplicateListener" {
			// AWS words a port conflict on modification as a validation error.
			return nil, errValidation("Listener port '%d' is already in use", *in.Port)
		}
		return nil, err
	}
	actions := l.L.DefaultActions
	if in.DefaultActions != nil {
		actions = in.DefaultActions
	}
	actions, err = normalizeActions(c, actionContext{lb: lb, protocol: l.L.Protocol, stored: in.DefaultActions == nil}, actions)
	if err != nil {
		return nil, err
	}
	l.L.DefaultActions = actions
	if l.L.Protocol != oldProtocol {
		l.Attributes = defaults(listenerAttrSpecs(l.L.Protocol))
	}
	sc := c.Scope()
	def, err := getRule(c, l.DefaultRuleArn)
	if err != nil {
		return nil, err
	}
	def.R.Actions = actions
	if err := putRule(c.Tx, sc, def); err != nil {
		return nil, err
	}
	if err := putListener(c.Tx, sc, l); err != nil {
		return nil, err
	}
	if err := syncTargetGroupUse(c.Tx, sc, c.Now()); err != nil {
		return nil, err
	}
	return &elb.ModifyListenerOutput{Listeners: []types.Listener{l.L}}, nil
}

// removeListener deletes a listener with its rules and their tags.
func removeListener(c *api.Context, l *listener) error {
	sc := c.Scope()
	rs, err := rules.List(c.Tx, sc, store.Query{Parent: *l.L.ListenerArn})
	if err != nil {
		return err
	}
	for _, r := range rs {
		if _, err := rules.Delete(c.Tx, sc, r.ID); err != nil {
			return err
		}
		if _, err := tagSets.Delete(c.Tx, sc, r.ID); err != nil {
			return err
		}
	}
	if _, err := listeners.Delete(c.Tx, sc, *l.L.ListenerArn); err != nil {
		return err
	}
	_, err = tagSets.Delete(c.Tx, sc, *l.L.ListenerArn)
	return err
}

func (h *handlers) deleteListener(c *api.Context, in *elb.DeleteListenerInput) (*elb.DeleteListenerOutput, error) {
	l, err := getListener(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	if err := removeListener(c, l); err != nil {
		return nil, err
	}
	if err := syncTargetGroupUse(c.Tx, c.Scope(), c.Now()); err != nil {
		return nil, err
	}
	return &elb.DeleteListenerOutput{}, nil
}

func (h *handlers) addListenerCertificates(c *api.Context, in *elb.AddListenerCertificatesInput) (*elb.AddListenerCertificatesOutput, error) {
	l, err := getListener(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	if !secure(l.L.Protocol) {
		return nil, errValidation("Certificates can only be added to HTTPS and TLS listeners")
	}
	added := []types.Certificate{}
	for _, cert := range in.Certificates {
		if aws.ToBool(cert.IsDefault) {
			return nil, errValidation("You cannot add a default certificate with AddListenerCertificates; use ModifyListener")
		}
		if err := validateCertificate(cert); err != nil {
			return nil, err
		}
		present := false
		for _, have := range l.Certificates {
			present = present || ptrEq(have.CertificateArn, cert.CertificateArn)
		}
		entry := types.Certificate{CertificateArn: cert.CertificateArn, IsDefault: aws.Bool(false)}
		if !present {
			l.Certificates = append(l.Certificates, entry)
		}
		added = append(added, entry)
	}
	if limit := quota("certificates-per-application-load-balancer"); len(l.Certificates) > limit {
		return nil, apiErr("TooManyCertificates", "You've reached the limit on the number of certificates per load balancer (%d)", limit)
	}
	if err := putListener(c.Tx, c.Scope(), l); err != nil {
		return nil, err
	}
	return &elb.AddListenerCertificatesOutput{Certificates: added}, nil
}

func (h *handlers) removeListenerCertificates(c *api.Context, in *elb.RemoveListenerCertificatesInput) (*elb.RemoveListenerCertificatesOutput, error) {
	l, err := getListener(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	for _, cert := range in.Certificates {
		if aws.ToBool(cert.IsDefault) {
			return nil, errOperationNotPermitted("The default certificate cannot be removed from a listener; use ModifyListener to replace it")
		}
		l.Certificates = slices.DeleteFunc(l.Certificates, func(have types.Certificate) bool { return ptrEq(have.CertificateArn, cert.CertificateArn) })
	}
	if err := putListener(c.Tx, c.Scope(), l); err != nil {
		return nil, err
	}
	return &elb.RemoveListenerCertificatesOutput{}, nil
}

func (h *handlers) describeListenerCertificates(c *api.Context, in *elb.DescribeListenerCertificatesInput) (*elb.DescribeListenerCertificatesOutput, error) {
	l, err := getListener(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	// The default certificate comes first; if it is also in the list it appears twice.
	certs := []types.Certificate{}
	for _, d := range l.L.Certificates {
		certs = append(certs, types.Certificate{CertificateArn: d.CertificateArn, IsDefault: aws.Bool(true)})
	}
	certs = append(certs, l.Certificates...)
	pg, next, err := api.PaginateSlice(certs, markerPaging(c, *l.L.ListenerArn, in.Marker, in.PageSize), nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeListenerCertificatesOutput{Certificates: pg, NextMarker: next}, nil
}
