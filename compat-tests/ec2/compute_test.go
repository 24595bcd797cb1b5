package ec2_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/services/core/catalog"
)

// One table of instance types: what DescribeInstanceTypes reports is the
// catalogue the cluster manager registers container instances from.
func TestInstanceTypesMatchTheCatalog(t *testing.T) {
	c := client(t)
	names := catalog.InstanceTypeNames()
	seen := 0
	p := ec2.NewDescribeInstanceTypesPaginator(c, &ec2.DescribeInstanceTypesInput{})
	for p.HasMorePages() {
		for _, it := range harness.Must(p.NextPage(harness.Ctx))(t).InstanceTypes {
			seen++
			s, ok := catalog.LookupInstanceType(string(it.InstanceType))
			if !ok || int(aws.ToInt32(it.VCpuInfo.DefaultVCpus)) != s.VCPU || int(aws.ToInt64(it.MemoryInfo.SizeInMiB)) != s.MemMiB ||
				int(aws.ToInt32(it.NetworkInfo.MaximumNetworkInterfaces)) != s.ENIs || string(it.ProcessorInfo.SupportedArchitectures[0]) != s.Arch {
				t.Errorf("%s: ec2 %+v %+v catalog %+v", it.InstanceType, it.VCpuInfo, it.MemoryInfo, s)
			}
		}
	}
	if seen != len(names) {
		t.Errorf("DescribeInstanceTypes lists %d types, the catalog %d", seen, len(names))
	}
}

func TestDescribeInstanceTypes(t *testing.T) {
	c := client(t)
	out := harness.Must(c.DescribeInstanceTypes(harness.Ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: []types.InstanceType{"m5.large", "t3.micro"}}))(t)
	if len(out.InstanceTypes) != 2 {
		t.Fatalf("types %d", len(out.InstanceTypes))
	}
	m5 := out.InstanceTypes[0]
	if m5.InstanceType != "m5.large" || aws.ToInt32(m5.VCpuInfo.DefaultVCpus) != 2 || aws.ToInt64(m5.MemoryInfo.SizeInMiB) != 8192 ||
		aws.ToInt32(m5.NetworkInfo.MaximumNetworkInterfaces) != 3 || m5.ProcessorInfo.SupportedArchitectures[0] != types.ArchitectureTypeX8664 {
		t.Errorf("m5.large %+v", m5)
	}
	n := 0
	p := ec2.NewDescribeInstanceTypesPaginator(c, &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(20), Filters: []types.Filter{filter("instance-type", "c6i.*")}})
	for p.HasMorePages() {
		n += len(harness.Must(p.NextPage(harness.Ctx))(t).InstanceTypes)
	}
	if n != 9 {
		t.Errorf("c6i types %d", n)
	}
	_, err := c.DescribeInstanceTypes(harness.Ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: []types.InstanceType{"x9.huge"}})
	harness.AssertAPIError(t, err, "InvalidInstanceType")
}

