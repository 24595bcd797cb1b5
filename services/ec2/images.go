package ec2

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

// PublicImage is an Amazon-owned image Longshore knows, with the public SSM
// parameter that names its id.
type PublicImage struct {
	Name, Description string
	Arch              types.ArchitectureValues
	Owner             string
	// SSMParameter is the public parameter whose value is the image id.
	SSMParameter string
	// ECSParameterPath is the ECS-optimized parameter path (…/recommended) whose JSON value describes the image.
	ECSParameterPath string
	AL2023           bool
	// Aliases are more public parameters whose value is the image id.
	Aliases []string
	// Version and OS are the ECS-optimized parameters' image_version and os
	// where the name does not tell them.
	Version, OS string
	// BottlerocketPath is a Bottlerocket variant's parameter path
	// (/aws/service/bottlerocket/<variant>/<arch>), with the image's version.
	BottlerocketPath string
}

// ECS-optimized image releases Longshore offers (one per OS and architecture).
const (
	al2Release    = "2.0.20241120"
	al2023Release = "2023.0.20241120"
	ecsAgent      = "1.88.0"
	ecsOwner      = "591542846629"
	amazonOwner   = "137112412989"
	al2Base       = "2.0.20241113.1"
	al2023Base    = "2023.6.20241111.0"
	bottlerocket  = "1.26.2-360b7a38"
	windowsOwner  = "801119661308"
	ecsLatest     = "/aws/service/ecs/optimized-ami/"
	alLatest      = "/aws/service/ami-amazon-linux-latest/"
)

