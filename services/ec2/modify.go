package ec2

import (
	"encoding/base64"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

func modifyInstanceAttribute(c *api.Context, in *sdk.ModifyInstanceAttributeInput) (*sdk.ModifyInstanceAttributeOutput, error) {
	inst, err := findInstance(c, aws.ToString(in.InstanceId))
	if err != nil {
		return nil, err
	}
	id := aws.ToString(inst.InstanceId)
	// The older form names the attribute and gives its value as a string.
	if in.Attribute != "" && in.Value != nil {
		v := in.Value
		b := &types.AttributeBooleanValue{Value: aws.Bool(*v == "true")}
		switch in.Attribute {
		case types.InstanceAttributeNameDisableApiTermination:
			in.DisableApiTermination = b
		case types.InstanceAttributeNameDisableApiStop:
			in.DisableApiStop = b
		case types.InstanceAttributeNameSourceDestCheck:
			in.SourceDestCheck = b
		case types.InstanceAttributeNameEbsOptimized:
			in.EbsOptimized = b
		case types.InstanceAttributeNameInstanceType:
			in.InstanceType = &types.AttributeValue{Value: v}
		case types.InstanceAttributeNameInstanceInitiatedShutdownBehavior:
			in.InstanceInitiatedShutdownBehavior = &types.AttributeValue{Value: v}
		case types.InstanceAttributeNameUserData:
			in.UserData = &types.SecureBlobAttributeValue{Value: []byte(*v)}
		default:
			return nil, apiErr("UnsupportedOperation", "Longshore does not modify the %s attribute.", in.Attribute)
		}
	}
	if in.BlockDeviceMappings != nil || in.EnaSupport != nil || in.EnclaveOptions != nil || in.Kernel != nil || in.Ramdisk != nil || in.SriovNetSupport != nil {
		return nil, apiErr("UnsupportedOperation", "Longshore does not modify this attribute of instance %s.", id)
	}
	stopped := inst.State.Name == types.InstanceStateNameStopped
	if (in.InstanceType != nil || in.UserData != nil) && !stopped {
		return nil, apiErr("IncorrectInstanceState", "The instance '%s' is not in the 'stopped' state.", id)
	}
	if v := in.DisableApiTermination; v != nil {
		inst.DisableAPITermination = aws.ToBool(v.Value)
	}
	if v := in.DisableApiStop; v != nil {
		inst.DisableAPIStop = aws.ToBool(v.Value)
	}
	if v := in.SourceDestCheck; v != nil {
		inst.SourceDestCheck = aws.Bool(aws.ToBool(v.Value))
	}
	if v := in.EbsOptimized; v != nil {
		inst.EbsOptimized = aws.Bool(aws.ToBool(v.Value))
	}
	if v := in.InstanceInitiatedShutdownBehavior; v != nil {
		b := aws.ToString(v.Value)
		if b != "stop" && b != "terminate" {
			return nil, invalidParam("Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid.", b)
		}
		inst.ShutdownBehavior = b
	}
	if v := in.InstanceType; v != nil {
		t := aws.ToString(v.Value)
		if !inList(typeNames(types.InstanceType("").Values()), t) {
			return nil, invalidParam("Invalid value '%s' for InstanceType.", t)
		}
		inst.InstanceType = types.InstanceType(t)
	}
	if v := in.UserData; v != nil {
		// The value arrives decoded; EC2 keeps it base64, as RunInstances takes it.
		raw := string(v.Value)
		if _, err := base64.StdEncoding.DecodeString(raw); err != nil {
			raw = base64.StdEncoding.EncodeToString(v.Value)
		}
		inst.UserData = raw
	}
	if len(in.Groups) > 0 {
		groups, err := groupsOf(c, aws.ToString(inst.VpcId), in.Groups)
		if err != nil {
			return nil, err
		}
		inst.SecurityGroups = groups
		if len(inst.NetworkInterfaces) > 0 {
			e, err := findInterface(c, aws.ToString(inst.NetworkInterfaces[0].NetworkInterfaceId))
			if err != nil {
				return nil, err
			}
			e.Groups = groups
			if err := eniKind.put(c, e); err != nil {
				return nil, err
			}
			inst.NetworkInterfaces[0].Groups = groups
		}
	}
	return &sdk.ModifyInstanceAttributeOutput{}, instanceKind.put(c, inst)
}