func TestDescribeImagesOfECS(t *testing.T) {
	c := client(t)
	out := harness.Must(c.DescribeImages(harness.Ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"},
		Filters: []types.Filter{filter("name", "al2023-ami-ecs-hvm-*"), filter("architecture", "arm64")}}))(t)
	if len(out.Images) != 1 || !strings.HasSuffix(aws.ToString(out.Images[0].Name), "arm64") || out.Images[0].State != types.ImageStateAvailable {
		t.Fatalf("images %+v", out.Images)
	}
	if err := ec2.NewImageAvailableWaiter(c).Wait(harness.Ctx, &ec2.DescribeImagesInput{ImageIds: []string{aws.ToString(out.Images[0].ImageId)}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeImages(harness.Ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0123456789abcdef0"}})
	harness.AssertAPIError(t, err, "InvalidAMIID.NotFound")
	_, err = c.DescribeImages(harness.Ctx, &ec2.DescribeImagesInput{ImageIds: []string{"image-1"}})
	harness.AssertAPIError(t, err, "InvalidAMIID.Malformed")
}

const publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@host"

func TestKeyPairs(t *testing.T) {
	c := client(t)
	created := harness.Must(c.CreateKeyPair(harness.Ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("deploy"), TagSpecifications: nameTag(types.ResourceTypeKeyPair, "deploy")}))(t)
	if !strings.HasPrefix(aws.ToString(created.KeyMaterial), "-----BEGIN RSA PRIVATE KEY-----") || len(aws.ToString(created.KeyFingerprint)) != 59 ||
		!strings.HasPrefix(aws.ToString(created.KeyPairId), "key-") {
		t.Fatalf("created %+v", created)
	}
	_, err := c.CreateKeyPair(harness.Ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("deploy")})
	harness.AssertAPIError(t, err, "InvalidKeyPair.Duplicate")
	ed := harness.Must(c.CreateKeyPair(harness.Ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("ed"), KeyType: types.KeyTypeEd25519}))(t)
	if !strings.HasPrefix(aws.ToString(ed.KeyMaterial), "-----BEGIN PRIVATE KEY-----") {
		t.Errorf("ed25519 material %q", aws.ToString(ed.KeyMaterial))
	}
	imp := harness.Must(c.ImportKeyPair(harness.Ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("laptop"), PublicKeyMaterial: []byte(publicKey)}))(t)
	if !strings.HasSuffix(aws.ToString(imp.KeyFingerprint), "=") {
		t.Errorf("imported fingerprint %q", aws.ToString(imp.KeyFingerprint))
	}
	_, err = c.ImportKeyPair(harness.Ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("bad"), PublicKeyMaterial: []byte("not a key")})
	harness.AssertAPIError(t, err, "InvalidKey.Format")
	if err := ec2.NewKeyPairExistsWaiter(c).Wait(harness.Ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"laptop"}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	desc := harness.Must(c.DescribeKeyPairs(harness.Ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"laptop"}, IncludePublicKey: aws.Bool(true)}))(t)
	if len(desc.KeyPairs) != 1 || desc.KeyPairs[0].KeyType != types.KeyTypeEd25519 || !strings.HasPrefix(aws.ToString(desc.KeyPairs[0].PublicKey), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl") {
		t.Fatalf("described %+v", desc.KeyPairs)
	}
	all := harness.Must(c.DescribeKeyPairs(harness.Ctx, &ec2.DescribeKeyPairsInput{Filters: []types.Filter{filter("key-type", "rsa")}}))(t)
	if len(all.KeyPairs) != 1 || all.KeyPairs[0].PublicKey != nil || tagValue(all.KeyPairs[0].Tags, "Name") != "deploy" {
		t.Errorf("rsa keys %+v", all.KeyPairs)
	}
	harness.Must(c.DeleteKeyPair(harness.Ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String("laptop")}))(t)
	harness.Must(c.DeleteKeyPair(harness.Ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String("laptop")}))(t)
	_, err = c.DescribeKeyPairs(harness.Ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"laptop"}})
	if ae := harness.AssertAPIError(t, err, "InvalidKeyPair.NotFound"); ae.ErrorMessage() != "The key pair 'laptop' does not exist" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func ecsUserData(cluster string) string {
	return base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\necho ECS_CLUSTER=" + cluster + " >> /etc/ecs/ecs.config\n"))
}

