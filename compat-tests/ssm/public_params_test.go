package ssm_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The public parameters configurations read, by the names AWS documents:
// ECS-optimized AMIs of every family ("Retrieving Amazon ECS-optimized Linux
// AMI metadata", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html),
// Bottlerocket's ECS variants (.../retrieve-ecs-optimized_bottlerocket_AMI.html),
// Amazon Linux's latest AMIs (ami-amazon-linux-latest) and AWS for Fluent Bit
// (github.com/aws/aws-for-fluent-bit, "Using the SSM parameters"). Every
// image id they name is an image DescribeImages knows.
func TestPublicParametersConfigurationsRead(t *testing.T) {
	ls := harness.Start(t)
	c := ssm.NewFromConfig(ls.Config)
	ec2c := ec2sdk.NewFromConfig(ls.Config)
	images := []string{
		"/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
		"/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-arm64-gp2",
		"/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2",
		"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
		"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64",
		"/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64",
		"/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2/inf/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2/kernel-5.10/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2/kernel-5.10/arm64/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux-2023/neuron/recommended/image_id",
		"/aws/service/ecs/optimized-ami/amazon-linux/recommended/image_id",
		"/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-ECS_Optimized/image_id",
		"/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id",
		"/aws/service/bottlerocket/aws-ecs-2/arm64/latest/image_id",
		"/aws/service/bottlerocket/aws-ecs-2-nvidia/x86_64/latest/image_id",
		"/aws/service/bottlerocket/aws-ecs-1/x86_64/latest/image_id",
	}
	for _, name := range images {
		p, err := c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String(name)})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		id := aws.ToString(p.Parameter.Value)
		out, err := ec2c.DescribeImages(harness.Ctx, &ec2sdk.DescribeImagesInput{ImageIds: []string{id}})
		if err != nil || len(out.Images) != 1 {
			t.Errorf("%s = %s: DescribeImages %v", name, id, err)
		}
	}
	rec := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended")}))(t)
	var doc map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(rec.Parameter.Value)), &doc); err != nil || doc["image_id"] == nil || doc["os"] != "Amazon Linux 2023" {
		t.Errorf("recommended JSON %s: %v", aws.ToString(rec.Parameter.Value), err)
	}
	fb := harness.Must(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/aws/service/aws-for-fluent-bit")}))(t)
	seen := map[string]string{}
	for _, p := range fb.Parameters {
		seen[aws.ToString(p.Name)] = aws.ToString(p.Value)
	}
	if v := seen["/aws/service/aws-for-fluent-bit/stable"]; !strings.HasSuffix(v, ".dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:stable") {
		t.Errorf("fluent bit stable %q (all: %v)", v, seen)
	}
	if _, ok := seen["/aws/service/aws-for-fluent-bit/latest"]; !ok {
		t.Errorf("no fluent bit latest: %v", seen)
	}
	br := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_version")}))(t)
	if v := aws.ToString(br.Parameter.Value); v != "1.26.2-360b7a38" {
		t.Errorf("bottlerocket image_version %q", v)
	}
}

// DescribeImages finds the public AMIs by the owner and name filters
// configurations use (the aws_ami data source's most_recent lookups).
func TestDescribeImagesByOwnerAndName(t *testing.T) {
	ls := harness.Start(t)
	c := ec2sdk.NewFromConfig(ls.Config)
	for _, tc := range []struct {
		owner, name, arch string
	}{
		{"amazon", "amzn2-ami-hvm-*-x86_64-gp2", "x86_64"},
		{"amazon", "amzn2-ami-kernel-5.10-hvm-*-arm64-gp2", "arm64"},
		{"amazon", "al2023-ami-2023.*-x86_64", "x86_64"},
		{"amazon", "amzn2-ami-ecs-hvm-*-x86_64-ebs", "x86_64"},
		{"amazon", "al2023-ami-ecs-hvm-*-kernel-6.1-arm64", "arm64"},
		{"amazon", "bottlerocket-aws-ecs-2-x86_64-*", "x86_64"},
		{"591542846629", "al2023-ami-ecs-gpu-hvm-*", "x86_64"},
		{"137112412989", "al2023-ami-minimal-*-kernel-6.1-x86_64", "x86_64"},
	} {
		out, err := c.DescribeImages(harness.Ctx, &ec2sdk.DescribeImagesInput{Owners: []string{tc.owner}, Filters: []ec2types.Filter{
			{Name: aws.String("name"), Values: []string{tc.name}}, {Name: aws.String("architecture"), Values: []string{tc.arch}},
			{Name: aws.String("virtualization-type"), Values: []string{"hvm"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Images) == 0 {
			t.Errorf("owner %s name %s: no image", tc.owner, tc.name)
		}
	}
	win := harness.Must(c.DescribeImages(harness.Ctx, &ec2sdk.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []ec2types.Filter{
		{Name: aws.String("name"), Values: []string{"Windows_Server-2022-English-Full-ECS_Optimized-*"}}}}))(t)
	if len(win.Images) != 1 || win.Images[0].Platform != ec2types.PlatformValuesWindows {
		t.Errorf("Windows ECS image %+v", win.Images)
	}
}
