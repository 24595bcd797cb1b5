package ec2

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Network records that configurations create and read back but that carry
// no traffic here: egress-only internet gateways, customer and VPN
// gateways, flow logs, capacity reservations, and the account's VPC Block
// Public Access options with their exclusions.

var (
	eigws            = store.Collection[types.EgressOnlyInternetGateway]{Kind: "ec2/egress-only-internet-gateway"}
	customerGateways = store.Collection[types.CustomerGateway]{Kind: "ec2/customer-gateway"}
	vpnGateways      = store.Collection[types.VpnGateway]{Kind: "ec2/vpn-gateway"}
	flowLogs         = store.Collection[types.FlowLog]{Kind: "ec2/flow-log"}
	reservations     = store.Collection[types.CapacityReservation]{Kind: "ec2/capacity-reservation"}
	bpaOptions       = store.Collection[types.VpcBlockPublicAccessOptions]{Kind: "ec2/bpa-options"}
	bpaExclusions    = store.Collection[types.VpcBlockPublicAccessExclusion]{Kind: "ec2/bpa-exclusion"}

	eigwKind = kind[types.EgressOnlyInternetGateway]{coll: eigws, prefix: "eigw", resourceType: "egress-only-internet-gateway",
		id: func(v *types.EgressOnlyInternetGateway) string { return aws.ToString(v.EgressOnlyInternetGatewayId) },
		index: func(v *types.EgressOnlyInternetGateway) store.Index {
			return store.Index{Parent: aws.ToString(v.Attachments[0].VpcId)}
		},
		tags: func(v *types.EgressOnlyInternetGateway) *[]types.Tag { return &v.Tags }}.taggable()
	cgwKind = kind[types.CustomerGateway]{coll: customerGateways, prefix: "cgw", resourceType: "customer-gateway",
		id:   func(v *types.CustomerGateway) string { return aws.ToString(v.CustomerGatewayId) },
		tags: func(v *types.CustomerGateway) *[]types.Tag { return &v.Tags }}.taggable()
	vgwKind = kind[types.VpnGateway]{coll: vpnGateways, prefix: "vgw", resourceType: "vpn-gateway",
		id:   func(v *types.VpnGateway) string { return aws.ToString(v.VpnGatewayId) },
		tags: func(v *types.VpnGateway) *[]types.Tag { return &v.Tags }}.taggable()
	flowLogKind = kind[types.FlowLog]{coll: flowLogs, prefix: "fl", resourceType: "vpc-flow-log",
		id:   func(v *types.FlowLog) string { return aws.ToString(v.FlowLogId) },
		tags: func(v *types.FlowLog) *[]types.Tag { return &v.Tags }}.taggable()
	reservationKind = kind[types.CapacityReservation]{coll: reservations, prefix: "cr", resourceType: "capacity-reservation",
		id:   func(v *types.CapacityReservation) string { return aws.ToString(v.CapacityReservationId) },
		tags: func(v *types.CapacityReservation) *[]types.Tag { return &v.Tags }}.taggable()
	bpaExclusionKind = kind[types.VpcBlockPublicAccessExclusion]{coll: bpaExclusions, prefix: "vpcbpa-exclude", resourceType: "vpc-block-public-access-exclusion",
		id:   func(v *types.VpcBlockPublicAccessExclusion) string { return aws.ToString(v.ExclusionId) },
		tags: func(v *types.VpcBlockPublicAccessExclusion) *[]types.Tag { return &v.Tags }}.taggable()
)

