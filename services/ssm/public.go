package ssm

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/longshore/longshore/services/ec2"
)

// publicDate is when the public parameters were last updated.
var publicDate = time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)

// publicParameters are the AWS-owned parameters of a region: the images
// that EC2's DescribeImages returns, and the AWS for Fluent Bit images.
func publicParameters(region string) map[string]string {
	out := map[string]string{}
	for _, p := range ec2.PublicImages {
		id := ec2.ImageID(region, p.Name)
		if p.SSMParameter != "" {
			out[p.SSMParameter] = id
		}
		for _, a := range p.Aliases {
			out[a] = id
		}
		if p.BottlerocketPath != "" {
			for _, v := range []string{"latest", p.Version} {
				out[p.BottlerocketPath+"/"+v+"/image_id"] = id
				out[p.BottlerocketPath+"/"+v+"/image_version"] = p.Version
			}
		}
		if p.ECSParameterPath == "" {
			continue
		}
		osName, runtime, source := "Amazon Linux 2", "Docker version 25.0.6", "amzn2-ami-minimal-hvm-2.0.20241113.1-"+string(p.Arch)+"-ebs"
		version := p.Version
		if version == "" {
			version = strings.Split(p.Name, "-")[4]
		}
		if p.AL2023 {
			osName, source = "Amazon Linux 2023", "al2023-ami-minimal-2023.6.20241111.0-kernel-6.1-"+string(p.Arch)
		}
		if p.OS != "" {
			osName, source = p.OS, ""
		}
		fields := map[string]string{"image_id": id, "image_name": p.Name, "ecs_agent_version": ec2.ECSAgentVersion(), "os": osName,
			"schema_version": "1", "image_version": version, "ecs_runtime_version": runtime}
		if source != "" {
			fields["source_image_name"] = source
		}
		doc := map[string]any{}
		for k, v := range fields {
			out[p.ECSParameterPath+"/"+k] = v
			doc[k] = v
		}
		doc["schema_version"] = 1
		b, _ := json.Marshal(doc)
		out[p.ECSParameterPath] = string(b)
	}
	// AWS for Fluent Bit: each parameter names the image in the region's
	// registry (https://github.com/aws/aws-for-fluent-bit, "Using the SSM
	// parameters"); init- tags are the init-process variant.
	repo := "906394416424.dkr.ecr." + region + ".amazonaws.com/aws-for-fluent-bit:"
	for _, tag := range []string{"latest", "stable", fluentBitVersion, "init-latest", "init-" + fluentBitVersion} {
		out["/aws/service/aws-for-fluent-bit/"+tag] = repo + tag
	}
	return out
}

// fluentBitVersion is the AWS for Fluent Bit release the parameters name.
const fluentBitVersion = "2.32.4"

// publicVersion is a public parameter as a stored version.
func publicVersion(region, name string) *version {
	v, ok := publicParameters(region)[name]
	if !ok {
		return nil
	}
	return &version{Name: name, Type: "String", Value: v, Version: 1, DataType: "text", Tier: "Standard", LastModifiedDate: publicDate}
}

// publicNames lists the public parameter names of a region in order.
func publicNames(region string) []string {
	m := publicParameters(region)
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func isPublic(name string) bool { return strings.HasPrefix(name, "/aws/") }
