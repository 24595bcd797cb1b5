package ec2

import (
	"encoding/base64"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/catalog"
	"github.com/longshore/longshore/store"
)

// LaunchInstances runs instances in the caller's transaction, exactly as
// RunInstances does (launch template, subnet, groups, user data, tags), on
// behalf of requester (e.g. "autoscaling.amazonaws.com"; empty for the account).
func LaunchInstances(tx *store.Tx, account, region, requester string, in *sdk.RunInstancesInput) (*types.Reservation, error) {
	if err := EnsureDefaults(tx, account, region); err != nil {
		return nil, err
	}
	return launch(contextFor(tx, account, region), in, requester)
}

func runInstances(c *api.Context, in *sdk.RunInstancesInput) (*sdk.RunInstancesOutput, error) {
	r, err := launch(c, in, "")
	if err != nil {
		return nil, err
	}
	return &sdk.RunInstancesOutput{ReservationId: r.ReservationId, OwnerId: r.OwnerId, Groups: r.Groups, Instances: r.Instances, RequesterId: r.RequesterId}, nil
}

// launchSubnet picks the subnet of a launch: the one named, else the default
// subnet of the wanted zone (or of the first zone).
func launchSubnet(c *api.Context, in *sdk.RunInstancesInput) (*types.Subnet, error) {
	id := aws.ToString(in.SubnetId)
	if id == "" && len(in.NetworkInterfaces) > 0 {
		id = aws.ToString(in.NetworkInterfaces[0].SubnetId)
	}
	if id != "" {
		return findSubnet(c, id)
	}
	vpcID, err := DefaultVpc(c.Tx, c.Account(), c.Region)
	if err != nil {
		return nil, err
	}
	if vpcID == "" {
		return nil, apiErr("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
	}
	zone := ""
	if in.Placement != nil {
		zone = aws.ToString(in.Placement.AvailabilityZone)
		if zone != "" && zoneIndex(c.Region, zone) < 0 {
			return nil, invalidParam("Invalid availability zone: [%s]", zone)
		}
	}
	subs, err := subnetKind.list(c, store.Query{Parent: vpcID})
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		if aws.ToBool(s.DefaultForAz) && (zone == "" || aws.ToString(s.AvailabilityZone) == zone) {
			return s, nil
		}
	}
	return nil, apiErr("MissingInput", "No subnets found for the default VPC '%s'. Please specify a subnet.", vpcID)
}

// launchGroups resolves the security groups of a launch in the subnet's VPC.
func launchGroups(c *api.Context, in *sdk.RunInstancesInput, vpcID string) ([]string, error) {
	ids := append([]string(nil), in.SecurityGroupIds...)
	if len(in.NetworkInterfaces) > 0 {
		ids = append(ids, in.NetworkInterfaces[0].Groups...)
	}
	for _, name := range in.SecurityGroups {
		g, err := findGroup(c, "", name, vpcID)
		if err != nil {
			return nil, err
		}
		ids = append(ids, aws.ToString(g.GroupId))
	}
	return ids, nil
}