func registerRecords(s *api.Service) {
	handle(s, "CreateEgressOnlyInternetGateway", createEgressOnlyInternetGateway)
	handle(s, "DeleteEgressOnlyInternetGateway", deleteEgressOnlyInternetGateway)
	handle(s, "DescribeEgressOnlyInternetGateways", describeEgressOnlyInternetGateways)
	handle(s, "CreateCustomerGateway", createCustomerGateway)
	handle(s, "DeleteCustomerGateway", deleteCustomerGateway)
	handle(s, "DescribeCustomerGateways", describeCustomerGateways)
	handle(s, "CreateVpnGateway", createVpnGateway)
	handle(s, "DeleteVpnGateway", deleteVpnGateway)
	handle(s, "DescribeVpnGateways", describeVpnGateways)
	handle(s, "AttachVpnGateway", attachVpnGateway)
	handle(s, "DetachVpnGateway", detachVpnGateway)
	handle(s, "CreateFlowLogs", createFlowLogs)
	handle(s, "DeleteFlowLogs", deleteFlowLogs)
	handle(s, "DescribeFlowLogs", describeFlowLogs)
	handle(s, "CreateCapacityReservation", createCapacityReservation)
	handle(s, "ModifyCapacityReservation", modifyCapacityReservation)
	handle(s, "CancelCapacityReservation", cancelCapacityReservation)
	handle(s, "DescribeCapacityReservations", describeCapacityReservations)
	handle(s, "DescribeVpcBlockPublicAccessOptions", describeVpcBlockPublicAccessOptions)
	handle(s, "ModifyVpcBlockPublicAccessOptions", modifyVpcBlockPublicAccessOptions)
	handle(s, "CreateVpcBlockPublicAccessExclusion", createVpcBlockPublicAccessExclusion)
	handle(s, "ModifyVpcBlockPublicAccessExclusion", modifyVpcBlockPublicAccessExclusion)
	handle(s, "DeleteVpcBlockPublicAccessExclusion", deleteVpcBlockPublicAccessExclusion)
	handle(s, "DescribeVpcBlockPublicAccessExclusions", describeVpcBlockPublicAccessExclusions)
	handle(s, "ModifyVpcEndpoint", modifyVpcEndpoint)
}

func findRecord[T any](c *api.Context, k kind[T], id string) (*T, error) {
	doc, err := k.get(c, id)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, notFoundAs(k.prefix, id)
	}
	return doc, nil
}

func nonNilTags(t []types.Tag) []types.Tag {
	if t == nil {
		return []types.Tag{}
	}
	return t
}

// Egress-only internet gateways.

func createEgressOnlyInternetGateway(c *api.Context, in *sdk.CreateEgressOnlyInternetGatewayInput) (*sdk.CreateEgressOnlyInternetGatewayOutput, error) {
	v, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "egress-only-internet-gateway")
	if err != nil {
		return nil, err
	}
	g := &types.EgressOnlyInternetGateway{EgressOnlyInternetGatewayId: aws.String(newID("eigw")), Tags: nonNilTags(tags),
		Attachments: []types.InternetGatewayAttachment{{VpcId: v.VpcId, State: types.AttachmentStatusAttached}}}
	return &sdk.CreateEgressOnlyInternetGatewayOutput{EgressOnlyInternetGateway: g, ClientToken: in.ClientToken}, eigwKind.put(c, g)
}

func deleteEgressOnlyInternetGateway(c *api.Context, in *sdk.DeleteEgressOnlyInternetGatewayInput) (*sdk.DeleteEgressOnlyInternetGatewayOutput, error) {
	g, err := findRecord(c, eigwKind, aws.ToString(in.EgressOnlyInternetGatewayId))
	if err != nil {
		return nil, err
	}
	return &sdk.DeleteEgressOnlyInternetGatewayOutput{ReturnCode: aws.Bool(true)}, eigwKind.delete(c, aws.ToString(g.EgressOnlyInternetGatewayId))
}

var eigwListing = listing[types.EgressOnlyInternetGateway]{op: "DescribeEgressOnlyInternetGateways",
	id:   func(g *types.EgressOnlyInternetGateway) string { return aws.ToString(g.EgressOnlyInternetGatewayId) },
	tags: func(g *types.EgressOnlyInternetGateway) []types.Tag { return g.Tags },
	fields: func(g *types.EgressOnlyInternetGateway) fields {
		f := fields{}
		f.addPtr("egress-only-internet-gateway-id", g.EgressOnlyInternetGatewayId)
		for _, a := range g.Attachments {
			f.add("attachment.state", string(a.State))
			f.addPtr("attachment.vpc-id", a.VpcId)
		}
		return f
	},
	filters:  []string{"egress-only-internet-gateway-id", "attachment.state", "attachment.vpc-id"},
	notFound: func(id string) error { return notFoundAs("eigw", id) },
}

