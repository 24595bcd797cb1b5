package autoscaling

import (
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
)

// EC2Compute is Compute on Longshore's EC2 service, through its exported
// functions, in the caller's transaction.
type EC2Compute struct{}

// requester is who EC2 records as launching a group's instances.
const requester = "autoscaling.amazonaws.com"

func (EC2Compute) Template(c *api.Context, spec astypes.LaunchTemplateSpecification) (*Template, error) {
	v, err := ec2.ResolveLaunchTemplate(c.Tx, c.Account(), c.Region, ec2types.LaunchTemplateSpecification{
		LaunchTemplateId: spec.LaunchTemplateId, LaunchTemplateName: spec.LaunchTemplateName, Version: spec.Version})
	if err != nil {
		var ae *apierror.Error
		if errors.As(err, &ae) {
			// Auto Scaling reports EC2's refusal as its own ValidationError.
			return nil, errValidation("You must use a valid fully-formed launch template. %s", ae.Message)
		}
		return nil, err
	}
	t := &Template{ID: aws.ToString(v.LaunchTemplateId), Name: aws.ToString(v.LaunchTemplateName), Version: strconv.FormatInt(aws.ToInt64(v.VersionNumber), 10)}
	if d := v.LaunchTemplateData; d != nil {
		t.InstanceType, t.ImageID, t.UserData = string(d.InstanceType), aws.ToString(d.ImageId), aws.ToString(d.UserData)
	}
	return t, nil
}

func (EC2Compute) SubnetZone(c *api.Context, subnetID string) (string, error) {
	s, err := ec2.LookupSubnet(c.Tx, c.Account(), c.Region, subnetID)
	var ae *apierror.Error
	if errors.As(err, &ae) || s == nil {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return aws.ToString(s.AvailabilityZone), nil
}

func (EC2Compute) Zones(c *api.Context) ([]string, error) {
	return ec2.AvailabilityZones(c.Region), nil
}

func (EC2Compute) Run(c *api.Context, r RunRequest) (*Launched, error) {
	in := &ec2sdk.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}
	if t := r.Template; t.Config {
		in.ImageId, in.InstanceType = aws.String(t.ImageID), ec2types.InstanceType(t.InstanceType)
		if t.UserData != "" {
			in.UserData = aws.String(t.UserData)
		}
		if t.KeyName != "" {
			in.KeyName = aws.String(t.KeyName)
		}
		for _, g := range t.SecurityGroups {
			if strings.HasPrefix(g, "sg-") {
				in.SecurityGroupIds = append(in.SecurityGroupIds, g)
			} else {
				in.SecurityGroups = append(in.SecurityGroups, g)
			}
		}
		if p := t.IamInstanceProfile; strings.HasPrefix(p, "arn:") {
			in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Arn: aws.String(p)}
		} else if p != "" {
			in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Name: aws.String(p)}
		}
	} else {
		in.LaunchTemplate = &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(t.ID), Version: aws.String(t.Version)}
	}
	if r.InstanceType != "" && r.InstanceType != r.Template.InstanceType {
		in.InstanceType = ec2types.InstanceType(r.InstanceType)
	}
	if r.SubnetID != "" {
		in.SubnetId = aws.String(r.SubnetID)
	} else if r.AvailabilityZone != "" {
		in.Placement = &ec2types.Placement{AvailabilityZone: aws.String(r.AvailabilityZone)}
	}
	if len(r.Tags) > 0 {
		keys := make([]string, 0, len(r.Tags))
		for k := range r.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		spec := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeInstance}
		for _, k := range keys {
			spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(r.Tags[k])})
		}
		in.TagSpecifications = []ec2types.TagSpecification{spec}
	}
	res, err := ec2.LaunchInstances(c.Tx, c.Account(), c.Region, requester, in)
	if err != nil {
		return nil, err
	}
	if len(res.Instances) != 1 {
		return nil, errors.New("autoscaling: EC2 launched no instance")
	}
	i := res.Instances[0]
	return &Launched{ID: aws.ToString(i.InstanceId), ImageID: aws.ToString(i.ImageId), Architecture: string(i.Architecture)}, nil
}

func (EC2Compute) Terminate(c *api.Context, instanceID string) error {
	_, err := ec2.TerminateInstances(c.Tx, c.Account(), c.Region, []string{instanceID})
	var ae *apierror.Error
	if errors.As(err, &ae) {
		// An instance already gone from EC2 (terminated by hand) is fine.
		return nil
	}
	return err
}

func (EC2Compute) Instances(c *api.Context) ([]Machine, error) {
	docs, err := ec2.InstancesByState(c.Tx, c.Account(), c.Region)
	if err != nil {
		return nil, err
	}
	out := make([]Machine, 0, len(docs))
	for _, d := range docs {
		m := Machine{ID: aws.ToString(d.InstanceId), LaunchTime: aws.ToTime(d.LaunchTime), UserData: d.UserData,
			InstanceType: string(d.InstanceType), ImageID: aws.ToString(d.ImageId), Architecture: string(d.Architecture)}
		if d.State != nil {
			m.State = string(d.State.Name)
		}
		if d.Placement != nil {
			m.AvailabilityZone = aws.ToString(d.Placement.AvailabilityZone)
		}
		out = append(out, m)
	}
	return out, nil
}
