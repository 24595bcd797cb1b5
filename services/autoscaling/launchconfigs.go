package autoscaling

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// LaunchConfigs are the launch configurations, keyed by name.
var LaunchConfigs = store.Collection[types.LaunchConfiguration]{Kind: "autoscaling/launch-configuration"}

func registerLaunchConfigs(s *api.Service, h *handlers) {
	api.Handle(s, "CreateLaunchConfiguration", h.createLaunchConfiguration)
	api.Handle(s, "DescribeLaunchConfigurations", describeLaunchConfigurations)
	api.Handle(s, "DeleteLaunchConfiguration", deleteLaunchConfiguration)
}

func errLaunchConfigNotFound(name string) error {
	return errValidation("Launch configuration name not found - Launch configuration %s not found", name)
}

func (h *handlers) createLaunchConfiguration(c *api.Context, in *autoscaling.CreateLaunchConfigurationInput) (*autoscaling.CreateLaunchConfigurationOutput, error) {
	name := aws.ToString(in.LaunchConfigurationName)
	if existing, err := LaunchConfigs.Get(c.Tx, c.Scope(), name); err != nil {
		return nil, err
	} else if existing != nil {
		return nil, errAlreadyExists("Launch Configuration by this name already exists - A launch configuration already exists with the name %s", name)
	}
	n, err := LaunchConfigs.Count(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	if n >= MaxLaunchConfigurations {
		return nil, errLimitExceeded("You have reached your limit of %d launch configurations.", MaxLaunchConfigurations)
	}
	lc := &types.LaunchConfiguration{
		LaunchConfigurationName: aws.String(name), CreatedTime: aws.Time(c.Now()),
		LaunchConfigurationARN: aws.String(c.ARNPrefix() + "autoscaling:" + c.Region + ":" + c.Account() + ":launchConfiguration:" + newUUID() + ":launchConfigurationName/" + name),
		ImageId:                in.ImageId, InstanceType: in.InstanceType, KeyName: in.KeyName, SecurityGroups: nonNil(in.SecurityGroups),
		UserData: aws.String(aws.ToString(in.UserData)), IamInstanceProfile: in.IamInstanceProfile, AssociatePublicIpAddress: in.AssociatePublicIpAddress,
		BlockDeviceMappings: in.BlockDeviceMappings, EbsOptimized: aws.Bool(aws.ToBool(in.EbsOptimized)), InstanceMonitoring: in.InstanceMonitoring,
		KernelId: aws.String(aws.ToString(in.KernelId)), RamdiskId: aws.String(aws.ToString(in.RamdiskId)), SpotPrice: in.SpotPrice,
		PlacementTenancy: in.PlacementTenancy, MetadataOptions: in.MetadataOptions, ClassicLinkVPCSecurityGroups: []string{},
	}
	if lc.BlockDeviceMappings == nil {
		lc.BlockDeviceMappings = []types.BlockDeviceMapping{}
	}
	if lc.InstanceMonitoring == nil {
		lc.InstanceMonitoring = &types.InstanceMonitoring{Enabled: aws.Bool(true)}
	}
	if id := aws.ToString(in.InstanceId); id != "" {
		// The configuration copies an instance's image and type.
		if h.EC2 == nil {
			return nil, errValidation("Instance Id not found - No instance with id %s found", id)
		}
		machines, err := h.EC2.Instances(c)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(machines, func(m Machine) bool { return m.ID == id })
		if i < 0 {
			return nil, errValidation("Instance Id not found - No instance with id %s found", id)
		}
		if lc.ImageId == nil {
			lc.ImageId = aws.String(machines[i].ImageID)
		}
		if lc.InstanceType == nil {
			lc.InstanceType = aws.String(machines[i].InstanceType)
		}
	}
	if aws.ToString(lc.ImageId) == "" || aws.ToString(lc.InstanceType) == "" {
		return nil, errValidation("ImageId and InstanceType are required unless InstanceId is given.")
	}
	if !strings.HasPrefix(aws.ToString(lc.ImageId), "ami-") {
		return nil, errValidation("AMI %s is invalid: The image ID '%s' is not valid.", aws.ToString(lc.ImageId), aws.ToString(lc.ImageId))
	}
	return &autoscaling.CreateLaunchConfigurationOutput{}, LaunchConfigs.Put(c.Tx, c.Scope(), name, store.Index{Name: name}, lc)
}

func describeLaunchConfigurations(c *api.Context, in *autoscaling.DescribeLaunchConfigurationsInput) (*autoscaling.DescribeLaunchConfigurationsOutput, error) {
	const scope = "autoscaling:DescribeLaunchConfigurations"
	if len(in.LaunchConfigurationNames) == 0 {
		lcs, next, err := describeDocs(c, LaunchConfigs, store.Query{}, scope, in.MaxRecords, in.NextToken, nil)
		if err != nil {
			return nil, err
		}
		return &autoscaling.DescribeLaunchConfigurationsOutput{LaunchConfigurations: lcs, NextToken: next}, nil
	}
	size, err := maxRecords(in.MaxRecords, 50, 100)
	if err != nil {
		return nil, err
	}
	named, next, err := pageNamed(c, LaunchConfigs, in.LaunchConfigurationNames, asPaging(scope, in.NextToken, size), nil)
	if err != nil {
		return nil, err
	}
	lcs := make([]types.LaunchConfiguration, 0, len(named))
	for _, lc := range named {
		lcs = append(lcs, *lc)
	}
	return &autoscaling.DescribeLaunchConfigurationsOutput{LaunchConfigurations: lcs, NextToken: next}, nil
}

func deleteLaunchConfiguration(c *api.Context, in *autoscaling.DeleteLaunchConfigurationInput) (*autoscaling.DeleteLaunchConfigurationOutput, error) {
	name := aws.ToString(in.LaunchConfigurationName)
	lc, err := LaunchConfigs.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, err
	}
	if lc == nil {
		return nil, errLaunchConfigNotFound(name)
	}
	groups, err := Groups.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	for _, it := range groups {
		if aws.ToString(it.Doc.Group.LaunchConfigurationName) == name {
			return nil, errResourceInUse("Cannot delete launch configuration %s because it is attached to AutoScalingGroup %s", name, it.ID)
		}
	}
	_, err = LaunchConfigs.Delete(c.Tx, c.Scope(), name)
	return &autoscaling.DeleteLaunchConfigurationOutput{}, err
}

// configTemplate is a launch configuration as a group launches it.
func configTemplate(c *api.Context, name string) (*Template, error) {
	lc, err := LaunchConfigs.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, err
	}
	if lc == nil {
		return nil, errLaunchConfigNotFound(name)
	}
	return &Template{Name: name, Config: true, InstanceType: aws.ToString(lc.InstanceType), ImageID: aws.ToString(lc.ImageId),
		UserData: aws.ToString(lc.UserData), KeyName: aws.ToString(lc.KeyName), SecurityGroups: lc.SecurityGroups,
		IamInstanceProfile: aws.ToString(lc.IamInstanceProfile)}, nil
}

// groupTemplate resolves what a group launches from: its launch
// configuration, or its (mixed instances policy's) launch template.
func groupTemplate(c *api.Context, ec Compute, g *types.AutoScalingGroup) (*Template, error) {
	if name := aws.ToString(g.LaunchConfigurationName); name != "" {
		return configTemplate(c, name)
	}
	spec := templateSpec(g)
	if spec == nil || ec == nil {
		return nil, errValidation("You must use a valid fully-formed launch template. The launch template could not be found.")
	}
	return ec.Template(c, *spec)
}