func describeEgressOnlyInternetGateways(c *api.Context, in *sdk.DescribeEgressOnlyInternetGatewaysInput) (*sdk.DescribeEgressOnlyInternetGatewaysOutput, error) {
	out, next, err := eigwListing.describe(c, eigwKind, in.EgressOnlyInternetGatewayIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeEgressOnlyInternetGatewaysOutput{EgressOnlyInternetGateways: out, NextToken: next}, nil
}

// Customer gateways.

func createCustomerGateway(c *api.Context, in *sdk.CreateCustomerGatewayInput) (*sdk.CreateCustomerGatewayOutput, error) {
	ip := aws.ToString(in.IpAddress)
	if ip == "" {
		ip = aws.ToString(in.PublicIp)
	}
	asn := "65000"
	switch {
	case in.BgpAsn != nil:
		asn = strconv.Itoa(int(*in.BgpAsn))
	case in.BgpAsnExtended != nil:
		asn = strconv.FormatInt(*in.BgpAsnExtended, 10)
	}
	tags, err := specTags(in.TagSpecifications, "customer-gateway")
	if err != nil {
		return nil, err
	}
	// A customer gateway of the same address and ASN is the one already made.
	all, err := cgwKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, g := range all {
		if aws.ToString(g.IpAddress) == ip && aws.ToString(g.BgpAsn) == asn && aws.ToString(g.State) == "available" {
			return &sdk.CreateCustomerGatewayOutput{CustomerGateway: g}, nil
		}
	}
	g := &types.CustomerGateway{CustomerGatewayId: aws.String(newID("cgw")), BgpAsn: aws.String(asn), IpAddress: aws.String(ip),
		Type: aws.String(string(in.Type)), State: aws.String("available"), DeviceName: in.DeviceName, CertificateArn: in.CertificateArn,
		Tags: nonNilTags(tags)}
	if in.BgpAsnExtended != nil {
		g.BgpAsnExtended = aws.String(asn)
	}
	return &sdk.CreateCustomerGatewayOutput{CustomerGateway: g}, cgwKind.put(c, g)
}

func deleteCustomerGateway(c *api.Context, in *sdk.DeleteCustomerGatewayInput) (*sdk.DeleteCustomerGatewayOutput, error) {
	g, err := findRecord(c, cgwKind, aws.ToString(in.CustomerGatewayId))
	if err != nil {
		return nil, err
	}
	return &sdk.DeleteCustomerGatewayOutput{}, cgwKind.delete(c, aws.ToString(g.CustomerGatewayId))
}

var cgwListing = listing[types.CustomerGateway]{op: "DescribeCustomerGateways",
	id:   func(g *types.CustomerGateway) string { return aws.ToString(g.CustomerGatewayId) },
	tags: func(g *types.CustomerGateway) []types.Tag { return g.Tags },
	fields: func(g *types.CustomerGateway) fields {
		f := fields{}
		f.addPtr("customer-gateway-id", g.CustomerGatewayId)
		f.addPtr("bgp-asn", g.BgpAsn)
		f.addPtr("ip-address", g.IpAddress)
		f.addPtr("state", g.State)
		f.addPtr("type", g.Type)
		return f
	},
	filters:  []string{"customer-gateway-id", "bgp-asn", "ip-address", "state", "type"},
	notFound: func(id string) error { return notFoundAs("cgw", id) },
}

func describeCustomerGateways(c *api.Context, in *sdk.DescribeCustomerGatewaysInput) (*sdk.DescribeCustomerGatewaysOutput, error) {
	out, _, err := cgwListing.describe(c, cgwKind, in.CustomerGatewayIds, in.Filters, nil, nil)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeCustomerGatewaysOutput{CustomerGateways: out}, nil
}

// VPN gateways.

func createVpnGateway(c *api.Context, in *sdk.CreateVpnGatewayInput) (*sdk.CreateVpnGatewayOutput, error) {
	tags, err := specTags(in.TagSpecifications, "vpn-gateway")
	if err != nil {
		return nil, err
	}
	asn := int64(64512)
	if in.AmazonSideAsn != nil {
		asn = *in.AmazonSideAsn
	}
	g := &types.VpnGateway{VpnGatewayId: aws.String(newID("vgw")), State: types.VpnStateAvailable, Type: in.Type,
		AmazonSideAsn: aws.Int64(asn), AvailabilityZone: in.AvailabilityZone, VpcAttachments: []types.VpcAttachment{}, Tags: nonNilTags(tags)}
	return &sdk.CreateVpnGatewayOutput{VpnGateway: g}, vgwKind.put(c, g)
}

func deleteVpnGateway(c *api.Context, in *sdk.DeleteVpnGatewayInput) (*sdk.DeleteVpnGatewayOutput, error) {
	g, err := findRecord(c, vgwKind, aws.ToString(in.VpnGatewayId))
	if err != nil {
		return nil, err
	}
	for _, a := range g.VpcAttachments {
		if a.State == types.AttachmentStatusAttached {
			return nil, apiErr("IncorrectState", "The vpnGateway '%s' is in use.", aws.ToString(g.VpnGatewayId))
		}
	}
	return &sdk.DeleteVpnGatewayOutput{}, vgwKind.delete(c, aws.ToString(g.VpnGatewayId))
}

func attachVpnGateway(c *api.Context, in *sdk.AttachVpnGatewayInput) (*sdk.AttachVpnGatewayOutput, error) {
	g, err := findRecord(c, vgwKind, aws.ToString(in.VpnGatewayId))
	if err != nil {
		return nil, err
	}
	v, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	for _, a := range g.VpcAttachments {
		if a.State == types.AttachmentStatusAttached {
			return nil, apiErr("VpnGatewayAttachmentLimitExceeded", "The maximum number of mutable attachments for vpnGateway '%s' has been reached", aws.ToString(g.VpnGatewayId))
		}
	}
	att := types.VpcAttachment{VpcId: v.VpcId, State: types.AttachmentStatusAttached}
	g.VpcAttachments = []types.VpcAttachment{att}
	return &sdk.AttachVpnGatewayOutput{VpcAttachment: &att}, vgwKind.put(c, g)
}

func detachVpnGateway(c *api.Context, in *sdk.DetachVpnGatewayInput) (*sdk.DetachVpnGatewayOutput, error) {
	g, err := findRecord(c, vgwKind, aws.ToString(in.VpnGatewayId))
	if err != nil {
		return nil, err
	}
	for i, a := range g.VpcAttachments {
		if aws.ToString(a.VpcId) == aws.ToString(in.VpcId) && a.State == types.AttachmentStatusAttached {
			g.VpcAttachments[i].State = types.AttachmentStatusDetached
			return &sdk.DetachVpnGatewayOutput{}, vgwKind.put(c, g)
		}
	}
	return nil, apiErr("InvalidVpnGatewayAttachment.NotFound", "The attachment with vpn gateway ID '%s' and vpc ID '%s' does not exist", aws.ToString(g.VpnGatewayId), aws.ToString(in.VpcId))
}

var vgwListing = listing[types.VpnGateway]{op: "DescribeVpnGateways",
	id:   func(g *types.VpnGateway) string { return aws.ToString(g.VpnGatewayId) },
	tags: func(g *types.VpnGateway) []types.Tag { return g.Tags },
	fields: func(g *types.VpnGateway) fields {
		f := fields{}
		f.addPtr("vpn-gateway-id", g.VpnGatewayId)
		f.add("state", string(g.State))
		f.add("type", string(g.Type))
		f.add("amazon-side-asn", strconv.FormatInt(aws.ToInt64(g.AmazonSideAsn), 10))
		f.addPtr("availability-zone", g.AvailabilityZone)
		for _, a := range g.VpcAttachments {
			f.add("attachment.state", string(a.State))
			f.addPtr("attachment.vpc-id", a.VpcId)
		}
		return f
	},
	filters:  []string{"vpn-gateway-id", "state", "type", "amazon-side-asn", "availability-zone", "attachment.state", "attachment.vpc-id"},
	notFound: func(id string) error { return notFoundAs("vgw", id) },
}

func describeVpnGateways(c *api.Context, in *sdk.DescribeVpnGatewaysInput) (*sdk.DescribeVpnGatewaysOutput, error) {
	out, _, err := vgwListing.describe(c, vgwKind, in.VpnGatewayIds, in.Filters, nil, nil)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeVpnGatewaysOutput{VpnGateways: out}, nil
}

// Flow logs.

func createFlowLogs(c *api.Context, in *sdk.CreateFlowLogsInput) (*sdk.CreateFlowLogsOutput, error) {
	dest := in.LogDestinationType
	if dest == "" {
		dest = types.LogDestinationTypeCloudWatchLogs
	}
	if dest == types.LogDestinationTypeCloudWatchLogs {
		if in.LogGroupName == nil && in.LogDestination == nil {
			return nil, apiErr("InvalidParameter", "Please only provide LogGroupName or only provide LogDestination.")
		}
		if in.DeliverLogsPermissionArn == nil {
			return nil, apiErr("InvalidParameter", "DeliverLogsPermissionArn is required for CloudWatch Logs destination type.")
		}
	} else if in.LogDestination == nil {
		return nil, apiErr("InvalidParameter", "LogDestination can't be empty if LogDestinationType is %s.", dest)
	}
	tags, err := specTags(in.TagSpecifications, "vpc-flow-log")
	if err != nil {
		return nil, err
	}
	format := aws.ToString(in.LogFormat)
	if format == "" {
		format = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
	}
	interval := aws.ToInt32(in.MaxAggregationInterval)
	if interval == 0 {
		interval = 600
	}
	group := aws.ToString(in.LogGroupName)
	destination := aws.ToString(in.LogDestination)
	if dest == types.LogDestinationTypeCloudWatchLogs {
		if group == "" {
			group = destination[lastColon(destination)+1:]
		}
		if destination == "" {
			destination = c.ARNPrefix() + "logs:" + c.Region + ":" + c.Account() + ":log-group:" + group
		}
	}
	out := &sdk.CreateFlowLogsOutput{ClientToken: in.ClientToken, FlowLogIds: []string{}, Unsuccessful: []types.UnsuccessfulItem{}}
	for _, rid := range in.ResourceIds {
		var err error
		switch in.ResourceType {
		case types.FlowLogsResourceTypeVpc:
			_, err = findVpc(c, rid)
		case types.FlowLogsResourceTypeSubnet:
			_, err = findSubnet(c, rid)
		case types.FlowLogsResourceTypeNetworkInterface:
			_, err = findRecord(c, eniKind, rid)
		}
		if err != nil {
			out.Unsuccessful = append(out.Unsuccessful, types.UnsuccessfulItem{ResourceId: aws.String(rid),
				Error: &types.UnsuccessfulItemError{Code: aws.String("InvalidParameter"), Message: aws.String("Unable to find the resource " + rid)}})
			continue
		}
		fl := &types.FlowLog{FlowLogId: aws.String(newID("fl")), CreationTime: aws.Time(clock(c)), ResourceId: aws.String(rid),
			TrafficType: in.TrafficType, LogDestinationType: dest, LogDestination: aws.String(destination), LogFormat: aws.String(format),
			DeliverLogsPermissionArn: in.DeliverLogsPermissionArn, DeliverCrossAccountRole: in.DeliverCrossAccountRole,
			DeliverLogsStatus: aws.String("SUCCESS"), FlowLogStatus: aws.String("ACTIVE"), MaxAggregationInterval: aws.Int32(interval),
			Tags: nonNilTags(tags)}
		if group != "" {
			fl.LogGroupName = aws.String(group)
		}
		if o := in.DestinationOptions; o != nil {
			fl.DestinationOptions = &types.DestinationOptionsResponse{FileFormat: o.FileFormat, HiveCompatiblePartitions: o.HiveCompatiblePartitions,
				PerHourPartition: o.PerHourPartition}
		}
		if err := flowLogKind.put(c, fl); err != nil {
			return nil, err
		}
		out.FlowLogIds = append(out.FlowLogIds, aws.ToString(fl.FlowLogId))
	}
	return out, nil
}

func lastColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return -1
}