func TestLaunchTemplates(t *testing.T) {
	c := client(t)
	lt := harness.Must(c.CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("ecs"),
		VersionDescription: aws.String("first"), LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
			InstanceType: types.InstanceTypeT3Medium, UserData: aws.String(ecsUserData("prod")),
			IamInstanceProfile: &types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("ecsInstanceRole")}},
		TagSpecifications: nameTag(types.ResourceTypeLaunchTemplate, "ecs")}))(t)
	ltID := aws.ToString(lt.LaunchTemplate.LaunchTemplateId)
	if !strings.HasPrefix(ltID, "lt-") || aws.ToInt64(lt.LaunchTemplate.LatestVersionNumber) != 1 || aws.ToString(lt.LaunchTemplate.CreatedBy) != "arn:aws:iam::000000000000:root" {
		t.Fatalf("template %+v", lt.LaunchTemplate)
	}
	_, err := c.CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("ecs"), LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Micro}})
	harness.AssertAPIError(t, err, "InvalidLaunchTemplateName.AlreadyExistsException")
	_, err = c.CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad"), LaunchTemplateData: &types.RequestLaunchTemplateData{UserData: aws.String("not base64!")}})
	harness.AssertAPIError(t, err, "InvalidUserData.Malformed")
	v2 := harness.Must(c.CreateLaunchTemplateVersion(harness.Ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(ltID),
		SourceVersion: aws.String("1"), LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeM5Large}}))(t)
	d := v2.LaunchTemplateVersion.LaunchTemplateData
	if aws.ToInt64(v2.LaunchTemplateVersion.VersionNumber) != 2 || d.InstanceType != types.InstanceTypeM5Large || aws.ToString(d.UserData) != ecsUserData("prod") ||
		aws.ToString(d.IamInstanceProfile.Name) != "ecsInstanceRole" {
		t.Fatalf("version 2 %+v", d)
	}
	latest := harness.Must(c.DescribeLaunchTemplateVersions(harness.Ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("ecs"), Versions: []string{"$Latest", "$Default"}}))(t)
	if len(latest.LaunchTemplateVersions) != 2 || aws.ToInt64(latest.LaunchTemplateVersions[0].VersionNumber) != 2 || !aws.ToBool(latest.LaunchTemplateVersions[1].DefaultVersion) {
		t.Fatalf("latest/default %+v", latest.LaunchTemplateVersions)
	}
	harness.Must(c.ModifyLaunchTemplate(harness.Ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(ltID), DefaultVersion: aws.String("2")}))(t)
	all := harness.Must(c.DescribeLaunchTemplateVersions(harness.Ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(ltID),
		Filters: []types.Filter{filter("is-default-version", "true")}}))(t)
	if len(all.LaunchTemplateVersions) != 1 || aws.ToInt64(all.LaunchTemplateVersions[0].VersionNumber) != 2 {
		t.Fatalf("default after modify %+v", all.LaunchTemplateVersions)
	}
	_, err = c.DescribeLaunchTemplateVersions(harness.Ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(ltID), Versions: []string{"9"}})
	harness.AssertAPIError(t, err, "InvalidLaunchTemplateId.VersionNotFound")
	del := harness.Must(c.DeleteLaunchTemplateVersions(harness.Ctx, &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(ltID), Versions: []string{"1", "2"}}))(t)
	if len(del.SuccessfullyDeletedLaunchTemplateVersions) != 1 || len(del.UnsuccessfullyDeletedLaunchTemplateVersions) != 1 {
		t.Errorf("delete versions %+v", del)
	}
	lts := harness.Must(c.DescribeLaunchTemplates(harness.Ctx, &ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{filter("tag:Name", "ecs")}}))(t)
	if len(lts.LaunchTemplates) != 1 || aws.ToInt64(lts.LaunchTemplates[0].DefaultVersionNumber) != 2 {
		t.Fatalf("templates %+v", lts.LaunchTemplates)
	}
	harness.Must(c.DeleteLaunchTemplate(harness.Ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String("ecs")}))(t)
	_, err = c.DescribeLaunchTemplates(harness.Ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"ecs"}})
	harness.AssertAPIError(t, err, "InvalidLaunchTemplateName.NotFoundException")
	_, err = c.DescribeLaunchTemplates(harness.Ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{ltID}})
	harness.AssertAPIError(t, err, "InvalidLaunchTemplateId.NotFound")
}

