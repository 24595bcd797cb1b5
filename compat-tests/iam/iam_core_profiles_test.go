package iam_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreInstanceProfiles(t *testing.T) {
	_, client := coreStart(t)
	harness.Must(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("ecsInstanceRole"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))(t)
	harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ecsInstanceRole"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")}))(t)
	out := harness.Must(client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole"),
		Path: aws.String("/ecs/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))(t)
	ip := out.InstanceProfile
	if aws.ToString(ip.Arn) != "arn:aws:iam::000000000000:instance-profile/ecs/ecsInstanceRole" ||
		!regexp.MustCompile(`^AIPA[A-Z2-7]{17}$`).MatchString(aws.ToString(ip.InstanceProfileId)) || len(ip.Roles) != 0 {
		t.Errorf("instance profile %+v", ip)
	}
	_, err := client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole")})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "Instance Profile ecsInstanceRole already exists.")

	if err := iam.NewInstanceProfileExistsWaiter(client).Wait(harness.Ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole")}, 10*time.Second); err != nil {
		t.Errorf("InstanceProfileExists waiter: %v", err)
	}
	harness.Must(client.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole"), RoleName: aws.String("ecsInstanceRole")}))(t)
	_, err = client.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole"), RoleName: aws.String("ecsInstanceRole")})
	harness.AssertAPIError(t, err, "EntityAlreadyExists")
	coreCreateRole(t, client, "second")
	_, err = client.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole"), RoleName: aws.String("second")})
	harness.AssertError(t, err, "LimitExceeded", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")

	got := harness.Must(client.GetInstanceProfile(harness.Ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole")}))(t)
	if len(got.InstanceProfile.Roles) != 1 || aws.ToString(got.InstanceProfile.Roles[0].RoleName) != "ecsInstanceRole" ||
		coreDecode(t, got.InstanceProfile.Roles[0].AssumeRolePolicyDocument) == "" || len(got.InstanceProfile.Tags) != 1 {
		t.Errorf("GetInstanceProfile %+v", got.InstanceProfile)
	}
	_, err = client.GetInstanceProfile(harness.Ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("nope")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "Instance Profile nope cannot be found.")

	fr := harness.Must(client.ListInstanceProfilesForRole(harness.Ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("ecsInstanceRole")}))(t)
	if len(fr.InstanceProfiles) != 1 {
		t.Errorf("ListInstanceProfilesForRole %d", len(fr.InstanceProfiles))
	}
	harness.Must(client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("other")}))(t)
	var n int
	p := iam.NewListInstanceProfilesPaginator(client, &iam.ListInstanceProfilesInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		n += len(harness.Must(p.NextPage(harness.Ctx))(t).InstanceProfiles)
	}
	if n != 2 {
		t.Errorf("ListInstanceProfiles paginator %d", n)
	}
	ecs := harness.Must(client.ListInstanceProfiles(harness.Ctx, &iam.ListInstanceProfilesInput{PathPrefix: aws.String("/ecs/")}))(t)
	if len(ecs.InstanceProfiles) != 1 {
		t.Errorf("PathPrefix /ecs/ %d", len(ecs.InstanceProfiles))
	}

	harness.Must(client.TagInstanceProfile(harness.Ctx, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String("other"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}}))(t)
	tags := harness.Must(client.ListInstanceProfileTags(harness.Ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("other")}))(t)
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "1" {
		t.Errorf("instance profile tags %+v", tags.Tags)
	}
	harness.Must(client.UntagInstanceProfile(harness.Ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: aws.String("other"), TagKeys: []string{"a"}}))(t)
	tags = harness.Must(client.ListInstanceProfileTags(harness.Ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("other")}))(t)
	if len(tags.Tags) != 0 {
		t.Errorf("tags after untag %+v", tags.Tags)
	}

	_, err = client.DeleteInstanceProfile(harness.Ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole")})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
	harness.Must(client.RemoveRoleFromInstanceProfile(harness.Ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole"), RoleName: aws.String("ecsInstanceRole")}))(t)
	_, err = client.RemoveRoleFromInstanceProfile(harness.Ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole"), RoleName: aws.String("ecsInstanceRole")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	harness.Must(client.DeleteInstanceProfile(harness.Ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole")}))(t)
	_, err = client.GetInstanceProfile(harness.Ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("ecsInstanceRole")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
}