func deleteFlowLogs(c *api.Context, in *sdk.DeleteFlowLogsInput) (*sdk.DeleteFlowLogsOutput, error) {
	out := &sdk.DeleteFlowLogsOutput{Unsuccessful: []types.UnsuccessfulItem{}}
	for _, id := range in.FlowLogIds {
		ok, err := flowLogs.Delete(c.Tx, c.Scope(), id)
		if err != nil {
			return nil, err
		}
		if !ok {
			out.Unsuccessful = append(out.Unsuccessful, types.UnsuccessfulItem{ResourceId: aws.String(id),
				Error: &types.UnsuccessfulItemError{Code: aws.String("InvalidFlowLogId.NotFound"), Message: aws.String("Flow Log " + id + " does not exist")}})
		}
	}
	return out, nil
}

var flowLogListing = listing[types.FlowLog]{op: "DescribeFlowLogs",
	id:   func(g *types.FlowLog) string { return aws.ToString(g.FlowLogId) },
	tags: func(g *types.FlowLog) []types.Tag { return g.Tags },
	fields: func(g *types.FlowLog) fields {
		f := fields{}
		f.addPtr("flow-log-id", g.FlowLogId)
		f.addPtr("resource-id", g.ResourceId)
		f.addPtr("log-group-name", g.LogGroupName)
		f.add("log-destination-type", string(g.LogDestinationType))
		f.add("traffic-type", string(g.TrafficType))
		f.addPtr("deliver-log-status", g.DeliverLogsStatus)
		return f
	},
	filters:  []string{"flow-log-id", "resource-id", "log-group-name", "log-destination-type", "traffic-type", "deliver-log-status"},
	notFound: func(id string) error { return notFoundAs("fl", id) },
}