func TestInstancesLifecycle(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.8.0.0/16")
	sub := createSubnet(t, c, vpc, "10.8.1.0/24", "us-east-1c")
	sg := harness.Must(c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("ecs"), Description: aws.String("ecs"), VpcId: aws.String(vpc)}))(t)
	lt := harness.Must(c.CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("ecs"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
			InstanceType: types.InstanceTypeT3Medium, UserData: aws.String(ecsUserData("prod")), SecurityGroupIds: []string{aws.ToString(sg.GroupId)},
			IamInstanceProfile: &types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("ecsInstanceRole")},
			TagSpecifications:  []types.LaunchTemplateTagSpecificationRequest{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("role"), Value: aws.String("ecs")}}}}}}))(t)
	run := harness.Must(c.RunInstances(harness.Ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(2), MaxCount: aws.Int32(2), SubnetId: aws.String(sub),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("$Latest")}}))(t)
	if len(run.Instances) != 2 || !strings.HasPrefix(aws.ToString(run.ReservationId), "r-") {
		t.Fatalf("run %+v", run)
	}
	i0 := run.Instances[0]
	if i0.State.Name != types.InstanceStateNamePending || i0.InstanceType != types.InstanceTypeT3Medium || aws.ToString(i0.SubnetId) != sub ||
		aws.ToString(i0.Placement.AvailabilityZone) != "us-east-1c" || !strings.HasPrefix(aws.ToString(i0.PrivateIpAddress), "10.8.1.") ||
		aws.ToString(i0.SecurityGroups[0].GroupId) != aws.ToString(sg.GroupId) || tagValue(i0.Tags, "role") != "ecs" ||
		aws.ToString(i0.IamInstanceProfile.Arn) != "arn:aws:iam::000000000000:instance-profile/ecsInstanceRole" || len(i0.NetworkInterfaces) != 1 {
		t.Fatalf("instance %+v", i0)
	}
	ids := []string{aws.ToString(run.Instances[0].InstanceId), aws.ToString(run.Instances[1].InstanceId)}
	fast := func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay = time.Second }
	if err := ec2.NewInstanceRunningWaiter(c, fast).Wait(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := ec2.NewInstanceStatusOkWaiter(c, func(o *ec2.InstanceStatusOkWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx,
		&ec2.DescribeInstanceStatusInput{InstanceIds: ids}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	ud := harness.Must(c.DescribeInstanceAttribute(harness.Ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(ids[0]), Attribute: types.InstanceAttributeNameUserData}))(t)
	if aws.ToString(ud.UserData.Value) != ecsUserData("prod") {
		t.Errorf("user data %q", aws.ToString(ud.UserData.Value))
	}
	enis := harness.Must(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("attachment.instance-id", ids[0])}}))(t)
	if len(enis.NetworkInterfaces) != 1 || enis.NetworkInterfaces[0].Status != types.NetworkInterfaceStatusInUse {
		t.Fatalf("instance interface %+v", enis.NetworkInterfaces)
	}
	// Stop and start.
	stop := harness.Must(c.StopInstances(harness.Ctx, &ec2.StopInstancesInput{InstanceIds: ids[:1]}))(t)
	if stop.StoppingInstances[0].CurrentState.Name != types.InstanceStateNameStopping || stop.StoppingInstances[0].PreviousState.Name != types.InstanceStateNameRunning {
		t.Errorf("stop %+v", stop.StoppingInstances[0])
	}
	if err := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: ids[:1]}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	// A stopped instance can change type and user data; a running one cannot.
	_, err := c.ModifyInstanceAttribute(harness.Ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(ids[1]), InstanceType: &types.AttributeValue{Value: aws.String("t3.large")}})
	harness.AssertAPIError(t, err, "IncorrectInstanceState")
	harness.Must(c.ModifyInstanceAttribute(harness.Ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(ids[0]), InstanceType: &types.AttributeValue{Value: aws.String("t3.large")}}))(t)
	harness.Must(c.ModifyInstanceAttribute(harness.Ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(ids[1]),
		DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))(t)
	_, err = c.TerminateInstances(harness.Ctx, &ec2.TerminateInstancesInput{InstanceIds: ids[1:]})
	harness.AssertAPIError(t, err, "OperationNotPermitted")
	harness.Must(c.ModifyInstanceAttribute(harness.Ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(ids[1]),
		DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(false)}}))(t)
	it := harness.Must(c.DescribeInstanceAttribute(harness.Ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(ids[0]), Attribute: types.InstanceAttributeNameInstanceType}))(t)
	if aws.ToString(it.InstanceType.Value) != "t3.large" {
		t.Errorf("instance type %+v", it.InstanceType)
	}
	vols := harness.Must(c.DescribeVolumes(harness.Ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{filter("attachment.instance-id", ids[0])}}))(t)
	if len(vols.Volumes) != 1 || aws.ToString(vols.Volumes[0].Attachments[0].Device) != "/dev/xvda" || vols.Volumes[0].VolumeType != types.VolumeTypeGp3 {
		t.Errorf("root volume %+v", vols.Volumes)
	}
	// Named volumes come back in the order named; an unknown one is refused
	// with EC2's message for it, "The volume 'vol-...' does not exist."
	// (awscli's describe-volume-status and describe-volumes report it so).
	volID := aws.ToString(vols.Volumes[0].VolumeId)
	other := harness.Must(c.DescribeVolumes(harness.Ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{filter("attachment.instance-id", ids[1])}}))(t)
	otherID := aws.ToString(other.Volumes[0].VolumeId)
	named := harness.Must(c.DescribeVolumes(harness.Ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{otherID, volID, otherID}}))(t)
	if len(named.Volumes) != 2 || aws.ToString(named.Volumes[0].VolumeId) != otherID || aws.ToString(named.Volumes[1].Attachments[0].InstanceId) != ids[0] {
		t.Errorf("named volumes %+v", named.Volumes)
	}
	_, err = c.DescribeVolumes(harness.Ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{volID, "vol-0123456789abcdef0"}})
	if ae := harness.AssertAPIError(t, err, "InvalidVolume.NotFound"); ae.ErrorMessage() != "The volume 'vol-0123456789abcdef0' does not exist." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	credits := harness.Must(c.DescribeInstanceCreditSpecifications(harness.Ctx, &ec2.DescribeInstanceCreditSpecificationsInput{InstanceIds: ids}))(t)
	if len(credits.InstanceCreditSpecifications) != 2 || aws.ToString(credits.InstanceCreditSpecifications[0].CpuCredits) != "unlimited" {
		t.Errorf("credits %+v", credits.InstanceCreditSpecifications)
	}
	status := harness.Must(c.DescribeInstanceStatus(harness.Ctx, &ec2.DescribeInstanceStatusInput{}))(t)
	if len(status.InstanceStatuses) != 1 {
		t.Errorf("running statuses %d", len(status.InstanceStatuses))
	}
	harness.Must(c.StartInstances(harness.Ctx, &ec2.StartInstancesInput{InstanceIds: ids[:1]}))(t)
	if err := ec2.NewInstanceRunningWaiter(c, fast).Wait(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: ids[:1]}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	// Filters and reservations.
	byState := harness.Must(c.DescribeInstances(harness.Ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("instance-state-name", "running"), filter("tag:role", "ecs")}}))(t)
	if len(byState.Reservations) != 1 || len(byState.Reservations[0].Instances) != 2 {
		t.Fatalf("reservations %+v", byState.Reservations)
	}
	term := harness.Must(c.TerminateInstances(harness.Ctx, &ec2.TerminateInstancesInput{InstanceIds: ids}))(t)
	if term.TerminatingInstances[0].CurrentState.Name != types.InstanceStateNameShuttingDown {
		t.Errorf("terminate %+v", term.TerminatingInstances[0])
	}
	if err := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	// Terminated instances stay visible, their interfaces and addresses are gone.
	gone := harness.Must(c.DescribeInstances(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}))(t)
	if len(gone.Reservations[0].Instances) != 2 {
		t.Errorf("terminated instances not visible")
	}
	subs := harness.Must(c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{sub}}))(t)
	if aws.ToInt32(subs.Subnets[0].AvailableIpAddressCount) != 251 {
		t.Errorf("addresses not returned: %d", aws.ToInt32(subs.Subnets[0].AvailableIpAddressCount))
	}
	vols = harness.Must(c.DescribeVolumes(harness.Ctx, &ec2.DescribeVolumesInput{}))(t)
	if len(vols.Volumes) != 0 {
		t.Errorf("volumes after termination: %d", len(vols.Volumes))
	}
	_, err = c.DescribeVolumes(harness.Ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{volID}})
	harness.AssertAPIError(t, err, "InvalidVolume.NotFound")
	_, err = c.DescribeInstances(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	if ae := harness.AssertAPIError(t, err, "InvalidInstanceID.NotFound"); ae.ErrorMessage() != "The instance ID 'i-0123456789abcdef0' does not exist" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestRunInstancesDefaultsAndErrors(t *testing.T) {
	c := client(t)
	img := harness.Must(c.DescribeImages(harness.Ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{filter("name", "amzn2-ami-ecs-hvm-*-x86_64-ebs")}}))(t)
	imageID := img.Images[0].ImageId
	// Without a subnet, an instance lands in the default subnet of its zone, with a public address.
	run := harness.Must(c.RunInstances(harness.Ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: imageID,
		InstanceType: types.InstanceTypeM5Large, Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1b")}}))(t)
	i := run.Instances[0]
	if !strings.HasPrefix(aws.ToString(i.PrivateIpAddress), "172.31.") || aws.ToString(i.PublicIpAddress) == "" || aws.ToString(i.Placement.AvailabilityZone) != "us-east-1b" ||
		i.Architecture != types.ArchitectureValuesX8664 || aws.ToString(i.SecurityGroups[0].GroupName) != "default" {
		t.Fatalf("default placement %+v", i)
	}
	if !strings.HasSuffix(aws.ToString(i.PrivateDnsName), ".ec2.internal") {
		t.Errorf("private dns %s", aws.ToString(i.PrivateDnsName))
	}
	_, err := c.RunInstances(harness.Ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: imageID, KeyName: aws.String("nope")})
	harness.AssertAPIError(t, err, "InvalidKeyPair.NotFound")
	_, err = c.RunInstances(harness.Ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: imageID, SubnetId: aws.String("subnet-0000000000000000a")})
	harness.AssertAPIError(t, err, "InvalidSubnetID.NotFound")
	_, err = c.RunInstances(harness.Ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: aws.String("image")})
	harness.AssertAPIError(t, err, "InvalidAMIID.Malformed")
	_, err = c.RunInstances(harness.Ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: imageID, SecurityGroupIds: []string{"sg-0000000000000000a"}})
	harness.AssertAPIError(t, err, "InvalidGroup.NotFound")
	arm := harness.Must(c.DescribeImages(harness.Ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{filter("name", "amzn2-ami-ecs-hvm-*-arm64-ebs")}}))(t)
	_, err = c.RunInstances(harness.Ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: arm.Images[0].ImageId, InstanceType: types.InstanceTypeM5Large})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	_, err = c.TerminateInstances(harness.Ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	harness.AssertAPIError(t, err, "InvalidInstanceID.NotFound")
	// An interface attached to a running instance, then detached.
	sub := aws.ToString(i.SubnetId)
	eni := harness.Must(c.CreateNetworkInterface(harness.Ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(sub)}))(t)
	att := harness.Must(c.AttachNetworkInterface(harness.Ctx, &ec2.AttachNetworkInterfaceInput{DeviceIndex: aws.Int32(1),
		InstanceId: i.InstanceId, NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId}))(t)
	_, err = c.DeleteNetworkInterface(harness.Ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId})
	harness.AssertAPIError(t, err, "InvalidNetworkInterface.InUse")
	harness.Must(c.DetachNetworkInterface(harness.Ctx, &ec2.DetachNetworkInterfaceInput{AttachmentId: att.AttachmentId}))(t)
	if err := ec2.NewNetworkInterfaceAvailableWaiter(c).Wait(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{aws.ToString(eni.NetworkInterface.NetworkInterfaceId)}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachNetworkInterface(harness.Ctx, &ec2.DetachNetworkInterfaceInput{AttachmentId: att.AttachmentId})
	harness.AssertAPIError(t, err, "InvalidAttachmentID.NotFound")
	// An Elastic IP associated with the instance becomes its public address.
	eip := harness.Must(c.AllocateAddress(harness.Ctx, &ec2.AllocateAddressInput{}))(t)
	harness.Must(c.AssociateAddress(harness.Ctx, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: i.InstanceId}))(t)
	got := harness.Must(c.DescribeInstances(harness.Ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("ip-address", aws.ToString(eip.PublicIp))}}))(t)
	if len(got.Reservations) != 1 {
		t.Errorf("instance by elastic ip: %d", len(got.Reservations))
	}
	addrs := harness.Must(c.DescribeAddresses(harness.Ctx, &ec2.DescribeAddressesInput{PublicIps: []string{aws.ToString(eip.PublicIp)}}))(t)
	if aws.ToString(addrs.Addresses[0].InstanceId) != aws.ToString(i.InstanceId) {
		t.Errorf("address instance %+v", addrs.Addresses[0])
	}
}
