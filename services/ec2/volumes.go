package ec2

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

// Instances' root volumes are the only volumes Longshore has: they come and
// go with their instance, so they are read from the instances.

func registerVolumes(s *api.Service) {
	handle(s, "DescribeVolumes", describeVolumes)
	handle(s, "DescribeInstanceCreditSpecifications", describeInstanceCreditSpecifications)
}

// rootVolumes are the volumes attached to an instance.
func rootVolumes(c *api.Context, inst *Instance) []*types.Volume {
	if inst.State.Name == types.InstanceStateNameTerminated {
		return nil
	}
	vtype, iops, throughput := types.VolumeTypeGp2, int32(100), (*int32)(nil)
	if p, _ := findImage(c.Region, aws.ToString(inst.ImageId)); p != nil && p.AL2023 {
		vtype, iops, throughput = types.VolumeTypeGp3, 3000, aws.Int32(125)
	}
	var out []*types.Volume
	for _, bdm := range inst.BlockDeviceMappings {
		if bdm.Ebs == nil {
			continue
		}
		id := aws.ToString(bdm.Ebs.VolumeId)
		out = append(out, &types.Volume{VolumeId: aws.String(id), Size: aws.Int32(30), VolumeType: vtype, Iops: aws.Int32(iops), Throughput: throughput,
			State: types.VolumeStateInUse, AvailabilityZone: inst.Placement.AvailabilityZone, AvailabilityZoneId: inst.Placement.AvailabilityZoneId,
			CreateTime: inst.LaunchTime, Encrypted: aws.Bool(false), MultiAttachEnabled: aws.Bool(false), SnapshotId: aws.String("snap-0" + aws.ToString(inst.ImageId)[5:]),
			Tags: []types.Tag{}, Attachments: []types.VolumeAttachment{{VolumeId: aws.String(id), InstanceId: inst.InstanceId, Device: bdm.DeviceName,
				AttachTime: bdm.Ebs.AttachTime, DeleteOnTermination: bdm.Ebs.DeleteOnTermination, State: types.VolumeAttachmentStateAttached}}})
	}
	return out
}

func describeVolumes(c *api.Context, in *sdk.DescribeVolumesInput) (*sdk.DescribeVolumesOutput, error) {
	insts, err := liveInstances(c)
	if err != nil {
		return nil, err
	}
	var docs []*types.Volume
	for _, inst := range insts {
		docs = append(docs, rootVolumes(c, inst)...)
	}
	l := listing[types.Volume]{op: "DescribeVolumes",
		id:   func(v *types.Volume) string { return aws.ToString(v.VolumeId) },
		tags: func(v *types.Volume) []types.Tag { return v.Tags },
		fields: func(v *types.Volume) fields {
			f := fields{}
			f.addPtr("volume-id", v.VolumeId)
			f.addPtr("availability-zone", v.AvailabilityZone)
			f.add("status", string(v.State))
			f.add("volume-type", string(v.VolumeType))
			f.add("size", strconv.Itoa(int(aws.ToInt32(v.Size))))
			f.addBool("encrypted", v.Encrypted)
			f.addPtr("snapshot-id", v.SnapshotId)
			for _, a := range v.Attachments {
				f.addPtr("attachment.instance-id", a.InstanceId)
				f.addPtr("attachment.device", a.Device)
				f.add("attachment.status", string(a.State))
				f.addBool("attachment.delete-on-termination", a.DeleteOnTermination)
			}
			return f
		},
		filters: []string{"volume-id", "availability-zone", "status", "volume-type", "size", "encrypted", "snapshot-id",
			"attachment.instance-id", "attachment.device", "attachment.status", "attachment.delete-on-termination"},
		notFound: func(id string) error { return apiErr("InvalidVolume.NotFound", "The volume '%s' does not exist.", id) },
	}
	out, next, err := l.run(c, docs, in.VolumeIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeVolumesOutput{Volumes: values(out), NextToken: next}, nil
}

// describeInstanceCreditSpecifications: burstable (T) instances run
// "unlimited" by default, as T3 instances do.
func describeInstanceCreditSpecifications(c *api.Context, in *sdk.DescribeInstanceCreditSpecificationsInput) (*sdk.DescribeInstanceCreditSpecificationsOutput, error) {
	insts, err := liveInstances(c)
	if err != nil {
		return nil, err
	}
	var burstable []*Instance
	for _, inst := range insts {
		if strings.HasPrefix(string(inst.InstanceType), "t") && inst.State.Name != types.InstanceStateNameTerminated {
			burstable = append(burstable, inst)
		}
	}
	l := listing[Instance]{op: "DescribeInstanceCreditSpecifications",
		id:       func(i *Instance) string { return aws.ToString(i.InstanceId) },
		fields:   func(i *Instance) fields { return fields{"instance-id": {aws.ToString(i.InstanceId)}} },
		filters:  []string{"instance-id"},
		notFound: func(id string) error { return notFoundAs("i", id) },
	}
	for _, id := range in.InstanceIds {
		if _, err := findInstance(c, id); err != nil {
			return nil, err
		}
	}
	var ids []string
	for _, id := range in.InstanceIds {
		for _, b := range burstable {
			if aws.ToString(b.InstanceId) == id {
				ids = append(ids, id)
			}
		}
	}
	if len(in.InstanceIds) > 0 && len(ids) == 0 {
		return &sdk.DescribeInstanceCreditSpecificationsOutput{InstanceCreditSpecifications: []types.InstanceCreditSpecification{}}, nil
	}
	out, next, err := l.run(c, burstable, ids, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	specs := []types.InstanceCreditSpecification{}
	for _, i := range out {
		specs = append(specs, types.InstanceCreditSpecification{InstanceId: i.InstanceId, CpuCredits: aws.String("unlimited")})
	}
	return &sdk.DescribeInstanceCreditSpecificationsOutput{InstanceCreditSpecifications: specs, NextToken: next}, nil
}
