package ec2

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
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
	if err := settleInstances(c); err != nil {
		return nil, err
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
	if len(in.VolumeIds) > 0 {
		// A named volume is found through its instance, which keeps the
		// root volume's id in Name; run answers an unknown one as not found.
		var docs []*types.Volume
		for _, id := range in.VolumeIds {
			v, err := findVolume(c, id)
			if err != nil {
				return nil, err
			}
			if v != nil {
				docs = append(docs, v)
			}
		}
		out, next, err := l.run(c, docs, in.VolumeIds, in.Filters, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &sdk.DescribeVolumesOutput{Volumes: values(out), NextToken: next}, nil
	}
	known := map[string]bool{}
	for _, f := range l.filters {
		known[f] = true
	}
	var failed error
	out, next, err := api.PaginateFunc(l.paging(c, ":seq", in.MaxResults, in.NextToken), func(after int64, n int) ([]store.Item[types.Volume], error) {
		return volumesAfter(c, after, n)
	}, func(v *types.Volume) bool {
		if failed != nil {
			return false
		}
		ok, err := matchFilters(in.Filters, l.fields(v), v.Tags, func(n string) bool { return known[n] })
		failed = err
		return ok && err == nil
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeVolumesOutput{Volumes: values(out), NextToken: next}, nil
}

// rootVolumeID is the id of an instance's root volume, "" when it has none
// (a terminated instance's is gone).
func rootVolumeID(inst *Instance) string {
	if inst.State == nil || inst.State.Name == types.InstanceStateNameTerminated {
		return ""
	}
	for _, bdm := range inst.BlockDeviceMappings {
		if bdm.Ebs != nil && aws.ToString(bdm.Ebs.VolumeId) != "" {
			return aws.ToString(bdm.Ebs.VolumeId)
		}
	}
	return ""
}

// findVolume reads the volume with id through the instance whose root
// volume it is, or returns nil when there is none.
func findVolume(c *api.Context, id string) (*types.Volume, error) {
	if id == "" {
		return nil, nil
	}
	insts, err := instances.List(c.Tx, c.Scope(), store.Query{Name: id, Limit: 1})
	if err != nil || len(insts) == 0 {
		return nil, err
	}
	for _, v := range rootVolumes(c, insts[0].Doc) {
		if aws.ToString(v.VolumeId) == id {
			return v, nil
		}
	}
	return nil, nil
}

// volumeSlots is how many volumes an instance's position leaves room for:
// a volume's position is its instance's times volumeSlots plus its index,
// so that a token names a volume within its instance.
const volumeSlots = 16

// volumesAfter reads up to n volumes after position after, from the
// instances in creation order: only the instances the page needs are read.
func volumesAfter(c *api.Context, after int64, n int) ([]store.Item[types.Volume], error) {
	var out []store.Item[types.Volume]
	// The instance of the token's volume is read again for the volumes after it.
	seq := max(after/volumeSlots-1, 0)
	for len(out) < n {
		insts, err := instances.List(c.Tx, c.Scope(), store.Query{AfterSeq: seq, Limit: n})
		if err != nil {
			return nil, err
		}
		for _, it := range insts {
			seq = it.Seq
			for i, v := range rootVolumes(c, it.Doc) {
				if i == volumeSlots {
					break // never: an instance has one root volume
				}
				if pos := it.Seq*volumeSlots + int64(i); pos > after {
					out = append(out, store.Item[types.Volume]{Seq: pos, ID: aws.ToString(v.VolumeId), Doc: v})
				}
			}
		}
		if len(insts) < n {
			break
		}
	}
	return out, nil
}

// describeInstanceCreditSpecifications: burstable (T) instances run
// "unlimited" by default, as T3 instances do.
func describeInstanceCreditSpecifications(c *api.Context, in *sdk.DescribeInstanceCreditSpecificationsInput) (*sdk.DescribeInstanceCreditSpecificationsOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	burstable := func(i *Instance) bool {
		return strings.HasPrefix(string(i.InstanceType), "t") && i.State.Name != types.InstanceStateNameTerminated
	}
	l := listing[Instance]{op: "DescribeInstanceCreditSpecifications",
		id:       func(i *Instance) string { return aws.ToString(i.InstanceId) },
		fields:   func(i *Instance) fields { return fields{"instance-id": {aws.ToString(i.InstanceId)}} },
		filters:  []string{"instance-id"},
		notFound: func(id string) error { return notFoundAs("i", id) },
	}
	var out []*Instance
	var next *string
	if len(in.InstanceIds) > 0 {
		// Named instances are read one by one; those not burstable are left out.
		var named []*Instance
		var ids []string
		for _, id := range in.InstanceIds {
			inst, err := findInstance(c, id)
			if err != nil {
				return nil, err
			}
			if burstable(inst) {
				named = append(named, inst)
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return &sdk.DescribeInstanceCreditSpecificationsOutput{InstanceCreditSpecifications: []types.InstanceCreditSpecification{}}, nil
		}
		var err error
		if out, next, err = l.run(c, named, ids, in.Filters, in.MaxResults, in.NextToken); err != nil {
			return nil, err
		}
	} else {
		var err error
		out, next, err = l.page(c, instanceKind, func(i *Instance) (*Instance, error) {
			if !burstable(i) {
				return nil, nil
			}
			return i, nil
		}, nil, in.Filters, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
	}
	specs := []types.InstanceCreditSpecification{}
	for _, i := range out {
		specs = append(specs, types.InstanceCreditSpecification{InstanceId: i.InstanceId, CpuCredits: aws.String("unlimited")})
	}
	return &sdk.DescribeInstanceCreditSpecificationsOutput{InstanceCreditSpecifications: specs, NextToken: next}, nil
}