func describeFlowLogs(c *api.Context, in *sdk.DescribeFlowLogsInput) (*sdk.DescribeFlowLogsOutput, error) {
	out, next, err := flowLogListing.describe(c, flowLogKind, in.FlowLogIds, in.Filter, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeFlowLogsOutput{FlowLogs: out, NextToken: next}, nil
}

// Capacity reservations.

func createCapacityReservation(c *api.Context, in *sdk.CreateCapacityReservationInput) (*sdk.CreateCapacityReservationOutput, error) {
	zone := aws.ToString(in.AvailabilityZone)
	if zone == "" && in.AvailabilityZoneId != nil {
		zone = zoneByID(c.Region, *in.AvailabilityZoneId)
	}
	if zoneIndex(c.Region, zone) < 0 {
		return nil, invalidParam("Invalid availability zone: [%s]", zone)
	}
	if aws.ToInt32(in.InstanceCount) < 1 {
		return nil, invalidParam("Invalid instance count: %d. Instance count must be greater than 0.", aws.ToInt32(in.InstanceCount))
	}
	endType := in.EndDateType
	if endType == "" {
		endType = types.EndDateTypeUnlimited
	}
	if endType == types.EndDateTypeLimited && in.EndDate == nil {
		return nil, invalidParam("EndDate is required when EndDateType is limited.")
	}
	tags, err := specTags(in.TagSpecifications, "capacity-reservation")
	if err != nil {
		return nil, err
	}
	id := newID("cr")
	now := clock(c)
	tenancy, match := in.Tenancy, in.InstanceMatchCriteria
	if tenancy == "" {
		tenancy = types.CapacityReservationTenancyDefault
	}
	if match == "" {
		match = types.InstanceMatchCriteriaOpen
	}
	r := &types.CapacityReservation{CapacityReservationId: aws.String(id), CapacityReservationArn: aws.String(arn(c, "capacity-reservation/"+id)),
		OwnerId: aws.String(c.Account()), InstanceType: in.InstanceType, InstancePlatform: in.InstancePlatform,
		AvailabilityZone: aws.String(zone), AvailabilityZoneId: aws.String(ZoneID(zone)), Tenancy: tenancy,
		TotalInstanceCount: in.InstanceCount, AvailableInstanceCount: in.InstanceCount, EbsOptimized: aws.Bool(aws.ToBool(in.EbsOptimized)),
		EphemeralStorage: aws.Bool(false), State: types.CapacityReservationStateActive, StartDate: aws.Time(now), CreateDate: aws.Time(now),
		EndDate: in.EndDate, EndDateType: endType, InstanceMatchCriteria: match, ReservationType: types.CapacityReservationTypeDefault,
		CapacityAllocations: []types.CapacityAllocation{}, DeliveryPreference: types.CapacityReservationDeliveryPreferenceFixed,
		Tags: nonNilTags(tags)}
	return &sdk.CreateCapacityReservationOutput{CapacityReservation: r}, reservationKind.put(c, r)
}

// settleReservation expires a limited reservation past its end date.
func settleReservation(r *types.CapacityReservation, now time.Time) {
	if r.State == types.CapacityReservationStateActive && r.EndDateType == types.EndDateTypeLimited && r.EndDate != nil && !now.Before(*r.EndDate) {
		r.State = types.CapacityReservationStateExpired
	}
}

func modifyCapacityReservation(c *api.Context, in *sdk.ModifyCapacityReservationInput) (*sdk.ModifyCapacityReservationOutput, error) {
	r, err := findRecord(c, reservationKind, aws.ToString(in.CapacityReservationId))
	if err != nil {
		return nil, err
	}
	settleReservation(r, clock(c))
	if r.State != types.CapacityReservationStateActive {
		return nil, apiErr("InvalidCapacityReservationId.Malformed", "The capacity reservation '%s' is in an invalid state %s", aws.ToString(r.CapacityReservationId), r.State)
	}
	if in.InstanceCount != nil {
		if *in.InstanceCount < 0 {
			return nil, invalidParam("Invalid instance count: %d.", *in.InstanceCount)
		}
		used := aws.ToInt32(r.TotalInstanceCount) - aws.ToInt32(r.AvailableInstanceCount)
		r.TotalInstanceCount = in.InstanceCount
		r.AvailableInstanceCount = aws.Int32(max(0, *in.InstanceCount-used))
	}
	if in.EndDateType != "" {
		r.EndDateType = in.EndDateType
		if in.EndDateType == types.EndDateTypeUnlimited {
			r.EndDate = nil
		}
	}
	if in.EndDate != nil {
		r.EndDate = in.EndDate
	}
	if in.InstanceMatchCriteria != "" {
		r.InstanceMatchCriteria = in.InstanceMatchCriteria
	}
	return &sdk.ModifyCapacityReservationOutput{Return: aws.Bool(true)}, reservationKind.put(c, r)
}

func cancelCapacityReservation(c *api.Context, in *sdk.CancelCapacityReservationInput) (*sdk.CancelCapacityReservationOutput, error) {
	r, err := findRecord(c, reservationKind, aws.ToString(in.CapacityReservationId))
	if err != nil {
		return nil, err
	}
	settleReservation(r, clock(c))
	if r.State != types.CapacityReservationStateActive {
		return nil, apiErr("InvalidCapacityReservationId.Malformed", "The capacity reservation '%s' is in an invalid state %s", aws.ToString(r.CapacityReservationId), r.State)
	}
	r.State = types.CapacityReservationStateCancelled
	r.EndDate = aws.Time(clock(c))
	return &sdk.CancelCapacityReservationOutput{Return: aws.Bool(true)}, reservationKind.put(c, r)
}

var reservationListing = listing[types.CapacityReservation]{op: "DescribeCapacityReservations",
	id:   func(r *types.CapacityReservation) string { return aws.ToString(r.CapacityReservationId) },
	tags: func(r *types.CapacityReservation) []types.Tag { return r.Tags },
	fields: func(r *types.CapacityReservation) fields {
		f := fields{}
		f.addPtr("instance-type", r.InstanceType)
		f.addPtr("owner-id", r.OwnerId)
		f.addPtr("availability-zone", r.AvailabilityZone)
		f.add("instance-platform", string(r.InstancePlatform))
		f.add("tenancy", string(r.Tenancy))
		f.add("state", string(r.State))
		f.add("end-date-type", string(r.EndDateType))
		f.add("instance-match-criteria", string(r.InstanceMatchCriteria))
		return f
	},
	filters: []string{"instance-type", "owner-id", "availability-zone", "instance-platform", "tenancy", "state", "end-date-type",
		"instance-match-criteria"},
	notFound: func(id string) error { return notFoundAs("cr", id) },
}

func describeCapacityReservations(c *api.Context, in *sdk.DescribeCapacityReservationsInput) (*sdk.DescribeCapacityReservationsOutput, error) {
	out, next, err := reservationListing.describe(c, reservationKind, in.CapacityReservationIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	now := clock(c)
	for i := range out {
		settleReservation(&out[i], now)
	}
	return &sdk.DescribeCapacityReservationsOutput{CapacityReservations: out, NextToken: next}, nil
}

// VPC Block Public Access.

func bpaOptionsOf(c *api.Context) (*types.VpcBlockPublicAccessOptions, error) {
	o, err := bpaOptions.Get(c.Tx, c.Scope(), "options")
	if err != nil || o != nil {
		return o, err
	}
	return &types.VpcBlockPublicAccessOptions{AwsAccountId: aws.String(c.Account()), AwsRegion: aws.String(c.Region),
		State: types.VpcBlockPublicAccessStateDefaultState, InternetGatewayBlockMode: types.InternetGatewayBlockModeOff,
		ExclusionsAllowed: types.VpcBlockPublicAccessExclusionsAllowedAllowed, ManagedBy: types.ManagedByAccount}, nil
}

func describeVpcBlockPublicAccessOptions(c *api.Context, _ *sdk.DescribeVpcBlockPublicAccessOptionsInput) (*sdk.DescribeVpcBlockPublicAccessOptionsOutput, error) {
	o, err := bpaOptionsOf(c)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeVpcBlockPublicAccessOptionsOutput{VpcBlockPublicAccessOptions: o}, nil
}

func modifyVpcBlockPublicAccessOptions(c *api.Context, in *sdk.ModifyVpcBlockPublicAccessOptionsInput) (*sdk.ModifyVpcBlockPublicAccessOptionsOutput, error) {
	o, err := bpaOptionsOf(c)
	if err != nil {
		return nil, err
	}
	o.InternetGatewayBlockMode = in.InternetGatewayBlockMode
	o.State = types.VpcBlockPublicAccessStateUpdateComplete
	o.LastUpdateTimestamp = aws.Time(clock(c))
	if err := bpaOptions.Put(c.Tx, c.Scope(), "options", store.Index{}, o); err != nil {
		return nil, err
	}
	return &sdk.ModifyVpcBlockPublicAccessOptionsOutput{VpcBlockPublicAccessOptions: o}, nil
}

func createVpcBlockPublicAccessExclusion(c *api.Context, in *sdk.CreateVpcBlockPublicAccessExclusionInput) (*sdk.CreateVpcBlockPublicAccessExclusionOutput, error) {
	var resource string
	switch {
	case in.VpcId != nil && in.SubnetId != nil:
		return nil, apiErr("InvalidParameterCombination", "Only one of VpcId or SubnetId can be specified.")
	case in.VpcId != nil:
		if _, err := findVpc(c, *in.VpcId); err != nil {
			return nil, err
		}
		resource = arn(c, "vpc/"+*in.VpcId)
	case in.SubnetId != nil:
		if _, err := findSubnet(c, *in.SubnetId); err != nil {
			return nil, err
		}
		resource = arn(c, "subnet/"+*in.SubnetId)
	default:
		return nil, apiErr("MissingParameter", "Either VpcId or SubnetId must be specified.")
	}
	tags, err := specTags(in.TagSpecifications, "vpc-block-public-access-exclusion")
	if err != nil {
		return nil, err
	}
	now := clock(c)
	e := &types.VpcBlockPublicAccessExclusion{ExclusionId: aws.String("vpcbpa-exclude-" + newID("x")[2:]), ResourceArn: aws.String(resource),
		InternetGatewayExclusionMode: in.InternetGatewayExclusionMode, State: types.VpcBlockPublicAccessExclusionStateCreateComplete,
		CreationTimestamp: aws.Time(now), LastUpdateTimestamp: aws.Time(now), Tags: nonNilTags(tags)}
	return &sdk.CreateVpcBlockPublicAccessExclusionOutput{VpcBlockPublicAccessExclusion: e}, bpaExclusionKind.put(c, e)
}

func modifyVpcBlockPublicAccessExclusion(c *api.Context, in *sdk.ModifyVpcBlockPublicAccessExclusionInput) (*sdk.ModifyVpcBlockPublicAccessExclusionOutput, error) {
	e, err := findRecord(c, bpaExclusionKind, aws.ToString(in.ExclusionId))
	if err != nil {
		return nil, err
	}
	e.InternetGatewayExclusionMode = in.InternetGatewayExclusionMode
	e.State = types.VpcBlockPublicAccessExclusionStateUpdateComplete
	e.LastUpdateTimestamp = aws.Time(clock(c))
	return &sdk.ModifyVpcBlockPublicAccessExclusionOutput{VpcBlockPublicAccessExclusion: e}, bpaExclusionKind.put(c, e)
}

func deleteVpcBlockPublicAccessExclusion(c *api.Context, in *sdk.DeleteVpcBlockPublicAccessExclusionInput) (*sdk.DeleteVpcBlockPublicAccessExclusionOutput, error) {
	e, err := findRecord(c, bpaExclusionKind, aws.ToString(in.ExclusionId))
	if err != nil {
		return nil, err
	}
	e.State = types.VpcBlockPublicAccessExclusionStateDeleteComplete
	e.DeletionTimestamp = aws.Time(clock(c))
	return &sdk.DeleteVpcBlockPublicAccessExclusionOutput{VpcBlockPublicAccessExclusion: e}, bpaExclusionKind.delete(c, aws.ToString(e.ExclusionId))
}

var bpaExclusionListing = listing[types.VpcBlockPublicAccessExclusion]{op: "DescribeVpcBlockPublicAccessExclusions",
	id:   func(e *types.VpcBlockPublicAccessExclusion) string { return aws.ToString(e.ExclusionId) },
	tags: func(e *types.VpcBlockPublicAccessExclusion) []types.Tag { return e.Tags },
	fields: func(e *types.VpcBlockPublicAccessExclusion) fields {
		f := fields{}
		f.addPtr("exclusion-id", e.ExclusionId)
		f.addPtr("resource-arn", e.ResourceArn)
		f.add("state", string(e.State))
		return f
	},
	filters:  []string{"exclusion-id", "resource-arn", "state"},
	notFound: func(id string) error { return notFoundAs("vpcbpa-exclude", id) },
}

func describeVpcBlockPublicAccessExclusions(c *api.Context, in *sdk.DescribeVpcBlockPublicAccessExclusionsInput) (*sdk.DescribeVpcBlockPublicAccessExclusionsOutput, error) {
	out, next, err := bpaExclusionListing.describe(c, bpaExclusionKind, in.ExclusionIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeVpcBlockPublicAccessExclusionsOutput{VpcBlockPublicAccessExclusions: out, NextToken: next}, nil
}