func launch(c *api.Context, req *sdk.RunInstancesInput, requester string) (*types.Reservation, error) {
	in, err := launchInput(c, req)
	if err != nil {
		return nil, err
	}
	minCount, maxCount := aws.ToInt32(in.MinCount), aws.ToInt32(in.MaxCount)
	if minCount < 1 || maxCount < minCount {
		return nil, invalidParam("Value (%d) for parameter maxCount is invalid. Must be greater than or equal to minCount (%d) and at least 1.", maxCount, minCount)
	}
	imageID, arch, err := resolveImage(c, aws.ToString(in.ImageId))
	if err != nil {
		return nil, err
	}
	itype := string(in.InstanceType)
	if itype == "" {
		itype = "m1.small"
	}
	if !inList(typeNames(types.InstanceType("").Values()), itype) {
		return nil, invalidParam("Invalid value '%s' for InstanceType.", itype)
	}
	if spec, ok := catalog.LookupInstanceType(itype); ok && string(arch) != spec.Arch {
		return nil, invalidParam("The architecture '%s' of the specified instance type does not match the architecture '%s' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.", spec.Arch, arch)
	}
	if in.KeyName != nil {
		k, err := keyExists(c, *in.KeyName)
		if err != nil {
			return nil, err
		}
		if k == nil {
			return nil, apiErr("InvalidKeyPair.NotFound", "The key pair '%s' does not exist", *in.KeyName)
		}
	}
	if in.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*in.UserData); err != nil {
			return nil, invalidParam("Invalid BASE64 encoding of user data.")
		}
	}
	subnet, err := launchSubnet(c, in)
	if err != nil {
		return nil, err
	}
	vpcID := aws.ToString(subnet.VpcId)
	groupIDs, err := launchGroups(c, in, vpcID)
	if err != nil {
		return nil, err
	}
	if _, err := groupsOf(c, vpcID, groupIDs); err != nil {
		return nil, err
	}
	instTags, eniTags := specTagsOf(in.TagSpecifications, "instance"), specTagsOf(in.TagSpecifications, "network-interface")
	if requester == "" {
		if err := checkTags(instTags); err != nil {
			return nil, err
		}
		if err := checkTags(eniTags); err != nil {
			return nil, err
		}
	}
	public := aws.ToBool(subnet.MapPublicIpOnLaunch)
	if len(in.NetworkInterfaces) > 0 && in.NetworkInterfaces[0].AssociatePublicIpAddress != nil {
		public = *in.NetworkInterfaces[0].AssociatePublicIpAddress
	}
	var profile *types.IamInstanceProfile
	if p := in.IamInstanceProfile; p != nil && (p.Arn != nil || p.Name != nil) {
		a := aws.ToString(p.Arn)
		if a == "" {
			a = c.ARNPrefix() + "iam::" + c.Account() + ":instance-profile/" + aws.ToString(p.Name)
		}
		profile = &types.IamInstanceProfile{Arn: aws.String(a), Id: aws.String(api.UniqueID("AIPA"))}
	}
	now := clock(c)
	res := &types.Reservation{ReservationId: aws.String(newID("r")), OwnerId: aws.String(c.Account()), Groups: []types.GroupIdentifier{}}
	if requester != "" {
		res.RequesterId = aws.String(requester)
	}
	for i := int32(0); i < maxCount; i++ {
		inst, err := launchOne(c, in, launchPlan{subnet: subnet, groupIDs: groupIDs, imageID: imageID, arch: arch, itype: itype,
			public: public, profile: profile, tags: instTags, eniTags: eniTags, index: i, now: now, reservation: res, requester: requester})
		if err != nil {
			if i >= minCount {
				break
			}
			return nil, err
		}
		res.Instances = append(res.Instances, inst.Instance)
	}
	return res, nil
}

type launchPlan struct {
	subnet         *types.Subnet
	groupIDs       []string
	imageID, itype string
	arch           types.ArchitectureValues
	public         bool
	profile        *types.IamInstanceProfile
	tags, eniTags  []types.Tag
	index          int32
	now            time.Time
	reservation    *types.Reservation
	requester      string
}

