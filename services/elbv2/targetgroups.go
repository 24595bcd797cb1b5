package elbv2

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

func (h *handlers) registerTargetGroups(s *api.Service) {
	api.Handle(s, "CreateTargetGroup", h.createTargetGroup)
	api.Handle(s, "DescribeTargetGroups", h.describeTargetGroups)
	api.Handle(s, "ModifyTargetGroup", h.modifyTargetGroup)
	api.Handle(s, "DeleteTargetGroup", h.deleteTargetGroup)
}

var (
	tgNameRE    = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$`)
	vpcIDRE     = regexp.MustCompile(`^vpc-[0-9a-zA-Z]+$`)
	httpCodeRE  = regexp.MustCompile(`^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$`)
	grpcCodeRE  = regexp.MustCompile(`^\d{1,2}(?:-\d{1,2})?(?:,\d{1,2}(?:-\d{1,2})?)*$`)
	hcPortRE    = regexp.MustCompile(`^(?:traffic-port|\d{1,5})$`)
	albProtocol = []types.ProtocolEnum{types.ProtocolEnumHttp, types.ProtocolEnumHttps}
)

// healthCheckSettings are the members that CreateTargetGroup and ModifyTargetGroup share.
type healthCheckSettings struct {
	Enabled            *bool
	Interval, Timeout  *int32
	Healthy, Unhealthy *int32
	Path, Port         *string
	Protocol           types.ProtocolEnum
	Matcher            *types.Matcher
}

// applyHealthCheckDefaults fills a new target group's health check with AWS's
// defaults for its target type and protocol, then applies what was asked.
func applyHealthCheckDefaults(tg *types.TargetGroup, hc healthCheckSettings) error {
	proto := tg.Protocol
	switch {
	case tg.TargetType == types.TargetTypeEnumLambda:
		tg.HealthCheckEnabled = aws.Bool(false)
		tg.HealthCheckIntervalSeconds, tg.HealthCheckTimeoutSeconds = aws.Int32(35), aws.Int32(30)
		tg.HealthCheckPath, tg.Matcher = aws.String("/"), &types.Matcher{HttpCode: aws.String("200")}
	case proto == types.ProtocolEnumGeneve:
		tg.HealthCheckProtocol, tg.HealthCheckPort = types.ProtocolEnumTcp, aws.String("80")
		tg.HealthCheckIntervalSeconds, tg.HealthCheckTimeoutSeconds = aws.Int32(10), aws.Int32(5)
	case slices.Contains(albProtocol, proto):
		tg.HealthCheckProtocol = proto
		tg.HealthCheckIntervalSeconds, tg.HealthCheckTimeoutSeconds = aws.Int32(30), aws.Int32(5)
		if aws.ToString(tg.ProtocolVersion) == "GRPC" {
			tg.HealthCheckPath, tg.Matcher = aws.String("/AWS.ALB/healthcheck"), &types.Matcher{GrpcCode: aws.String("12")}
		} else {
			tg.HealthCheckPath, tg.Matcher = aws.String("/"), &types.Matcher{HttpCode: aws.String("200")}
		}
	default:
		tg.HealthCheckProtocol = types.ProtocolEnumTcp
		if tg.TargetType == types.TargetTypeEnumAlb {
			tg.HealthCheckProtocol = types.ProtocolEnumHttp
		}
		tg.HealthCheckIntervalSeconds, tg.HealthCheckTimeoutSeconds = aws.Int32(30), aws.Int32(10)
	}
	if tg.HealthCheckEnabled == nil {
		tg.HealthCheckEnabled = aws.Bool(true)
	}
	// A lambda target group has no health-check port (the AWS CLI's
	// awscli/examples/elbv2/create-target-group.rst, example 2).
	if tg.HealthCheckPort == nil && tg.TargetType != types.TargetTypeEnumLambda {
		tg.HealthCheckPort = aws.String("traffic-port")
	}
	tg.HealthyThresholdCount, tg.UnhealthyThresholdCount = aws.Int32(5), aws.Int32(2)
	if tg.TargetType != types.TargetTypeEnumLambda && hc.Protocol != "" && hc.Protocol != tg.HealthCheckProtocol {
		tg.HealthCheckProtocol = hc.Protocol
		if hc.Timeout == nil {
			tg.HealthCheckTimeoutSeconds = aws.Int32(map[types.ProtocolEnum]int32{types.ProtocolEnumHttp: 6, types.ProtocolEnumHttps: 10}[hc.Protocol])
		}
	}
	return applyHealthCheck(tg, hc)
}

// applyHealthCheck applies health-check changes and validates the result.
func applyHealthCheck(tg *types.TargetGroup, hc healthCheckSettings) error {
	if hc.Protocol != "" {
		tg.HealthCheckProtocol = hc.Protocol
	}
	if hc.Enabled != nil {
		tg.HealthCheckEnabled = hc.Enabled
	}
	if hc.Interval != nil {
		tg.HealthCheckIntervalSeconds = hc.Interval
	}
	if hc.Timeout != nil {
		tg.HealthCheckTimeoutSeconds = hc.Timeout
	}
	if hc.Healthy != nil {
		tg.HealthyThresholdCount = hc.Healthy
	}
	if hc.Unhealthy != nil {
		tg.UnhealthyThresholdCount = hc.Unhealthy
	}
	if hc.Port != nil {
		if !hcPortRE.MatchString(*hc.Port) {
			return errValidation("Health check port '%s' is not valid", *hc.Port)
		}
		if tg.TargetType == types.TargetTypeEnumLambda {
			return errValidation("Health check port cannot be specified for target groups with target type 'lambda'")
		}
		tg.HealthCheckPort = hc.Port
	}
	httpCheck := tg.HealthCheckProtocol == types.ProtocolEnumHttp || tg.HealthCheckProtocol == types.ProtocolEnumHttps || tg.TargetType == types.TargetTypeEnumLambda
	if tg.TargetType != types.TargetTypeEnumLambda {
		switch {
		case slices.Contains(albProtocol, tg.Protocol) && !slices.Contains(albProtocol, tg.HealthCheckProtocol):
			return errValidation("Health check protocol '%s' is not supported for target groups with the %s protocol", tg.HealthCheckProtocol, tg.Protocol)
		case !slices.Contains([]types.ProtocolEnum{types.ProtocolEnumHttp, types.ProtocolEnumHttps, types.ProtocolEnumTcp}, tg.HealthCheckProtocol):
			return errValidation("Health check protocol '%s' is not supported", tg.HealthCheckProtocol)
		}
	}
	if httpCheck {
		if tg.HealthCheckPath == nil {
			tg.HealthCheckPath = aws.String("/")
		}
		if tg.Matcher == nil {
			tg.Matcher = &types.Matcher{HttpCode: aws.String("200-399")}
		}
	} else {
		if hc.Matcher != nil {
			return errInvalidConfig("Custom health check matchers are not supported for health checks for target groups with the %s protocol.", tg.Protocol)
		}
		if hc.Path != nil {
			return errInvalidConfig("Custom health check paths are not supported for health checks for target groups with the %s protocol.", tg.Protocol)
		}
		tg.HealthCheckPath, tg.Matcher = nil, nil
	}
	if hc.Path != nil {
		if !strings.HasPrefix(*hc.Path, "/") {
			return errValidation("Health check path must begin with '/'")
		}
		tg.HealthCheckPath = hc.Path
	}
	if hc.Matcher != nil {
		if err := validateMatcher(tg, hc.Matcher); err != nil {
			return err
		}
		tg.Matcher = hc.Matcher
	}
	// AWS answers ValidationError, "Health check interval must be greater than
	// the timeout."; a TCP health check (of a TCP or TLS target group) may
	// time out after as long as its interval.
	timeout, interval := aws.ToInt32(tg.HealthCheckTimeoutSeconds), aws.ToInt32(tg.HealthCheckIntervalSeconds)
	if timeout > interval || (timeout == interval && tg.HealthCheckProtocol != types.ProtocolEnumTcp) {
		return errValidation("Health check interval must be greater than the timeout.")
	}
	return nil
}

func validateMatcher(tg *types.TargetGroup, m *types.Matcher) error {
	grpc := aws.ToString(tg.ProtocolVersion) == "GRPC"
	switch {
	case m.HttpCode != nil && m.GrpcCode != nil:
		return errValidation("You can specify either an HTTP code or a gRPC code, but not both")
	case m.GrpcCode != nil:
		if !grpc {
			return errValidation("A gRPC code can only be specified for target groups with the GRPC protocol version")
		}
		if !grpcCodeRE.MatchString(*m.GrpcCode) {
			return errValidation("gRPC code '%s' is not valid", *m.GrpcCode)
		}
	case m.HttpCode != nil:
		if grpc {
			return errValidation("An HTTP code cannot be specified for target groups with the GRPC protocol version")
		}
		hi := 499
		if !slices.Contains(albProtocol, tg.Protocol) {
			hi = 599
		}
		if !httpCodeRE.MatchString(*m.HttpCode) || !codesWithin(*m.HttpCode, 200, hi) {
			return errValidation("HTTP code '%s' is not valid: codes must be between 200 and %d", *m.HttpCode, hi)
		}
	default:
		return errValidation("A matcher must have an HTTP code or a gRPC code")
	}
	return nil
}

func codesWithin(spec string, lo, hi int) bool {
	for _, part := range strings.Split(spec, ",") {
		for _, n := range strings.Split(part, "-") {
			v, _ := strconv.Atoi(n)
			if v < lo || v > hi {
				return false
			}
		}
	}
	return true
}

func (h *handlers) createTargetGroup(c *api.Context, in *elb.CreateTargetGroupInput) (*elb.CreateTargetGroupOutput, error) {
	name := aws.ToString(in.Name)
	if !tgNameRE.MatchString(name) {
		return nil, errValidation("Target group name '%s' can have a maximum of 32 characters, can contain only alphanumeric characters and hyphens, and must not begin or end with a hyphen", name)
	}
	tt := in.TargetType
	if tt == "" {
		tt = types.TargetTypeEnumInstance
	}
	tg := types.TargetGroup{TargetGroupName: aws.String(name), TargetType: tt, LoadBalancerArns: []string{}}
	if tt == types.TargetTypeEnumLambda {
		if in.Protocol != "" || in.Port != nil || in.VpcId != nil || in.ProtocolVersion != nil {
			return nil, errValidation("Protocol, port, protocol version and VPC ID cannot be specified for target groups with target type 'lambda'")
		}
		if in.IpAddressType != "" {
			return nil, errValidation("IP address type cannot be specified for target groups with target type 'lambda'")
		}
	} else {
		switch {
		case in.Protocol == "":
			return nil, errValidation("A protocol must be specified")
		case in.Port == nil:
			return nil, errValidation("A port must be specified")
		case in.VpcId == nil:
			return nil, errValidation("A VPC ID must be specified")
		case !vpcIDRE.MatchString(*in.VpcId):
			return nil, errValidation("The VPC ID '%s' is not found", *in.VpcId)
		}
		// The VPC is EC2's; AWS answers an unknown one as a malformed one.
		if _, err := ec2.LookupVpc(c.Tx, c.Account(), c.Region, *in.VpcId); strings.HasPrefix(apierror.CodeOf(err), "InvalidVpcID.") {
			return nil, errValidation("The VPC ID '%s' is not found", *in.VpcId)
		} else if err != nil {
			return nil, err
		}
		if tt == types.TargetTypeEnumAlb && in.Protocol != types.ProtocolEnumTcp {
			return nil, errValidation("Target groups with target type 'alb' support only the TCP protocol")
		}
		if in.Protocol == types.ProtocolEnumGeneve && *in.Port != 6081 {
			return nil, errValidation("Target groups with the GENEVE protocol must use port 6081")
		}
		tg.Protocol, tg.Port, tg.VpcId = in.Protocol, in.Port, in.VpcId
		ipt := in.IpAddressType
		if ipt == "" {
			ipt = types.TargetGroupIpAddressTypeEnumIpv4
		}
		if ipt == types.TargetGroupIpAddressTypeEnumIpv6 && tt != types.TargetTypeEnumIp {
			return nil, errValidation("IPv6 target groups must have target type 'ip'")
		}
		tg.IpAddressType = ipt
		if slices.Contains(albProtocol, in.Protocol) {
			v := aws.ToString(in.ProtocolVersion)
			if v == "" {
				v = "HTTP1"
			}
			if !slices.Contains([]string{"HTTP1", "HTTP2", "GRPC"}, strings.ToUpper(v)) {
				return nil, errValidation("Protocol version '%s' is not valid: use HTTP1, HTTP2 or GRPC", v)
			}
			tg.ProtocolVersion = aws.String(strings.ToUpper(v))
		} else if in.ProtocolVersion != nil {
			return nil, errValidation("A protocol version can only be specified for target groups with the HTTP or HTTPS protocol")
		}
	}
	if in.TargetControlPort != nil {
		tg.TargetControlPort = in.TargetControlPort
	}
	hc := healthCheckSettings{Enabled: in.HealthCheckEnabled, Interval: in.HealthCheckIntervalSeconds, Timeout: in.HealthCheckTimeoutSeconds,
		Healthy: in.HealthyThresholdCount, Unhealthy: in.UnhealthyThresholdCount, Path: in.HealthCheckPath, Port: in.HealthCheckPort,
		Protocol: in.HealthCheckProtocol, Matcher: in.Matcher}
	if err := applyHealthCheckDefaults(&tg, hc); err != nil {
		return nil, err
	}
	if err := validateNewTags(in.Tags); err != nil {
		return nil, err
	}
	sc := c.Scope()
	existing, err := targetGroups.List(c.Tx, sc, store.Query{Name: name})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		have := existing[0].Doc
		if sameTargetGroup(&have.TG, &tg) {
			return &elb.CreateTargetGroupOutput{TargetGroups: []types.TargetGroup{createdView(have.TG)}}, nil
		}
		return nil, errDuplicateTargetGroupName(name)
	}
	n, err := targetGroups.Count(c.Tx, sc, store.Query{})
	if err != nil {
		return nil, err
	}
	if limit := quota("target-groups"); n >= limit {
		return nil, errTooMany("TooManyTargetGroups", "target groups", limit)
	}
	tg.TargetGroupArn = aws.String(newTargetGroupArn(sc, name))
	rec := &targetGroup{TG: tg, Attributes: defaults(targetGroupAttrSpecs(&tg))}
	if err := putTargetGroup(c.Tx, sc, rec); err != nil {
		return nil, err
	}
	if err := putTags(c.Tx, sc, *tg.TargetGroupArn, in.Tags); err != nil {
		return nil, err
	}
	return &elb.CreateTargetGroupOutput{TargetGroups: []types.TargetGroup{createdView(tg)}}, nil
}

// createdView is a target group as CreateTargetGroup answers it: without an
// empty LoadBalancerArns, which DescribeTargetGroups writes (every example of
// the AWS CLI's awscli/examples/elbv2/create-target-group.rst omits it).
func createdView(tg types.TargetGroup) types.TargetGroup {
	if len(tg.LoadBalancerArns) == 0 {
		tg.LoadBalancerArns = nil
	}
	return tg
}

// sameTargetGroup tells whether a create request repeats an existing group's settings.
func sameTargetGroup(a, b *types.TargetGroup) bool {
	return a.TargetType == b.TargetType && a.Protocol == b.Protocol && aws.ToInt32(a.Port) == aws.ToInt32(b.Port) &&
		ptrEq(a.VpcId, b.VpcId) && ptrEq(a.ProtocolVersion, b.ProtocolVersion) && a.HealthCheckProtocol == b.HealthCheckProtocol &&
		ptrEq(a.HealthCheckPath, b.HealthCheckPath) && ptrEq(a.HealthCheckPort, b.HealthCheckPort) &&
		aws.ToInt32(a.HealthCheckIntervalSeconds) == aws.ToInt32(b.HealthCheckIntervalSeconds) &&
		aws.ToInt32(a.HealthCheckTimeoutSeconds) == aws.ToInt32(b.HealthCheckTimeoutSeconds) &&
		aws.ToInt32(a.HealthyThresholdCount) == aws.ToInt32(b.HealthyThresholdCount) &&
		aws.ToInt32(a.UnhealthyThresholdCount) == aws.ToInt32(b.UnhealthyThresholdCount)
}

func (h *handlers) describeTargetGroups(c *api.Context, in *elb.DescribeTargetGroupsInput) (*elb.DescribeTargetGroupsOutput, error) {
	filters := 0
	for _, set := range []bool{in.LoadBalancerArn != nil, len(in.TargetGroupArns) > 0, len(in.Names) > 0} {
		if set {
			filters++
		}
	}
	if filters > 1 {
		return nil, errValidation("Only one of load balancer ARN, target group ARNs, or target group names can be specified")
	}
	sc := c.Scope()
	p := markerPaging(c, aws.ToString(in.LoadBalancerArn)+"|"+strings.Join(in.TargetGroupArns, ",")+"|"+strings.Join(in.Names, ","), in.Marker, in.PageSize)
	if len(in.TargetGroupArns) == 0 && len(in.Names) == 0 {
		var pg []*targetGroup
		var next *string
		var err error
		if lbArn := aws.ToString(in.LoadBalancerArn); lbArn != "" {
			pg, next, err = targetGroupsOf(c, lbArn, p)
		} else {
			// All of them: a page reads only itself, from the marker's position.
			pg, next, err = api.Paginate(c.Tx, sc, targetGroups, store.Query{}, p, nil)
		}
		if err != nil {
			return nil, err
		}
		return &elb.DescribeTargetGroupsOutput{TargetGroups: tgViews(pg), NextMarker: next}, nil
	}
	var found []*targetGroup
	switch {
	case len(in.TargetGroupArns) > 0:
		for _, arn := range in.TargetGroupArns {
			tg, err := getTargetGroup(c, arn)
			if err != nil {
				return nil, err
			}
			found = append(found, tg)
		}
	case len(in.Names) > 0:
		var missing []string
		for _, name := range in.Names {
			items, err := targetGroups.List(c.Tx, sc, store.Query{Name: name})
			if err != nil {
				return nil, err
			}
			if len(items) == 0 {
				missing = append(missing, name)
				continue
			}
			found = append(found, items[0].Doc)
		}
		if len(missing) > 0 {
			return nil, errTargetGroupNamesNotFound(missing)
		}
	}
	// Named ones (at most 20) are paged in the order asked.
	pg, next, err := api.PaginateSlice(found, p, nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeTargetGroupsOutput{TargetGroups: tgViews(pg), NextMarker: next}, nil
}

// targetGroupsOf pages the target groups a load balancer forwards to, in
// creation order. They are found from its rules (a quota's worth), not by
// reading every target group held.
func targetGroupsOf(c *api.Context, lbArn string, p api.Paging) ([]*targetGroup, *string, error) {
	if _, err := getLoadBalancer(c, lbArn); err != nil {
		return nil, nil, err
	}
	rs, err := rules.List(c.Tx, c.Scope(), store.Query{Attr: lbArn})
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	var items []store.Item[targetGroup]
	for _, r := range rs {
		for _, arn := range forwardTargets(r.Doc.R.Actions) {
			if seen[arn] {
				continue
			}
			seen[arn] = true
			// The name index finds the group with its position in creation order.
			named, err := targetGroups.List(c.Tx, c.Scope(), store.Query{Name: targetGroupName(arn)})
			if err != nil {
				return nil, nil, err
			}
			for _, it := range named {
				if it.ID == arn && slices.Contains(it.Doc.TG.LoadBalancerArns, lbArn) {
					items = append(items, it)
				}
			}
		}
	}
	slices.SortFunc(items, func(a, b store.Item[targetGroup]) int { return cmp.Compare(a.Seq, b.Seq) })
	return api.PaginateItems(items, p, nil)
}

// targetGroupName is the name in a target group's ARN (targetgroup/NAME/ID).
func targetGroupName(arn string) string {
	_, rest, _ := strings.Cut(arn, ":targetgroup/")
	name, _, _ := strings.Cut(rest, "/")
	return name
}

func tgViews(tgs []*targetGroup) []types.TargetGroup {
	views := make([]types.TargetGroup, len(tgs))
	for i, tg := range tgs {
		views[i] = tg.TG
	}
	return views
}

func (h *handlers) modifyTargetGroup(c *api.Context, in *elb.ModifyTargetGroupInput) (*elb.ModifyTargetGroupOutput, error) {
	tg, err := getTargetGroup(c, aws.ToString(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	hc := healthCheckSettings{Enabled: in.HealthCheckEnabled, Interval: in.HealthCheckIntervalSeconds, Timeout: in.HealthCheckTimeoutSeconds,
		Healthy: in.HealthyThresholdCount, Unhealthy: in.UnhealthyThresholdCount, Path: in.HealthCheckPath, Port: in.HealthCheckPort,
		Protocol: in.HealthCheckProtocol, Matcher: in.Matcher}
	if tg.TG.TargetType == types.TargetTypeEnumLambda && in.HealthCheckProtocol != "" {
		return nil, errValidation("Health check protocol cannot be specified for target groups with target type 'lambda'")
	}
	if err := applyHealthCheck(&tg.TG, hc); err != nil {
		return nil, err
	}
	if err := putTargetGroup(c.Tx, c.Scope(), tg); err != nil {
		return nil, err
	}
	return &elb.ModifyTargetGroupOutput{TargetGroups: []types.TargetGroup{tg.TG}}, nil
}

func (h *handlers) deleteTargetGroup(c *api.Context, in *elb.DeleteTargetGroupInput) (*elb.DeleteTargetGroupOutput, error) {
	arn := aws.ToString(in.TargetGroupArn)
	sc := c.Scope()
	tg, err := targetGroups.Get(c.Tx, sc, arn)
	if err != nil {
		return nil, err
	}
	if tg == nil {
		// Deleting a target group that is gone already succeeds, as in AWS.
		return &elb.DeleteTargetGroupOutput{}, nil
	}
	if len(tg.TG.LoadBalancerArns) > 0 {
		return nil, errTargetGroupInUse(arn)
	}
	if h.opts.TargetGroupServices != nil {
		users, err := h.opts.TargetGroupServices(c.Tx, sc, arn)
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			return nil, apiErr("ResourceInUse", "Target group '%s' is currently in use by ECS service '%s'", arn, users[0])
		}
	}
	if _, err := targetGroups.Delete(c.Tx, sc, arn); err != nil {
		return nil, err
	}
	if _, err := tagSets.Delete(c.Tx, sc, arn); err != nil {
		return nil, err
	}
	if err := deleteTargetsOf(c.Tx, sc, arn); err != nil {
		return nil, err
	}
	return &elb.DeleteTargetGroupOutput{}, nil
}

// syncTargetGroupUse recomputes which load balancers forward to each target
// group, from every rule (default rules included), after listeners or rules change.
func syncTargetGroupUse(tx *store.Tx, sc store.Scope, now time.Time) error {
	all, err := rules.List(tx, sc, store.Query{})
	if err != nil {
		return err
	}
	use := map[string][]string{}
	for _, it := range all {
		for _, tgArn := range forwardTargets(it.Doc.R.Actions) {
			if !slices.Contains(use[tgArn], it.Doc.LoadBalancerArn) {
				use[tgArn] = append(use[tgArn], it.Doc.LoadBalancerArn)
			}
		}
	}
	tgs, err := targetGroups.List(tx, sc, store.Query{})
	if err != nil {
		return err
	}
	for _, it := range tgs {
		tg := it.Doc
		lbs := use[*tg.TG.TargetGroupArn]
		if lbs == nil {
			lbs = []string{}
		}
		if slices.Equal(lbs, tg.TG.LoadBalancerArns) {
			continue
		}
		tg.TG.LoadBalancerArns = lbs
		switch {
		case len(lbs) > 0 && tg.InUseSince == nil:
			tg.InUseSince = aws.Time(now)
		case len(lbs) == 0:
			tg.InUseSince = nil
		}
		if err := putTargetGroup(tx, sc, tg); err != nil {
			return err
		}
	}
	return nil
}