// PublicImages are the images DescribeImages knows in every region.
var PublicImages = []PublicImage{
	{Name: "amzn2-ami-ecs-hvm-" + al2Release + "-x86_64-ebs", Description: "Amazon Linux AMI 2.0.20241120 x86_64 ECS HVM GP2",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended"},
	{Name: "amzn2-ami-ecs-hvm-" + al2Release + "-arm64-ebs", Description: "Amazon Linux AMI 2.0.20241120 arm64 ECS HVM GP2",
		Arch: types.ArchitectureValuesArm64, Owner: ecsOwner, ECSParameterPath: "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended"},
	{Name: "al2023-ami-ecs-hvm-" + al2023Release + "-kernel-6.1-x86_64", Description: "Amazon Linux AMI 2023.0.20241120 x86_64 ECS HVM EBS",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended", AL2023: true},
	{Name: "al2023-ami-ecs-hvm-" + al2023Release + "-kernel-6.1-arm64", Description: "Amazon Linux AMI 2023.0.20241120 arm64 ECS HVM EBS",
		Arch: types.ArchitectureValuesArm64, Owner: ecsOwner, ECSParameterPath: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended", AL2023: true},
	{Name: "al2023-ami-" + al2023Release + "-kernel-6.1-x86_64", Description: "Amazon Linux 2023 AMI 2023.0.20241120 x86_64 HVM kernel-6.1",
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, SSMParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", AL2023: true},
	{Name: "al2023-ami-" + al2023Release + "-kernel-6.1-arm64", Description: "Amazon Linux 2023 AMI 2023.0.20241120 arm64 HVM kernel-6.1",
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, SSMParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", AL2023: true},
	// Amazon Linux 2 and 2023 base images, as the ami-amazon-linux-latest parameters name them.
	{Name: "amzn2-ami-hvm-" + al2Base + "-x86_64-gp2", Description: "Amazon Linux 2 AMI " + al2Base + " x86_64 HVM gp2",
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, SSMParameter: alLatest + "amzn2-ami-hvm-x86_64-gp2"},
	{Name: "amzn2-ami-hvm-" + al2Base + "-arm64-gp2", Description: "Amazon Linux 2 AMI " + al2Base + " arm64 HVM gp2",
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, SSMParameter: alLatest + "amzn2-ami-hvm-arm64-gp2"},
	{Name: "amzn2-ami-hvm-" + al2Base + "-x86_64-ebs", Description: "Amazon Linux 2 AMI " + al2Base + " x86_64 HVM ebs",
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, SSMParameter: alLatest + "amzn2-ami-hvm-x86_64-ebs"},
	{Name: "amzn2-ami-kernel-5.10-hvm-" + al2Base + "-x86_64-gp2", Description: "Amazon Linux 2 Kernel 5.10 AMI " + al2Base + " x86_64 HVM gp2",
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, SSMParameter: alLatest + "amzn2-ami-kernel-5.10-hvm-x86_64-gp2"},
	{Name: "amzn2-ami-kernel-5.10-hvm-" + al2Base + "-arm64-gp2", Description: "Amazon Linux 2 Kernel 5.10 AMI " + al2Base + " arm64 HVM gp2",
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, SSMParameter: alLatest + "amzn2-ami-kernel-5.10-hvm-arm64-gp2"},
	{Name: "al2023-ami-" + al2023Base + "-kernel-6.1-x86_64", Description: "Amazon Linux 2023 AMI " + al2023Base + " x86_64 HVM kernel-6.1",
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, SSMParameter: alLatest + "al2023-ami-kernel-6.1-x86_64", AL2023: true},
	{Name: "al2023-ami-" + al2023Base + "-kernel-6.1-arm64", Description: "Amazon Linux 2023 AMI " + al2023Base + " arm64 HVM kernel-6.1",
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, SSMParameter: alLatest + "al2023-ami-kernel-6.1-arm64", AL2023: true},
	{Name: "al2023-ami-minimal-" + al2023Base + "-kernel-6.1-x86_64", Description: "Amazon Linux 2023 AMI " + al2023Base + " x86_64 Minimal HVM kernel-6.1",
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, SSMParameter: alLatest + "al2023-ami-minimal-kernel-default-x86_64",
		Aliases: []string{alLatest + "al2023-ami-minimal-kernel-6.1-x86_64"}, AL2023: true},
	{Name: "al2023-ami-minimal-" + al2023Base + "-kernel-6.1-arm64", Description: "Amazon Linux 2023 AMI " + al2023Base + " arm64 Minimal HVM kernel-6.1",
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, SSMParameter: alLatest + "al2023-ami-minimal-kernel-default-arm64",
		Aliases: []string{alLatest + "al2023-ami-minimal-kernel-6.1-arm64"}, AL2023: true},
	// The other ECS-optimized families.
	{Name: "amzn2-ami-ecs-gpu-hvm-" + al2Release + "-x86_64-ebs", Description: "Amazon Linux AMI " + al2Release + " x86_64 ECS HVM GP2 GPU",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: ecsLatest + "amazon-linux-2/gpu/recommended", Version: al2Release},
	{Name: "amzn2-ami-ecs-inf-hvm-" + al2Release + "-x86_64-ebs", Description: "Amazon Linux AMI " + al2Release + " x86_64 ECS HVM GP2 Inferentia",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: ecsLatest + "amazon-linux-2/inf/recommended", Version: al2Release},
	{Name: "amzn2-ami-ecs-kernel-5.10-hvm-" + al2Release + "-x86_64-ebs", Description: "Amazon Linux AMI " + al2Release + " x86_64 ECS HVM GP2 Kernel 5.10",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: ecsLatest + "amazon-linux-2/kernel-5.10/recommended", Version: al2Release},
	{Name: "amzn2-ami-ecs-kernel-5.10-hvm-" + al2Release + "-arm64-ebs", Description: "Amazon Linux AMI " + al2Release + " arm64 ECS HVM GP2 Kernel 5.10",
		Arch: types.ArchitectureValuesArm64, Owner: ecsOwner, ECSParameterPath: ecsLatest + "amazon-linux-2/kernel-5.10/arm64/recommended", Version: al2Release},
	{Name: "al2023-ami-ecs-gpu-hvm-" + al2023Release + "-kernel-6.1-x86_64", Description: "Amazon Linux AMI " + al2023Release + " x86_64 ECS HVM EBS GPU",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: ecsLatest + "amazon-linux-2023/gpu/recommended", AL2023: true, Version: al2023Release},
	{Name: "al2023-ami-ecs-neuron-hvm-" + al2023Release + "-kernel-6.1-x86_64", Description: "Amazon Linux AMI " + al2023Release + " x86_64 ECS HVM EBS Neuron",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: ecsLatest + "amazon-linux-2023/neuron/recommended", AL2023: true, Version: al2023Release},
	{Name: "amzn-ami-2018.03.20241120-amazon-ecs-optimized", Description: "Amazon Linux AMI 2018.03.20241120 x86_64 ECS HVM GP2",
		Arch: types.ArchitectureValuesX8664, Owner: ecsOwner, ECSParameterPath: ecsLatest + "amazon-linux/recommended", Version: "2018.03.20241120", OS: "Amazon Linux"},
	{Name: "Windows_Server-2022-English-Full-ECS_Optimized-2024.11.13", Description: "Microsoft Windows Server 2022 Full optimized for ECS",
		Arch: types.ArchitectureValuesX8664, Owner: windowsOwner, ECSParameterPath: "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-ECS_Optimized",
		Version: "2024.11.13", OS: "Windows Server 2022 English Full"},
	{Name: "Windows_Server-2019-English-Full-ECS_Optimized-2024.11.13", Description: "Microsoft Windows Server 2019 Full optimized for ECS",
		Arch: types.ArchitectureValuesX8664, Owner: windowsOwner, ECSParameterPath: "/aws/service/ami-windows-latest/Windows_Server-2019-English-Full-ECS_Optimized",
		Version: "2024.11.13", OS: "Windows Server 2019 English Full"},
	// Bottlerocket's ECS variants.
	{Name: "bottlerocket-aws-ecs-2-x86_64-v" + bottlerocket, Description: "bottlerocket-aws-ecs-2-x86_64-v" + bottlerocket,
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, BottlerocketPath: "/aws/service/bottlerocket/aws-ecs-2/x86_64", Version: bottlerocket},
	{Name: "bottlerocket-aws-ecs-2-aarch64-v" + bottlerocket, Description: "bottlerocket-aws-ecs-2-aarch64-v" + bottlerocket,
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, BottlerocketPath: "/aws/service/bottlerocket/aws-ecs-2/arm64", Version: bottlerocket},
	{Name: "bottlerocket-aws-ecs-2-nvidia-x86_64-v" + bottlerocket, Description: "bottlerocket-aws-ecs-2-nvidia-x86_64-v" + bottlerocket,
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, BottlerocketPath: "/aws/service/bottlerocket/aws-ecs-2-nvidia/x86_64", Version: bottlerocket},
	{Name: "bottlerocket-aws-ecs-2-nvidia-aarch64-v" + bottlerocket, Description: "bottlerocket-aws-ecs-2-nvidia-aarch64-v" + bottlerocket,
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, BottlerocketPath: "/aws/service/bottlerocket/aws-ecs-2-nvidia/arm64", Version: bottlerocket},
	{Name: "bottlerocket-aws-ecs-1-x86_64-v" + bottlerocket, Description: "bottlerocket-aws-ecs-1-x86_64-v" + bottlerocket,
		Arch: types.ArchitectureValuesX8664, Owner: amazonOwner, BottlerocketPath: "/aws/service/bottlerocket/aws-ecs-1/x86_64", Version: bottlerocket},
	{Name: "bottlerocket-aws-ecs-1-aarch64-v" + bottlerocket, Description: "bottlerocket-aws-ecs-1-aarch64-v" + bottlerocket,
		Arch: types.ArchitectureValuesArm64, Owner: amazonOwner, BottlerocketPath: "/aws/service/bottlerocket/aws-ecs-1/arm64", Version: bottlerocket},
}

// ImageID is the id of a public image in region: stable, so that SSM and
// DescribeImages agree across restarts.
func ImageID(region, name string) string {
	h := sha256.Sum256([]byte(region + "/" + name))
	return "ami-0" + hex.EncodeToString(h[:])[:16]
}

// ECSAgentVersion is the agent version the ECS-optimized images carry.
func ECSAgentVersion() string { return ecsAgent }

// ImageSSMName is the value of an image's …/recommended image_name parameter.
func (p PublicImage) ImageSSMName() string { return p.Name }

func imageDoc(region string, p PublicImage) *types.Image {
	id := ImageID(region, p.Name)
	img := &types.Image{ImageId: aws.String(id), Name: aws.String(p.Name), Description: aws.String(p.Description),
		Architecture: p.Arch, CreationDate: aws.String("2024-11-20T00:00:00.000Z"), ImageLocation: aws.String("amazon/" + p.Name),
		ImageType: types.ImageTypeValuesMachine, Public: aws.Bool(true), OwnerId: aws.String(p.Owner), ImageOwnerAlias: aws.String("amazon"),
		State: types.ImageStateAvailable, RootDeviceName: aws.String("/dev/xvda"), RootDeviceType: types.DeviceTypeEbs,
		VirtualizationType: types.VirtualizationTypeHvm, Hypervisor: types.HypervisorTypeXen, EnaSupport: aws.Bool(true),
		SriovNetSupport: aws.String("simple"), PlatformDetails: aws.String("Linux/UNIX"), UsageOperation: aws.String("RunInstances"),
		DeprecationTime: aws.String("2026-11-20T00:00:00.000Z"), Tags: []types.Tag{},
		BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{
			DeleteOnTermination: aws.Bool(true), SnapshotId: aws.String("snap-0" + id[5:]), VolumeSize: aws.Int32(30),
			VolumeType: types.VolumeTypeGp2, Encrypted: aws.Bool(false)}}},
	}
	if p.Owner == windowsOwner {
		img.Platform = types.PlatformValuesWindows
		img.PlatformDetails = aws.String("Windows")
		img.UsageOperation = aws.String("RunInstances:0002")
		img.RootDeviceName = aws.String("/dev/sda1")
		img.BlockDeviceMappings[0].DeviceName = aws.String("/dev/sda1")
		img.BlockDeviceMappings[0].Ebs.VolumeSize = aws.Int32(50)
	}
	if p.AL2023 {
		img.BootMode = types.BootModeValuesUefiPreferred
		img.ImdsSupport = types.ImdsSupportValuesV20
		img.BlockDeviceMappings[0].Ebs.VolumeType = types.VolumeTypeGp3
	}
	return img
}

// findImage returns a public image of region by id, or nil.
func findImage(region, id string) (*PublicImage, *types.Image) {
	for i := range PublicImages {
		if ImageID(region, PublicImages[i].Name) == id {
			return &PublicImages[i], imageDoc(region, PublicImages[i])
		}
	}
	return nil, nil
}

var amiRE = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)

func registerImages(s *api.Service) {
	handle(s, "DescribeImages", describeImages)
	registerInstanceTypes(s)
}

func describeImages(c *api.Context, in *sdk.DescribeImagesInput) (*sdk.DescribeImagesOutput, error) {
	for _, id := range in.ImageIds {
		if !amiRE.MatchString(id) {
			return nil, apiErr("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", id)
		}
	}
	var docs []*types.Image
	for _, p := range PublicImages {
		img := imageDoc(c.Region, p)
		if len(in.Owners) > 0 && !inList(in.Owners, p.Owner) && !inList(in.Owners, "amazon") {
			continue
		}
		docs = append(docs, img)
	}
	l := listing[types.Image]{op: "DescribeImages",
		id:   func(i *types.Image) string { return aws.ToString(i.ImageId) },
		tags: func(i *types.Image) []types.Tag { return i.Tags },
		fields: func(i *types.Image) fields {
			f := fields{}
			f.addPtr("image-id", i.ImageId)
			f.addPtr("name", i.Name)
			f.addPtr("description", i.Description)
			f.add("architecture", string(i.Architecture))
			f.addPtr("owner-id", i.OwnerId)
			f.addPtr("owner-alias", i.ImageOwnerAlias)
			f.add("state", string(i.State))
			f.addBool("is-public", i.Public)
			f.add("image-type", string(i.ImageType))
			f.add("virtualization-type", string(i.VirtualizationType))
			f.add("root-device-type", string(i.RootDeviceType))
			f.addPtr("root-device-name", i.RootDeviceName)
			f.addPtr("platform-details", i.PlatformDetails)
			f.add("hypervisor", string(i.Hypervisor))
			f.add("platform", string(i.Platform))
			f.addBool("ena-support", i.EnaSupport)
			f.addPtr("creation-date", i.CreationDate)
			return f
		},
		filters: []string{"image-id", "name", "description", "architecture", "owner-id", "owner-alias", "state", "is-public",
			"image-type", "virtualization-type", "root-device-type", "root-device-name", "platform-details", "hypervisor", "platform",
			"ena-support", "creation-date"},
		notFound: func(id string) error { return notFoundAs("ami", id) },
	}
	out, next, err := l.run(c, docs, in.ImageIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeImagesOutput{Images: values(out), NextToken: next}, nil
}