func launchOne(c *api.Context, in *sdk.RunInstancesInput, p launchPlan) (*Instance, error) {
	id := newID("i")
	privateIP := ""
	if p.index == 0 {
		privateIP = aws.ToString(in.PrivateIpAddress)
		if privateIP == "" && len(in.NetworkInterfaces) > 0 {
			privateIP = aws.ToString(in.NetworkInterfaces[0].PrivateIpAddress)
		}
	}
	eni, err := createInterface(c, InterfaceSpec{SubnetID: aws.ToString(p.subnet.SubnetId), SecurityGroups: p.groupIDs, PrivateIP: privateIP, Tags: p.eniTags})
	if err != nil {
		return nil, err
	}
	if p.public {
		ip := publicIP()
		eni.Association = &types.NetworkInterfaceAssociation{PublicIp: aws.String(ip), PublicDnsName: aws.String(PublicDNSName(c.Region, ip)),
			IpOwnerId: aws.String("amazon")}
	}
	tenancy := types.TenancyDefault
	if in.Placement != nil && in.Placement.Tenancy != "" {
		tenancy = in.Placement.Tenancy
	}
	cores, threads := int32(1), int32(2)
	if spec, ok := catalog.LookupInstanceType(p.itype); ok {
		cores = int32(spec.VCPU) / 2
	}
	tokens := types.HttpTokensStateOptional
	hop := int32(1)
	if mo := in.MetadataOptions; mo != nil {
		if mo.HttpTokens != "" {
			tokens = mo.HttpTokens
		}
		if mo.HttpPutResponseHopLimit != nil {
			hop = *mo.HttpPutResponseHopLimit
		}
	}
	if p.tags == nil {
		p.tags = []types.Tag{}
	}
	inst := &Instance{Instance: types.Instance{
		InstanceId: aws.String(id), ImageId: aws.String(p.imageID), InstanceType: types.InstanceType(p.itype), KeyName: in.KeyName,
		LaunchTime: aws.Time(p.now), AmiLaunchIndex: aws.Int32(p.index), Architecture: p.arch, ClientToken: in.ClientToken,
		Placement: &types.Placement{AvailabilityZone: p.subnet.AvailabilityZone, AvailabilityZoneId: p.subnet.AvailabilityZoneId,
			Tenancy: tenancy, GroupName: aws.String("")},
		PrivateDnsName: eni.PrivateDnsName, PrivateIpAddress: eni.PrivateIpAddress, PublicDnsName: aws.String(""),
		State: stateOf(types.InstanceStateNamePending), StateTransitionReason: aws.String(""),
		SubnetId: p.subnet.SubnetId, VpcId: p.subnet.VpcId, SecurityGroups: eni.Groups, SourceDestCheck: aws.Bool(true),
		RootDeviceName: aws.String("/dev/xvda"), RootDeviceType: types.DeviceTypeEbs, VirtualizationType: types.VirtualizationTypeHvm,
		Hypervisor: types.HypervisorTypeXen, EnaSupport: aws.Bool(true), EbsOptimized: aws.Bool(aws.ToBool(in.EbsOptimized)),
		BlockDeviceMappings: []types.InstanceBlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsInstanceBlockDevice{
			AttachTime: aws.Time(p.now), DeleteOnTermination: aws.Bool(true), Status: types.AttachmentStatusAttached, VolumeId: aws.String(newID("vol"))}}},
		Monitoring:         &types.Monitoring{State: types.MonitoringStateDisabled},
		IamInstanceProfile: p.profile, Tags: p.tags, ProductCodes: []types.ProductCode{},
		CpuOptions: &types.CpuOptions{CoreCount: aws.Int32(cores), ThreadsPerCore: aws.Int32(threads)},
		MetadataOptions: &types.InstanceMetadataOptionsResponse{State: types.InstanceMetadataOptionsStateApplied, HttpTokens: tokens,
			HttpPutResponseHopLimit: aws.Int32(hop), HttpEndpoint: types.InstanceMetadataEndpointStateEnabled,
			HttpProtocolIpv6: types.InstanceMetadataProtocolStateDisabled, InstanceMetadataTags: types.InstanceMetadataTagsStateDisabled},
		PlatformDetails: aws.String("Linux/UNIX"), UsageOperation: aws.String("RunInstances"), UsageOperationUpdateTime: aws.Time(p.now),
		PrivateDnsNameOptions: &types.PrivateDnsNameOptionsResponse{HostnameType: types.HostnameTypeIpName,
			EnableResourceNameDnsARecord: aws.Bool(false), EnableResourceNameDnsAAAARecord: aws.Bool(false)},
		MaintenanceOptions:               &types.InstanceMaintenanceOptions{AutoRecovery: types.InstanceAutoRecoveryStateDefault},
		CapacityReservationSpecification: &types.CapacityReservationSpecificationResponse{CapacityReservationPreference: types.CapacityReservationPreferenceOpen},
		HibernationOptions:               &types.HibernationOptions{Configured: aws.Bool(false)},
		EnclaveOptions:                   &types.EnclaveOptions{Enabled: aws.Bool(false)},
		BootMode:                         types.BootModeValuesUefiPreferred, CurrentInstanceBootMode: types.InstanceBootModeValuesLegacyBios,
	},
		ReservationID: aws.ToString(p.reservation.ReservationId), RequesterID: p.requester, UserData: aws.ToString(in.UserData),
		StateSince: p.now, DisableAPITermination: aws.ToBool(in.DisableApiTermination), LaunchTemplate: in.LaunchTemplate,
		DisableAPIStop: aws.ToBool(in.DisableApiStop), ShutdownBehavior: string(in.InstanceInitiatedShutdownBehavior),
	}
	if eni.Association != nil {
		inst.PublicIpAddress, inst.PublicDnsName = eni.Association.PublicIp, eni.Association.PublicDnsName
	}
	if err := instanceKind.put(c, inst); err != nil {
		return nil, err
	}
	if _, err := attach(c, eni, inst, 0, true); err != nil {
		return nil, err
	}
	return inst, nil
}
